package domain

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

var appNow = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// completeApp fills all nine steps through the setters.
func completeApp(t *testing.T) Application {
	t.Helper()
	a := Application{ID: "a1", TraineeID: "u1", Status: AppDraft}
	birth := time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC)
	ag := Agency{ID: "ag1", CityCode: "410100"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.SetEmployment("在职（有工作单位）"))
	must(a.SetCity("410100", func(string) string { return "410100" }))
	must(a.SetAgencyInfo(AppInfoInput{AgencyID: "ag1", Phone: "13812345678", Profile: ProfileInput{Education: "大学本科",
		School: "郑州大学", Major: "土木工程", Graduation: "2012-07", Employer: "某建筑公司", CreditCode: "91350100M000100Y43",
		WorkStart: "2012-08", Address: "郑州市"}}, ag, true, birth, appNow))
	must(a.SetPost("101", DefaultPosts()))
	must(a.SetResume([]ResumeInput{{From: "2012-08", To: "至今", Employer: "某建筑公司", Role: "施工员"}, {}}, "参与住宅项目施工", birth, appNow))
	must(a.SetPledge("王芳", "王芳", PledgeVersion, true, appNow))
	for _, st := range []Step{StepIDFront, StepIDBack, StepDiploma} {
		a.SetDocument(st, "up"+strconv.Itoa(int(st)))
	}
	return a
}

func TestWizardStepsGateAndValidate(t *testing.T) {
	var a Application
	if a.CanOpenStep(StepPost) || !a.CanOpenStep(StepEmployment) {
		t.Fatal("a later step is reachable before the earlier ones are done")
	}
	if err := a.SetEmployment("随便"); CodeOf(err) != CodeInvalid {
		t.Fatalf("unknown employment: %v", err)
	}
	_ = a.SetEmployment("在职（有工作单位）")
	_ = a.SetCity("410100", nil)
	err := a.SetAgencyInfo(AppInfoInput{AgencyID: "x", Phone: "123"}, Agency{ID: "x", CityCode: "410300"}, true, time.Time{}, appNow)
	fe, _ := err.(FieldErrors)
	for _, k := range []string{"agency", "education", "employer", "phone"} {
		if fe[k] == "" {
			t.Errorf("step 3 misses the error for %s: %v", k, fe)
		}
	}
	if a.AgencyID != "" {
		t.Fatal("an invalid step changed the application")
	}
	if err := a.SetPost("110", DefaultPosts()); err == nil {
		t.Fatal("the disabled legacy 安全员 was accepted")
	}
	if err := a.SetResume(nil, "", time.Time{}, appNow); err == nil {
		t.Fatal("an employed trainee without résumé was accepted")
	}
	err = a.SetResume([]ResumeInput{{From: "2030-01", Employer: "", Role: "x"}}, "", time.Time{}, appNow)
	if fe := err.(FieldErrors); fe["resume.0.from"] == "" || fe["resume.0.employer"] == "" {
		t.Fatalf("résumé line errors: %v", fe)
	}
	if err := a.SetPledge("李四", "王芳", PledgeVersion, false, appNow); len(err.(FieldErrors)) != 2 {
		t.Fatalf("pledge errors: %v", err)
	}
}

func TestChangingCityClearsAgencyOfOtherCity(t *testing.T) {
	a := completeApp(t)
	_ = a.SetCity("410300", func(string) string { return "410100" })
	if open, _ := a.FirstOpenStep(); a.AgencyID != "" || open != StepAgency {
		t.Fatalf("agency of the old city kept: %q, open step %d", a.AgencyID, open)
	}
}

func TestLifecycle(t *testing.T) {
	a := completeApp(t)
	if _, err := (Application{Status: AppDraft}).Submit("N1", appNow); CodeOf(err) != CodeInvalid {
		t.Fatalf("incomplete submit: %v", err)
	}
	steps := []struct {
		name string
		do   func(Application) (Application, error)
		want AppStatus
	}{
		{"submit", func(a Application) (Application, error) { return a.Submit("XQ1", appNow) }, AppSubmitted},
		{"return", func(a Application) (Application, error) {
			return a.Return("审核员", []string{ReturnReasonsList[0]}, "请重新拍摄", appNow)
		}, AppReturned},
		{"resubmit", func(a Application) (Application, error) { return a.Submit("XQ2", appNow) }, AppSubmitted},
		{"confirm", func(a Application) (Application, error) { return a.Confirm("审核员", appNow) }, AppConfirmed},
		{"schedule", func(a Application) (Application, error) {
			return a.Schedule(Exam{TicketNumber: "T1", Venue: "郑州考点", Subjects: []ExamSubject{{Name: "专业基础知识"}}}, "管理员", appNow)
		}, AppScheduled},
		{"scores", func(a Application) (Application, error) {
			return a.RecordScores(Scores{Basic: Points(75), Practice: Points(61)}, "管理员", appNow)
		}, AppScored},
		{"result", func(a Application) (Application, error) {
			return a.ConfirmResult(DefaultExamSettings(), "管理员", appNow)
		}, AppPassed},
		{"certify", func(a Application) (Application, error) { return a.Certify("412026101000001", "管理员", appNow) }, AppCertified},
	}
	for _, s := range steps {
		var err error
		a, err = s.do(a)
		if err != nil || a.Status != s.want {
			t.Fatalf("%s: status %s err %v, want %s", s.name, a.Status, err, s.want)
		}
	}
	if a.Number != "XQ1" {
		t.Fatalf("the reference changed on resubmit: %s", a.Number)
	}
	if len(a.Timeline) != 8 {
		t.Fatalf("timeline has %d events, want 8", len(a.Timeline))
	}
	if a.CanDelete() || a.Status.Open() {
		t.Fatal("a certified application is deletable or open")
	}
}

