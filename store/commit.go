package store

import (
	"errors"
	"expvar"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Group commit (issue 15). Badger opened with SyncWrites syncs its write-ahead log once
// per transaction, so a step save pays a whole disk flush of its own and concurrent saves
// queue for the disk one by one. The store opens Badger without SyncWrites instead and
// makes every write use case wait, after its commit, for a sync of the logs that STARTED
// after that commit completed (groupSyncer.wait): a use case is acknowledged only once
// what it wrote is on disk, exactly as before, but the saves that commit while one sync
// runs are made durable together by the next, so throughput grows with concurrency
// towards the disk's flush rate instead of staying at one commit per flush.
//
// Every path that commits must wait: s.update (every use case and migration step) does
// it through s.durable; the statistics rebuild's write batch and each value-log GC round
// wait after they wrote; Restore ends with Close, which writes everything to synced
// tables.

// groupSyncer coalesces syncs. The first waiter that finds no sync running runs one for
// everybody who waits; those who arrive meanwhile wait for the next, because the running
// one may have started before their commit. A failed sync is final: after a failed fsync
// the kernel may have dropped the dirty pages, so a later "successful" sync proves
// nothing, and every write from then on is refused until the process restarts.
type groupSyncer struct {
	sync func() error

	mu      sync.Mutex
	cond    *sync.Cond
	started uint64 // syncs started so far
	done    uint64 // syncs finished so far (they run one at a time)
	running bool
	err     error  // the first sync failure, sticky
	waits   uint64 // commits that waited (for SyncStats)
}

func newGroupSyncer(fn func() error) *groupSyncer {
	g := &groupSyncer{sync: fn}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// wait returns once a sync that started after the call has finished, or with the error
// of a failed one.
func (g *groupSyncer) wait() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.waits++
	target := g.started + 1 // a sync running now may have started before our commit
	for g.done < target && g.err == nil {
		if g.running {
			g.cond.Wait()
			continue
		}
		g.running = true
		g.started++
		g.mu.Unlock()
		err := g.run()
		g.mu.Lock()
		g.running = false
		g.done++
		if err != nil && g.err == nil {
			g.err = err
		}
		g.cond.Broadcast()
	}
	return g.err
}

// idle runs fn while no sync runs.
func (g *groupSyncer) idle(fn func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.running {
		g.cond.Wait()
	}
	fn()
}

// run runs one sync; a panic (Badger closed under it) is a failed sync, not a syncer
// stuck in running.
func (g *groupSyncer) run() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sync: %v", r)
		}
	}()
	return g.sync()
}

// logSyncer makes Badger's logs durable. A commit is in the active memtable's
// write-ahead log (the newest *.mem file) and, for a value of ValueThreshold or more, in
// the newest value log (*.vlog). A sync fsyncs that write-ahead log, and the value log
// only when some value went to a value log since the last sync (Badger's write_bytes_vlog
// counter moved): in production values stay below the 1 MiB threshold, and an fsync of a
// file with nothing to write still costs the disk a cache flush, which would halve the
// rate of syncs. A log rotated out since the last sync (a full memtable waiting to be
// flushed, a full value log) is fsynced once; without SyncWrites Badger never syncs it.
// The directory is fsynced when a log file appeared, so its name survives a power cut.
type logSyncer struct {
	db  *badger.DB
	dir string
	wal string // the newest write-ahead log, as of the last listing
	// sealed are the rotated log files already synced; Badger never writes them again.
	sealed map[string]bool
	named  map[string]bool // log files whose directory entry is synced
	// listed is the directory's modification time when it was last listed, kept only when
	// that time was already older than settle: a file created or deleted later gives the
	// directory a newer time, so an unchanged one means no log rotated and the listing
	// can be skipped. (A change within the same tick of the file system's coarse clock
	// could leave the time as it was, hence settle.)
	listed    time.Time
	vlogBytes int64    // the value-log counter when the value log was last synced
	walOnly   int      // syncs that did not need the value log (for tests)
	walFile   *os.File // l.wal, kept open (syncWAL)
}

// settle is comfortably more than the file system clock's tick (a jiffy, ≤ 10 ms).
const settle = 100 * time.Millisecond

func newLogSyncer(db *badger.DB, dir string) *logSyncer {
	return &logSyncer{db: db, dir: dir, sealed: map[string]bool{}, named: map[string]bool{}, vlogBytes: -1}
}

