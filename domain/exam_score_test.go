package domain

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseScore(t *testing.T) {
	for _, tt := range []struct {
		in     string
		want   Score
		absent bool
		ok     bool
	}{
		{"0", 0, false, true}, {"100", 1000, false, true}, {"78.5", 785, false, true}, {" 60 ", 600, false, true},
		{"７８．５", 785, false, true}, {"59,9", 599, false, true}, {"缺考", 0, true, true}, {"100.0", 1000, false, true},
		{"100.1", 0, false, false}, {"-1", 0, false, false}, {"78.55", 0, false, false}, {"七十", 0, false, false},
		{"", 0, false, false}, {"1e2", 0, false, false}, {"78.", 0, false, false}, {".5", 0, false, false}, {"1000", 0, false, false},
	} {
		got, absent, err := ParseScore(SubjectBasic, tt.in)
		if (err == nil) != tt.ok || got != tt.want || absent != tt.absent {
			t.Errorf("ParseScore(%q) = %v, %v, %v; want %v, %v, ok=%v", tt.in, got, absent, err, tt.want, tt.absent, tt.ok)
		}
		if err != nil && CodeOf(err) != CodeInvalid {
			t.Errorf("ParseScore(%q): code %v", tt.in, CodeOf(err))
		}
	}
}

