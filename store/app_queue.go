package store

import (
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// appSummary is the value of the queue indexes: enough to filter, search and show a row.
type appSummary struct {
	ID, Number, Name, PostCode, CityCode string
	Status                               domain.AppStatus
	SubmittedAt, UpdatedAt               time.Time
}

func putSummary(txn *badger.Txn, k []byte, a domain.Application) error {
	u, err := loadUser(txn, a.TraineeID)
	if err != nil {
		return err
	}
	return putJSON(txn, k, appSummary{ID: a.ID, Number: a.Number, Name: u.Name, PostCode: a.PostCode,
		CityCode: a.CityCode, Status: a.Status, SubmittedAt: a.SubmittedAt, UpdatedAt: a.UpdatedAt})
}

// QueueRow is one row of a reviewer's queue.
type QueueRow struct {
	AppID, Number, Name, PostCode, CityCode string
	Status                                  domain.AppStatus
	SubmittedAt                             time.Time
}

// QueueFilter narrows a queue. Status "" means pending (submitted); "all" means every
// application the agency received. After is the opaque cursor of the previous page.
type QueueFilter struct {
	Status   string
	PostCode string
	CityCode string
	From, To time.Time
	Query    string // name or application number
	After    string
	Limit    int
}

// Narrowed reports whether the filter asks for less than the default view (the
// applications waiting for confirmation).
func (f QueueFilter) Narrowed() bool {
	return f.PostCode != "" || f.CityCode != "" || f.Query != "" || !f.From.IsZero() || !f.To.IsZero() ||
		(f.Status != "" && f.Status != string(domain.AppSubmitted))
}

// Reversed reports whether the date range ends before it starts.
func (f QueueFilter) Reversed() bool {
	return !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To)
}

func (f QueueFilter) match(s *appSummary) bool {
	if f.Status != "" && f.Status != "all" && string(s.Status) != f.Status {
		return false
	}
	if (f.PostCode != "" && s.PostCode != f.PostCode) || (f.CityCode != "" && s.CityCode != f.CityCode) {
		return false
	}
	if (!f.From.IsZero() && s.SubmittedAt.Before(f.From)) || (!f.To.IsZero() && !s.SubmittedAt.Before(f.To)) {
		return false
	}
	q := strings.TrimSpace(f.Query)
	return q == "" || strings.Contains(s.Name, q) || strings.Contains(s.Number, strings.ToUpper(q))
}

// unfiltered reports whether every entry under the index prefix matches, so the total can
// be counted from keys alone and only the page's rows need decoding.
func (f QueueFilter) unfiltered() bool {
	return (f.Status == "" || f.Status == "all") && f.PostCode == "" && f.CityCode == "" &&
		f.From.IsZero() && f.To.IsZero() && strings.TrimSpace(f.Query) == ""
}

func (sm appSummary) row() QueueRow {
	return QueueRow{AppID: sm.ID, Number: sm.Number, Name: sm.Name, PostCode: sm.PostCode,
		CityCode: sm.CityCode, Status: sm.Status, SubmittedAt: sm.SubmittedAt}
}

// QueuePage is one page of a queue with the total that matches the filter.
type QueuePage struct {
	Rows  []QueueRow
	Total int
	Next  string // cursor for the next page; "" on the last page
}

// AppQueue lists an agency's applications for a reviewer (their own agency only) or an
// admin (agencyID chosen), oldest first. Keyset paging by submission time keeps pages
// stable while new items arrive at the end.
func (s *Store) AppQueue(viewer domain.User, agencyID string, f QueueFilter) (QueuePage, error) {
	var out QueuePage
	err := s.view(func(txn *badger.Txn) error {
		var err error
		out, err = appQueue(txn, viewer, agencyID, f)
		return err
	})
	return out, err
}

// appQueue reads one page of AppQueue inside txn.
func appQueue(txn *badger.Txn, viewer domain.User, agencyID string, f QueueFilter) (QueuePage, error) {
	if viewer.Role == domain.RoleReviewer {
		agencyID = viewer.AgencyID
	} else if viewer.Role != domain.RoleAdmin {
		return QueuePage{}, errNotFound
	}
	pending := func(txn *badger.Txn) (int, error) { return pendingApps(txn, agencyID) }
	sums, err := agencyPage(txn, appQueuePrefix(agencyID), appAgencyPrefix(agencyID), f.Status, f.After, f.Limit, f, pending)
	out := QueuePage{Total: sums.Total, Next: sums.Next}
	for _, sm := range sums.Rows {
		out.Rows = append(out.Rows, sm.row())
	}
	return out, err
}

// QueueCounts returns the number of pending applications and pending photos in the
// viewer's queues, from index keys alone.
func (s *Store) QueueCounts(viewer domain.User) (apps, photos int, err error) {
	err = s.view(func(txn *badger.Txn) error {
		if apps, err = pendingApps(txn, viewer.AgencyID); err != nil {
			return err
		}
		n, err := s.countPhotoQueue(txn, viewer)
		photos = n
		return err
	})
	return apps, photos, err
}

// pendingApps is the number of applications waiting in the agency's queue, read from the
// statistics counters (stats.go) rather than by walking the queue index: every writer of
// an application moves its counter in the transaction that moves its queue entry, and an
// application is queued exactly while its status is submitted, so the sum of the agency's
// "submitted" counters is the queue's length — a few counter keys instead of 100,000
// index keys (issue 15).
func pendingApps(txn *badger.Txn, agencyID string) (int, error) {
	n := 0
	err := scanItems(txn, span{prefix: statsAppAgencyPrefix(agencyID)}, func(item *badger.Item) (bool, error) {
		if p, ok := parseStatsKey(item.Key(), pStatsApp, 6); !ok || p[3] != string(domain.AppSubmitted) {
			return true, nil
		}
		return true, item.Value(func(b []byte) error { n += int(countOf(b)); return nil })
	})
	return n, err
}

// ReviewApplication loads an application for a reviewer of its agency (or an admin) with
// the trainee and the trainee's other applications at the same agency.
func (s *Store) ReviewApplication(viewer domain.User, appID string) (domain.Application, domain.User, []domain.Application, error) {
	var a domain.Application
	var u domain.User
	var others []domain.Application
	err := s.view(func(txn *badger.Txn) error {
		var err error
		a, u, others, err = reviewApplication(txn, viewer, appID)
		return err
	})
	u.PasswordHash = ""
	return a, u, others, err
}

// reviewApplication is the read of ReviewApplication and ViewApplication (app_docview.go).
func reviewApplication(txn *badger.Txn, viewer domain.User, appID string) (a domain.Application, u domain.User, others []domain.Application, err error) {
	if a, err = loadApp(txn, appID); err != nil {
		return
	}
	if viewer.Role != domain.RoleAdmin && (viewer.Role != domain.RoleReviewer || viewer.AgencyID != a.AgencyID || a.Status == domain.AppDraft) {
		return domain.Application{}, u, nil, errNotFound
	}
	if u, err = loadUser(txn, a.TraineeID); err != nil {
		return
	}
	all, err := appRecords.of(txn, a.TraineeID)
	for _, x := range all {
		if x.ID != a.ID && x.Status != domain.AppDraft && (viewer.Role == domain.RoleAdmin || x.AgencyID == viewer.AgencyID) {
			others = append(others, x)
		}
	}
	return a, u, others, err
}
