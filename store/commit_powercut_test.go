package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// A power cut, unlike the kill -9 of e2e/crash_saves_test.go, loses what the page cache
// held but no fsync had made durable, so a crash test cannot tell a store that syncs
// before it acknowledges from one that never syncs. These tests model the cut instead:
// at the start of a sync the store's files are copied, and that copy is the least a cut
// right after that sync returned leaves on disk (fsync makes durable what was written
// before it started; anything later may be lost). Every write acknowledged before the
// cut must be in the copy, recovered by Badger from its real files, torn tail and all.
//
// What they prove is the protocol end to end through Badger: a write is acknowledged
// only after a sync that started after its commit. Which files a sync must flush (the
// write-ahead log, a rotated one, the value log, the directory) is TestLogSyncer*'s
// part.

// powerCut runs 8 writers that each write `each` records through write (which returns when
// the write is acknowledged) while the store's syncs are watched: every `every`-th sync
// first copies the store's directory (a possible post-cut disk). It returns how many
// acknowledged writes each copy lacks of those it must hold, and how many it checked.
func powerCut(t *testing.T, s *Store, dir string, each int, every int64, write func(k, v []byte) error, background bool) (missing, checked int) {
	t.Helper()
	const writers = 8
	snaps := t.TempDir()
	var started, completed atomic.Int64
	var mu sync.Mutex
	var taken []int64
	orig := s.syncer.sync
	s.syncer.sync = func() error {
		k := started.Add(1)
		if k%every == 0 {
			if err := copyStoreDir(dir, filepath.Join(snaps, fmt.Sprint(k))); err != nil {
				return err
			}
			mu.Lock()
			taken = append(taken, k)
			mu.Unlock()
		}
		err := orig()
		if err == nil {
			completed.Add(1)
		}
		return err
	}
	type ack struct {
		k, v []byte
		done int64 // syncs completed when the write was acknowledged
	}
	acks := make([][]ack, writers)
	stop := make(chan struct{})
	var bg sync.WaitGroup
	if background { // something else keeps syncing, as other users' saves would
		bg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					_ = s.durable()
				}
			}
		})
	}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				k := fmt.Appendf(nil, "powercut/%d/%04d", w, i)
				v := bytes.Repeat(fmt.Appendf(nil, "%d.%d;", w, i), 30)
				if err := write(k, v); err != nil {
					t.Error(err)
					return
				}
				acks[w] = append(acks[w], ack{k, v, completed.Load()})
			}
		})
	}
	wg.Wait()
	close(stop)
	bg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if len(taken) < 3 {
		t.Fatalf("only %d copies taken", len(taken))
	}
	for _, k := range taken {
		db, err := badger.Open(badger.DefaultOptions(filepath.Join(snaps, fmt.Sprint(k))).WithLogger(nil).
			WithMemTableSize(defaultMemTableSize).WithNumMemtables(numMemtables))
		if err != nil {
			t.Fatalf("the copy at sync %d does not open: %v", k, err)
		}
		err = db.View(func(txn *badger.Txn) error {
			for _, as := range acks {
				for _, a := range as {
					if a.done > k {
						continue // acknowledged after this cut: it may be lost
					}
					checked++
					item, err := txn.Get(a.k)
					if errors.Is(err, badger.ErrKeyNotFound) {
						missing++
						continue
					}
					if err != nil {
						return err
					}
					if got, err := item.ValueCopy(nil); err != nil || !bytes.Equal(got, a.v) {
						return fmt.Errorf("%s: %q, %v", a.k, got, err)
					}
				}
			}
			return nil
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return missing, checked
}

// TestPowerCutKeepsEveryAcknowledgedWrite: 8 writers, 1,200 writes through s.update (the
// path of every use case), copies at every 7th sync: each copy holds every write
// acknowledged before it.
func TestPowerCutKeepsEveryAcknowledgedWrite(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	missing, checked := powerCut(t, s, dir, 150, 7, func(k, v []byte) error {
		return s.update(func(txn *badger.Txn) error { return txn.Set(k, v) })
	}, false)
	if missing != 0 {
		t.Fatalf("a power cut would lose %d of %d acknowledged writes", missing, checked)
	}
	if checked < 1000 {
		t.Fatalf("only %d acknowledged writes checked against the copies", checked)
	}
	t.Logf("%d acknowledged writes checked against the copies, none missing", checked)
}

// TestPowerCutModelCatchesEarlyAcknowledgement is the model's control: acknowledging a
// write when its commit returns, without waiting for a sync (while others keep syncing),
// must be caught losing writes, or the test above would prove nothing. (Its writes do
// not wait, so there are more of them, and every sync is copied.)
func TestPowerCutModelCatchesEarlyAcknowledgement(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	missing, checked := powerCut(t, s, dir, 1000, 1, func(k, v []byte) error {
		return s.db.Update(func(txn *badger.Txn) error { return txn.Set(k, v) })
	}, true)
	if missing == 0 {
		t.Fatalf("acknowledging before the sync lost none of %d writes in the model", checked)
	}
	t.Logf("acknowledging before the sync: %d of %d checked writes lost", missing, checked)
}

// copyStoreDir copies a live Badger directory but its lock, each file sparse as it is.
func copyStoreDir(from, to string) error {
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() || e.Name() == "LOCK" {
			continue
		}
		if err := copySparse(filepath.Join(from, e.Name()), filepath.Join(to, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

func copySparse(from, to string) error {
	in, err := os.Open(from)
	if errors.Is(err, os.ErrNotExist) {
		return nil // deleted meanwhile (a flushed log)
	}
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	defer out.Close()
	// Copy the data regions only (lseek SEEK_DATA / SEEK_HOLE): Badger preallocates its
	// logs, and reading the holes of a 128 MiB value log at every sync would be slow.
	const seekData, seekHole = 3, 4
	for off := int64(0); off < fi.Size(); {
		start, err := in.Seek(off, seekData)
		if err != nil {
			break // ENXIO: no data after off
		}
		end, err := in.Seek(start, seekHole)
		if err != nil {
			return err
		}
		if _, err := in.Seek(start, io.SeekStart); err != nil {
			return err
		}
		if _, err := out.Seek(start, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.CopyN(out, in, end-start); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		off = end
	}
	return out.Truncate(fi.Size())
}
