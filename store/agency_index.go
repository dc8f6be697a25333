package store

import (
	"bytes"

	"github.com/dgraph-io/badger/v4"
)

// agencyPlaces is where a trainee's record (an application or an enrolment) stands in its
// agency's indexes: the pending queue while it waits for a decision, and the agency's list
// of everything it received once submitted. A nil key means "not in that index".
type agencyPlaces struct {
	queue, list []byte
}

// placesOf is the one rule of both kinds of record: queued while waiting for the agency's
// decision, listed once it has left the draft state with an agency. queue and list are
// the record's keys in its own kind's indexes.
func placesOf(waiting, draft bool, agencyID string, queue, list []byte) agencyPlaces {
	var p agencyPlaces
	if waiting {
		p.queue = queue
	}
	if !draft && agencyID != "" {
		p.list = list
	}
	return p
}

// moveAgencyPlaces keeps both indexes in step with a record's change from one place to the
// other in the same transaction as the record: an entry the record left is deleted, and
// the entries it is in are written with a fresh summary (the queue rows read only it).
// Both kinds of record go through here, so their queues cannot drift apart in behaviour.
func moveAgencyPlaces(txn *badger.Txn, from, to agencyPlaces, summary func(k []byte) error) error {
	for _, p := range [][2][]byte{{from.queue, to.queue}, {from.list, to.list}} {
		old, cur := p[0], p[1]
		if old != nil && !bytes.Equal(old, cur) {
			if err := txn.Delete(old); err != nil {
				return err
			}
		}
		if cur != nil {
			if err := summary(cur); err != nil {
				return err
			}
		}
	}
	return nil
}

// queueFilter is what both agency queues' filters (QueueFilter, CEFilter) answer of a
// summary row, so that agencyPage pages either queue the same way.
type queueFilter[S any] interface {
	match(s *S) bool
	unfiltered() bool
}

// agencyPage reads one page of an agency's records for a queue page, one rule for both
// wizards: without a status filter from the pending queue, with one from the list of
// everything received; 50 rows unless limit says otherwise; and, when every entry
// matches, the total counted from keys alone and only the page's rows decoded.
// queued, when set, counts the pending queue without walking it (the unfiltered first view).
func agencyPage[S any](txn *badger.Txn, queue, list []byte, status, after string, limit int, f queueFilter[S],
	queued func(*badger.Txn) (int, error)) (page[S], error) {
	if limit <= 0 {
		limit = 50
	}
	prefix := queue
	if status != "" {
		prefix = list
	}
	match := f.match
	if f.unfiltered() {
		match = nil
	}
	if status != "" {
		queued = nil
	}
	return pageCounted(txn, prefix, after, limit, match, queued)
}
