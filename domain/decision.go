package domain

import "time"

// DecisionKind names a staff decision on an application, an enrolment or a photo. The code
// is what is stored and compared; Label is the audit action and the reviewer's wording.
type DecisionKind string

// Decisions on applications (reviewers: confirm, return, reject; admins: the exam steps),
// on continuing-education enrolments and on photos.
const (
	AppConfirmDecision  DecisionKind = "app.confirm"
	AppReturnDecision   DecisionKind = "app.return"
	AppRejectDecision   DecisionKind = "app.reject"
	AppScheduleDecision DecisionKind = "app.schedule"
	AppScoresDecision   DecisionKind = "app.scores"
	AppResultDecision   DecisionKind = "app.result"

	EnrolConfirmDecision DecisionKind = "enrol.confirm"
	EnrolReturnDecision  DecisionKind = "enrol.return"

	PhotoConfirmDecision DecisionKind = "photo.confirm"
	PhotoReturnDecision  DecisionKind = "photo.return"
)

// Label is the wording of the decision's audit action, which is also the reviewer's button.
func (k DecisionKind) Label() string { return k.AuditAction().Label() }

// Decision is a staff decision as data: which one, and the inputs it needs. Fields a kind
// does not use are ignored.
type Decision struct {
	Kind      DecisionKind
	Reasons   []string     // AppReturnDecision: picked from ReturnReasonsList
	Note      string       // AppReturnDecision: the free-text explanation
	Reason    string       // AppRejectDecision, EnrolReturnDecision, PhotoReturnDecision
	Exam      *Exam        // AppScheduleDecision
	Scores    *Scores      // AppScoresDecision
	PassMarks ExamSettings // AppResultDecision: the pass mark per subject
}

// errDecisionKind is a programming error: a decision applied to the wrong kind of object.
func errDecisionKind(k DecisionKind) error {
	return Err(CodeInternal, "unknown decision "+string(k))
}

// Apply is the one transition of an application a staff decision makes.
func (a Application) Apply(d Decision, by string, now time.Time) (Application, error) {
	switch d.Kind {
	case AppConfirmDecision:
		return a.Confirm(by, now)
	case AppReturnDecision:
		return a.Return(by, d.Reasons, d.Note, now)
	case AppRejectDecision:
		return a.Reject(by, d.Reason, now)
	case AppScheduleDecision:
		var e Exam
		if d.Exam != nil {
			e = *d.Exam
		}
		return a.Schedule(e, by, now)
	case AppScoresDecision:
		if d.Scores == nil {
			return a, Err(CodeInvalid, "分数应在 0 到 100 之间")
		}
		return a.RecordScores(*d.Scores, by, now)
	case AppResultDecision:
		return a.ConfirmResult(d.PassMarks, by, now)
	}
	return a, errDecisionKind(d.Kind)
}

// Notifies reports whether the trainee is mailed about the decision: the agency's review
// results are; the exam steps are not (the trainee sees them on the records page).
func (k DecisionKind) Notifies() bool {
	switch k {
	case AppScheduleDecision, AppScoresDecision, AppResultDecision:
		return false
	}
	return true
}

// Apply is the one transition of an enrolment a reviewer's decision makes.
func (e Enrolment) Apply(d Decision, by string, now time.Time) (Enrolment, error) {
	switch d.Kind {
	case EnrolConfirmDecision:
		return e.Confirm(by, now)
	case EnrolReturnDecision:
		return e.Return(by, d.Reason, now)
	}
	return e, errDecisionKind(d.Kind)
}

// Apply is the one transition of a photo a reviewer's decision makes.
func (p Photo) Apply(d Decision, by string, now time.Time) (Photo, error) {
	switch d.Kind {
	case PhotoConfirmDecision:
		return p.Confirm(by, now)
	case PhotoReturnDecision:
		return p.Return(by, d.Reason, now)
	}
	return p, errDecisionKind(d.Kind)
}
