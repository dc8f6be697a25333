package store

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// IDs of trainees of enrolment age (the package's validID holder was born in 1949).
const (
	ceIDA = "410102199003071230"
	ceIDB = "410305198511120049"
)

type ceFixture struct {
	s            *Store
	u, other     domain.User
	agA, agB     domain.Agency
	revA, revB   domain.User
	cert, cert2  domain.Certificate
	otherCert    domain.Certificate
	resumeInputs []domain.ResumeInput
}

func newCEFixture(t *testing.T) *ceFixture {
	t.Helper()
	s, _ := openTemp(t)
	f := &ceFixture{s: s}
	f.u, _ = s.CreateTrainee(registration(t, ceIDA), "h", NewToken(), t0)
	f.other, _ = s.CreateTrainee(registration(t, ceIDB), "h", NewToken(), t0)
	f.agA, _ = s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	f.agB, _ = s.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	var err error
	if f.revA, err = s.CreateStaff(domain.User{Role: domain.RoleReviewer, Username: "reva", Name: "甲审核员", AgencyID: f.agA.ID}, t0); err != nil {
		t.Fatal(err)
	}
	f.revB, _ = s.CreateStaff(domain.User{Role: domain.RoleReviewer, Username: "revb", Name: "乙审核员", AgencyID: f.agB.ID}, t0)
	f.cert, _ = s.AddCertificate(cert(f.u.ID, "412021101000123", time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC)))
	f.cert2, _ = s.AddCertificate(cert(f.u.ID, "412022101000200", time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC)))
	f.otherCert, _ = s.AddCertificate(cert(f.other.ID, "412021101000999", time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC)))
	f.resumeInputs = []domain.ResumeInput{{From: "2012-08", Employer: "河南某建筑公司", Role: "施工员"}}
	return f
}

