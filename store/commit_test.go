package store

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// TestGroupSyncConcurrentWaitersReleasedOnlyByALaterSync drives the group syncer with a
// fake sync that notes how many commits had completed when it started: every waiter must
// be released only after a sync that started after its own commit has finished, and 64
// concurrent committers must share syncs (far fewer syncs than commits).
func TestGroupSyncConcurrentWaitersReleasedOnlyByALaterSync(t *testing.T) {
	var committed, durable atomic.Int64 // commits completed; commits covered by finished syncs
	var syncs atomic.Int64
	g := newGroupSyncer(func() error {
		covered := committed.Load()
		syncs.Add(1)
		time.Sleep(time.Millisecond) // the disk
		for {
			d := durable.Load()
			if covered <= d || durable.CompareAndSwap(d, covered) {
				return nil
			}
		}
	})
	const workers, each = 64, 20
	var wg sync.WaitGroup
	var early atomic.Int64
	for range workers {
		wg.Go(func() {
			for range each {
				mine := committed.Add(1) // the commit completed
				if err := g.wait(); err != nil {
					t.Error(err)
					return
				}
				if durable.Load() < mine {
					early.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if early.Load() != 0 {
		t.Fatalf("%d of %d waiters were released before a sync covering their commit", early.Load(), workers*each)
	}
	if n := syncs.Load(); n >= workers*each/4 {
		t.Fatalf("%d syncs for %d concurrent commits: they are not grouped", n, workers*each)
	} else {
		t.Logf("%d commits made durable by %d syncs", workers*each, n)
	}
}

// TestGroupSyncFailureIsFinal: after a failed sync nothing is acknowledged any more, not
// even after a sync that would succeed (the kernel may have dropped the failed pages).
func TestGroupSyncFailureIsFinal(t *testing.T) {
	fail := errors.New("EIO")
	var calls atomic.Int64
	g := newGroupSyncer(func() error {
		if calls.Add(1) == 2 {
			return fail
		}
		return nil
	})
	if err := g.wait(); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	for i := range 3 {
		if err := g.wait(); !errors.Is(err, fail) {
			t.Fatalf("wait %d after the failure: %v, want the sync error", i, err)
		}
	}
}

// TestLogSyncerSyncsRotatedLogs writes through a store with small memtables and value
// logs until both have rotated, and checks that a sync leaves every log file that is no
// longer the newest of its kind synced (Badger without SyncWrites never syncs them).
func TestLogSyncerSyncsRotatedLogs(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSized(dir, nil, Sizes{MemTableSize: 256 << 10, ValueLogFileSize: 1 << 20, Margin: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	big := make([]byte, 8<<10) // above the test sizes' value threshold: goes to the value log
	small := make([]byte, 200)
	ls := newLogSyncer(s.db, dir)
	rotated := func() (mems, vlogs int) {
		es, _ := os.ReadDir(dir)
		for _, e := range es {
			switch filepath.Ext(e.Name()) {
			case ".mem":
				mems++
			case ".vlog":
				vlogs++
			}
		}
		return mems, vlogs
	}
	write := func(i int) {
		err := s.update(func(txn *badger.Txn) error {
			for j := range 8 {
				k := []byte{'t', 'e', 's', 't', byte(i >> 8), byte(i), byte(j)}
				v := small
				if j == 0 {
					v = big
				}
				if err := txn.Set(k, v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := ls.sync(); err != nil {
			t.Fatal(err)
		}
	}
	i := 0
	for m, v := rotated(); m < 2 || v < 2; m, v = rotated() {
		write(i)
		if i++; i > 20000 {
			t.Fatal("the logs never rotated")
		}
	}
	// Once the directory has settled, syncs skip listing it, until a log rotates again.
	// (Badger may still be flushing and compacting into the directory for a moment.)
	for try := 0; ; try++ {
		time.Sleep(settle + 50*time.Millisecond)
		if err := ls.sync(); err != nil {
			t.Fatal(err)
		}
		if !ls.listed.IsZero() {
			break
		}
		if try == 30 {
			t.Fatal("a settled directory is listed again at every sync")
		}
	}
	for m0, _ := rotated(); ; i++ {
		if m, _ := rotated(); m != m0 {
			break
		}
		write(i)
	}
	es, _ := os.ReadDir(dir)
	newest := map[string]string{}
	for _, e := range es {
		if ext := filepath.Ext(e.Name()); (ext == ".mem" || ext == ".vlog") && e.Name() > newest[ext] {
			newest[ext] = e.Name()
		}
	}
	for _, e := range es {
		ext := filepath.Ext(e.Name())
		if (ext == ".mem" || ext == ".vlog") && e.Name() != newest[ext] && !ls.sealed[filepath.Join(dir, e.Name())] {
			t.Errorf("rotated log %s was not synced", e.Name())
		}
	}
}

// TestLogSyncerSyncsTheValueLogOnlyAfterAValueWentThere: small values live in the
// write-ahead log only, so a sync after them fsyncs that log alone (an fsync of the clean
// value log would cost the disk a flush); a value big enough for the value log makes the
// next sync cover the value log too.
func TestLogSyncerSyncsTheValueLogOnlyAfterAValueWentThere(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSized(dir, nil, Sizes{MemTableSize: 256 << 10, ValueLogFileSize: 1 << 20, Margin: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ls := newLogSyncer(s.db, dir)
	put := func(k string, size int) {
		t.Helper()
		if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(k), make([]byte, size)) }); err != nil {
			t.Fatal(err)
		}
		if err := ls.sync(); err != nil {
			t.Fatal(err)
		}
	}
	put("first", 10) // the first sync syncs everything
	walOnly := ls.walOnly
	for i := range 5 {
		put("small"+strconv.Itoa(i), 100)
	}
	if ls.walOnly == walOnly {
		t.Fatal("syncs after small values fsynced the value log too")
	}
	walOnly = ls.walOnly
	put("big", int(s.db.Opts().ValueThreshold)+10)
	if ls.walOnly != walOnly {
		t.Fatal("the sync after a value-log value did not sync the value log")
	}
	if ls.wal == "" || filepath.Ext(ls.wal) != ".mem" {
		t.Fatalf("the write-ahead log synced is %q", ls.wal)
	}
}

// TestSyncAfterCloseFailsInsteadOfHanging: a use case that commits while the store closes
// gets an error, not a hang and not an acknowledgement.
func TestSyncAfterCloseFailsInsteadOfHanging(t *testing.T) {
	s, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.durable(); err == nil {
		t.Fatal("a sync after Close reported success")
	}
	g := newGroupSyncer(func() error { panic("closed under it") })
	done := make(chan error, 1)
	go func() { done <- g.wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a panicking sync reported success")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a panicking sync left its waiters hanging")
	}
	if err := g.wait(); err == nil {
		t.Fatal("the next wait after a failed sync succeeded")
	}
}
