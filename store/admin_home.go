package store

import (
	"bytes"
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// AdminAppStates are the application states the admin home shows: those still in
// progress. Closed ones (不予确认, 考试不合格, 已发证) are on the statistics page.
var AdminAppStates = []domain.AppStatus{domain.AppSubmitted, domain.AppReturned, domain.AppConfirmed,
	domain.AppScheduled, domain.AppScored, domain.AppPassed}

// AdminCEStates are the enrolment states the admin home shows (已完成 is closed).
var AdminCEStates = []domain.EnrolStatus{domain.EnrolPending, domain.EnrolReturned, domain.EnrolConfirmed, domain.EnrolLearning}

// AgencyLoad is what an agency has in progress.
type AgencyLoad struct {
	Agency domain.Agency
	Apps   map[domain.AppStatus]int
	CE     map[domain.EnrolStatus]int
	Photos int // photos waiting for review of trainees linked to the agency
}

// Busy reports whether anything is in progress at the agency.
func (l AgencyLoad) Busy() bool {
	n := l.Photos
	for _, st := range AdminAppStates {
		n += l.Apps[st]
	}
	for _, st := range AdminCEStates {
		n += l.CE[st]
	}
	return n > 0
}

// WaitingItem is an application or enrolment waiting for its agency's decision.
type WaitingItem struct {
	ID, Number, Name, AgencyName string
	SubmittedAt                  time.Time
}

// OutboxHealth is what the admin must know about mail: messages given up on, and how long
// the oldest unsent one has waited.
type OutboxHealth struct {
	GivenUp      int
	RecentGiveUp []domain.Message // the newest few given up, newest first
	Unsent       int
	OldestUnsent *domain.Message
}

// AdminOverview is the admin home: counts per state and agency, the items waiting longest
// and the outbox's problems.
type AdminOverview struct {
	Agencies      []AgencyLoad // every agency, by city and name
	AppTotals     map[domain.AppStatus]int
	CETotals      map[domain.EnrolStatus]int
	PhotosWaiting int
	OldestApps    []WaitingItem
	OldestCE      []WaitingItem
	Outbox        OutboxHealth
}

// adminOldest is how many waiting items of each kind the home lists.
const adminOldest = 10

// AdminOverview reads the admin home in one transaction: counts per state and agency from
// the statistics counters, photos and mail from their index keys alone; only the few
// oldest rows, the agencies and the few problem messages are decoded.
func (s *Store) AdminOverview() (AdminOverview, error) {
	o := AdminOverview{AppTotals: map[domain.AppStatus]int{}, CETotals: map[domain.EnrolStatus]int{}}
	err := s.view(func(txn *badger.Txn) error {
		loads, err := agencyLoads(txn)
		if err != nil {
			return err
		}
		byID := map[string]*AgencyLoad{}
		for i := range loads {
			byID[loads[i].Agency.ID] = &loads[i]
		}
		if err := countStates(txn, &o, byID); err != nil {
			return err
		}
		o.PhotosWaiting = countKeys(txn, photoPendingPrefix())
		for i := range loads {
			if s.photoIndexed {
				loads[i].Photos = countKeys(txn, photoAgencyPrefix(loads[i].Agency.ID))
			}
		}
		o.Agencies = loads
		if o.OldestApps, err = oldestWaiting(txn, loads, appQueuePrefix, func(sm *appSummary) WaitingItem {
			return WaitingItem{ID: sm.ID, Number: sm.Number, Name: sm.Name, SubmittedAt: sm.SubmittedAt}
		}); err != nil {
			return err
		}
		if o.OldestCE, err = oldestWaiting(txn, loads, ceQueuePrefix, func(sm *enrolSummary) WaitingItem {
			return WaitingItem{ID: sm.ID, Number: sm.Number, Name: sm.Name, SubmittedAt: sm.SubmittedAt}
		}); err != nil {
			return err
		}
		o.Outbox, err = outboxHealth(txn)
		return err
	})
	return o, err
}

// agencyLoads lists every agency with empty counts, by city and name.
func agencyLoads(txn *badger.Txn) ([]AgencyLoad, error) {
	var out []AgencyLoad
	err := scanJSON(txn, agencyPrefix(), false, 0, func(r *agencyRec) {
		out = append(out, AgencyLoad{Agency: r.Agency, Apps: map[domain.AppStatus]int{}, CE: map[domain.EnrolStatus]int{}})
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Agency.CityCode != out[j].Agency.CityCode {
			return out[i].Agency.CityCode < out[j].Agency.CityCode
		}
		return out[i].Agency.Name < out[j].Agency.Name
	})
	return out, err
}

// countStates adds up the statistics counters of applications and enrolments (stats.go:
// one per agency, city, post and status, moved in the transaction of every change) into
// the province's totals and each agency's load. It reads counters, never a record: its
// cost follows the number of counters, not of applications.
func countStates(txn *badger.Txn, o *AdminOverview, byID map[string]*AgencyLoad) error {
	for _, fam := range []struct {
		prefix string
		parts  int
	}{{pStatsApp, 5}, {pStatsCE, 4}} {
		err := scanItems(txn, span{prefix: []byte(fam.prefix)}, func(item *badger.Item) (bool, error) {
			p, ok := parseStatsKey(item.Key(), fam.prefix, fam.parts)
			if !ok {
				return true, nil
			}
			var n int64
			_ = item.Value(func(b []byte) error { n = countOf(b); return nil })
			l := byID[p[0]]
			if fam.prefix == pStatsApp {
				st := domain.AppStatus(p[3])
				o.AppTotals[st] += int(n)
				if l != nil {
					l.Apps[st] += int(n)
				}
			} else {
				st := domain.EnrolStatus(p[3])
				o.CETotals[st] += int(n)
				if l != nil {
					l.CE[st] += int(n)
				}
			}
			return true, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// oldestWaiting finds the adminOldest items waiting longest in the province: the head
// of every agency's queue (each oldest first) is read from its keys alone, which hold the
// submission time; only the winners' rows are decoded.
func oldestWaiting[S any](txn *badger.Txn, loads []AgencyLoad, queue func(agencyID string) []byte, item func(*S) WaitingItem) ([]WaitingItem, error) {
	type head struct {
		at     time.Time
		k      []byte
		agency string
	}
	var heads []head
	for _, l := range loads {
		prefix := queue(l.Agency.ID)
		n := 0
		_ = scanKeys(txn, prefix, func(k []byte) (bool, error) { // a key-only walk cannot fail
			at, _ := timeAndID(k[len(prefix):])
			heads = append(heads, head{at: at, k: bytes.Clone(k), agency: l.Agency.Name})
			n++
			return n < adminOldest, nil
		})
	}
	sort.SliceStable(heads, func(i, j int) bool { return heads[i].at.Before(heads[j].at) })
	var out []WaitingItem
	for _, h := range heads[:min(len(heads), adminOldest)] {
		var sm S
		if err := getJSON(txn, h.k, &sm); err != nil {
			return nil, err
		}
		w := item(&sm)
		w.AgencyName = h.agency
		out = append(out, w)
	}
	return out, nil
}

// outboxHealth counts given-up and unsent messages from their indexes and loads the few
// the home shows.
func outboxHealth(txn *badger.Txn) (OutboxHealth, error) {
	h := OutboxHealth{GivenUp: countKeys(txn, outboxFailedPrefix()), Unsent: countKeys(txn, outboxPendingPrefix())}
	err := scanItems(txn, span{prefix: outboxFailedPrefix(), reverse: true}, func(item *badger.Item) (bool, error) {
		var r msgRec
		if err := getJSON(txn, outboxKey(parseOutboxFailedKey(item.Key())), &r); err != nil {
			return false, err
		}
		h.RecentGiveUp = append(h.RecentGiveUp, r.Message)
		return len(h.RecentGiveUp) < 5, nil
	})
	if err != nil {
		return h, err
	}
	err = scanKeys(txn, outboxPendingPrefix(), func(k []byte) (bool, error) {
		var r msgRec
		if err := getJSON(txn, outboxKey(parseOutboxPendingKey(k)), &r); err != nil {
			return false, err
		}
		h.OldestUnsent = &r.Message
		return false, nil
	})
	return h, err
}
