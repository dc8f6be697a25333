package domain

import (
	"fmt"
	"time"
)

// EnrolStatus is the lifecycle state of a continuing-education enrolment (继续教育报名):
//
//	draft ──submit──▶ pending (待确认) ──agency confirms──▶ confirmed (已确认)
//	  ▲ trainee may delete while draft/pending/returned
//	  │               └─agency returns (reason)──▶ returned (已退回) ──edit & resubmit──▶ pending
//	confirmed ──first learning record──▶ learning (学习中) ──cycle reaches the hours──▶ completed (已完成)
type EnrolStatus string

// Enrolment states.
const (
	EnrolDraft     EnrolStatus = "draft"
	EnrolPending   EnrolStatus = "pending"
	EnrolReturned  EnrolStatus = "returned"
	EnrolConfirmed EnrolStatus = "confirmed"
	EnrolLearning  EnrolStatus = "learning"
	EnrolCompleted EnrolStatus = "completed"
)

// Label is the status as the trainee and the agency see it.
func (s EnrolStatus) Label() string { return enrolStatusLabels[s] }

var enrolStatusLabels = map[EnrolStatus]string{EnrolDraft: "草稿（未提交）", EnrolPending: "待确认", EnrolReturned: "已退回",
	EnrolConfirmed: "已确认", EnrolLearning: "学习中", EnrolCompleted: "已完成"}

// Learning reports whether the agency may record learning for the enrolment.
func (s EnrolStatus) Learning() bool {
	return s == EnrolConfirmed || s == EnrolLearning || s == EnrolCompleted
}

// Enrolment is a trainee's enrolment in one cycle of continuing education for one of
// their certificates, at one agency.
type Enrolment struct {
	ID            string
	Number        string // reference shown to people (JX…), assigned at first submit
	TraineeID     string
	Status        EnrolStatus
	CertID        string
	CertNumber    string
	PostCode      string // from the certificate
	PostConfirmed bool
	Cycle         Cycle
	CityCode      string
	AgencyID      string
	Resume        []ResumeEntry
	ReturnReason  string
	Timeline      []Event
	CreatedAt     time.Time
	UpdatedAt     time.Time
	SubmittedAt   time.Time
	CompletedAt   time.Time

	// Typed holds, per step slug, what the trainee typed in a step that did not pass its
	// checks yet (as Application.Typed), so that leaving the page loses nothing.
	Typed map[string]map[string]string `json:",omitempty"`
}

// KeepTyped keeps the form values typed in step slug (see Typed), bounded as in 新取证.
func (e *Enrolment) KeepTyped(slug string, values map[string]string) {
	e.Typed = keepTyped(e.Typed, slug, values)
}

// ForgetTyped drops the kept values of step slug once the step is saved.
func (e *Enrolment) ForgetTyped(slug string) { e.Typed = forgetTyped(e.Typed, slug) }

// Done reports whether step s has valid answers.
func (e Enrolment) Done(s CEStep) bool {
	switch s {
	case CEStepCert:
		return e.CertID != "" && e.Cycle.No > 0
	case CEStepPost:
		return e.PostConfirmed
	case CEStepAgency:
		return e.AgencyID != ""
	case CEStepResume:
		return len(e.Resume) > 0
	}
	return false
}

// FirstOpenStep is the first step without valid answers; open is false when all are done.
func (e Enrolment) FirstOpenStep() (s CEStep, open bool) { return firstOpen(ceStepNames, e.Done) }

// CanOpenStep reports whether step s may be shown: every earlier step must be done.
func (e Enrolment) CanOpenStep(s CEStep) bool { return canOpen(ceStepNames, s, e.Done) }

// Editable reports whether the trainee may change the answers.
func (e Enrolment) Editable() bool { return enrolBeforeConfirmation.editable(e.Status) }

// CanDelete reports whether the trainee may delete it (before the agency confirms).
func (e Enrolment) CanDelete() bool { return enrolBeforeConfirmation.deletable(e.Status) }

func (e *Enrolment) log(now time.Time, what, actor, note string) {
	e.Timeline = logEvent(e.Timeline, &e.UpdatedAt, now, what, actor, note)
}

