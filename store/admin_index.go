package store

import (
	"bytes"
	"errors"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// The admin console's indexes (issue 12): the reference numbers of applications (and
// their 准考证号) and enrolments, so a number typed into the admin search is one lookup; trainees by name; and
// the messages the outbox gave up on. Each is written in the transaction that writes what
// it indexes (wizardRecords.save, CreateTrainee, modifyMessage), and migAdminIndexes
// builds them once for data written before they existed. (The admin home's counts per
// state and agency are the statistics counters of stats.go.)

// adminKeys are a wizard document's entries in the admin indexes; a nil key means "not in
// that index".
type adminKeys struct {
	id             string
	number, ticket []byte
}

// appAdminKeys is where an application stands in the admin indexes: by number once it has
// one, by 准考证号 once its exam is scheduled.
func appAdminKeys(a domain.Application) adminKeys {
	k := adminKeys{id: a.ID}
	if a.Number != "" {
		k.number = appNumberKey(a.Number)
	}
	if a.Exam != nil && a.Exam.TicketNumber != "" {
		k.ticket = appTicketKey(a.Exam.TicketNumber)
	}
	return k
}

// enrolAdminKeys is appAdminKeys for enrolments.
func enrolAdminKeys(e domain.Enrolment) adminKeys {
	k := adminKeys{id: e.ID}
	if e.Number != "" {
		k.number = ceNumberKey(e.Number)
	}
	return k
}

// moveAdminKeys keeps a document's admin index entries in step with its change from one
// place to the other: an entry it left is deleted, a new one written. to is the zero
// value when the document is deleted.
func moveAdminKeys(txn *badger.Txn, from, to adminKeys) error {
	for _, p := range []struct {
		old, cur, val []byte
	}{{from.number, to.number, []byte(to.id)}, {from.ticket, to.ticket, []byte(to.id)}} {
		if bytes.Equal(p.old, p.cur) {
			continue
		}
		if p.old != nil {
			if err := txn.Delete(p.old); err != nil {
				return err
			}
		}
		if p.cur != nil {
			if err := txn.Set(p.cur, p.val); err != nil {
				return err
			}
		}
	}
	return nil
}

// indexUserName puts a trainee in the name index (staff are not searched for).
func indexUserName(txn *badger.Txn, u domain.User) error {
	if u.Role != domain.RoleTrainee || u.Name == "" {
		return nil
	}
	return txn.Set(userNameKey(u.Name, u.ID), nil)
}

// migAdminIndexes builds the admin console's indexes for stores written before them.
const migAdminIndexes = "admin-indexes"

// buildAdminIndexes indexes every existing application, enrolment, trainee and given-up
// message, a page of records per transaction, and then writes the marker. Every step sets
// keys that the record itself determines, so an interrupted run simply runs again.
func (s *Store) buildAdminIndexes() error {
	var done bool
	if err := s.view(func(txn *badger.Txn) error {
		var err error
		done, err = exists(txn, migratedKey(migAdminIndexes))
		return err
	}); err != nil || done {
		return err
	}
	for _, b := range []struct {
		prefix []byte
		index  func(txn *badger.Txn, item *badger.Item) error
	}{
		{key(pApp), func(txn *badger.Txn, item *badger.Item) error {
			var r appRec
			if err := decodeItem(item, &r); err != nil {
				return err
			}
			return moveAdminKeys(txn, adminKeys{}, appAdminKeys(r.Application))
		}},
		{key(pCEEnrol), func(txn *badger.Txn, item *badger.Item) error {
			var r enrolRec
			if err := decodeItem(item, &r); err != nil {
				return err
			}
			return moveAdminKeys(txn, adminKeys{}, enrolAdminKeys(r.Enrolment))
		}},
		{key(pUser), func(txn *badger.Txn, item *badger.Item) error {
			var r userRec
			if err := decodeItem(item, &r); err != nil {
				return err
			}
			return indexUserName(txn, r.User)
		}},
		{outboxPrefix(), func(txn *badger.Txn, item *badger.Item) error {
			var r msgRec
			if err := decodeItem(item, &r); err != nil {
				return err
			}
			if !r.Sent() && r.Attempts >= domain.MaxMailAttempts {
				return txn.Set(outboxFailedKey(r.ID), nil)
			}
			return nil
		}},
	} {
		if err := s.backfill(b.prefix, b.index); err != nil {
			return err
		}
	}
	return s.update(func(txn *badger.Txn) error { return txn.Set(migratedKey(migAdminIndexes), nil) })
}

// backfill hands every record under prefix to index, migratePage records per
// transaction.
func (s *Store) backfill(prefix []byte, index func(txn *badger.Txn, item *badger.Item) error) error {
	var after []byte
	for {
		var last []byte
		n := 0
		err := s.update(func(txn *badger.Txn) error {
			last, n = nil, 0
			return scanItems(txn, span{prefix: prefix, after: after, values: true}, func(item *badger.Item) (bool, error) {
				if n == migratePage {
					return false, nil
				}
				if err := index(txn, item); err != nil {
					return false, err
				}
				last, n = item.KeyCopy(nil), n+1
				return true, nil
			})
		})
		if err != nil {
			return err
		}
		if n < migratePage {
			return nil
		}
		after = last
	}
}

// migrateAdminIndexes runs buildAdminIndexes; while storage is low the store opens
// without them (reads keep working) and a later start finishes the job.
func (s *Store) migrateAdminIndexes() error {
	err := s.buildAdminIndexes()
	if errors.Is(err, ErrNoSpace) {
		s.log.Warn("storage low: the admin console's indexes will be built at the next start", "migration", migAdminIndexes)
		return nil
	}
	return err
}