// draft fills a complete enrolment draft for certificate number at agency ag.
func (f *ceFixture) draft(t *testing.T, u domain.User, number string, ag domain.Agency) domain.Enrolment {
	t.Helper()
	e, err := f.s.StartEnrolment(u, t0)
	if err != nil {
		t.Fatal(err)
	}
	steps := []domain.EnrolStepInput{
		{Step: domain.CEStepCert, Cert: number},
		{Step: domain.CEStepPost, Confirmed: true},
		{Step: domain.CEStepAgency, City: ag.CityCode, CityOnly: true},
		{Step: domain.CEStepAgency, City: ag.CityCode, Agency: ag.ID},
		{Step: domain.CEStepResume, Resume: f.resumeInputs},
	}
	for i, st := range steps {
		if e, err = f.s.SaveEnrolStep(u, e.ID, st, t0); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	return e
}

// confirmed submits a draft and has agency A's reviewer confirm it.
func (f *ceFixture) confirmed(t *testing.T, number string) domain.Enrolment {
	t.Helper()
	e := f.draft(t, f.u, number, f.agA)
	if _, err := f.s.SubmitEnrolment(f.u, e.ID, t0); err != nil {
		t.Fatal(err)
	}
	e, err := f.s.DecideEnrolment(f.revA, e.ID, domain.Decision{Kind: domain.EnrolConfirmDecision}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEnrolOncePerCycleAndOwnCertificatesOnly(t *testing.T) {
	f := newCEFixture(t)
	s := f.s
	e, _ := s.StartEnrolment(f.u, t0)
	try := func(number string) error {
		_, err := s.SaveEnrolStep(f.u, e.ID, domain.EnrolStepInput{Step: domain.CEStepCert, Cert: number}, t0)
		return err
	}
	// Someone else's number and an unknown one get the same answer.
	for _, n := range []string{f.otherCert.Number, "412021101000777"} {
		if fe, _ := try(n).(domain.FieldErrors); fe["cert"] != domain.MsgCertNotYours {
			t.Fatalf("%q: %v", n, fe)
		}
	}
	// An empty number is asked for first.
	if fe, _ := try(" ").(domain.FieldErrors); fe["cert"] != domain.MsgCertRequired {
		t.Fatalf("empty: %v", fe)
	}
	if err := try(" 412021101000123 "); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.StartEnrolment(f.u, t0); again.ID != e.ID {
		t.Fatal("starting again did not resume the draft")
	}
	if _, err := s.EnrolmentOf(f.other.ID, e.ID); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("another trainee reads the draft")
	}
	// Two drafts of the same certificate and cycle: 50 concurrent submits, one enrolment.
	d1 := f.draft(t, f.u, f.cert.Number, f.agA)
	var ok, conflicts atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.SubmitEnrolment(f.u, d1.ID, t0)
			switch {
			case err == nil:
				ok.Add(1)
			case domain.CodeOf(err) == domain.CodeConflict:
				conflicts.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || conflicts.Load() != 49 {
		t.Fatalf("submits: %d ok, %d conflicts", ok.Load(), conflicts.Load())
	}
	got, _ := s.EnrolmentOf(f.u.ID, d1.ID)
	if got.Status != domain.EnrolPending || !strings.HasPrefix(got.Number, "JX20261126") || got.Cycle.No != 5 {
		t.Fatalf("submitted: %+v", got)
	}
	// A second enrolment for the same cycle is refused at step 1 and at submission.
	d2 := f.draft(t, f.u, f.cert2.Number, f.agA)
	_, err := s.SaveEnrolStep(f.u, d2.ID, domain.EnrolStepInput{Step: domain.CEStepCert, Cert: f.cert.Number}, t0)
	if fe, _ := err.(domain.FieldErrors); !strings.Contains(fe["cert"], "已经报名（"+got.Number+"）") {
		t.Fatalf("second enrolment at step 1: %v", err)
	}
	if _, err := s.SubmitEnrolment(f.u, d2.ID, t0); err != nil {
		t.Fatalf("another certificate may enrol: %v", err)
	}
	// Deleting frees the cycle; the queue follows.
	if n, _ := s.CEQueueCount(f.revA); n != 2 {
		t.Fatalf("queue count %d", n)
	}
	if err := s.DeleteEnrolment(f.other.ID, d1.ID, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("another trainee deleted an enrolment")
	}
	if err := s.DeleteEnrolment(f.u.ID, d1.ID, t0); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CEQueueCount(f.revA); n != 1 {
		t.Fatalf("queue count after delete %d", n)
	}
	d3 := f.draft(t, f.u, f.cert.Number, f.agA)
	if _, err := s.SubmitEnrolment(f.u, d3.ID, t0); err != nil {
		t.Fatalf("enrolling again after delete: %v", err)
	}
}

func TestAgencyPostsAndSettings(t *testing.T) {
	f := newCEFixture(t)
	if cs, _ := f.s.CESettings(); cs != domain.DefaultCESettings() {
		t.Fatalf("defaults: %+v", cs)
	}
	cs := domain.DefaultCESettings()
	cs.HoursPerYear = 0
	if err := f.s.SetCESettings(cs); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatal("invalid settings stored")
	}
	cs.HoursPerYear, cs.ProfessionalMin, cs.TwoYearMin = 24, 12, 48
	if err := f.s.SetCESettings(cs); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.s.CESettings(); got.HoursPerYear != 24 || got.ProfessionalMin != 12 {
		t.Fatalf("stored settings: %+v", got)
	}
	_ = f.s.SetAgencyPosts(f.agA.ID, []string{"111"})
	e, _ := f.s.StartEnrolment(f.u, t0)
	for _, in := range []domain.EnrolStepInput{{Step: domain.CEStepCert, Cert: f.cert.Number}, {Step: domain.CEStepPost, Confirmed: true}} {
		if _, err := f.s.SaveEnrolStep(f.u, e.ID, in, t0); err != nil { // the steps before 培训机构, in order
			t.Fatal(err)
		}
	}
	_, err := f.s.SaveEnrolStep(f.u, e.ID, domain.EnrolStepInput{Step: domain.CEStepAgency, City: "410100", Agency: f.agA.ID}, t0)
	if fe, _ := err.(domain.FieldErrors); !strings.Contains(fe["agency"], "不承担") {
		t.Fatalf("agency without the post: %v", err)
	}
}

func TestDecideEnrolmentScopeAndOneWinner(t *testing.T) {
	f := newCEFixture(t)
	e := f.draft(t, f.u, f.cert.Number, f.agA)
	e, _ = f.s.SubmitEnrolment(f.u, e.ID, t0)
	confirm := domain.Decision{Kind: domain.EnrolConfirmDecision}
	if _, err := f.s.DecideEnrolment(f.revB, e.ID, confirm, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("another agency decided: %v", err)
	}
	if _, err := f.s.ReviewEnrolment(f.revB, e.ID); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("another agency reads the enrolment")
	}
	if p, _ := f.s.CEQueue(f.revB, CEFilter{Status: "all"}); p.Total != 0 {
		t.Fatal("another agency's queue lists it")
	}
	if _, err := f.s.CEQueue(f.u, CEFilter{}); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("a trainee reads a queue")
	}
	var ok, conflicts atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.DecideEnrolment(f.revA, e.ID, confirm, t0)
			switch {
			case err == nil:
				ok.Add(1)
			case domain.CodeOf(err) == domain.CodeConflict:
				conflicts.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || conflicts.Load() != 49 {
		t.Fatalf("confirms: %d ok, %d conflicts", ok.Load(), conflicts.Load())
	}
	msgs, _ := f.s.RecentMessages(100)
	n := 0
	for _, m := range msgs {
		if m.Kind == "ce_decision" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("decision mails: %d", n)
	}
	if log, _ := f.s.AuditLog(AuditFilter{Action: "确认继续教育报名"}, 100); len(log) != 1 {
		t.Fatalf("audit entries: %d", len(log))
	}
	page, _ := f.s.CEQueue(f.revA, CEFilter{})
	all, _ := f.s.CEQueue(f.revA, CEFilter{Status: "learning", Query: "412021101"})
	if page.Total != 0 || all.Total != 1 || all.Rows[0].Status != domain.EnrolConfirmed {
		t.Fatalf("queue after confirm: %+v / %+v", page, all)
	}
	if err := f.s.DeleteEnrolment(f.u.ID, e.ID, t0); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatal("a confirmed enrolment was deleted")
	}
}

