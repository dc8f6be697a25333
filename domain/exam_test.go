package domain

import (
	"encoding/json"
	"testing"
)

func TestExamSettingsValidate(t *testing.T) {
	if err := DefaultExamSettings().Validate(); err != nil || DefaultExamSettings() != (ExamSettings{PassBasic: 60, PassPractice: 60}) {
		t.Fatalf("defaults: %+v %v", DefaultExamSettings(), err)
	}
	for _, tc := range []struct {
		s      ExamSettings
		fields []string
	}{
		{ExamSettings{1, 100}, nil},
		{ExamSettings{70, 55}, nil},
		{ExamSettings{0, 60}, []string{"pass_basic"}},
		{ExamSettings{60, 101}, []string{"pass_practice"}},
		{ExamSettings{-1, 0}, []string{"pass_basic", "pass_practice"}},
		{ExamSettings{}, []string{"pass_basic", "pass_practice"}},
	} {
		err := tc.s.Validate()
		fe, _ := err.(FieldErrors)
		if (err == nil) != (len(tc.fields) == 0) || len(fe) != len(tc.fields) {
			t.Errorf("%+v: %v", tc.s, err)
		}
		for _, f := range tc.fields {
			if fe[f] == "" {
				t.Errorf("%+v: no error for %s: %v", tc.s, f, err)
			}
		}
	}
}

func TestScoresJudge(t *testing.T) {
	def, strict := DefaultExamSettings(), ExamSettings{PassBasic: 70, PassPractice: 55}
	for _, tc := range []struct {
		s    Scores
		pass ExamSettings
		want ExamResult
	}{
		{Scores{Basic: Points(60), Practice: Points(60)}, def, ResultPass},
		{Scores{Basic: Points(59), Practice: Points(100)}, def, ResultFail},
		{Scores{Basic: Points(100), Practice: Points(59)}, def, ResultFail},
		{Scores{Absent: true, Basic: Points(100), Practice: Points(100)}, def, ResultAbsent},
		{Scores{Basic: Points(69), Practice: Points(90)}, strict, ResultFail},
		{Scores{Basic: Points(70), Practice: Points(55)}, strict, ResultPass},
		{Scores{Basic: Points(80), Practice: Points(54)}, strict, ResultFail},
	} {
		if got := tc.s.Judge(tc.pass); got != tc.want {
			t.Errorf("%+v under %+v: %s, want %s", tc.s, tc.pass, got, tc.want)
		}
	}
}

func TestConfirmResultRecordsTheResult(t *testing.T) {
	scored := func(s Scores) Application { return Application{Status: AppScored, Scores: &s} }
	a := scored(Scores{Basic: Points(65), Practice: Points(80)})
	if _, ok := a.ConfirmedResult(); ok {
		t.Fatal("a result before confirmation")
	}
	if _, err := a.ConfirmResult(ExamSettings{}, "管理员", appNow); CodeOf(err) != CodeInvalid {
		t.Fatalf("invalid pass marks accepted: %v", err)
	}
	got, err := a.ConfirmResult(ExamSettings{PassBasic: 70, PassPractice: 60}, "管理员", appNow)
	if r, ok := got.ConfirmedResult(); err != nil || got.Status != AppFailed || got.Scores.Result != ResultFail || !ok || r != ResultFail {
		t.Fatalf("confirmed under 70/60: %v %+v", err, got.Scores)
	}
	if a.Scores.Confirmed || a.Scores.Result != "" {
		t.Fatal("ConfirmResult changed the original scores")
	}
	got, _ = a.ConfirmResult(DefaultExamSettings(), "管理员", appNow)
	if r, _ := got.ConfirmedResult(); got.Status != AppPassed || r != ResultPass || got.Timeline[len(got.Timeline)-1].What != "成绩确认：合格" {
		t.Fatalf("confirmed under 60/60: %+v", got)
	}
	// New scores clear a result.
	got.Status = AppScored
	if got, _ = got.RecordScores(Scores{Basic: Points(1), Practice: Points(1)}, "管理员", appNow); got.Scores.Result != "" || got.Scores.Confirmed {
		t.Fatalf("re-recorded scores keep the old result: %+v", got.Scores)
	}

	// Records confirmed before Scores.Result existed derive it from their status.
	for _, tc := range []struct {
		json string
		want ExamResult
		ok   bool
	}{
		{`{"Status":"passed","Scores":{"Basic":78,"Practice":66,"Absent":false,"Confirmed":true}}`, ResultPass, true},
		{`{"Status":"certified","Scores":{"Basic":78,"Practice":66,"Absent":false,"Confirmed":true}}`, ResultPass, true},
		{`{"Status":"failed","Scores":{"Basic":52,"Practice":71,"Absent":false,"Confirmed":true}}`, ResultFail, true},
		{`{"Status":"failed","Scores":{"Basic":0,"Practice":0,"Absent":true,"Confirmed":true}}`, ResultAbsent, true},
		{`{"Status":"scored","Scores":{"Basic":90,"Practice":90,"Absent":false,"Confirmed":false}}`, "", false},
		{`{"Status":"scheduled"}`, "", false},
		{`{"Status":"passed","Scores":{"Basic":61,"Practice":61,"Confirmed":true,"Result":"pass"}}`, ResultPass, true},
	} {
		var a Application
		if err := json.Unmarshal([]byte(tc.json), &a); err != nil {
			t.Fatal(err)
		}
		if r, ok := a.ConfirmedResult(); r != tc.want || ok != tc.ok {
			t.Errorf("%s: %q %v, want %q %v", tc.json, r, ok, tc.want, tc.ok)
		}
	}
}
