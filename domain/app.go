package domain

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// ErrNoticeRequired refuses to open or submit an application for a trainee who has not
// agreed to the current notice: the wizard stays closed until they have read it.
var ErrNoticeRequired = Err(CodeForbidden, "报名前请先阅读并同意告知承诺书。")

// CheckNotice is the notice gate (DOMAIN.md §4): the trainee must have agreed to the
// current version of the 告知承诺制告知书 (the one in force, read from the settings) before
// starting or submitting an application.
func CheckNotice(u User, current string) error {
	if u.NoticeVersion != current {
		return ErrNoticeRequired
	}
	return nil
}

// AppStatus is the lifecycle state of a new-certificate application (DOMAIN.md §4).
type AppStatus string

// Application states.
const (
	AppDraft     AppStatus = "draft"
	AppSubmitted AppStatus = "submitted"
	AppReturned  AppStatus = "returned"
	AppRejected  AppStatus = "rejected"
	AppConfirmed AppStatus = "confirmed"
	AppScheduled AppStatus = "scheduled"
	AppScored    AppStatus = "scored"
	AppPassed    AppStatus = "passed"
	AppFailed    AppStatus = "failed"
	AppCertified AppStatus = "certified"
)

// Label is the status as the trainee sees it.
func (s AppStatus) Label() string { return appStatusLabels[s] }

var appStatusLabels = map[AppStatus]string{
	AppDraft: "草稿（未提交）", AppSubmitted: "已提交，待机构确认", AppReturned: "已退回，待修改",
	AppRejected: "不予确认", AppConfirmed: "机构已确认", AppScheduled: "已安排考试",
	AppScored: "已录入成绩", AppPassed: "考试合格", AppFailed: "考试不合格", AppCertified: "已发证",
}

// AwaitsTicket reports whether the application is still on its way to an exam ticket
// (准考证), which prints the trainee's confirmed photo: from the draft until the exam is
// arranged.
func (s AppStatus) AwaitsTicket() bool {
	switch s {
	case AppDraft, AppSubmitted, AppReturned, AppConfirmed, AppScheduled:
		return true
	}
	return false
}

// Open reports whether the application still blocks a new one for the same post.
func (s AppStatus) Open() bool {
	return s != AppRejected && s != AppFailed && s != AppCertified
}

// ResumeEntry is one line of 工作简历.
type ResumeEntry struct {
	From, To time.Time // months; To zero = 至今
	Employer string
	Role     string
}

// Exam is the scheduled examination shown on the admission ticket (准考证).
type Exam struct {
	// SessionID and Session are the exam session (考试批次) it was arranged in (Session is
	// its name when scheduled); exams scheduled before sessions existed lack them.
	SessionID    string `json:",omitempty"`
	Session      string `json:",omitempty"`
	TicketNumber string
	Venue, Room  string
	Seat         string
	Subjects     []ExamSubject
}

// ExamSubject is one paper of the exam with its time.
type ExamSubject struct {
	Name       string
	Start, End time.Time
}

// ExamResult is the result of the exam (成绩).
type ExamResult string

// Exam results. The codes are stored; the labels are the manual's words.
const (
	ResultPass   ExamResult = "pass"
	ResultFail   ExamResult = "fail"
	ResultAbsent ExamResult = "absent"
)

var examResults = vocab[ExamResult]{{ResultPass, "合格"}, {ResultFail, "不合格"}, {ResultAbsent, "缺考"}}

// Label is the result as the trainee reads it.
func (r ExamResult) Label() string { return examResults.label(r) }

// UnmarshalText reads a stored result (a code; a label is read too, see vocab.decode).
func (r *ExamResult) UnmarshalText(b []byte) error {
	*r = examResults.decode(b)
	return nil
}

// Scores are the exam results (分数 / 成绩 / 成绩确认).
type Scores struct {
	Basic, Practice Score // 专业基础知识, 专业管理实务, out of 100 in tenths (see Score)
	Absent          bool  // 缺考 for the whole exam
	// BasicAbsent and PracticeAbsent are 缺考 for one subject (Absent sets both); a
	// missed subject has no score and cannot be passed.
	BasicAbsent    bool `json:",omitempty"`
	PracticeAbsent bool `json:",omitempty"`
	Confirmed      bool
	// Result is the result as confirmed (ConfirmResult sets it with Confirmed). Records
	// confirmed before it existed lack it; Application.ConfirmedResult derives theirs.
	Result ExamResult `json:",omitempty"`
}

