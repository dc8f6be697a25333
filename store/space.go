package store

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"sitepro/domain"
)

// ErrNoSpace refuses a write while the data directory's filesystem is below the reserve
// (SECURITY.md 21). The one error handler shows it as a 503 page.
var ErrNoSpace = domain.Err(domain.CodeUnavailable,
	"存储空间不足，暂时无法保存。已保存的内容不受影响，请稍后再试；如果问题持续，请联系客服。")

// Sizes are the Badger file sizes the free-space reserve is computed from. Zero fields
// take the small-VM values of DESIGN.md §6; tests pass smaller ones so that a tmpfs of a
// few tens of MB is enough to run the store into its reserve.
type Sizes struct {
	MemTableSize     int64 // default 8 MiB
	ValueLogFileSize int64 // default 64 MiB (Badger accepts 1 MiB to 2 GiB)
	Margin           int64 // default 16 MiB; see reserveFor
}

// The small-VM option values of DESIGN.md §6 that the reserve depends on.
const (
	defaultMemTableSize     = 8 << 20
	defaultValueLogFileSize = 64 << 20
	defaultMargin           = 16 << 20
	numMemtables            = 2
	numLevelZeroTablesStall = 4
)

func (o Sizes) withDefaults() Sizes {
	if o.MemTableSize == 0 {
		o.MemTableSize = defaultMemTableSize
	}
	if o.ValueLogFileSize == 0 {
		o.ValueLogFileSize = defaultValueLogFileSize
	}
	if o.Margin == 0 {
		o.Margin = defaultMargin
	}
	return o
}

// valueThreshold is Badger's 1 MiB default unless the memtables are so small that Badger
// would refuse it (a value must fit in a batch of 15% of MemTableSize); then an eighth of
// a batch, so that the photos of a test-sized store (tens of KB) go to the value log too.
func (o Sizes) valueThreshold() int64 {
	batch := o.MemTableSize * 15 / 100
	if batch >= 1<<20 {
		return 1 << 20
	}
	return batch / 8
}

// reserveFor is the free space below which writes are refused. Badger memory-maps its
// files at their full size without allocating them (sparse), so the filesystem learns
// that a page is needed only when Badger touches it; if it cannot supply one the process
// gets SIGBUS. The reserve covers what Badger may still touch after the last write we
// admit:
//   - 2 × ValueLogFileSize: the active value-log file is mapped at twice its size and
//     filled past ValueLogFileSize by the last batch before it rotates;
//   - NumMemtables × 2 × MemTableSize: each memtable's write-ahead log is a map of twice
//     MemTableSize filled to about MemTableSize, and its flush writes a level-0 table of
//     about the same size before the log is deleted;
//   - NumLevelZeroTablesStall × MemTableSize: a level-0 compaction writes its output
//     before it deletes its input;
//   - Margin: the largest single request (BodyLimit 12 MiB), the 1 MiB discard-stats map,
//     manifest appends, and writes admitted concurrently with the last reading.
//
// With the defaults that is 128 + 32 + 32 + 16 = 208 MiB.
func reserveFor(o Sizes) uint64 {
	return uint64(2*o.ValueLogFileSize + numMemtables*2*o.MemTableSize +
		numLevelZeroTablesStall*o.MemTableSize + o.Margin)
}

// SpaceStatus is a reading of the free-space guard, for /healthz and the admin home.
type SpaceStatus struct {
	Low     bool   // writes are being refused
	Free    uint64 // bytes available to this process on the data directory's filesystem
	Reserve uint64 // writes are refused when Free falls below this
	Resume  uint64 // once refused, writes resume when Free reaches this
}

// Space re-reads the free space of the data directory and reports it.
func (s *Store) Space() SpaceStatus { return s.space.refresh() }

// WritesAllowed is whether a write may start now, decided as the write path decides it
// (allow): a fresh reading within twice the reserve, a recent one far above it. The
// handlers ask it before every non-GET request; a fresh statfs there cost each save a
// syscall (issue 15).
func (s *Store) WritesAllowed() bool { return s.space.allow() }