func enrolConflict(e Enrolment, action string) error {
	return stateConflict("继续教育报名", action, e.Status.Label())
}

// MsgCertNotYours is the one answer for a number that is not one of the trainee's
// certificates, whether it does not exist or belongs to someone else: nothing is revealed.
const MsgCertNotYours = "未找到您名下的这个证书编号。请对照证书核对编号，或从下面您的证书中选择"

// MsgCertRequired answers step 1 submitted with the number left empty.
const MsgCertRequired = "请填写证书编号"

// CertCheck is everything step 1 and the submission check need to know about the chosen
// certificate, looked up by the store in the same transaction.
type CertCheck struct {
	Cert     Certificate
	Found    bool              // the number is one of the trainee's own certificates
	Status   CertificateStatus // its status with continuing education taken into account
	Taken    string            // number of another enrolment of the same certificate and cycle
	Birth    time.Time         // the trainee's, from the ID number
	Now      time.Time
	Settings CESettings
}

// Problem returns why the certificate cannot be enrolled now, or "" when it can.
func (k CertCheck) Problem() string {
	if !k.Found {
		return MsgCertNotYours
	}
	switch k.Status {
	case CertRevoked:
		return "这本证书已被撤销，不能报名继续教育"
	case CertCancelled:
		return "这本证书已注销，不能报名继续教育"
	case CertExpired:
		return "这本证书已失效，不能报名继续教育；需要重新参加培训考核取得证书"
	}
	cur, ok := CurrentCycle(k.Cert.IssuedOn, k.Now)
	if !ok {
		return "继续教育从发证次年开始：这本证书的第一个学时周期从" + Anniversary(k.Cert.IssuedOn, 1).Format("2006年1月2日") + "开始，届时再报名"
	}
	if k.Taken != "" {
		return "这本证书在" + cur.Label() + "已经报名（" + k.Taken + "），同一周期不能重复报名。请在“报名记录”中查看"
	}
	return k.Settings.CheckAge(k.Birth, ChinaDay(k.Now))
}

// ErrCENotOpen refuses to start a 继续教育 enrolment for a trainee none of whose
// certificates can be enrolled now (EnrolOpening): no draft is created; the 继续教育 page
// says why and what to do.
var ErrCENotOpen = Err(CodeConflict, "您现在还不能报名继续教育，原因见下方说明。")

// EnrolOpening is whether a trainee may start a 继续教育 enrolment now: Checks are their
// own certificates, each checked as step 1 would check it (CertCheck.Problem).
type EnrolOpening struct{ Checks []CertCheck }

// NoCertificate reports that the trainee holds no certificate at all.
func (o EnrolOpening) NoCertificate() bool { return len(o.Checks) == 0 }

// Open reports whether at least one certificate can be enrolled now.
func (o EnrolOpening) Open() bool {
	for _, k := range o.Checks {
		if k.Problem() == "" {
			return true
		}
	}
	return false
}

// Err is nil when the trainee may start an enrolment, otherwise ErrCENotOpen.
func (o EnrolOpening) Err() error {
	if o.Open() {
		return nil
	}
	return ErrCENotOpen
}

// CertBlock is one certificate that cannot be enrolled now, with why.
type CertBlock struct{ Number, Post, Why string }

// Blocks are the certificates that cannot be enrolled now, each with the reason step 1
// would give.
func (o EnrolOpening) Blocks() []CertBlock {
	var out []CertBlock
	for _, k := range o.Checks {
		if why := k.Problem(); why != "" {
			out = append(out, CertBlock{Number: k.Cert.Number, Post: PostLabel(k.Cert.PostCode), Why: why})
		}
	}
	return out
}

// SetCertificate is step 1 (证书编号): one of the trainee's own certificates that may be
// enrolled now. Choosing another certificate clears the answers that depend on it.
func (e *Enrolment) SetCertificate(k CertCheck) error {
	if msg := k.Problem(); msg != "" {
		return FieldErrors{"cert": msg}
	}
	cur, _ := CurrentCycle(k.Cert.IssuedOn, k.Now)
	if e.CertID != k.Cert.ID {
		e.PostConfirmed, e.AgencyID = false, ""
	}
	e.CertID, e.CertNumber, e.PostCode, e.Cycle = k.Cert.ID, k.Cert.Number, k.Cert.PostCode, cur
	return nil
}

