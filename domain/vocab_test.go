package domain

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every typed vocabulary: its codes, its labels (exactly the Chinese the pages showed
// before the codes), and parsing either.
func TestVocabularyCodesAndLabels(t *testing.T) {
	type row struct {
		code  string
		label string
		got   string // Label() of the code
	}
	var rows []row
	for _, c := range []struct {
		s PhotoStatus
		l string
	}{{PhotoNone, "未上传"}, {PhotoPending, "待确认"}, {PhotoConfirmed, "已确认"}, {PhotoReturned, "已退回"}} {
		rows = append(rows, row{string(c.s), c.l, c.s.Label()})
	}
	for _, c := range []struct {
		s CertificateStatus
		l string
	}{{CertValid, "有效"}, {CertCENotMet, "继续教育未达标"}, {CertExpired, "失效"}, {CertCancelled, "注销"}, {CertRevoked, "撤销"}} {
		rows = append(rows, row{string(c.s), c.l, c.s.Label()})
	}
	for _, c := range []struct {
		s CourseCategory
		l string
	}{{CategoryPublic, "公共"}, {CategoryProfessional, "专业"}} {
		rows = append(rows, row{string(c.s), c.l, c.s.Label()})
	}
	for _, c := range []struct {
		s Employment
		l string
	}{{EmploymentEmployed, "在职（有工作单位）"}, {EmploymentUnemployed, "待业"}, {EmploymentStudent, "在校学生或应届毕业生"}, {EmploymentOther, "其他"}} {
		rows = append(rows, row{string(c.s), c.l, c.s.Label()})
	}
	for _, c := range []struct {
		s ExamResult
		l string
	}{{ResultPass, "合格"}, {ResultFail, "不合格"}, {ResultAbsent, "缺考"}} {
		rows = append(rows, row{string(c.s), c.l, c.s.Label()})
	}
	for _, r := range rows {
		if r.got != r.label {
			t.Errorf("%s: Label() = %q, want %q", r.code, r.got, r.label)
		}
		for _, ch := range r.code {
			if ch > 127 {
				t.Errorf("code %q is not English", r.code)
				break
			}
		}
	}
	if got := CertificateStatus("某状态").Label(); got != "某状态" {
		t.Errorf("an unknown status is shown as stored: %q", got)
	}
	if got := Employments(); len(got) != 4 || got[0] != EmploymentEmployed || got[3] != EmploymentOther {
		t.Errorf("Employments() = %v", got)
	}
}

func TestParseFormValues(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Employment
		ok   bool
	}{{"在职（有工作单位）", EmploymentEmployed, true}, {"待业", EmploymentUnemployed, true}, {"student", EmploymentStudent, true},
		{"其他", EmploymentOther, true}, {"", "", false}, {"退休", "", false}} {
		if got, ok := ParseEmployment(tc.in); ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("ParseEmployment(%q) = %q, %v", tc.in, got, ok)
		}
	}
	for _, tc := range []struct {
		in   string
		want CourseCategory
		ok   bool
	}{{"公共", CategoryPublic, true}, {" 专业 ", CategoryProfessional, true}, {"professional", CategoryProfessional, true},
		{"public", CategoryPublic, true}, {"其他", "", false}, {"", "", false}} {
		if got, ok := ParseCategory(tc.in); ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("ParseCategory(%q) = %q, %v", tc.in, got, ok)
		}
	}
	var a Application
	if err := a.SetEmployment("在校学生或应届毕业生"); err != nil || a.Employment != EmploymentStudent || a.Employed() {
		t.Errorf("SetEmployment(label): %v %q", err, a.Employment)
	}
	if err := a.SetEmployment("在职（有工作单位）"); err != nil || !a.Employed() {
		t.Errorf("SetEmployment(employed): %v %q", err, a.Employment)
	}
	c, err := CourseInput{Title: "法规", Category: "公共", Hours: "2"}.Validate(DefaultCESettings())
	if err != nil || c.Category != CategoryPublic {
		t.Errorf("a course posted with the label 公共: %v %q", err, c.Category)
	}
}