// vlogWritten is Badger's count of bytes written to value logs by this process (every
// Badger in it: a write elsewhere only costs an unneeded sync). Badger adds to it before
// the commit that wrote them returns. -1 when the metric is missing: then every sync
// syncs the value log too.
func vlogWritten() int64 {
	if v, ok := expvar.Get("badger_write_bytes_vlog").(*expvar.Int); ok {
		return v.Value()
	}
	return -1
}

// sync runs under the groupSyncer, one at a time, after the commits it covers returned.
func (l *logSyncer) sync() error {
	if l.db.IsClosed() {
		// Close flushes what was committed, but it may still be doing so: say nothing
		// is known to be durable rather than too much.
		return errors.New("store closed")
	}
	vlog := vlogWritten() // first: a value written after this is left to the next sync
	if err := l.syncRotated(); err != nil {
		return err
	}
	if vlog < 0 || vlog != l.vlogBytes || l.wal == "" {
		if err := l.db.Sync(); err != nil { // the active write-ahead log and value log
			return err
		}
		l.vlogBytes = vlog
		return nil
	}
	l.walOnly++
	return l.syncWAL()
}

// syncWAL fsyncs the newest write-ahead log through a descriptor kept open while it stays
// the newest: a sync is one syscall instead of open, fstat, fsync and close, which on
// this VM cost a step save's sync several microseconds more (issue 15's trace).
func (l *logSyncer) syncWAL() error {
	if l.walFile == nil || l.walFile.Name() != l.wal {
		l.close()
		f, err := os.Open(l.wal)
		if os.IsNotExist(err) {
			return nil // flushed to a synced table and deleted meanwhile
		}
		if err != nil {
			return err
		}
		l.walFile = f
	}
	return l.walFile.Sync()
}

// close closes the write-ahead log's descriptor (Store.Close, once no sync runs).
func (l *logSyncer) close() {
	if l.walFile != nil {
		l.walFile.Close()
		l.walFile = nil
	}
}

// syncRotated lists the directory when it changed: it notes the newest write-ahead log
// and fsyncs every log that is no longer the newest of its kind, once.
func (l *logSyncer) syncRotated() error {
	fi, err := os.Stat(l.dir)
	if err != nil {
		return err
	}
	mtime := fi.ModTime()
	if !l.listed.IsZero() && mtime.Equal(l.listed) {
		return nil // nothing created or deleted since the last listing
	}
	settled := time.Since(mtime) > settle
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		return err
	}
	newest := map[string]string{} // extension → newest file name (names sort by file id)
	var logs []string
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if ext != ".mem" && ext != ".vlog" {
			continue
		}
		logs = append(logs, e.Name())
		if n := newest[ext]; len(e.Name()) > len(n) || len(e.Name()) == len(n) && e.Name() > n {
			newest[ext] = e.Name()
		}
	}
	l.wal = ""
	if n := newest[".mem"]; n != "" {
		l.wal = filepath.Join(l.dir, n)
	}
	newName := false
	for _, name := range logs {
		path := filepath.Join(l.dir, name)
		if !l.named[path] {
			l.named[path], newName = true, true
		}
		if l.sealed[path] || newest[filepath.Ext(name)] == name {
			continue
		}
		if err := fsyncFile(path); err != nil {
			return err
		}
		l.sealed[path] = true
	}
	if newName {
		if err := fsyncFile(l.dir); err != nil {
			return err
		}
	}
	// Forget files Badger deleted (flushed memtables, collected value logs).
	for path := range l.named {
		if !slices.Contains(logs, filepath.Base(path)) {
			delete(l.named, path)
			delete(l.sealed, path)
		}
	}
	l.listed = time.Time{}
	if settled {
		l.listed = mtime
	}
	return nil
}

// fsyncFile fsyncs a file or directory by path; one deleted meanwhile needs nothing (a
// flushed memtable's log is deleted only once its table is synced).
func fsyncFile(path string) error {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// durable returns once everything committed before the call is on disk.
func (s *Store) durable() error { return s.syncer.wait() }

// SyncStats says how many commits waited to be durable and how many log syncs made them
// so since the store opened: commits per sync is the grouping concurrency achieves.
func (s *Store) SyncStats() (commits, syncs uint64) {
	g := s.syncer
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waits, g.started
}
