package store

import (
	"errors"

	"github.com/dgraph-io/badger/v4"
)

// Migrations bring data written by an earlier version of sitepro up to date when a store
// opens, before it serves anything. Each one finishes by writing its marker
// (v1/meta/migrated/<name>) in its last transaction, so it runs once per data directory,
// and one that was interrupted simply runs again: every step is idempotent.

// migPhotoAgencyIndex builds v1/idx/photo/agency-pending/ for stores written before it.
const migPhotoAgencyIndex = "photo-agency-index"

// migratePage bounds the pending photos one migration transaction indexes, so that a
// transaction stays far below Badger's size limit at the small-VM memtable size.
const migratePage = 500

// migrate runs the migrations a store still needs. While storage is low they cannot
// write; the store then opens anyway (reads must keep working) and serves reviewers'
// photo queues from the province index until a later start finishes the migration.
func (s *Store) migrate() error {
	err := s.indexPhotosByAgency()
	if errors.Is(err, ErrNoSpace) {
		s.log.Warn("storage low: the per-agency photo queue index will be built at the next start",
			"migration", migPhotoAgencyIndex)
		err = nil
	}
	if err != nil {
		return err
	}
	if err := s.migrateStats(); err != nil {
		return err
	}
	return s.migrateAdminIndexes() // admin_index.go
}

// migrateStats builds the statistics counters from existing records (stats_rebuild.go)
// unless they are built already; while storage is low the page shows what the counters
// hold until a later start finishes it.
func (s *Store) migrateStats() error {
	done, err := s.statsBuilt()
	if err != nil || done {
		return err
	}
	err = s.rebuildStats()
	if errors.Is(err, ErrNoSpace) {
		s.log.Warn("storage low: the statistics counters will be built at the next start", "migration", migStats)
		return nil
	}
	return err
}

// indexPhotosByAgency gives every pending photo an entry in the queue of each agency its
// trainee is linked to, a page of photos per transaction, and then sets photoIndexed.
func (s *Store) indexPhotosByAgency() error {
	var done bool
	err := s.view(func(txn *badger.Txn) error {
		var err error
		done, err = exists(txn, migratedKey(migPhotoAgencyIndex))
		return err
	})
	var after []byte
	for err == nil && !done {
		from := after
		err = s.update(func(txn *badger.Txn) error {
			var err error
			after, done, err = indexPhotoPage(txn, from)
			return err
		})
	}
	s.photoIndexed = err == nil
	return err
}

// indexPhotoPage indexes up to migratePage pending photos after the key after and
// returns the last key it indexed; on the last page it writes the migration's marker.
func indexPhotoPage(txn *badger.Txn, after []byte) (last []byte, done bool, err error) {
	n := 0
	last = after
	err = scanItems(txn, span{prefix: photoPendingPrefix(), after: after}, func(item *badger.Item) (bool, error) {
		if n == migratePage {
			return false, nil
		}
		uploaded, userID := parsePhotoPendingKey(item.Key())
		agencies, err := agenciesOf(txn, userID)
		if err != nil {
			return false, err
		}
		for _, a := range agencies {
			if err := txn.Set(photoAgencyKey(a, uploaded, userID), nil); err != nil {
				return false, err
			}
		}
		last, n = item.KeyCopy(nil), n+1
		return true, nil
	})
	if err != nil || n == migratePage {
		return last, false, err
	}
	return last, true, txn.Set(migratedKey(migPhotoAgencyIndex), nil)
}
