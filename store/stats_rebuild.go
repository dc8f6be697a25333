package store

import (
	"errors"

	"github.com/dgraph-io/badger/v4"
)

// rebuildStats counts every application, enrolment and certificate afresh and replaces
// the counters and learning-hours summaries with the result, then sets the migration's
// marker. It runs when a store opens (before it serves anything, so nothing writes
// meanwhile): once for data written before the counters existed, and again only if it
// was interrupted. One read of each record family; counters are summed in memory (a few
// thousand) and written with the summaries in one write batch.
func (s *Store) rebuildStats() error {
	if !s.space.allow() {
		return ErrNoSpace
	}
	if err := s.db.DropPrefix([]byte(pStats)); err != nil {
		return err
	}
	counts := map[string]int64{}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	err := s.view(func(txn *badger.Txn) error {
		count := func(k []byte) {
			if k != nil {
				counts[string(k)]++
			}
		}
		var labelErr error
		err := scanUntil(txn, []byte(pApp), false, func(r *appRec) bool {
			count(appCounter(r.Application))
			if k, name := sessionLabel(r.Application); k != nil {
				labelErr = wb.Set(k, name)
			}
			return labelErr == nil
		})
		if err = errors.Join(err, labelErr); err != nil {
			return err
		}
		var hoursErr error
		err = scanUntil(txn, []byte(pCEEnrol), false, func(r *enrolRec) bool {
			count(enrolCounter(r.Enrolment))
			if r.Status.Learning() {
				v, err := ceHoursValue(txn, r.Enrolment)
				if err == nil {
					err = wb.Set(statsCEHoursKey(r.Cycle.End, r.ID), v)
				}
				hoursErr = err
			}
			return hoursErr == nil
		})
		if err = errors.Join(err, hoursErr); err != nil {
			return err
		}
		return scanUntil(txn, []byte(pCert), false, func(r *certRec) bool { count(certCounter(r.Certificate)); return true })
	})
	if err != nil {
		return err
	}
	for k, n := range counts {
		if err := wb.Set([]byte(k), countBytes(n)); err != nil {
			return err
		}
	}
	if err := wb.Set(migratedKey(migStats), nil); err != nil {
		return err
	}
	if err := wb.Flush(); err != nil {
		return err
	}
	return s.durable() // the batch's commits are on disk before the store is handed out
}

// statsBuilt reports whether the counters have been built for this data directory.
func (s *Store) statsBuilt() (bool, error) {
	var done bool
	err := s.view(func(txn *badger.Txn) error {
		var err error
		done, err = exists(txn, migratedKey(migStats))
		return err
	})
	return done, err
}