// Records written before the codes hold the Chinese labels: they read as the codes, and
// writing them again stores the codes.
func TestOldRecordsDecodeTolerantly(t *testing.T) {
	var p Photo
	if err := json.Unmarshal([]byte(`{"ID":"p1","Status":"已退回","Reason":"背景不是纯色"}`), &p); err != nil || p.Status != PhotoReturned {
		t.Fatalf("old photo: %v %q", err, p.Status)
	}
	for _, tc := range []struct {
		old  string
		want CertificateStatus
	}{{"有效", CertValid}, {"继续教育未达标", CertCENotMet}, {"失效", CertExpired}, {"注销", CertCancelled}, {"撤销", CertRevoked},
		{"valid", CertValid}, {"", ""}} {
		var c Certificate
		if err := json.Unmarshal([]byte(`{"Number":"X1","Status":"`+tc.old+`"}`), &c); err != nil || c.Status != tc.want {
			t.Errorf("old certificate %q: %v %q", tc.old, err, c.Status)
		}
	}
	for _, tc := range []struct {
		old  string
		want PhotoStatus
	}{{"未上传", PhotoNone}, {"待确认", PhotoPending}, {"已确认", PhotoConfirmed}, {"已退回", PhotoReturned}, {"pending", PhotoPending}} {
		var p Photo
		if err := json.Unmarshal([]byte(`{"Status":"`+tc.old+`"}`), &p); err != nil || p.Status != tc.want {
			t.Errorf("old photo %q: %v %q", tc.old, err, p.Status)
		}
	}
	var k Course
	var r LearningRecord
	if err := json.Unmarshal([]byte(`{"Title":"法律法规","Category":"公共","Hours":10}`), &k); err != nil || k.Category != CategoryPublic {
		t.Errorf("old course: %v %q", err, k.Category)
	}
	if err := json.Unmarshal([]byte(`{"Course":"施工技术","Category":"专业","Hours":16}`), &r); err != nil || r.Category != CategoryProfessional {
		t.Errorf("old learning record: %v %q", err, r.Category)
	}
	// Old professional records still count as professional hours.
	cy, _ := CycleAt(day(2021, 9, 15), day(2026, 10, 1))
	r.CompletedOn = day(2026, 10, 1)
	if pr := Progress(cy, []LearningRecord{r}, DefaultCESettings(), day(2026, 10, 2)); pr.Professional != 16 {
		t.Errorf("old professional record counts %s professional hours", pr.Professional)
	}
	for _, tc := range []struct {
		old  string
		want Employment
	}{{"在职（有工作单位）", EmploymentEmployed}, {"待业", EmploymentUnemployed}, {"在校学生或应届毕业生", EmploymentStudent}, {"其他", EmploymentOther}} {
		var a Application
		if err := json.Unmarshal([]byte(`{"ID":"a1","Employment":"`+tc.old+`"}`), &a); err != nil || a.Employment != tc.want {
			t.Errorf("old application %q: %v %q", tc.old, err, a.Employment)
		}
	}
	var a Application
	_ = json.Unmarshal([]byte(`{"Employment":"在职（有工作单位）"}`), &a)
	if !a.Employed() {
		t.Error("an old record of an employed trainee is not employed")
	}

	// An unknown value is kept as stored, never an error: it matches no code.
	var c Certificate
	if err := json.Unmarshal([]byte(`{"Status":"暂停"}`), &c); err != nil || c.Status != "暂停" || c.Status.Valid() || c.Status.Label() != "暂停" {
		t.Errorf("unknown status: %v %q", err, c.Status)
	}
	// The wrong JSON type is still an error.
	if err := json.Unmarshal([]byte(`{"Status":3}`), &c); err == nil {
		t.Error("a number as status accepted")
	}

	// New writes store the codes, and no label.
	out, _ := json.Marshal(struct {
		P Photo
		C Certificate
		K Course
		A Application
	}{Photo{Status: PhotoConfirmed}, Certificate{Status: CertCENotMet}, Course{Category: CategoryProfessional}, Application{Employment: EmploymentStudent}})
	for _, want := range []string{`"Status":"confirmed"`, `"Status":"ce_unmet"`, `"Category":"professional"`, `"Employment":"student"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("written JSON lacks %s: %s", want, out)
		}
	}
	for _, label := range []string{"已确认", "继续教育未达标", "专业", "在校学生"} {
		if strings.Contains(string(out), label) {
			t.Errorf("written JSON holds the label %s: %s", label, out)
		}
	}
}
