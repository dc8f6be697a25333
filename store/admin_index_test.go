package store

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

var adminUser = domain.User{ID: "adm", Role: domain.RoleAdmin, Username: "admin", Name: "管理员"}

// adminWorld is a store with, at agency A, an application confirmed and scheduled for
// the exam and one submitted later, a pending enrolment and a confirmed one; at agency B one submitted application;
// and one mail given up.
type adminWorld struct {
	*ceFixture
	confirmedApp, waitingApp, appB domain.Application
	pendingCE                      domain.Enrolment
}

func newAdminWorld(t *testing.T) *adminWorld {
	t.Helper()
	f := newCEFixture(t)
	w := &adminWorld{ceFixture: f}
	s := f.s
	submit := func(u domain.User, ag domain.Agency, at time.Time) domain.Application {
		a := fillApp(t, s, u, ag)
		a, err := s.SubmitApplication(u, a.ID, at)
		must(t, err)
		return a
	}
	w.confirmedApp = submit(f.u, f.agA, t0)
	var err error
	w.confirmedApp, err = s.DecideApplication(f.revA, w.confirmedApp.ID, domain.Decision{Kind: domain.AppConfirmDecision}, t0)
	must(t, err)
	exam := domain.Exam{TicketNumber: "2026TK0001", Venue: "考点", Room: "1", Seat: "1",
		Subjects: []domain.ExamSubject{{Name: "专业基础知识", Start: t0.Add(240 * time.Hour), End: t0.Add(242 * time.Hour)}}}
	w.confirmedApp, err = s.DecideApplication(adminUser, w.confirmedApp.ID, domain.Decision{Kind: domain.AppScheduleDecision, Exam: &exam}, t0)
	must(t, err)
	third, err := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	must(t, err)
	w.waitingApp = submit(third, f.agA, t0.Add(2*time.Hour))
	w.appB = submit(f.other, f.agB, t0.Add(time.Hour))
	w.confirmed(t, f.cert.Number)
	w.pendingCE = w.draft(t, f.u, f.cert2.Number, f.agA)
	w.pendingCE, err = s.SubmitEnrolment(f.u, w.pendingCE.ID, t0)
	must(t, err)
	msgs, err := s.DueMessages(t0.Add(time.Hour), 1)
	must(t, err)
	must(t, s.MarkFailed(msgs[0].ID, t0, "550 mailbox unavailable", time.Time{}))
	return w
}