// ConfirmPost is step 2 (岗位和专业): the post comes from the certificate and is confirmed,
// not chosen, because continuing education belongs to the certificate's post.
func (e *Enrolment) ConfirmPost(confirmed bool) error {
	if !confirmed {
		return FieldErrors{"confirm": "请核对并勾选“岗位和专业与我的证书一致”；如不一致，请联系发证机构更正证书"}
	}
	e.PostConfirmed = true
	return nil
}

// SetCity chooses the city (省辖市) whose agencies are offered; another city clears an
// agency of the old one.
func (e *Enrolment) SetCity(code string, agencyCity func(id string) string) error {
	if err := chooseCity(code, "请选择参加培训的培训机构所在的省辖市", &e.AgencyID, agencyCity); err != nil {
		return err
	}
	e.CityCode = code
	return nil
}

// SetAgency is step 3: an agency the enrolment's choice allows (AgencyFor): of the chosen
// city, training the certificate's post.
func (e *Enrolment) SetAgency(o AgencyOffer, found bool) error {
	if e.CityCode == "" {
		return FieldErrors{"city": "请先选择省辖市"}
	}
	switch e.AgencyFor().Check(o, found) {
	case AgencyNotFound, AgencyOtherCity:
		return FieldErrors{"agency": "请选择所选省辖市的一家培训机构"}
	case AgencySuspended:
		return FieldErrors{"agency": "“" + o.Name + "”已暂停接受报名，请选择其他培训机构"}
	case AgencyNotTrained:
		return FieldErrors{"agency": "“" + o.Name + "”不承担" + PostLabel(e.PostCode) + "的继续教育，请选择其他培训机构"}
	}
	e.AgencyID = o.ID
	return nil
}

// SetResume is step 4 (工作简历): at least one complete line. The lines are validated by
// the same rules as the new-certificate résumé.
func (e *Enrolment) SetResume(lines []ResumeInput, birth, now time.Time) error {
	var a Application
	if err := a.SetResume(lines, "", birth, now); err != nil {
		return err
	}
	if len(a.Resume) == 0 {
		return FieldErrors{"resume": "请至少填写一段工作经历（可以是目前的工作）"}
	}
	e.Resume = a.Resume
	return nil
}

// EnrolStepInput is one enrolment step's typed answers: Step says which, and only that
// step's fields are read. CityOnly saves the city of step 3 and shows its agencies.
type EnrolStepInput struct {
	Step      CEStep
	Cert      string        // CEStepCert: the typed or picked certificate number
	Confirmed bool          // CEStepPost
	City      string        // CEStepAgency
	Agency    string        // CEStepAgency
	CityOnly  bool          // CEStepAgency
	Resume    []ResumeInput // CEStepResume
	// Typed is the form as posted: kept in the draft when the answers fail their checks
	// (KeepTyped); KeepOnly keeps it and checks nothing (a résumé row added or removed).
	Typed    map[string]string
	KeepOnly bool
}

// EnrolStepRef is the reference data an enrolment step is checked against, read by the
// store in the step's transaction.
type EnrolStepRef struct {
	Cert        CertCheck   // CEStepCert: the certificate the input names
	Current     Agency      // the agency chosen so far (a new city drops it)
	Agency      AgencyOffer // the agency the input names, with the posts it trains
	AgencyFound bool
	Birth, Now  time.Time
}

// ApplyStep validates one step's answers and changes the enrolment only when they are valid.
func (e *Enrolment) ApplyStep(in EnrolStepInput, r EnrolStepRef) error {
	switch in.Step {
	case CEStepCert:
		if NormalizeCertNumber(in.Cert) == "" {
			return FieldErrors{"cert": MsgCertRequired} // required first: an empty field is not "not found"
		}
		return e.SetCertificate(r.Cert)
	case CEStepPost:
		return e.ConfirmPost(in.Confirmed)
	case CEStepAgency:
		if err := e.SetCity(in.City, cityOf(r.Current)); err != nil || in.CityOnly {
			return err
		}
		return e.SetAgency(r.Agency, r.AgencyFound)
	case CEStepResume:
		return e.SetResume(in.Resume, r.Birth, r.Now)
	}
	return Err(CodeNotFound, "没有这个步骤")
}

