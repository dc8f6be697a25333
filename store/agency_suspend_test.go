package store

import (
	"strings"
	"testing"

	"sitepro/domain"
)

// TestSuspendingAnAgencyTellsItsTrainees: suspending agency A records one notification
// per open record in A's lists (a submitted application, a pending enrolment), in the
// suspension's transaction and counted in its audit entry; nothing for another agency's
// records. A draft at A cannot be submitted until another agency is chosen, while the
// records A already has stay with it. The mails say what to do, as the pages do.
func TestSuspendingAnAgencyTellsItsTrainees(t *testing.T) {
	f := newCEFixture(t)
	s := f.s
	submitted := fillApp(t, s, f.u, f.agA)
	submitted, err := s.SubmitApplication(f.u, submitted.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	enrol := f.draft(t, f.u, f.cert.Number, f.agA)
	if enrol, err = s.SubmitEnrolment(f.u, enrol.ID, t0); err != nil {
		t.Fatal(err)
	}
	draft := fillApp(t, s, f.other, f.agA) // f.other's draft, still unsubmitted
	elsewhere := f.draft(t, f.u, f.cert2.Number, f.agB)
	if _, err := s.SubmitEnrolment(f.u, elsewhere.ID, t0); err != nil {
		t.Fatal(err)
	}

	admin := domain.User{ID: "admin-1", Role: domain.RoleAdmin, Username: "admin", Name: "省厅管理员"}
	if _, err := s.SetAgencySuspended(admin, f.agA.ID, true, t0); err != nil {
		t.Fatal(err)
	}
	apps := notifications(t, s, domain.NotifyAppAgencySuspended)
	ces := notifications(t, s, domain.NotifyCEAgencySuspended)
	if len(apps) != 1 || apps[0].Notification.Subject != submitted.ID || apps[0].Notification.UserID != f.u.ID ||
		len(ces) != 1 || ces[0].Notification.Subject != enrol.ID {
		t.Fatalf("notifications: apps %+v, ce %+v", apps, ces)
	}
	log, _ := s.AuditLog(AuditFilter{Action: domain.AuditAgencySuspend}, 10)
	if len(log) != 1 || !strings.Contains(log[0].Detail, "已通知 2 份") {
		t.Fatalf("audit: %+v", log)
	}
	// Suspending again changes nothing and tells nobody twice.
	if _, err := s.SetAgencySuspended(admin, f.agA.ID, true, t0); err != nil {
		t.Fatal(err)
	}
	if n := len(notifications(t, s, domain.NotifyAppAgencySuspended)); n != 1 {
		t.Fatalf("a second suspension notified again: %d", n)
	}

	// The mails, rendered as the worker renders them.
	ag, _ := s.Agency(f.agA.ID)
	facts, err := s.MailFacts(*apps[0].Notification)
	if err != nil || !facts.Agency.Suspended || facts.Application.MustChooseAgencyAgain(ag) {
		t.Fatalf("facts: %+v %v", facts.Agency, err)
	}
	if advice := domain.SuspendedAgencyAdvice(ag, false); !strings.Contains(advice, "仍由它继续办理") {
		t.Fatalf("advice for a submitted record: %s", advice)
	}

	// The draft cannot go to the suspended agency, and goes once another is chosen.
	_, err = s.SubmitApplication(f.other, draft.ID, t0)
	if domain.CodeOf(err) != domain.CodeConflict || !strings.Contains(domain.MessageOf(err), "另选一家培训机构") {
		t.Fatalf("submitting a draft at a suspended agency: %v", err)
	}
	agC, _ := s.PutAgency(domain.Agency{Name: "郑州第二中心", CityCode: "410100"})
	if _, err := s.SaveStep(f.other.ID, draft.ID, domain.StepInput{Step: domain.StepAgency, Info: domain.AppInfoInput{AgencyID: agC.ID,
		Phone: "13812345678", Profile: domain.ProfileInput{Education: "大学本科"}}}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitApplication(f.other, draft.ID, t0); err != nil {
		t.Fatalf("after choosing another agency: %v", err)
	}
	// A still has what it had.
	if got, err := s.ApplicationOf(f.u.ID, submitted.ID); err != nil || got.AgencyID != f.agA.ID || got.Status != domain.AppSubmitted {
		t.Fatalf("the submitted application moved: %+v %v", got, err)
	}
}
