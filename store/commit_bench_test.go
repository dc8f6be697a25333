//go:build linux

package store

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/testkit"
)

// BenchmarkGroupCommitVsSyncedBadger measures the store's write path on its own (issue
// 15): a read-modify-write of an 800-byte record through s.update, durable when it
// returns (group commit, commit.go), against the same transaction on a bare Badger with
// SyncWrites (one sync per commit), at 1, 8 and 64 concurrent writers, in alternating
// rounds of the same run; with the disk's fdatasync/s, the ceiling one-sync-per-write
// cannot pass, and the commits each sync made durable.
func BenchmarkGroupCommitVsSyncedBadger(b *testing.B) {
	s, err := Open(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	bare, err := badger.Open(badger.DefaultOptions(b.TempDir()).WithSyncWrites(true).WithLogger(nil).
		WithMemTableSize(8 << 20).WithNumMemtables(2).WithBlockCacheSize(8 << 20).WithIndexCacheSize(4 << 20))
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Close()
	b.ReportMetric(testkit.FdatasyncPerSecond(b), "disk_fdatasync/s")
	const size, rounds = 800, 5
	n := max(b.N, 300)
	for _, c := range []int{1, 8, 64} {
		var storeT, bareT time.Duration
		commits0, syncs0 := s.SyncStats()
		for range rounds {
			storeT += parallelRMW(b, n, c, size, s.update)
			bareT += parallelRMW(b, n, c, size, bare.Update)
		}
		commits, syncs := s.SyncStats()
		tag := "c" + strconv.Itoa(c)
		total := float64(rounds * n)
		b.ReportMetric(total/storeT.Seconds(), tag+"_store_writes/s")
		b.ReportMetric(total/bareT.Seconds(), tag+"_bare_synced_writes/s")
		b.ReportMetric(bareT.Seconds()/storeT.Seconds(), tag+"_store_vs_bare")
		b.ReportMetric(float64(commits-commits0)/float64(max(syncs-syncs0, 1)), tag+"_commits_per_sync")
	}
}

// parallelRMW runs n read-modify-write transactions of a size-byte record through update,
// workers at a time, each worker on its own key, and returns the time it took.
func parallelRMW(b *testing.B, n, workers, size int, update func(func(*badger.Txn) error) error) time.Duration {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		k := []byte("bench/" + strconv.Itoa(w))
		wg.Go(func() {
			for i := int(next.Add(1)); i <= n; i = int(next.Add(1)) {
				for {
					err := update(func(txn *badger.Txn) error {
						v := make([]byte, size)
						if item, err := txn.Get(k); err == nil {
							if v, err = item.ValueCopy(nil); err != nil {
								return err
							}
						}
						v[i%size]++
						return txn.Set(k, v)
					})
					if err == nil {
						break
					}
					if err != badger.ErrConflict {
						b.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}
