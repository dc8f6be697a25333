package store

import (
	"testing"

	"sitepro/domain"
)

// TestRevealPhoneScopeAndAudit: the full phone goes to reviewers of the application's
// agency and admins, each time with an audit entry; others learn nothing and leave none.
func TestRevealPhoneScopeAndAudit(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州", CityCode: "410100"})
	a := fillApp(t, s, u, ag)
	rev := domain.User{ID: "r1", Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "审核员", Username: "rev"}
	if _, err := s.RevealPhone(rev, a.ID, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a draft's phone to its agency: %v", err)
	}
	a, err := s.SubmitApplication(u, a.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []domain.User{
		{ID: "r2", Role: domain.RoleReviewer, AgencyID: "elsewhere", Name: "别家"},
		{ID: u.ID, Role: domain.RoleTrainee, Name: "张三"},
	} {
		if _, err := s.RevealPhone(who, a.ID, t0); domain.CodeOf(err) != domain.CodeNotFound {
			t.Fatalf("%s %s: %v", who.Role, who.AgencyID, err)
		}
	}
	if log, _ := s.AuditLog(AuditFilter{Action: domain.AuditPhoneReveal}, 10); len(log) != 0 {
		t.Fatalf("refused reveals were audited: %+v", log)
	}
	admin := domain.User{ID: "a1", Role: domain.RoleAdmin, Name: "管理员", Username: "admin"}
	for _, who := range []domain.User{rev, admin} {
		if p, err := s.RevealPhone(who, a.ID, t0); err != nil || p != "13812345678" {
			t.Fatalf("%s: %q %v", who.Role, p, err)
		}
	}
	log, _ := s.AuditLog(AuditFilter{Action: domain.AuditPhoneReveal}, 10)
	if len(log) != 2 || log[0].Object != a.ID || log[0].Detail != a.Number {
		t.Fatalf("audit: %+v", log)
	}
	for _, e := range log {
		if e.ActorID != rev.ID && e.ActorID != admin.ID {
			t.Fatalf("audit actor %+v", e)
		}
	}
}