// How often the write path re-reads the free space while it is far above the reserve:
// after spaceEvery or spaceWrites writes, whichever comes first. Within twice the reserve
// every write re-reads it (a statfs costs about a microsecond; a synced commit costs a
// millisecond or more), so the last writes before the wall are each checked. spaceWrites
// writes of the largest request (12 MiB) fit in the band between the two.
const (
	spaceEvery  = time.Second
	spaceWrites = 16
)

// spaceGuard measures the free space of one directory and decides whether writes may
// start. Its fast path is a few atomic loads.
type spaceGuard struct {
	dir     string
	reserve uint64
	resume  uint64
	log     *slog.Logger
	statfs  func(dir string) (uint64, error)
	epoch   time.Time // monotonic origin of at

	free   atomic.Uint64
	low    atomic.Bool
	at     atomic.Int64 // time of the last reading, as nanoseconds since epoch
	writes atomic.Int64 // writes admitted since the last reading

	mu       sync.Mutex // serialises readings, so that each transition is logged once
	statFail bool       // the last reading failed (logged once per failure streak)
}

// newSpaceGuard takes a first reading with statfs (statfsFree outside tests).
func newSpaceGuard(dir string, o Sizes, log *slog.Logger, statfs func(string) (uint64, error)) (*spaceGuard, error) {
	r := reserveFor(o)
	// Resuming a little above the reserve keeps a filesystem that hovers at the reserve
	// (a compaction frees a table, the next writes take it) from flapping and logging.
	g := &spaceGuard{dir: dir, reserve: r, resume: r + r/16, log: log, statfs: statfs, epoch: time.Now()}
	free, err := g.statfs(dir)
	if err != nil {
		return nil, fmt.Errorf("measure free space of %s: %w", dir, err)
	}
	g.free.Store(free)
	g.apply(free)
	return g, nil
}

// allow reports whether a write may start, re-reading the free space when the last
// reading is old, many writes ago, or close to the reserve.
func (g *spaceGuard) allow() bool {
	if !g.low.Load() && g.free.Load() >= 2*g.reserve && g.writes.Add(1) <= spaceWrites &&
		time.Since(g.epoch).Nanoseconds()-g.at.Load() < int64(spaceEvery) {
		return true
	}
	return !g.refresh().Low
}

// refresh takes a new reading, logs a transition, and returns the status.
func (g *spaceGuard) refresh() SpaceStatus {
	g.mu.Lock()
	defer g.mu.Unlock()
	free, err := g.statfs(g.dir)
	switch {
	case err != nil && !g.statFail:
		// Keep the last reading: a failing statfs says nothing about the space.
		g.log.Warn("cannot measure free space of the data directory", "dir", g.dir, "err", err.Error())
		g.statFail = true
	case err == nil:
		g.statFail = false
		g.free.Store(free)
		g.apply(free)
	}
	g.writes.Store(0)
	g.at.Store(time.Since(g.epoch).Nanoseconds())
	return SpaceStatus{Low: g.low.Load(), Free: g.free.Load(), Reserve: g.reserve, Resume: g.resume}
}

// apply switches between accepting and refusing writes; the caller holds mu (or owns g).
func (g *spaceGuard) apply(free uint64) {
	switch low := g.low.Load(); {
	case !low && free < g.reserve:
		g.low.Store(true)
		g.log.Error("STORAGE LOW: refusing all writes until space returns (Badger would crash with SIGBUS on a full disk)",
			"dir", g.dir, "free_bytes", free, "reserve_bytes", g.reserve, "resume_bytes", g.resume)
	case low && free >= g.resume:
		g.low.Store(false)
		g.log.Info("storage space returned: accepting writes again",
			"dir", g.dir, "free_bytes", free, "reserve_bytes", g.reserve)
	}
}

// statfsFree returns the bytes an unprivileged process may still allocate on the
// filesystem that holds dir.
func statfsFree(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}
