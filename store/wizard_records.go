package store

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// wizardRecords describes how one wizard's documents are kept (新取证 applications,
// 继续教育 enrolments): a versioned record under the document's id and, per trainee, an
// index of (trainee, id) keys in creation order. Reading a document as its trainee,
// listing theirs, resuming their one draft, and saving a change with its agency indexes
// and the trainee's notification are the same rules for both wizards, so they are written
// once over this descriptor; what differs (keys, envelope, summaries) is named by the
// fields.
type wizardRecords[T any] struct {
	load            func(txn *badger.Txn, id string) (T, error)
	key             func(id string) []byte
	record          func(x T) any // what is stored: x in its versioned envelope
	places          func(x T) agencyPlaces
	summary         func(txn *badger.Txn, k []byte, x T) error // the queue rows' value
	stats           func(txn *badger.Txn, old, x T) error      // moves the statistics counters (stats.go)
	facts           func(x T) docFacts
	admin           func(x T) adminKeys // its entries in the admin console's indexes (admin_index.go)
	traineeKey      func(traineeID, id string) []byte
	traineePrefix   func(traineeID string) []byte
	parseTraineeKey func(k []byte) (id string)
}

// docFacts is what the shared code reads of a wizard document: its id, its trainee's id
// and whether it is still a draft.
type docFacts struct {
	id, trainee string
	draft       bool
}

// save writes the record and keeps its agency's queue and list in step with its status
// (moveAgencyPlaces), each entry with a fresh summary so queues filter without loading
// whole records; the statistics counters move with it.
func (r wizardRecords[T]) save(txn *badger.Txn, old, x T) error {
	err := moveAgencyPlaces(txn, r.places(old), r.places(x), func(k []byte) error { return r.summary(txn, k, x) })
	if err != nil {
		return err
	}
	if err := moveAdminKeys(txn, r.admin(old), r.admin(x)); err != nil {
		return err
	}
	if err := r.stats(txn, old, x); err != nil {
		return err
	}
	return putJSON(txn, r.key(r.facts(x).id), r.record(x))
}

// own loads a document of the trainee; someone else's looks like not-found, so ids of
// other trainees' documents reveal nothing.
func (r wizardRecords[T]) own(txn *badger.Txn, traineeID, id string) (T, error) {
	x, err := r.load(txn, id)
	if err == nil && r.facts(x).trainee != traineeID {
		var none T
		return none, errNotFound
	}
	return x, err
}

// of lists the trainee's documents oldest first (the index order).
func (r wizardRecords[T]) of(txn *badger.Txn, traineeID string) ([]T, error) {
	var out []T
	err := scanKeys(txn, r.traineePrefix(traineeID), func(k []byte) (bool, error) {
		x, err := r.load(txn, r.parseTraineeKey(k))
		if err != nil {
			return false, err
		}
		out = append(out, x)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// draftOrNew resumes the trainee's open draft or else writes the one fresh makes, indexed
// under the trainee: a wizard keeps at most one draft per trainee, so leaving it and
// coming back on any device continues where they stopped.
func (r wizardRecords[T]) draftOrNew(txn *badger.Txn, traineeID string, fresh func() (T, error)) (T, error) {
	all, err := r.of(txn, traineeID)
	if err != nil {
		var none T
		return none, err
	}
	for _, x := range all {
		if r.facts(x).draft {
			return x, nil
		}
	}
	x, err := fresh()
	if err != nil {
		return x, err
	}
	if err := txn.Set(r.traineeKey(traineeID, r.facts(x).id), nil); err != nil {
		return x, err
	}
	var none T
	return x, r.save(txn, none, x)
}

// saveNotified saves a step of a document's lifecycle (old to x) and, unless kind is
// empty, queues the trainee's notification of it in the same transaction, so the mail
// goes out exactly when the change commits.
func (r wizardRecords[T]) saveNotified(txn *badger.Txn, old, x T, kind domain.NotificationKind, now time.Time) error {
	if kind != "" {
		f := r.facts(x)
		if err := notifyUser(txn, domain.Notification{Kind: kind, UserID: f.trainee, Subject: f.id}, now); err != nil {
			return err
		}
	}
	return r.save(txn, old, x)
}

// listOwned returns the trainee's documents newest first, as their pages list them.
func listOwned[T any](s *Store, r wizardRecords[T], traineeID string) ([]T, error) {
	var out []T
	err := s.view(func(txn *badger.Txn) error {
		var err error
		out, err = r.of(txn, traineeID)
		return err
	})
	slices.Reverse(out)
	return out, err
}

// getOwned returns one document of the trainee.
func getOwned[T any](s *Store, r wizardRecords[T], traineeID, id string) (T, error) {
	var x T
	err := s.view(func(txn *badger.Txn) error {
		var err error
		x, err = r.own(txn, traineeID, id)
		return err
	})
	return x, err
}

// nextDailyNumber assigns the reference people quote for a submitted document: prefix,
// the China date and that day's 5-digit sequence, counted under seqKey(day) in the same
// transaction as the submission so that concurrent submissions get different numbers.
func nextDailyNumber(txn *badger.Txn, prefix string, seqKey func(day string) []byte, now time.Time) (string, error) {
	day := now.In(chinaTZ).Format("20060102")
	last, err := getString(txn, seqKey(day))
	if err != nil && err != errNotFound {
		return "", err
	}
	n, _ := strconv.Atoi(last)
	n++
	if err := txn.Set(seqKey(day), []byte(strconv.Itoa(n))); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%s%05d", prefix, day, n), nil
}