// Judge is the result the scores give under the pass marks: 缺考 when absent from the
// exam, 合格 when both subjects were sat and reach their pass mark, 不合格 otherwise (a
// missed subject is not passed). Before confirmation it is only
// provisional; the confirmed result is Scores.Result.
func (s Scores) Judge(pass ExamSettings) ExamResult {
	switch {
	case s.Absent || (s.BasicAbsent && s.PracticeAbsent):
		return ResultAbsent
	case !s.BasicAbsent && !s.PracticeAbsent && s.Basic.Reaches(pass.PassBasic) && s.Practice.Reaches(pass.PassPractice):
		return ResultPass
	}
	return ResultFail
}

// Event is one entry of an application's timeline.
type Event struct {
	At    time.Time
	What  string
	Actor string
	Note  string
}

// Application is a new-certificate application (新取证报名) from draft to certificate.
type Application struct {
	ID     string
	Number string // reference shown to people, assigned at first submit
	// VerifyToken is random (never derived from personal data); the QR codes on the
	// print-outs point to the public page for it.
	VerifyToken string
	TraineeID   string
	Status      AppStatus

	Employment Employment
	CityCode   string
	AgencyID   string
	Info       AppInfo
	PostCode   string
	Resume     []ResumeEntry
	Achieve    string

	PledgeName    string
	PledgeAt      time.Time
	PledgeVersion string

	IDFront, IDBack, Diploma string // upload ids

	ReturnReasons []string
	ReturnNote    string
	// RejectReason is why the agency did not confirm (不予确认); records written before it
	// existed keep the reason only in the timeline (see Rejection).
	RejectReason string `json:",omitempty"`
	Exam         *Exam
	Scores       *Scores
	CertNumber   string

	Timeline    []Event
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt time.Time

	// Typed holds, per step slug, what the trainee typed in a step that did not pass its
	// checks yet, so that leaving the page loses nothing; saving the step clears it.
	Typed map[string]map[string]string `json:",omitempty"`
}

// Bounds of what KeepTyped stores: a step form has at most 20 résumé rows of four fields.
const (
	maxTypedFields = 100
	maxTypedRunes  = 1000
)

// KeepTyped keeps the form values typed in step slug (see Typed), without the form's
// technical fields, bounded in number and length.
func (a *Application) KeepTyped(slug string, values map[string]string) {
	a.Typed = keepTyped(a.Typed, slug, values)
}

// ForgetTyped drops the kept values of step slug once the step is saved.
func (a *Application) ForgetTyped(slug string) { a.Typed = forgetTyped(a.Typed, slug) }

// keepTyped is KeepTyped of both wizards (新取证 and 继续教育). It returns a new map of
// steps, so that a copy of the document made before (the one a store compares with)
// keeps its own.
func keepTyped(typed map[string]map[string]string, slug string, values map[string]string) map[string]map[string]string {
	kept := map[string]string{}
	for k, v := range values {
		if k == "_csrf" || k == "op" || len(kept) >= maxTypedFields {
			continue
		}
		if r := []rune(v); len(r) > maxTypedRunes {
			v = string(r[:maxTypedRunes])
		}
		kept[k] = v
	}
	out := maps.Clone(typed)
	if out == nil {
		out = map[string]map[string]string{}
	}
	out[slug] = kept
	return out
}

// forgetTyped is ForgetTyped of both wizards; like keepTyped it leaves the given map as it is.
func forgetTyped(typed map[string]map[string]string, slug string) map[string]map[string]string {
	if _, ok := typed[slug]; !ok {
		return typed
	}
	out := maps.Clone(typed)
	delete(out, slug)
	if len(out) == 0 {
		return nil
	}
	return out
}

// AppInfo is the necessary information of step 3 (prefilled from the profile).
type AppInfo struct {
	Profile
	Phone string
}

// Employed reports whether the trainee answered 在职 in step 1: then the employer (step 3)
// and at least one résumé entry (step 5) are required.
func (a Application) Employed() bool { return a.Employment == EmploymentEmployed }

// Done reports whether step s has valid answers.
func (a Application) Done(s Step) bool {
	switch s {
	case StepEmployment:
		return a.Employment != ""
	case StepCity:
		return a.CityCode != ""
	case StepAgency:
		return a.AgencyID != "" && a.Info.Education != "" && a.Info.Phone != ""
	case StepPost:
		return a.PostCode != ""
	case StepResume:
		// The résumé may stay empty for someone not employed, but only once that is known:
		// a new draft must not show it as done.
		return a.Employment != "" && (len(a.Resume) > 0 || !a.Employed())
	case StepPledge:
		return a.PledgeName != ""
	}
	return s.IsDocument() && a.Document(s) != ""
}

// FirstOpenStep is the first step without valid answers; all reports that every step is done.
func (a Application) FirstOpenStep() (s Step, open bool) { return firstOpen(appStepNames, a.Done) }

