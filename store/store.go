package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// ErrLocked means another process already uses the data directory.
var ErrLocked = errors.New("数据目录正被另一个 sitepro 进程使用；请先停止它，或用 SITEPRO_DATA 指定另一个目录")

// Store is the embedded database with sitepro's use cases as methods.
type Store struct {
	db     *badger.DB
	log    *slog.Logger
	space  *spaceGuard
	syncer *groupSyncer // makes commits durable, many at a time (commit.go)
	logs   *logSyncer   // what syncer runs; Close closes its descriptor
	Events *Broker
	// photoIndexed says the per-agency photo queue index covers every pending photo; it is
	// set once by migrate before the store is handed out.
	photoIndexed bool
	// users remembers decoded users for User, read on every signed-in request (memo.go).
	users jsonMemo[userRec]
	apps  jsonMemo[appRec]  // for ApplicationOf and ApplicationsOf (appReads)
	certs jsonMemo[certRec] // a holder's certificates (holderCertificates)
}

// Options are the choices a deployment makes when it opens the store. The zero value is
// what most callers want.
type Options struct {
	// Sizes are the memtable and value-log sizes (tests use small ones); the free-space
	// reserve follows them.
	Sizes Sizes
	// EncryptionKey, when set (16, 24 or 32 bytes: AES-128/192/256), turns on Badger's
	// encryption at rest: the key encrypts the data keys in Badger's key registry, which in
	// turn encrypt every table and value-log file. A store created with a key opens only
	// with that key (RotateKey changes it).
	EncryptionKey []byte
}

// Open opens (or creates) the database in dir with the small-VM options of DESIGN.md §6.
// Every write use case returns only once its commit is on disk (group commit, commit.go),
// so that every acknowledged write survives a crash.
func Open(dir string, log *slog.Logger) (*Store, error) { return OpenWith(dir, log, Options{}) }

// OpenSized is Open with other memtable and value-log sizes (tests use small ones); the
// free-space reserve follows them.
func OpenSized(dir string, log *slog.Logger, sz Sizes) (*Store, error) {
	return OpenWith(dir, log, Options{Sizes: sz})
}

// OpenWith is Open with a deployment's options. It brings data written by an earlier
// version up to date (migrate.go) before the store serves anything.
func OpenWith(dir string, log *slog.Logger, o Options) (*Store, error) {
	s, err := openDB(dir, log, o)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// openDB opens the database without migrating it: Restore loads a backup into it first.
func openDB(dir string, log *slog.Logger, o Options) (*Store, error) {
	if log == nil {
		log = slog.Default()
	}
	sz := o.Sizes.withDefaults()
	db, err := badger.Open(badgerOptions(dir, log, sz, o.EncryptionKey))
	if err != nil {
		return nil, openError(err)
	}
	space, err := newSpaceGuard(dir, sz, log, statfsFree)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	logs := newLogSyncer(db, dir)
	return &Store{db: db, log: log, space: space, syncer: newGroupSyncer(logs.sync), logs: logs, Events: NewBroker()}, nil
}

// badgerOptions are the small-VM options of DESIGN.md §6 with the given sizes and key.
// Encryption needs an index cache, which these options always have. Badger does not sync
// per write: the store syncs after each commit, many commits at a time (commit.go).
func badgerOptions(dir string, log *slog.Logger, sz Sizes, key []byte) badger.Options {
	return badger.DefaultOptions(dir).
		WithSyncWrites(false).
		WithMetricsEnabled(true). // the value-log counter tells a sync whether the value log needs one (commit.go)
		WithMemTableSize(sz.MemTableSize).
		WithNumMemtables(numMemtables).
		WithBlockCacheSize(8 << 20).
		WithIndexCacheSize(4 << 20).
		WithValueLogFileSize(sz.ValueLogFileSize).
		WithValueThreshold(sz.valueThreshold()).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(numLevelZeroTablesStall).
		WithNumCompactors(2).
		WithEncryptionKey(key).
		WithLogger(badgerLogger{log})
}

// openError turns the open failures an operator can fix into clear messages.
func openError(err error) error {
	switch {
	case strings.Contains(err.Error(), "Another process is using this Badger database"):
		return ErrLocked
	case errors.Is(err, badger.ErrEncryptionKeyMismatch):
		return fmt.Errorf("open store: 数据目录的加密密钥不对（SITEPRO_KEY_FILE 未设置、设置错了，或这个目录本来没有加密）: %w", err)
	}
	return fmt.Errorf("open store: %w", err)
}

// Close flushes and closes the database; it must be the last thing to stop.
func (s *Store) Close() error {
	err := s.db.Close()
	s.syncer.idle(s.logs.close) // a sync from now on finds the store closed
	return err
}

// Ping reports whether the store is open and readable (for /healthz).
func (s *Store) Ping() error {
	if s.db.IsClosed() {
		return errors.New("store closed")
	}
	return s.db.View(func(*badger.Txn) error { return nil })
}

// RunGC reclaims value-log space every interval until ctx ends. It pauses while storage
// is low: GC first rewrites live entries, which needs the space the guard keeps back.
func (s *Store) RunGC(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for !s.Space().Low && s.db.RunValueLogGC(0.5) == nil {
				// GC moved live values into the newest value log and deleted the old
				// file; without SyncWrites the moved copies are on disk only after a
				// sync (commit.go). Values go to the value log only from 1 MiB in
				// production, which normalised images stay below.
				if err := s.durable(); err != nil {
					s.log.Error("sync after value-log GC", "err", err)
					return
				}
			}
		}
	}
}