// Submit sends a complete draft (or a corrected returned enrolment) to the agency; the
// certificate is checked again because its status or the cycle may have changed.
func (e Enrolment) Submit(number string, k CertCheck) (Enrolment, error) {
	if !e.Editable() {
		return e, enrolConflict(e, "提交")
	}
	if s, open := e.FirstOpenStep(); open {
		return e, Err(CodeInvalid, fmt.Sprintf("还有未完成的步骤：第 %d 步 %s，请完成后再确认报名", s+1, s.Title()))
	}
	if msg := k.Problem(); msg != "" {
		return e, Err(CodeConflict, msg)
	}
	if cur, _ := CurrentCycle(k.Cert.IssuedOn, k.Now); cur != e.Cycle {
		return e, Err(CodeConflict, "学时周期已变为"+cur.Label()+"，请回到第 1 步重新选择证书")
	}
	what := "提交报名"
	if e.Status == EnrolReturned {
		what = "修改后重新报名"
	}
	if e.Number == "" {
		e.Number = number
	}
	e.Status, e.SubmittedAt, e.ReturnReason = EnrolPending, k.Now, ""
	e.log(k.Now, what, "本人", "")
	return e, nil
}

// Return sends a pending enrolment back to the trainee with the reason to fix.
func (e Enrolment) Return(by, reason string, now time.Time) (Enrolment, error) {
	if e.Status != EnrolPending {
		return e, enrolConflict(e, "退回")
	}
	// The trainee reads the reason: the same text rules as the trainee's own fields.
	reason, err := CleanMultiline(reason, "退回原因", 500)
	if err != nil {
		return e, FieldErrors{"reason": MessageOf(err)}
	}
	if reason == "" {
		return e, FieldErrors{"reason": "请填写退回原因，学员需要知道怎么修改"}
	}
	e.Status, e.ReturnReason = EnrolReturned, reason
	e.log(now, "机构退回", by, reason)
	return e, nil
}

// Confirm is the agency's 确认; learning can be recorded from then on.
func (e Enrolment) Confirm(by string, now time.Time) (Enrolment, error) {
	if e.Status != EnrolPending {
		return e, enrolConflict(e, "确认")
	}
	e.Status = EnrolConfirmed
	e.log(now, "机构确认", by, "")
	return e, nil
}

// Learn moves the enrolment on after learning was recorded: the first record makes it 学习中,
// and a cycle that reaches the required hours makes it 已完成 once. completed reports that
// this call completed it, so that the trainee is notified exactly once.
func (e Enrolment) Learn(p CycleProgress, by string, now time.Time) (out Enrolment, completed bool, err error) {
	if !e.Status.Learning() {
		return e, false, enrolConflict(e, "记录学时")
	}
	if e.Status == EnrolConfirmed {
		e.Status = EnrolLearning
		e.log(now, "开始记录学时", by, "")
	}
	if p.Met() && e.Status != EnrolCompleted {
		e.Status, e.CompletedAt = EnrolCompleted, now
		e.log(now, "学时已达标", by, "本周期共"+p.Total.String()+"学时，其中专业课"+p.Professional.String()+"学时")
		return e, true, nil
	}
	return e, false, nil
}

// NextStepText tells the trainee what happens next, for the records page and e-mails.
func (e Enrolment) NextStepText() string {
	switch e.Status {
	case EnrolDraft:
		return "报名还没有提交。请完成全部步骤并确认报名。"
	case EnrolPending:
		return "等待培训机构确认，一般在5个工作日内完成。确认前可以删除这份报名。"
	case EnrolReturned:
		return "培训机构退回了报名，请按退回原因修改后重新确认报名。"
	case EnrolConfirmed:
		return "培训机构已确认，请按培训机构的安排参加学习；学时由培训机构记录。"
	case EnrolLearning:
		return "正在学习，学时由培训机构记录，可在“学习记录”中查看进度。"
	case EnrolCompleted:
		return "本周期学时已达标。"
	}
	return ""
}
