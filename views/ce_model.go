package views

import (
	"strconv"
	"time"

	"github.com/a-h/templ"

	"sitepro/domain"
)

// View models of continuing education (继续教育): the trainee's wizard, records and
// learning progress, and the agency's queue, catalog and import.

// WithCompliance shows a certificate with the status continuing education gives it
// (domain.Certificate.Compliance), so the certificate pages and the public check agree
// with the learning records.
func WithCompliance(v CertView, c domain.Compliance) CertView {
	if c.Status != "" {
		v.Status, v.Valid = c.Status, c.Status.Valid()
	}
	return v
}

// CEEnrolRow is one enrolment in the trainee's 报名记录 with its agency's name.
type CEEnrolRow struct {
	E      domain.Enrolment
	Agency string
}

// CEHomeModel is 继续教育: the trainee's enrolments, whether one is a draft, and (without
// a draft) whether a new enrolment can be started now.
type CEHomeModel struct {
	Rows    []CEEnrolRow
	Draft   bool
	Opening domain.EnrolOpening
}

// CEWizard is the view model shared by the steps of the enrolment wizard.
type CEWizard struct {
	E       domain.Enrolment
	Step    domain.CEStep
	Back    string
	Agency  *domain.Agency
	Form    Form
	Rows    int          // résumé rows to show
	Certs   []CECertPick // step 1: the trainee's own certificates
	Options []Option     // step 3: agencies of the chosen city
	Cities  []Option     // step 3
	Post    domain.Post  // step 2: the certificate's post
	// Rechecked: kept, unsaved input shown again with the errors its checks find now
	// (see Wizard.Rechecked).
	Rechecked bool
}

// CECertPick is one of the trainee's certificates offered in step 1.
type CECertPick struct {
	Number, Post string
	Status       domain.CertificateStatus
	Note         string
}

// Enrollable reports whether the certificate's status allows continuing education; a
// certificate behind on its hours (继续教育未达标) may enrol to catch up.
func (c CECertPick) Enrollable() bool {
	return c.Status == domain.CertValid || c.Status == domain.CertCENotMet
}

// Title is the current step's title.
func (w CEWizard) Title() string { return w.Step.Title() }

// Action is the form action of the current step, keeping the return-to-check flag.
func (w CEWizard) Action() string {
	u := CEStepURL(w.E, w.Step)
	if w.Back == "check" {
		u += "?back=check"
	}
	return u
}

// CEStepURL links to a step of an enrolment.
func CEStepURL(e domain.Enrolment, s domain.CEStep) string { return "/ce/" + e.ID + "/" + s.Slug() }

// CECheckURL links to a step and back to the check page afterwards.
func CECheckURL(e domain.Enrolment, s domain.CEStep) string { return CEStepURL(e, s) + "?back=check" }

// CECheckModel is what the 确认报名 page shows.
type CECheckModel struct {
	E      domain.Enrolment
	Agency domain.Agency
	Error  string
}

// CEPrintDoc is the printable enrolment form: the holder's own print-out, so it shows
// the full ID number.
type CEPrintDoc struct {
	E              domain.Enrolment
	Name, Gender   string
	FullID, Mobile string
	Agency         domain.Agency
	PrintedAt      time.Time
}

// CECertLearning is one certificate on the 学习记录 page with its cycles, newest first.
type CECertLearning struct {
	Cert       domain.Certificate
	Compliance domain.Compliance
	Cycles     []domain.CycleProgress
	Settings   domain.CESettings
	Enrolled   map[int]string // cycle number → agency name of the enrolment
	Closed     bool           // revoked or cancelled: no cycles are shown
}

// NewCECertLearning measures a certificate's cycles for the 学习记录 page. Cycles before
// the system kept records (not assessed) are shown only when they have records or an
// enrolment; a certificate with a printed expiry date, or revoked or cancelled, shows none.
func NewCECertLearning(c domain.Certificate, records []domain.LearningRecord, s domain.CESettings, enrolled map[int]string, now time.Time) CECertLearning {
	out := CECertLearning{Cert: c, Settings: s, Enrolled: enrolled, Compliance: c.Compliance(records, s, now)}
	out.Closed = out.Compliance.Status == domain.CertRevoked || out.Compliance.Status == domain.CertCancelled
	if out.Closed || !c.ValidUntil.IsZero() {
		return out
	}
	for _, p := range domain.CertificateProgress(c.IssuedOn, records, s, now) {
		if !p.Ended || p.Assessed || len(p.Records) > 0 || enrolled[p.No] != "" {
			out.Cycles = append(out.Cycles, p)
		}
	}
	return out
}

