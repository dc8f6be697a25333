package domain

import (
	"strings"
	"testing"
	"time"
)

func certCheck(now time.Time) CertCheck {
	return CertCheck{Cert: Certificate{ID: "c1", Number: "412021101000123", PostCode: "101", IssuedOn: day(2021, 9, 15)},
		Found: true, Status: CertValid, Birth: day(1990, 3, 7), Now: now, Settings: DefaultCESettings()}
}

func TestCertCheckProblems(t *testing.T) {
	now := noonCN(2026, 11, 26)
	for _, tc := range []struct {
		name string
		mod  func(*CertCheck)
		want string
	}{
		{"own valid certificate", func(*CertCheck) {}, ""},
		{"behind on learning may still enrol", func(k *CertCheck) { k.Status = CertCENotMet }, ""},
		{"unknown or someone else's", func(k *CertCheck) { k.Found = false }, MsgCertNotYours},
		{"revoked", func(k *CertCheck) { k.Status = CertRevoked }, "已被撤销"},
		{"cancelled", func(k *CertCheck) { k.Status = CertCancelled }, "已注销"},
		{"expired", func(k *CertCheck) { k.Status = CertExpired }, "已失效"},
		{"year of issue", func(k *CertCheck) { k.Cert.IssuedOn = day(2026, 3, 1) }, "2027年3月1日开始"},
		{"cycle already enrolled", func(k *CertCheck) { k.Taken = "JX2026112600001" }, "已经报名（JX2026112600001）"},
		{"too young", func(k *CertCheck) { k.Birth = day(2009, 1, 1) }, "17周岁"},
		{"too old", func(k *CertCheck) { k.Birth = day(1950, 1, 1) }, "76周岁"},
	} {
		k := certCheck(now)
		tc.mod(&k)
		if got := k.Problem(); (tc.want == "" && got != "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// readyEnrolment is a draft with every step answered.
func readyEnrolment(t *testing.T, now time.Time) Enrolment {
	t.Helper()
	e := Enrolment{ID: "e1", TraineeID: "u1", Status: EnrolDraft}
	if open, _ := e.FirstOpenStep(); e.CanOpenStep(CEStepPost) || open != CEStepCert {
		t.Fatal("step 2 open before step 1")
	}
	if err := e.SetCertificate(certCheck(now)); err != nil {
		t.Fatal(err)
	}
	if e.Cycle.No != 5 || e.PostCode != "101" {
		t.Fatalf("after step 1: %+v", e)
	}
	if fe, _ := e.ConfirmPost(false).(FieldErrors); fe["confirm"] == "" {
		t.Fatal("post not confirmed accepted")
	}
	_ = e.ConfirmPost(true)
	if fe, _ := e.SetCity("999999", nil).(FieldErrors); fe["city"] == "" {
		t.Fatal("unknown city accepted")
	}
	_ = e.SetCity("410100", nil)
	ag := Agency{ID: "a1", Name: "郑州中心", CityCode: "410100"}
	if fe, _ := e.SetAgency(AgencyOffer{Agency: Agency{ID: "a2", CityCode: "410300"}}, true).(FieldErrors); fe["agency"] == "" {
		t.Fatal("agency of another city accepted")
	}
	if fe, _ := e.SetAgency(AgencyOffer{Agency: ag, CEPosts: CEPosts{Configured: true}}, true).(FieldErrors); !strings.Contains(fe["agency"], "不承担施工员（土建施工）") {
		t.Fatalf("agency not training the post: %v", fe)
	}
	if err := e.SetAgency(AgencyOffer{Agency: ag}, true); err != nil {
		t.Fatal(err)
	}
	if fe, _ := e.SetResume(nil, day(1990, 3, 7), now).(FieldErrors); fe["resume"] == "" {
		t.Fatal("empty résumé accepted")
	}
	bad := []ResumeInput{{From: "2035-01", Employer: "某公司", Role: "施工员"}}
	if fe, _ := e.SetResume(bad, day(1990, 3, 7), now).(FieldErrors); fe["resume.0.from"] == "" {
		t.Fatalf("future résumé line accepted: %v", fe)
	}
	if err := e.SetResume([]ResumeInput{{From: "2012-08", Employer: "河南某建筑公司", Role: "施工员"}}, day(1990, 3, 7), now); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEnrolmentLifecycle(t *testing.T) {
	now := noonCN(2026, 11, 26)
	e := readyEnrolment(t, now)
	if _, open := e.FirstOpenStep(); open || !e.CanDelete() || !e.Editable() {
		t.Fatal("complete draft")
	}
	// Choosing the certificate again keeps the answers; another certificate clears them.
	k := certCheck(now)
	_ = e.SetCertificate(k)
	if !e.PostConfirmed || e.AgencyID == "" {
		t.Fatal("same certificate cleared later answers")
	}
	if _, err := e.Confirm("机构", now); CodeOf(err) != CodeConflict {
		t.Fatal("a draft was confirmed")
	}
	taken := k
	taken.Taken = "JX1"
	if _, err := e.Submit("JX2", taken); CodeOf(err) != CodeConflict {
		t.Fatalf("submit for a taken cycle: %v", err)
	}
	later := certCheck(noonCN(2027, 9, 20))
	if _, err := e.Submit("JX2", later); CodeOf(err) != CodeConflict || !strings.Contains(err.Error(), "第6周期") {
		t.Fatalf("submit after the cycle changed: %v", err)
	}
	p, err := e.Submit("JX2026112600001", k)
	if err != nil || p.Status != EnrolPending || p.Number != "JX2026112600001" || p.Editable() || !p.CanDelete() {
		t.Fatalf("submit: %v %+v", err, p)
	}
	if _, err := p.Submit("JX9", k); CodeOf(err) != CodeConflict {
		t.Fatal("submitted twice")
	}
	if _, err := p.Return("机构", "  ", now); err == nil {
		t.Fatal("return without a reason")
	}
	r, err := p.Return("机构", "工作简历请写到目前的单位", now)
	if err != nil || r.Status != EnrolReturned || !r.Editable() || r.NextStepText() == "" {
		t.Fatalf("return: %v %+v", err, r)
	}
	p, err = r.Submit("JX9", k)
	if err != nil || p.Number != "JX2026112600001" || p.ReturnReason != "" || p.Timeline[len(p.Timeline)-1].What != "修改后重新报名" {
		t.Fatalf("resubmit: %v %+v", err, p)
	}
	if _, _, err := p.Learn(CycleProgress{}, "机构", now); CodeOf(err) != CodeConflict {
		t.Fatal("learning recorded before confirmation")
	}
	c, err := p.Confirm("机构", now)
	if err != nil || c.Status != EnrolConfirmed || c.CanDelete() {
		t.Fatalf("confirm: %v", err)
	}
	if _, err := c.Confirm("机构", now); CodeOf(err) != CodeConflict {
		t.Fatal("confirmed twice")
	}
	s := DefaultCESettings()
	l, done, err := c.Learn(Progress(c.Cycle, hoursIn(c.Cycle, 8, 8), s, now), "机构", now)
	if err != nil || done || l.Status != EnrolLearning {
		t.Fatalf("first record: %v %v %s", err, done, l.Status)
	}
	full := Progress(c.Cycle, hoursIn(c.Cycle, 32, 22), s, now)
	l, done, err = l.Learn(full, "机构", now)
	if err != nil || !done || l.Status != EnrolCompleted || l.CompletedAt.IsZero() {
		t.Fatalf("completion: %v %v %s", err, done, l.Status)
	}
	if _, done, _ := l.Learn(full, "机构", now); done {
		t.Fatal("completed twice (the trainee would be mailed twice)")
	}
}

func TestNewLearningRecord(t *testing.T) {
	now := noonCN(2026, 11, 26)
	s := DefaultCESettings()
	e := readyEnrolment(t, now)
	e.Status = EnrolConfirmed
	course := Course{ID: "k1", Title: "建筑施工安全", Category: CategoryProfessional, Hours: 8}
	if r, err := NewLearningRecord(e, course, day(2026, 11, 20), s, now); err != nil || r.Hours != 8 || r.CertID != "c1" {
		t.Fatalf("valid record: %v %+v", err, r)
	}
	for _, tc := range []struct {
		name  string
		e     func(Enrolment) Enrolment
		c     Course
		d     time.Time
		field string
	}{
		{"future", nil, course, day(2026, 11, 27), "date"},
		{"before the cycle", nil, course, day(2026, 9, 14), "date"},
		{"negative hours", nil, Course{Title: "x", Category: CategoryPublic, Hours: -2}, day(2026, 11, 20), "course"},
		{"too many hours", nil, Course{Title: "x", Category: CategoryPublic, Hours: 17}, day(2026, 11, 20), "course"},
		{"unknown category", nil, Course{Title: "x", Category: "其他", Hours: 2}, day(2026, 11, 20), "course"},
		{"no date", nil, course, time.Time{}, "date"},
	} {
		if _, err := NewLearningRecord(e, tc.c, tc.d, s, now); err.(FieldErrors)[tc.field] == "" {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	e.Status = EnrolPending
	if _, err := NewLearningRecord(e, course, day(2026, 11, 20), s, now); CodeOf(err) != CodeConflict {
		t.Errorf("pending enrolment: %v", err)
	}
}

func TestCourseInput(t *testing.T) {
	s := DefaultCESettings()
	c, err := CourseInput{Title: " 建筑工程质量管理 ", Category: "专业", Hours: "4.5"}.Validate(s)
	if err != nil || c.Title != "建筑工程质量管理" || c.Hours != 9 {
		t.Fatalf("%v %+v", err, c)
	}
	_, err = CourseInput{Title: "", Category: "其他", Hours: "-3"}.Validate(s)
	fe := err.(FieldErrors)
	if fe["title"] == "" || fe["category"] == "" || !strings.Contains(fe["hours"], "正数") {
		t.Fatalf("%v", fe)
	}
	if CourseKey(" 建筑 施工\t安全 abc") != "建筑施工安全ABC" {
		t.Error("course key")
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]time.Time{"2026-11-20": day(2026, 11, 20), "2026/1/5": day(2026, 1, 5),
		"2026.11.20": day(2026, 11, 20), "2026年11月20日": day(2026, 11, 20), "20261120": day(2026, 11, 20), "２０２６－１１－２０": day(2026, 11, 20)} {
		if got, err := ParseDate(in, "完成日期"); err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "2026-02-30", "2026-13-01", "11/20/2026", "20-11-2026", "yesterday", "1899-01-01", "2026-11-20-1"} {
		if _, err := ParseDate(in, "完成日期"); CodeOf(err) != CodeInvalid {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
}

func TestParseImport(t *testing.T) {
	header := []string{"\ufeff证书编号", "姓名 ", "课程名称", "完成日期", ""}
	lines, errs, err := ParseImport([][]string{header,
		{"412021101000123", "王建国", "建筑施工安全", "2026-11-20"},
		{},
		{"", "", "", ""},
		{"412021101000123", "王建国", "建筑 施工安全", "2026/11/20"},
		{"412021101000124", "", "质量管理", "2026-02-30"},
		{"412021101000125", "李四", "质量管理", "2026-11-20", "多余"},
	})
	if err != nil || len(lines) != 4 {
		t.Fatalf("%v %d", err, len(lines))
	}
	want := map[int]string{5: "与第2行重复", 6: "缺少姓名", 7: "只能有四列"}
	got := map[int]string{}
	for _, e := range errs {
		got[e.Line] += e.Message + ";"
	}
	for line, msg := range want {
		if !strings.Contains(got[line], msg) {
			t.Errorf("line %d: %q, want %q", line, got[line], msg)
		}
	}
	if !strings.Contains(got[6], "不是真实的日期") || got[2] != "" {
		t.Errorf("errors: %v", got)
	}
	for _, rows := range [][][]string{nil, {{"证书编号", "姓名", "完成日期", "课程名称"}}, {{"证书编号", "姓名", "课程名称"}}, {header}} {
		if _, _, err := ParseImport(rows); CodeOf(err) != CodeInvalid {
			t.Errorf("%v accepted", rows)
		}
	}
	big := [][]string{header}
	for i := 0; i <= MaxImportLines; i++ {
		big = append(big, []string{"412021101000123", "王建国", "课程", "2026-11-20"})
	}
	if _, _, err := ParseImport(big); err == nil || !strings.Contains(err.Error(), "一次最多导入") {
		t.Errorf("too many lines: %v", err)
	}
}

func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"2", "1.5", "0.5", "8", "8.5", "-1", "7.99", "1e1", "２．５", "3学时", "", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHours(s, 8)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if h <= 0 || h > WholeHours(8) {
			t.Fatalf("ParseHours(%q) = %d half hours, outside (0, 8 h]", s, h)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-20", "2026年2月29日", "20261120", "2026/13/1", "", "-", "０"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s, "完成日期")
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if d.Year() < 1990 || d.Hour() != 0 || d.Location() != time.UTC {
			t.Fatalf("ParseDate(%q) = %v", s, d)
		}
	})
}

func FuzzParseImport(f *testing.F) {
	f.Add("证书编号,姓名,课程名称,完成日期\n412021101000123,王建国,安全,2026-11-20", ",")
	f.Fuzz(func(t *testing.T, text, sep string) {
		var rows [][]string
		for _, line := range strings.Split(text, "\n") {
			if sep == "" {
				sep = ","
			}
			rows = append(rows, strings.Split(line, sep))
		}
		lines, errs, err := ParseImport(rows)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		for _, e := range errs {
			if e.Line < 2 || e.Line > len(rows) || e.Message == "" {
				t.Fatalf("line error %+v of %d rows", e, len(rows))
			}
		}
		if len(lines) == 0 || len(lines) > MaxImportLines {
			t.Fatalf("%d lines", len(lines))
		}
	})
}

// An empty 证书编号 is asked for, not answered with "not found" (required first).
func TestCECertNumberRequiredFirst(t *testing.T) {
	now := noonCN(2026, 11, 26)
	for _, typed := range []string{"", "   "} {
		e := Enrolment{ID: "e1", Status: EnrolDraft}
		k := certCheck(now)
		k.Found = false // what the store finds for an empty number
		fe, _ := e.ApplyStep(EnrolStepInput{Step: CEStepCert, Cert: typed}, EnrolStepRef{Cert: k, Now: now}).(FieldErrors)
		if fe["cert"] != MsgCertRequired {
			t.Errorf("cert %q: %q, want %q", typed, fe["cert"], MsgCertRequired)
		}
	}
	e := Enrolment{ID: "e1", Status: EnrolDraft}
	k := certCheck(now)
	k.Found = false
	if fe, _ := e.ApplyStep(EnrolStepInput{Step: CEStepCert, Cert: "412021101000998"}, EnrolStepRef{Cert: k, Now: now}).(FieldErrors); fe["cert"] != MsgCertNotYours {
		t.Errorf("unknown number: %q", fe["cert"])
	}
}

// EnrolOpening uses step 1's rules: open when one certificate may be enrolled now.
func TestEnrolOpening(t *testing.T) {
	now := noonCN(2026, 11, 26)
	if o := (EnrolOpening{}); !o.NoCertificate() || o.Open() || o.Err() != ErrCENotOpen {
		t.Fatalf("no certificate: %+v", o)
	}
	soon := certCheck(now)
	soon.Cert.Number, soon.Cert.IssuedOn = "412026101000321", day(2026, 10, 16)
	o := EnrolOpening{Checks: []CertCheck{soon}}
	if b := o.Blocks(); o.Open() || o.NoCertificate() || len(b) != 1 || b[0].Number != "412026101000321" || !strings.Contains(b[0].Why, "2027年10月16日开始") {
		t.Fatalf("not due: %+v", b)
	}
	o.Checks = append(o.Checks, certCheck(now))
	if !o.Open() || o.Err() != nil || len(o.Blocks()) != 1 {
		t.Fatalf("one due: %+v", o.Blocks())
	}
}