// CanOpenStep reports whether step s may be shown: every earlier step must be done, so a
// later step cannot be reached by typing its URL.
func (a Application) CanOpenStep(s Step) bool { return canOpen(appStepNames, s, a.Done) }

// Editable reports whether the trainee may change the answers.
func (a Application) Editable() bool { return appBeforeConfirmation.editable(a.Status) }

// CanDelete reports whether the trainee may delete it (before the agency confirms).
func (a Application) CanDelete() bool { return appBeforeConfirmation.deletable(a.Status) }

func (a *Application) log(now time.Time, what, actor, note string) {
	a.Timeline = logEvent(a.Timeline, &a.UpdatedAt, now, what, actor, note)
}

func conflict(a Application, action string) error {
	return stateConflict("报名", action, a.Status.Label())
}

// Submit sends a complete draft (or a corrected returned application) to the agency.
func (a Application) Submit(number string, now time.Time) (Application, error) {
	if !a.Editable() {
		return a, conflict(a, "提交")
	}
	if s, open := a.FirstOpenStep(); open {
		return a, Err(CodeInvalid, fmt.Sprintf("还有未完成的步骤：第 %d 步 %s，请完成后再提交", s+1, s.Title()))
	}
	what := "提交报名"
	if a.Status == AppReturned {
		what = "修改后重新提交"
	}
	if a.Number == "" {
		a.Number = number
	}
	a.Status, a.SubmittedAt = AppSubmitted, now
	a.ReturnReasons, a.ReturnNote = nil, ""
	a.log(now, what, "本人", "")
	return a, nil
}

// ReturnReasonsList are the structured reasons an agency picks when returning.
var ReturnReasonsList = []string{"身份证图片不清晰或不完整", "学历证书图片不清晰或不完整", "个人信息与证件不一致",
	"工作简历不完整", "所选岗位与学历或工作经历不符", "其他（见说明）"}

// Return sends a submitted application back to the trainee with reasons to fix: reasons
// only from ReturnReasonsList, and a note under the same text rules as the trainee's own
// fields (CleanMultiline), because the trainee reads both.
func (a Application) Return(by string, reasons []string, note string, now time.Time) (Application, error) {
	if a.Status != AppSubmitted {
		return a, conflict(a, "退回")
	}
	fe := FieldErrors{}
	reasons, err := ReturnReasons(reasons)
	if err != nil {
		fe["reasons"] = MessageOf(err)
	}
	if note, err = CleanMultiline(note, "补充说明", 500); err != nil {
		fe["note"] = MessageOf(err)
	}
	if len(fe) > 0 {
		return a, fe
	}
	if len(reasons) == 0 && note == "" {
		return a, FieldErrors{"reasons": "请至少选择一条退回原因或填写说明，学员需要知道怎么修改"}
	}
	a.Status, a.ReturnReasons, a.ReturnNote = AppReturned, reasons, note
	parts := append([]string{}, reasons...)
	if note != "" {
		parts = append(parts, note)
	}
	a.log(now, "机构退回", by, strings.Join(parts, "；"))
	return a, nil
}

// Reject is the agency's final 不予确认.
func (a Application) Reject(by, reason string, now time.Time) (Application, error) {
	if a.Status != AppSubmitted {
		return a, conflict(a, "不予确认")
	}
	if strings.TrimSpace(reason) == "" {
		return a, FieldErrors{"reason": "请填写不予确认的原因"}
	}
	reason, err := CleanText(reason, "不予确认的原因", 200, true)
	if err != nil {
		return a, FieldErrors{"reason": MessageOf(err)}
	}
	a.Status, a.RejectReason = AppRejected, reason
	a.log(now, "机构不予确认", by, reason)
	return a, nil
}

// ReturnReasons checks the structured reasons a reviewer picked: each must be one of
// ReturnReasonsList (a form can post anything); duplicates are dropped and the list's own
// order is kept, so the trainee reads them in a stable order.
func ReturnReasons(picked []string) ([]string, error) {
	chosen := make(map[string]bool, len(picked))
	for _, p := range picked {
		if !slices.Contains(ReturnReasonsList, p) {
			return nil, Err(CodeInvalid, "退回原因只能从列表中勾选，请刷新页面后重新选择")
		}
		chosen[p] = true
	}
	var out []string
	for _, r := range ReturnReasonsList {
		if chosen[r] {
			out = append(out, r)
		}
	}
	return out, nil
}

// Confirm is the agency's 机构确认.
func (a Application) Confirm(by string, now time.Time) (Application, error) {
	if a.Status != AppSubmitted {
		return a, conflict(a, "确认")
	}
	a.Status = AppConfirmed
	a.log(now, "机构确认", by, "")
	return a, nil
}