func TestWrongTransitionsConflict(t *testing.T) {
	a := completeApp(t)
	for name, f := range map[string]func() error{
		"confirm draft":  func() error { _, err := a.Confirm("r", appNow); return err },
		"return draft":   func() error { _, err := a.Return("r", []string{"x"}, "", appNow); return err },
		"schedule draft": func() error { _, err := a.Schedule(Exam{}, "r", appNow); return err },
		"certify draft":  func() error { _, err := a.Certify("n", "r", appNow); return err },
	} {
		if CodeOf(f()) != CodeConflict {
			t.Errorf("%s: not a conflict", name)
		}
	}
	s, _ := a.Submit("N", appNow)
	if _, err := s.Return("r", nil, " ", appNow); CodeOf(err) != CodeInvalid {
		t.Fatalf("return without reason: %v", err)
	}
	if _, err := s.Reject("r", "", appNow); CodeOf(err) != CodeInvalid {
		t.Fatalf("reject without reason: %v", err)
	}
	r, _ := s.Reject("r", "学历不符合报考条件", appNow)
	if r.Status != AppRejected || r.CanDelete() || r.Status.Open() {
		t.Fatalf("rejected: %+v", r.Status)
	}
	if _, err := s.Submit("N", appNow); CodeOf(err) != CodeConflict {
		t.Fatal("double submit accepted")
	}
}

func TestExamResults(t *testing.T) {
	for _, tc := range []struct {
		s    Scores
		want string
	}{{Scores{Basic: Points(60), Practice: Points(60)}, "合格"}, {Scores{Basic: Points(59), Practice: Points(100)}, "不合格"}, {Scores{Absent: true}, "缺考"}} {
		if got := tc.s.Judge(DefaultExamSettings()).Label(); got != tc.want {
			t.Errorf("%+v: %s want %s", tc.s, got, tc.want)
		}
	}
	a := Application{Status: AppScheduled}
	if _, err := a.RecordScores(Scores{Basic: Points(101)}, "x", appNow); CodeOf(err) != CodeInvalid {
		t.Fatal("score over 100 accepted")
	}
	a, _ = a.RecordScores(Scores{Basic: Points(50), Practice: Points(80)}, "x", appNow)
	a, _ = a.ConfirmResult(DefaultExamSettings(), "x", appNow)
	if a.Status != AppFailed || !a.Scores.Confirmed || a.Status.Open() {
		t.Fatalf("failed result: %+v", a)
	}
}

func TestResumeStepDoneOnlyOnceEmploymentIsKnown(t *testing.T) {
	st := Employments()
	employed, other := st[0], st[len(st)-1]
	cases := []struct {
		name string
		a    Application
		want bool
	}{
		{"new draft", Application{}, false},
		{"employed, no résumé yet", Application{Employment: employed}, false},
		{"employed with a résumé entry", Application{Employment: employed, Resume: []ResumeEntry{{}}}, true},
		{"not employed, résumé optional", Application{Employment: other}, true},
	}
	for _, c := range cases {
		if got := c.a.Done(StepResume); got != c.want {
			t.Errorf("%s: Done(工作简历) = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestKeepTypedIsBoundedAndForgotten(t *testing.T) {
	var a Application
	v := map[string]string{"_csrf": "token", "op": "add", "achievements": strings.Repeat("业", 5000)}
	for i := range 300 {
		v["f"+strconv.Itoa(i)] = "x"
	}
	a.KeepTyped("resume", v)
	kept := a.Typed["resume"]
	if _, ok := kept["_csrf"]; ok {
		t.Error("the CSRF token was kept")
	}
	if _, ok := kept["op"]; ok {
		t.Error("the button value was kept")
	}
	if len(kept) > maxTypedFields {
		t.Errorf("kept %d fields, want at most %d", len(kept), maxTypedFields)
	}
	if s, ok := kept["achievements"]; ok && len([]rune(s)) > maxTypedRunes {
		t.Errorf("kept %d characters of one field, want at most %d", len([]rune(s)), maxTypedRunes)
	}
	a.ForgetTyped("resume")
	if len(a.Typed["resume"]) != 0 {
		t.Error("ForgetTyped left the values")
	}
}

// TestAwaitsTicket: the statuses whose 准考证 is still to come (and needs the photo).
func TestAwaitsTicket(t *testing.T) {
	want := map[AppStatus]bool{AppDraft: true, AppSubmitted: true, AppReturned: true, AppConfirmed: true, AppScheduled: true}
	for _, s := range []AppStatus{AppDraft, AppSubmitted, AppReturned, AppRejected, AppConfirmed, AppScheduled, AppScored, AppPassed, AppFailed, AppCertified} {
		if s.AwaitsTicket() != want[s] {
			t.Errorf("%s.AwaitsTicket() = %v", s, s.AwaitsTicket())
		}
	}
}