// update runs fn in a read-write transaction and commits it, retrying when a concurrent
// transaction conflicts, so use cases behave as if serialised. Every write goes through
// here, so this is where the free-space guard refuses writes (SECURITY.md 21), and where
// a commit waits until it is on disk before the use case may answer (commit.go).
func (s *Store) update(fn func(txn *badger.Txn) error) error {
	if !s.space.allow() {
		return s.readOnly(fn)
	}
	var err error
	for attempt := range 60 {
		err = s.db.Update(fn)
		if err == nil {
			return s.durable()
		}
		if !errors.Is(err, badger.ErrConflict) {
			return err
		}
		// Jittered back-off, so transactions that collided do not collide again.
		time.Sleep(time.Duration(mrand.IntN(min(attempt, 10)+1)) * time.Millisecond)
	}
	return domain.Err(domain.CodeConflict, "系统繁忙，请稍后再试")
}

func (s *Store) view(fn func(txn *badger.Txn) error) error { return s.db.View(fn) }

// readOnly runs a use case in a read-only transaction while storage is low: one that only
// reads (an owner opening their own photo) still works, and one that writes fails at its
// first Set or Delete with ErrNoSpace, having written nothing.
func (s *Store) readOnly(fn func(txn *badger.Txn) error) error {
	err := s.db.View(fn)
	if errors.Is(err, badger.ErrReadOnlyTxn) {
		return ErrNoSpace
	}
	return err
}

func putJSON(txn *badger.Txn, k []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return txn.Set(k, b)
}

// getJSON decodes the value at k into v inside the item callback; it returns
// domain CodeNotFound when the key is absent.
func getJSON(txn *badger.Txn, k []byte, v any) error {
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return item.Value(func(b []byte) error { return json.Unmarshal(b, v) })
}

func getString(txn *badger.Txn, k []byte) (string, error) {
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", errNotFound
	}
	if err != nil {
		return "", err
	}
	b, err := item.ValueCopy(nil)
	return string(b), err
}

func exists(txn *badger.Txn, k []byte) (bool, error) {
	_, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

var errNotFound = domain.Err(domain.CodeNotFound, "没有找到相应的记录")

// newID returns a 128-bit random identifier, hex encoded, safe to put in URLs.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b[:])
}

// newTimeID returns an identifier that sorts by creation time.
func newTimeID(t time.Time) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString([]byte(timeKey(t))) + hex.EncodeToString(b[:])
}

type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.l.Error("badger", "msg", fmt.Sprintf(f, a...)) }
func (b badgerLogger) Warningf(f string, a ...any) { b.l.Warn("badger", "msg", fmt.Sprintf(f, a...)) }
func (b badgerLogger) Infof(f string, a ...any)    { b.l.Debug("badger", "msg", fmt.Sprintf(f, a...)) }
func (b badgerLogger) Debugf(f string, a ...any)   {}
