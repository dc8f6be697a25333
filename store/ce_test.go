package store

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitepro/domain"
)

// IDs of trainees of enrolment age (the package's validID holder was born in 1949).
const (
	ceIDA = "410102199003071230"
	ceIDB = "410305198511120049"
)

func ceMsg(e domain.Enrolment) domain.Message {
	return domain.Message{To: "x@example.com", Subject: "继续教育报名", Body: e.Number, Kind: "ce_submitted"}
}

func ceDecision(e domain.Enrolment, u domain.User) domain.Message {
	return domain.Message{To: u.Email, Subject: e.Status.Label(), Kind: "ce_decision"}
}

func ceDone(e domain.Enrolment, u domain.User, p domain.CycleProgress) domain.Message {
	return domain.Message{To: u.Email, Subject: "学时已达标", Body: p.Total.String(), Kind: "ce_completed"}
}

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
	f.u, _ = s.CreateTrainee(registration(t, ceIDA), "h", NewToken(), mk, t0)
	f.other, _ = s.CreateTrainee(registration(t, ceIDB), "h", NewToken(), mk, t0)
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
	birth, _ := u.Birth()
	steps := []func(e *domain.Enrolment, r CEReader) error{
		func(e *domain.Enrolment, r CEReader) error {
			k, err := r.CertCheck(number)
			if err != nil {
				return err
			}
			return e.SetCertificate(k)
		},
		func(e *domain.Enrolment, _ CEReader) error { return e.ConfirmPost(true) },
		func(e *domain.Enrolment, _ CEReader) error { return e.SetCity(ag.CityCode, nil) },
		func(e *domain.Enrolment, r CEReader) error {
			got, ok := r.Agency(ag.ID)
			trains, err := r.Trains(ag.ID, e.PostCode)
			if err != nil {
				return err
			}
			return e.SetAgency(got, ok, trains)
		},
		func(e *domain.Enrolment, _ CEReader) error { return e.SetResume(f.resumeInputs, birth, t0) },
	}
	for i, st := range steps {
		if e, err = f.s.SaveEnrolStep(u, e.ID, t0, st); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	return e
}

