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