func TestScoreJSONReadsOldWholeNumbers(t *testing.T) {
	var s Scores
	if err := json.Unmarshal([]byte(`{"Basic":80,"Practice":59,"Absent":false,"Confirmed":true}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.Basic != Points(80) || s.Practice != Points(59) {
		t.Fatalf("old record read as %v/%v", s.Basic, s.Practice)
	}
	b, _ := json.Marshal(Scores{Basic: 785, Practice: Points(60)})
	var back Scores
	if err := json.Unmarshal(b, &back); err != nil || back.Basic != 785 || back.Practice != 600 {
		t.Fatalf("round trip %s → %+v, %v", b, back, err)
	}
	if got := Score(785).String(); got != "78.5" {
		t.Fatalf("String = %q", got)
	}
}

func TestScoreInputRules(t *testing.T) {
	if _, err := (ScoreInput{Basic: "80", Absent: true}).Scores(); err == nil {
		t.Fatal("a score for a 缺考 candidate must be refused")
	}
	s, err := (ScoreInput{Absent: true}).Scores()
	if err != nil || !s.Absent || !s.Missed(SubjectPractice) {
		t.Fatalf("absent row: %+v %v", s, err)
	}
	if _, err := (ScoreInput{Basic: "101", Practice: ""}).Scores(); len(err.(FieldErrors)) != 2 {
		t.Fatalf("both fields must be reported: %v", err)
	}
	s, err = (ScoreInput{Basic: "缺考", Practice: "90"}).Scores()
	if err != nil || !s.BasicAbsent || s.Absent || s.Practice != 900 {
		t.Fatalf("one subject missed: %+v %v", s, err)
	}
	pass := DefaultExamSettings()
	for _, tt := range []struct {
		s    Scores
		want ExamResult
	}{
		{Scores{Basic: 600, Practice: 600}, ResultPass},
		{Scores{Basic: 599, Practice: 1000}, ResultFail},
		{Scores{BasicAbsent: true, Practice: 1000}, ResultFail},
		{Scores{BasicAbsent: true, PracticeAbsent: true}, ResultAbsent},
		{Scores{Absent: true}, ResultAbsent},
	} {
		if got := tt.s.Judge(pass); got != tt.want {
			t.Errorf("Judge(%+v) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestParseScoreImport(t *testing.T) {
	rows := [][]string{ScoreImportHeader,
		{"2027410100010001", "王芳", "78.5", "60", ""},
		{"2027410100010002", "李四", "", "", "是"},
		{"2027410100010001", "王芳", "80", "80", ""},
		{"2027410100010003", "张三", "80", "", "是"},
		{"2027410100010004", "赵六", "缺考", "61", "也许"},
		{},
	}
	lines, errs, err := ParseScoreImport(rows)
	if err != nil || len(lines) != 5 {
		t.Fatalf("%d lines, %v", len(lines), err)
	}
	if !lines[1].Scores.Absent || lines[0].Scores.Basic != 785 {
		t.Fatalf("lines: %+v", lines[:2])
	}
	want := map[int]string{4: "与第2行重复", 5: "已勾选“缺考”", 6: "只能填“是”"}
	if len(errs) != 3 {
		t.Fatalf("errors: %+v", errs)
	}
	for _, e := range errs {
		if w, ok := want[e.Line]; !ok || !strings.Contains(e.Message, w) {
			t.Errorf("line %d: %s", e.Line, e.Message)
		}
	}
	if _, _, err := ParseScoreImport([][]string{{"准考证号", "分数"}}); CodeOf(err) != CodeInvalid {
		t.Fatalf("wrong header: %v", err)
	}
	if _, _, err := ParseScoreImport([][]string{ScoreImportHeader}); CodeOf(err) != CodeInvalid {
		t.Fatalf("header only: %v", err)
	}
}

func TestCorrectScores(t *testing.T) {
	pass := DefaultExamSettings()
	a := Application{Status: AppFailed, Scores: &Scores{Basic: 595, Practice: 700, Confirmed: true, Result: ResultFail}}
	if _, err := a.CorrectScores(Scores{Basic: 600, Practice: 700}, pass, " ", "管理员", appNow); err == nil {
		t.Fatal("a correction without a reason")
	}
	if _, err := a.CorrectScores(Scores{Basic: 595, Practice: 700}, pass, "复查", "管理员", appNow); err == nil {
		t.Fatal("a correction that changes nothing")
	}
	got, err := a.CorrectScores(Scores{Basic: 600, Practice: 700}, pass, "试卷复查漏计0.5分", "管理员", appNow)
	if err != nil || got.Status != AppPassed || got.Scores.Result != ResultPass || !got.Scores.Confirmed {
		t.Fatalf("corrected: %s %+v %v", got.Status, got.Scores, err)
	}
	if last := got.Timeline[len(got.Timeline)-1]; !strings.Contains(last.Note, "59.5 分") || !strings.Contains(last.Note, "60 分") || !strings.Contains(last.Note, "漏计") {
		t.Fatalf("timeline: %+v", last)
	}
	if _, err := (Application{Status: AppScored, Scores: &Scores{}}).CorrectScores(Scores{Basic: 600}, pass, "x", "管理员", appNow); CodeOf(err) != CodeConflict {
		t.Fatalf("before confirmation: %v", err)
	}
	if _, err := (Application{Status: AppCertified, Scores: &Scores{Confirmed: true}}).CorrectScores(Scores{Basic: 600}, pass, "x", "管理员", appNow); CodeOf(err) != CodeConflict {
		t.Fatalf("certified: %v", err)
	}
}

func TestBeginResults(t *testing.T) {
	s := ExamSession{State: ExamPublished}
	if _, err := (ExamSession{State: ExamArranging}).BeginResults(0, appNow); err != ErrExamNotPublished {
		t.Fatalf("arranging: %v", err)
	}
	if _, err := s.BeginResults(2, appNow); CodeOf(err) != CodeConflict || !strings.Contains(MessageOf(err), "2 名考生") {
		t.Fatalf("missing scores: %v", err)
	}
	pending := s
	pending.Pending = true
	if _, err := pending.BeginResults(0, appNow); CodeOf(err) != CodeConflict {
		t.Fatalf("publishing not finished: %v", err)
	}
	got, err := s.BeginResults(0, appNow)
	if err != nil || !got.Closing || got.CanScore() == nil {
		t.Fatalf("begin: %+v %v", got, err)
	}
	if _, err := got.BeginResults(0, appNow.Add(time.Minute)); CodeOf(err) != CodeConflict {
		t.Fatalf("a second confirmation while the first runs: %v", err)
	}
	if _, err := got.BeginResults(0, appNow.Add(time.Hour)); err != nil {
		t.Fatalf("an interrupted confirmation is resumed: %v", err)
	}
	if ended := got.EndResults(appNow); ended.State != ExamEnded || ended.Closing {
		t.Fatalf("ended: %+v", ended)
	}
}