// Schedule assigns the exam; the admission ticket becomes printable.
func (a Application) Schedule(e Exam, by string, now time.Time) (Application, error) {
	if a.Status != AppConfirmed {
		return a, conflict(a, "安排考试")
	}
	if e.TicketNumber == "" || e.Venue == "" || len(e.Subjects) == 0 {
		return a, Err(CodeInvalid, "请填写准考证号、考点和考试科目时间")
	}
	a.Status, a.Exam = AppScheduled, &e
	a.log(now, "安排考试", by, e.Venue)
	return a, nil
}

// RecordScores enters the two scores (or absence).
func (a Application) RecordScores(s Scores, by string, now time.Time) (Application, error) {
	if a.Status != AppScheduled && a.Status != AppScored {
		return a, conflict(a, "录入成绩")
	}
	s = s.normal()
	if s.Basic < 0 || s.Basic > Points(100) || s.Practice < 0 || s.Practice > Points(100) {
		return a, Err(CodeInvalid, "分数应在 0 到 100 之间")
	}
	s.Confirmed, s.Result = false, ""
	what := "录入成绩"
	if a.Status == AppScored {
		what = "修改成绩"
	}
	a.Status, a.Scores = AppScored, &s
	a.log(now, what, by, s.Text(SubjectBasic)+"，"+s.Text(SubjectPractice))
	return a, nil
}

// ConfirmResult publishes the result under the pass marks and records it in the scores:
// 合格 → passed, otherwise failed (may apply again).
func (a Application) ConfirmResult(pass ExamSettings, by string, now time.Time) (Application, error) {
	if a.Status != AppScored || a.Scores == nil {
		return a, conflict(a, "确认成绩")
	}
	if err := pass.Validate(); err != nil {
		return a, Err(CodeInvalid, "合格分数线设置有误，请检查考试设置后再确认成绩")
	}
	sc := *a.Scores
	sc.Confirmed, sc.Result = true, sc.Judge(pass)
	a.Scores = &sc
	a.Status = AppFailed
	if sc.Result == ResultPass {
		a.Status = AppPassed
	}
	a.log(now, "成绩确认："+sc.Result.Label(), by, "")
	return a, nil
}

// ConfirmedResult is the exam result once confirmed; ok is false before that. A record
// confirmed before Scores.Result existed has its result derived from its status: only a
// passed exam leads to passed (or certified), and an absence was always 缺考.
func (a Application) ConfirmedResult() (r ExamResult, ok bool) {
	if a.Scores == nil || !a.Scores.Confirmed {
		return "", false
	}
	switch {
	case a.Scores.Result != "":
		return a.Scores.Result, true
	case a.Scores.Absent:
		return ResultAbsent, true
	case a.Status == AppPassed || a.Status == AppCertified:
		return ResultPass, true
	}
	return ResultFail, true
}

// Certify records the issued certificate.
func (a Application) Certify(certNumber, by string, now time.Time) (Application, error) {
	if a.Status != AppPassed {
		return a, conflict(a, "发证")
	}
	a.Status, a.CertNumber = AppCertified, certNumber
	a.log(now, "证书已发放", by, certNumber)
	return a, nil
}

// Rejection is the reason given for 不予确认, or "" when the application was not rejected.
// Older records carry it only as the note of their 机构不予确认 timeline event.
func (a Application) Rejection() string {
	if a.Status != AppRejected {
		return ""
	}
	if a.RejectReason != "" {
		return a.RejectReason
	}
	for i := len(a.Timeline) - 1; i >= 0; i-- {
		if a.Timeline[i].What == "机构不予确认" {
			return a.Timeline[i].Note
		}
	}
	return ""
}

// NextStepText tells the trainee what happens next, for the records page and e-mails.
func (a Application) NextStepText() string {
	switch a.Status {
	case AppDraft:
		return "报名还没有提交。请完成全部步骤并提交。"
	case AppSubmitted:
		return "等待培训机构确认，一般在5个工作日内完成。确认前可以删除这份报名。"
	case AppReturned:
		return "培训机构退回了报名，请按退回原因修改后重新提交。"
	case AppRejected:
		return "培训机构不予确认，这份报名已结束。如有疑问请联系培训机构。"
	case AppConfirmed:
		return "培训机构已确认，请等待考试安排。"
	case AppScheduled:
		return "考试已安排，请打印准考证，按时参加考试。"
	case AppScored:
		return "成绩已录入，等待成绩确认。"
	case AppPassed:
		return "考试合格，等待发证。"
	case AppFailed:
		return "考试未通过，可以重新报名。"
	case AppCertified:
		return "证书已发放，可在“证书信息”中查看。"
	}
	return ""
}