// CEReviewModel is the reviewer's continuing-education queue page.
type CEReviewModel struct {
	Agency domain.Agency
	Form   Form            // filters
	Query  string          // the filter query string, reused by the rows URL
	Count  QueueCounts     // of all three queues, for the tabs
	Rows   templ.Component // the first page of rows, shown without JavaScript too (see ReviewModel.Rows)
}

// QueueCounts are the pending items of the reviewer's three queues.
type QueueCounts struct{ Apps, Photos, CE int }

// Of is the count of queue q.
func (c QueueCounts) Of(q domain.Queue) int {
	switch q {
	case domain.QueueApps:
		return c.Apps
	case domain.QueuePhotos:
		return c.Photos
	case domain.QueueCE:
		return c.CE
	}
	return 0
}

// CERowView is one row of the CE queue.
type CERowView struct {
	ID, Number, Name, CertNumber, Post, Cycle, Status, Submitted string
	Pending                                                      bool
}

// CEReviewDetailModel is everything a reviewer sees of one enrolment.
type CEReviewDetailModel struct {
	E        domain.Enrolment
	Trainee  domain.User
	Cert     domain.Certificate
	Progress domain.CycleProgress
	Courses  []domain.Course
	Form     Form
	// ReadOnly is an admin reading the enrolment (issue 12): no decision or recording forms.
	ReadOnly bool
	Agency   string // the agency's name, shown to the admin
}

// CEImportModel is the import page with the report of the last upload, if any.
type CEImportModel struct {
	Error    string // the file as a whole could not be used
	Lines    int
	Errors   []domain.LineError
	Added    int
	Complete []string
	Done     bool // an import was attempted
}

func ceStatusTag(s domain.EnrolStatus) string {
	switch s {
	case domain.EnrolReturned:
		return "tag bad"
	case domain.EnrolDraft, domain.EnrolPending:
		return "tag warn"
	}
	return "tag ok"
}

func certStatusTag(s domain.CertificateStatus) string {
	switch s {
	case domain.CertValid:
		return "tag ok"
	case domain.CertCENotMet:
		return "tag warn"
	}
	return "tag bad"
}

// hoursValue is a progress element's value in half hours, capped at the maximum so the
// bar never overflows.
func hoursValue(done, required domain.HalfHours) string {
	return strconv.Itoa(int(min(done, required)))
}

func halfHoursMax(required domain.HalfHours) string { return strconv.Itoa(int(max(required, 1))) }

// missingText says what a cycle still needs and by when, or that it is met.
func missingText(p domain.CycleProgress) string {
	if p.Met() {
		return "本周期学时已达标。"
	}
	s := "还需 " + p.Missing.String() + " 学时"
	if p.MissingProfessional > 0 {
		s += "（其中专业课至少 " + p.MissingProfessional.String() + " 学时）"
	}
	if p.Ended {
		return s + "：本周期已于 " + dateCN(p.End) + " 结束，未达标。"
	}
	return s + "，请在 " + dateCN(p.End) + " 前完成。"
}

func courseOptions(cs []domain.Course) []Option {
	out := make([]Option, 0, len(cs))
	for _, c := range cs {
		out = append(out, Option{Value: c.ID, Label: c.Title + "（" + c.Category.Label() + "，" + c.Hours.String() + "学时）"})
	}
	return out
}

func categoryOptions() []Option {
	var out []Option
	for _, c := range domain.CourseCategories() {
		out = append(out, Option{Value: string(c), Label: c.Label() + "课"})
	}
	return out
}

// ceFilterOptions: "learning" lists the enrolments that take learning records (已确认, 学习中,
// 已完成), and its label names all three.
func ceFilterOptions() []Option {
	return []Option{{Value: "learning", Label: "已确认、学习中、已完成"}, {Value: "all", Label: "全部状态"},
		{Value: string(domain.EnrolReturned), Label: "已退回"}, {Value: string(domain.EnrolCompleted), Label: "已完成"}}
}

func dayISO(t time.Time) string { return t.Format("2006-01-02") }

// Frame describes the current 继续教育 step for the shared wizard shell.
func (w CEWizard) Frame() StepFrame {
	// A step counts as done once it and every earlier one is answered: the résumé is
	// prefilled from the last application, but it is not done before the trainee gets there.
	open, _ := w.E.FirstOpenStep()
	done := func(s domain.CEStep) bool { return w.E.Done(s) && s < open }
	f := newFrame(w.E.ID, "/ce/", w.Step, domain.CESteps(), done, func(s domain.CEStep) string { return CEStepURL(w.E, s) })
	f.Saved, f.Agency, f.Form, f.Action, f.Back, f.CheckName = w.E.UpdatedAt, w.Agency, w.Form, w.Action(), w.Back, "确认"
	f.Restored = len(w.E.Typed[w.Step.Slug()]) > 0 && (!w.Form.HasErrors() || w.Rechecked)
	return f
}