// confirmed submits a draft and has agency A's reviewer confirm it.
func (f *ceFixture) confirmed(t *testing.T, number string) domain.Enrolment {
	t.Helper()
	e := f.draft(t, f.u, number, f.agA)
	if _, err := f.s.SubmitEnrolment(f.u, e.ID, ceMsg, t0); err != nil {
		t.Fatal(err)
	}
	e, err := f.s.DecideEnrolment(f.revA, e.ID, "确认继续教育报名", t0,
		func(e domain.Enrolment) (domain.Enrolment, error) { return e.Confirm("甲审核员", t0) }, ceDecision)
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
		_, err := s.SaveEnrolStep(f.u, e.ID, t0, func(e *domain.Enrolment, r CEReader) error {
			k, err := r.CertCheck(number)
			if err != nil {
				return err
			}
			return e.SetCertificate(k)
		})
		return err
	}
	// Someone else's number and an unknown one get the same answer.
	for _, n := range []string{f.otherCert.Number, "412021101000777", ""} {
		if fe, _ := try(n).(domain.FieldErrors); fe["cert"] != domain.MsgCertNotYours {
			t.Fatalf("%q: %v", n, fe)
		}
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
			_, err := s.SubmitEnrolment(f.u, d1.ID, ceMsg, t0)
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
	_, err := s.SaveEnrolStep(f.u, d2.ID, t0, func(e *domain.Enrolment, r CEReader) error {
		k, _ := r.CertCheck(f.cert.Number)
		return e.SetCertificate(k)
	})
	if fe, _ := err.(domain.FieldErrors); !strings.Contains(fe["cert"], "已经报名（"+got.Number+"）") {
		t.Fatalf("second enrolment at step 1: %v", err)
	}
	if _, err := s.SubmitEnrolment(f.u, d2.ID, ceMsg, t0); err != nil {
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
	if _, err := s.SubmitEnrolment(f.u, d3.ID, ceMsg, t0); err != nil {
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
	_, err := f.s.SaveEnrolStep(f.u, e.ID, t0, func(e *domain.Enrolment, r CEReader) error {
		k, _ := r.CertCheck(f.cert.Number)
		_ = e.SetCertificate(k)
		_ = e.SetCity("410100", nil)
		ag, ok := r.Agency(f.agA.ID)
		trains, _ := r.Trains(f.agA.ID, e.PostCode)
		return e.SetAgency(ag, ok, trains)
	})
	if fe, _ := err.(domain.FieldErrors); !strings.Contains(fe["agency"], "不承担") {
		t.Fatalf("agency without the post: %v", err)
	}
}

func TestDecideEnrolmentScopeAndOneWinner(t *testing.T) {
	f := newCEFixture(t)
	e := f.draft(t, f.u, f.cert.Number, f.agA)
	e, _ = f.s.SubmitEnrolment(f.u, e.ID, ceMsg, t0)
	confirm := func(x domain.Enrolment) (domain.Enrolment, error) { return x.Confirm("审核员", t0) }
	if _, err := f.s.DecideEnrolment(f.revB, e.ID, "确认", t0, confirm, ceDecision); domain.CodeOf(err) != domain.CodeNotFound {
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
			_, err := f.s.DecideEnrolment(f.revA, e.ID, "确认继续教育报名", t0, confirm, ceDecision)
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

func TestRecordLearningCompletesTheCycleOnce(t *testing.T) {
	f := newCEFixture(t)
	e := f.confirmed(t, f.cert.Number)
	prof, _ := f.s.AddCourse(f.revA, domain.CourseInput{Title: "建筑施工技术", Category: "专业", Hours: "8"}, t0)
	pub, _ := f.s.AddCourse(f.revA, domain.CourseInput{Title: "法律法规", Category: "公共", Hours: "5"}, t0)
	if _, err := f.s.AddCourse(f.revA, domain.CourseInput{Title: " 建筑施工 技术", Category: "专业", Hours: "2"}, t0); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatal("duplicate course title accepted")
	}
	if _, err := f.s.AddCourse(f.revA, domain.CourseInput{Title: "x", Category: "专业", Hours: "-2"}, t0); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatal("negative hours accepted")
	}
	if cs, _ := f.s.Courses(f.revB); len(cs) != 0 {
		t.Fatal("another agency sees the catalog")
	}
	if _, err := f.s.RecordLearning(f.revB, e.ID, prof.ID, t0, ceDone, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatal("another agency recorded learning")
	}
	day := func(n int) time.Time { return time.Date(2026, 10, n, 0, 0, 0, 0, time.UTC) }
	got, err := f.s.RecordLearning(f.revA, e.ID, prof.ID, day(1), ceDone, t0)
	if err != nil || got.Status != domain.EnrolLearning {
		t.Fatalf("first record: %v %s", err, got.Status)
	}
	if _, err := f.s.RecordLearning(f.revA, e.ID, prof.ID, day(1), ceDone, t0); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("duplicate record: %v", err)
	}
	for _, d := range []int{2, 3} {
		if got, err = f.s.RecordLearning(f.revA, e.ID, prof.ID, day(d), ceDone, t0); err != nil || got.Status != domain.EnrolLearning {
			t.Fatalf("record %d: %v", d, err)
		}
	}
	if got, err = f.s.RecordLearning(f.revA, e.ID, pub.ID, day(4), ceDone, t0); err != nil || got.Status != domain.EnrolLearning {
		t.Fatalf("29 hours is not complete: %v %s", err, got.Status)
	}
	if got, err = f.s.RecordLearning(f.revA, e.ID, pub.ID, day(5), ceDone, t0); err != nil || got.Status != domain.EnrolCompleted {
		t.Fatalf("34 hours completes: %v %s", err, got.Status)
	}
	if _, err = f.s.RecordLearning(f.revA, e.ID, pub.ID, day(6), ceDone, t0); err != nil {
		t.Fatal(err)
	}
	if l, _ := f.s.LearningOf(f.u.ID); len(l.Records[f.cert.ID]) != 6 || len(l.Enrolments) != 1 {
		t.Fatalf("learning of the trainee: %+v", l)
	}
	msgs, _ := f.s.RecentMessages(100)
	n := 0
	for _, m := range msgs {
		if m.Kind == "ce_completed" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("completion mails: %d", n)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	f := newCEFixture(t)
	e := f.confirmed(t, f.cert.Number)
	_, _ = f.s.AddCourse(f.revA, domain.CourseInput{Title: "建筑施工技术", Category: "专业", Hours: "8"}, t0)
	_, _ = f.s.AddCourse(f.revA, domain.CourseInput{Title: "法律法规", Category: "公共", Hours: "5"}, t0)
	// The other trainee enrols at agency B: their certificate is not this agency's.
	oe := f.draft(t, f.other, f.otherCert.Number, f.agB)
	_, _ = f.s.SubmitEnrolment(f.other, oe.ID, ceMsg, t0)
	rows := [][]string{domain.ImportHeader,
		{"412021101000123", "张三", "建筑施工技术", "2026-10-01"},
		{"412021101000123", "张三", "建筑施工技术", "2026-10-02"},
		{"412021101000123", "李四", "建筑施工技术", "2026-10-03"}, // wrong name
		{"412021101000999", "张三", "建筑施工技术", "2026-10-03"}, // enrolled at another agency
		{"412021101000777", "张三", "建筑施工技术", "2026-10-03"}, // unknown certificate
		{"412021101000123", "张三", "安全生产", "2026-10-03"},   // unknown course
		{"412021101000123", "张三", "建筑施工技术", "2026-12-01"}, // future
		{"412021101000123", "张三", "建筑施工技术", "2026-09-01"}, // previous cycle
		{"412021101000123", "张三", "建筑施工技术", "2026-10-01"}, // duplicate in the file
		{"412022101000200", "张三", "建筑施工技术", "2026-10-05"}, // not enrolled
		{"412021101000123", "张三", "法律法规", "2026-13-05"},   // bad date
	}
	lines, perrs, err := domain.ParseImport(rows)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.s.ImportLearning(f.revA, lines, perrs, ceDone, t0)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[int]bool{}
	for _, le := range rep.Errors {
		bad[le.Line] = true
	}
	for line := 4; line <= 12; line++ {
		if !bad[line] {
			t.Errorf("line %d has no error: %+v", line, rep.Errors)
		}
	}
	if bad[2] || bad[3] || rep.Added != 0 {
		t.Fatalf("report: %+v", rep)
	}
	if l, _ := f.s.LearningOf(f.u.ID); len(l.Records[f.cert.ID]) != 0 {
		t.Fatal("an import with errors wrote records")
	}
	// The corrected file imports every line and completes the cycle.
	good := [][]string{domain.ImportHeader}
	for d := 1; d <= 3; d++ {
		good = append(good, []string{"412021101000123", "张三", "建筑施工技术", "2026-10-0" + string(rune('0'+d))})
	}
	good = append(good, []string{"412021101000123", "张三", " 法律 法规", "2026年10月4日"}, []string{"412021101000123", "张三", "法律法规", "20261005"})
	lines, perrs, _ = domain.ParseImport(good)
	rep, err = f.s.ImportLearning(f.revA, lines, perrs, ceDone, t0)
	if err != nil || len(rep.Errors) != 0 || rep.Added != 5 || len(rep.Completed) != 1 || rep.Completed[0] != e.Number {
		t.Fatalf("valid import: %v %+v", err, rep)
	}
	if got, _ := f.s.EnrolmentOf(f.u.ID, e.ID); got.Status != domain.EnrolCompleted {
		t.Fatalf("status after import: %s", got.Status)
	}
	// Importing the same file again: every line is a duplicate, nothing changes.
	rep, _ = f.s.ImportLearning(f.revA, lines, perrs, ceDone, t0)
	if len(rep.Errors) != 5 || rep.Added != 0 || !strings.Contains(rep.Errors[0].Message, "重复") {
		t.Fatalf("re-import: %+v", rep)
	}
	st, _ := f.s.CertificateStatuses(f.u.ID, t0)
	if st[f.cert.ID].Status != domain.CertValid {
		t.Fatalf("status: %+v", st)
	}
}
