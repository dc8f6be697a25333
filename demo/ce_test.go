package demo

import (
	"io"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/imaging"
	"sitepro/password"
	"sitepro/store"
)

func TestSeedDemoCE(t *testing.T) {
	st, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	if err := Seed(st, password.NewHasher(2), inProcess{imaging.New(imaging.Options{})}, io.Discard, now); err != nil {
		t.Fatal(err)
	}
	for range 2 { // whether or not Seed already ran it, and idempotent
		if err := seedCE(st, now); err != nil {
			t.Fatal(err)
		}
	}
	// Demo addresses receive no mail, so the demo trainees' addresses count as confirmed
	// (the home page would otherwise ask to confirm an address that never gets a link).
	for _, id := range []string{TraineeID, photoTrainees[0].id} {
		if u, err := st.UserByLogin(id, true); err != nil || !u.EmailConfirmed {
			t.Errorf("demo trainee %s: e-mail confirmed = %v (%v)", u.Name, u.EmailConfirmed, err)
		}
	}
	rev, _ := st.UserByLogin(agencies[0].user, false)
	if cs, _ := st.Courses(rev); len(cs) != len(Courses) {
		t.Fatalf("courses: %d", len(cs))
	}
	u, _ := st.UserByLogin(TraineeID, true)
	l, err := st.LearningOf(u.ID)
	if err != nil || len(l.Enrolments) != 1 {
		t.Fatalf("enrolments: %v %+v", err, l.Enrolments)
	}
	e := l.Enrolments[0]
	if e.Status != domain.EnrolCompleted || e.Cycle.No != 4 || len(l.Records[e.CertID]) != len(learning) {
		t.Fatalf("seeded enrolment: %s cycle %d, %d records", e.Status, e.Cycle.No, len(l.Records[e.CertID]))
	}
	// The current cycle is still open for the demo journey.
	d, _ := st.StartEnrolment(u, now)
	_, err = st.SaveEnrolStep(u, d.ID, domain.EnrolStepInput{Step: domain.CEStepCert, Cert: "412021101000123"}, now)
	if err != nil {
		t.Fatalf("the demo trainee cannot enrol in the current cycle: %v", err)
	}
	if st, _ := st.CertificateStatuses(u.ID, now); st[e.CertID].Status != domain.CertValid {
		t.Fatalf("status: %+v", st[e.CertID])
	}
}