// check asserts what the admin home and search show of the world.
func (w *adminWorld) check(t *testing.T) {
	t.Helper()
	o, err := w.s.AdminOverview()
	must(t, err)
	if o.AppTotals[domain.AppSubmitted] != 2 || o.AppTotals[domain.AppScheduled] != 1 || o.AppTotals[domain.AppConfirmed] != 0 ||
		o.CETotals[domain.EnrolPending] != 1 || o.CETotals[domain.EnrolConfirmed] != 1 {
		t.Fatalf("totals: apps %v ce %v", o.AppTotals, o.CETotals)
	}
	for _, l := range o.Agencies {
		want := map[string][2]int{w.agA.ID: {1, 1}, w.agB.ID: {1, 0}}[l.Agency.ID]
		if l.Apps[domain.AppSubmitted] != want[0] || l.CE[domain.EnrolPending] != want[1] {
			t.Errorf("%s: apps %v ce %v", l.Agency.Name, l.Apps, l.CE)
		}
	}
	if len(o.OldestApps) != 2 || o.OldestApps[0].ID != w.appB.ID || o.OldestApps[0].AgencyName != w.agB.Name {
		t.Errorf("oldest applications: %+v", o.OldestApps)
	}
	if len(o.OldestCE) != 1 || o.OldestCE[0].ID != w.pendingCE.ID {
		t.Errorf("oldest enrolments: %+v", o.OldestCE)
	}
	if o.Outbox.GivenUp != 1 || len(o.Outbox.RecentGiveUp) != 1 || o.Outbox.RecentGiveUp[0].LastError != "550 mailbox unavailable" {
		t.Errorf("outbox: %+v", o.Outbox)
	}
	if o.Outbox.OldestUnsent == nil || o.Outbox.Unsent == 0 {
		t.Errorf("no unsent mail: %+v", o.Outbox)
	}

	for q, want := range map[string][]string{
		w.waitingApp.Number:                 {w.waitingApp.ID},
		w.pendingCE.Number:                  {w.pendingCE.ID},
		"  " + w.cert2.Number + " ":         {w.cert2.ID},
		"张":                                 {w.u.ID, w.other.ID, w.waitingApp.TraineeID},
		"XQ00000000000":                     nil,
		"2026tk0001":                        {w.confirmedApp.ID},
		"李":                                 nil,
		w.confirmedApp.Number[:6] + "99999": nil,
	} {
		h, err := w.s.AdminSearch(adminUser, AdminQuery{Text: q}, t0)
		must(t, err)
		var got []string
		for _, a := range h.Apps {
			if a.Number == q || (a.Exam != nil && a.Exam.TicketNumber == strings.ToUpper(q)) {
				got = append(got, a.ID)
			}
		}
		for _, e := range h.Enrolments {
			if e.Number == q {
				got = append(got, e.ID)
			}
		}
		for _, c := range h.Certificates {
			if len(h.Trainees) == 0 {
				got = append(got, c.ID)
			}
		}
		if q == "张" {
			got = nil
			for _, u := range h.Trainees {
				got = append(got, u.ID)
			}
			if len(h.Apps) != 3 || len(h.Enrolments) != 2 || len(h.Certificates) != 3 || h.Agencies[w.agA.ID] != w.agA.Name {
				t.Errorf("name search records: %d apps, %d enrolments, %d certificates, agencies %v",
					len(h.Apps), len(h.Enrolments), len(h.Certificates), h.Agencies)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("search %q: %v, want %v", q, got, want)
		}
	}
}

// TestAdminOverviewAndSearch: the admin indexes follow every change in the same
// transaction (submit, decide, delete, give up a mail), the overview counts them per state
// and agency with the oldest first, and the search finds by number, name and ID number
// (audited, masked); only admins may search.
func TestAdminOverviewAndSearch(t *testing.T) {
	w := newAdminWorld(t)
	w.check(t)

	h, err := w.s.AdminSearch(adminUser, AdminQuery{IDNumber: ceIDA}, t0)
	must(t, err)
	if len(h.Trainees) != 1 || h.Trainees[0].ID != w.u.ID || h.Trainees[0].PasswordHash != "" || len(h.Enrolments) != 2 {
		t.Fatalf("by ID number: %+v", h)
	}
	log, err := w.s.AuditLog(AuditFilter{Action: domain.AuditAdminIDSearch}, 5)
	must(t, err)
	if len(log) != 1 || log[0].Detail != domain.MaskID(ceIDA)+"（找到）" || bytes.Contains([]byte(log[0].Detail), []byte(ceIDA)) {
		t.Fatalf("audit of the ID search: %+v", log)
	}
	if _, err := w.s.AdminSearch(w.revA, AdminQuery{Text: "张"}, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a reviewer searched: %v", err)
	}

	// Deleting the waiting application (not yet confirmed) takes it out of every index.
	third := w.waitingApp.TraineeID
	must(t, w.s.DeleteApplication(third, w.waitingApp.ID, t0))
	o, err := w.s.AdminOverview()
	must(t, err)
	if o.AppTotals[domain.AppSubmitted] != 1 || len(o.OldestApps) != 1 {
		t.Fatalf("after delete: %v %+v", o.AppTotals, o.OldestApps)
	}
	if h, _ := w.s.AdminSearch(adminUser, AdminQuery{Text: w.waitingApp.Number}, t0); len(h.Apps) != 0 {
		t.Fatal("a deleted application is still found by its number")
	}
}

// TestAdminIndexesAreBuiltForAnOldStore: a store written before the admin indexes (they
// and the marker removed) gets them at the next start, the same as written live.
func TestAdminIndexesAreBuiltForAnOldStore(t *testing.T) {
	w := newAdminWorld(t)
	dir := w.s.db.Opts().Dir
	err := w.s.db.Update(func(txn *badger.Txn) error {
		for _, p := range []string{pAppNumber, pAppTicket, pCENumber, pUserName, pOutboxFailed} {
			var keys [][]byte
			must(t, scanKeys(txn, []byte(p), func(k []byte) (bool, error) {
				keys = append(keys, bytes.Clone(k))
				return true, nil
			}))
			if len(keys) == 0 {
				t.Errorf("nothing indexed under %s", p)
			}
			for _, k := range keys {
				must(t, txn.Delete(k))
			}
		}
		return txn.Delete(migratedKey(migAdminIndexes))
	})
	must(t, err)
	if h, _ := w.s.AdminSearch(adminUser, AdminQuery{Text: w.waitingApp.Number}, t0); len(h.Apps) != 0 {
		t.Fatal("the indexes were not removed")
	}
	must(t, w.s.Close())
	s, err := Open(dir, nil)
	must(t, err)
	t.Cleanup(func() { s.Close() })
	w.s = s
	if _, ok, _ := s.Meta("migrated/" + migAdminIndexes); !ok {
		t.Fatal("the migration did not mark the indexes built")
	}
	w.check(t)
}

// TestAdminSearchFindsUnclaimedLegacyCertificates: an imported certificate whose holder
// has not registered yet is found by its number and by the holder's ID number, with the
// holder as the file named them.
func TestAdminSearchFindsUnclaimedLegacyCertificates(t *testing.T) {
	s, _ := openTemp(t)
	runLegacy(t, s, []byte(legacyHead+legacyLine(7, "孙丽")))
	for _, q := range []AdminQuery{{IDNumber: legacyID(7)}, {Text: "豫建安C(2016)0000007"}} {
		h, err := s.AdminSearch(adminUser, q, t0)
		must(t, err)
		if len(h.Certificates) != 1 || h.Certificates[0].HolderID != "" {
			t.Fatalf("%+v: %+v", q, h.Certificates)
		}
		if u := h.Unclaimed[h.Certificates[0].ID]; u.Name != "孙丽" || u.IDNumber != legacyID(7) {
			t.Errorf("%+v: holder %+v", q, u)
		}
	}
}