func TestEnrolmentLinksTheAgencyUntilDeleted(t *testing.T) {
	f := newCEFixture(t)
	allowed := func() bool {
		var err error
		_ = f.s.view(func(txn *badger.Txn) error { err = authorizeTrainee(txn, f.revA, f.u.ID); return nil })
		return err == nil
	}
	e := f.draft(t, f.u, f.cert.Number, f.agA)
	if allowed() {
		t.Fatal("a draft gives the agency access")
	}
	if _, err := f.s.SubmitEnrolment(f.u, e.ID, t0); err != nil || !allowed() {
		t.Fatalf("submitted: %v, access %v", err, allowed())
	}
	if err := f.s.DeleteEnrolment(f.u.ID, e.ID, t0); err != nil || allowed() {
		t.Fatalf("deleted: %v, access %v", err, allowed())
	}
}

// StartEnrolment makes no draft for a trainee none of whose certificates can be enrolled
// now (none held, or none due yet), and resumes a draft there is.
func TestStartEnrolmentNeedsACertificateThatCanBeEnrolled(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, ceIDA), "h", NewToken(), t0)
	refused := func(when string) domain.EnrolOpening {
		t.Helper()
		if _, err := s.StartEnrolment(u, t0); !errors.Is(err, domain.ErrCENotOpen) {
			t.Fatalf("%s: %v", when, err)
		}
		if es, _ := s.EnrolmentsOf(u.ID); len(es) != 0 {
			t.Fatalf("%s: a draft was made: %+v", when, es)
		}
		o, err := s.EnrolOpeningOf(u, t0)
		if err != nil || o.Open() {
			t.Fatalf("%s: opening %+v %v", when, o, err)
		}
		return o
	}
	if o := refused("no certificate"); !o.NoCertificate() {
		t.Fatal("no certificate not reported")
	}
	// Issued this year: the first cycle opens on the first anniversary.
	_, _ = s.AddCertificate(cert(u.ID, "412026101000321", time.Date(2026, 10, 16, 0, 0, 0, 0, time.UTC)))
	o := refused("not due")
	if b := o.Blocks(); o.NoCertificate() || len(b) != 1 || !strings.Contains(b[0].Why, "第一个学时周期从2027年10月16日开始") {
		t.Fatalf("not due: %+v", b)
	}
	_, _ = s.AddCertificate(cert(u.ID, "412021101000123", time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC)))
	e, err := s.StartEnrolment(u, t0)
	if err != nil || e.Status != domain.EnrolDraft {
		t.Fatalf("with a certificate due: %v %+v", err, e)
	}
	if o, _ := s.EnrolOpeningOf(u, t0); !o.Open() || len(o.Blocks()) != 1 {
		t.Fatalf("opening with one due: %+v", o)
	}
}

// SaveEnrolStep gates the step in its own transaction: a step whose earlier steps are not
// done is refused (ErrStepNotOpen) and nothing is kept, not even typed input.
func TestSaveEnrolStepGatesTheStep(t *testing.T) {
	f := newCEFixture(t)
	e, err := f.s.StartEnrolment(f.u, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []domain.EnrolStepInput{
		{Step: domain.CEStepPost, Confirmed: true, Typed: map[string]string{"confirm": "1"}},
		{Step: domain.CEStepResume, KeepOnly: true, Typed: map[string]string{"resume.0.employer": "某公司"}},
	} {
		if _, err := f.s.SaveEnrolStep(f.u, e.ID, in, t0); !errors.Is(err, ErrStepNotOpen) {
			t.Fatalf("step %v before step 1: %v", in.Step, err)
		}
	}
	if got, _ := f.s.EnrolmentOf(f.u.ID, e.ID); got.PostConfirmed || len(got.Typed) != 0 {
		t.Fatalf("the refused steps changed the draft: %+v", got)
	}
	if _, err := f.s.SaveEnrolStep(f.u, e.ID, domain.EnrolStepInput{Step: domain.CEStepCert, Cert: f.cert.Number}, t0); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.SaveEnrolStep(f.u, e.ID, domain.EnrolStepInput{Step: domain.CEStepPost, Confirmed: true}, t0); err != nil || !got.PostConfirmed {
		t.Fatalf("step 2 after step 1: %v", err)
	}
	if _, err := f.s.SaveEnrolStep(f.other, e.ID, domain.EnrolStepInput{Step: domain.CEStepCert, Cert: f.otherCert.Number}, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("someone else's draft: %v", err)
	}
}
