package domain

import (
	"testing"
	"time"
)

// TestDecisionsApplyTheirTransition: each decision kind makes the transition of its own
// object, with the labels audited so far, and is refused on another kind of object.
func TestDecisionsApplyTheirTransition(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	exam := Exam{TicketNumber: "1", Venue: "考点", Subjects: []ExamSubject{{Name: "专业基础知识", Start: now, End: now}}}
	apps := []struct {
		d     Decision
		from  AppStatus
		want  AppStatus
		label string
	}{
		{Decision{Kind: AppConfirmDecision}, AppSubmitted, AppConfirmed, "确认报名"},
		{Decision{Kind: AppReturnDecision, Reasons: []string{ReturnReasonsList[0]}, Note: "请重拍"}, AppSubmitted, AppReturned, "退回报名"},
		{Decision{Kind: AppRejectDecision, Reason: "岗位不符"}, AppSubmitted, AppRejected, "不予确认"},
		{Decision{Kind: AppScheduleDecision, Exam: &exam}, AppConfirmed, AppScheduled, "安排考试"},
		{Decision{Kind: AppScoresDecision, Scores: &Scores{Basic: Points(80), Practice: Points(70)}}, AppScheduled, AppScored, "录入成绩"},
		{Decision{Kind: AppResultDecision, PassMarks: DefaultExamSettings()}, AppScored, AppPassed, "确认成绩"},
	}
	for _, tt := range apps {
		a := Application{Status: tt.from, Scores: &Scores{Basic: Points(80), Practice: Points(70)}}
		got, err := a.Apply(tt.d, "审核员", now)
		if err != nil || got.Status != tt.want || tt.d.Kind.Label() != tt.label {
			t.Errorf("%s: %s %v, label %q", tt.d.Kind, got.Status, err, tt.d.Kind.Label())
		}
		if (tt.d.Kind == AppConfirmDecision || tt.d.Kind == AppReturnDecision || tt.d.Kind == AppRejectDecision) != tt.d.Kind.Notifies() {
			t.Errorf("%s notifies: %v", tt.d.Kind, tt.d.Kind.Notifies())
		}
	}
	if _, err := (Application{Status: AppConfirmed}).Apply(Decision{Kind: AppScheduleDecision}, "管理员", now); CodeOf(err) != CodeInvalid {
		t.Errorf("schedule without an exam: %v", err)
	}
	if _, err := (Application{Status: AppScheduled}).Apply(Decision{Kind: AppScoresDecision}, "管理员", now); CodeOf(err) != CodeInvalid {
		t.Errorf("scores without scores: %v", err)
	}
	if _, err := (Application{Status: AppSubmitted}).Apply(Decision{Kind: AppReturnDecision}, "审核员", now); CodeOf(err) != CodeInvalid {
		t.Errorf("return without reasons: %v", err)
	}

	e := Enrolment{Status: EnrolPending}
	if got, err := e.Apply(Decision{Kind: EnrolConfirmDecision}, "审核员", now); err != nil || got.Status != EnrolConfirmed {
		t.Errorf("enrolment confirm: %s %v", got.Status, err)
	}
	if got, err := e.Apply(Decision{Kind: EnrolReturnDecision, Reason: "证书编号有误"}, "审核员", now); err != nil || got.Status != EnrolReturned {
		t.Errorf("enrolment return: %s %v", got.Status, err)
	}
	p := Photo{Status: PhotoPending}
	if got, err := p.Apply(Decision{Kind: PhotoReturnDecision, Reason: "背景不是纯色"}, "审核员", now); err != nil || got.Status != PhotoReturned {
		t.Errorf("photo return: %s %v", got.Status, err)
	}
	if got, err := p.Apply(Decision{Kind: PhotoConfirmDecision}, "审核员", now); err != nil || got.Status != PhotoConfirmed {
		t.Errorf("photo confirm: %s %v", got.Status, err)
	}
	labels := map[DecisionKind]string{EnrolConfirmDecision: "确认继续教育报名", EnrolReturnDecision: "退回继续教育报名",
		PhotoConfirmDecision: "确认照片", PhotoReturnDecision: "退回照片"}
	for k, want := range labels {
		if k.Label() != want {
			t.Errorf("%s label %q, want %q", k, k.Label(), want)
		}
	}

	// A decision on the wrong kind of object is a programming error, not a user's.
	if _, err := (Application{Status: AppSubmitted}).Apply(Decision{Kind: PhotoConfirmDecision}, "审核员", now); CodeOf(err) != CodeInternal {
		t.Errorf("photo decision on an application: %v", err)
	}
	if _, err := e.Apply(Decision{Kind: AppConfirmDecision}, "审核员", now); CodeOf(err) != CodeInternal {
		t.Errorf("application decision on an enrolment: %v", err)
	}
	if _, err := p.Apply(Decision{Kind: EnrolReturnDecision}, "审核员", now); CodeOf(err) != CodeInternal {
		t.Errorf("enrolment decision on a photo: %v", err)
	}
}
