package domain

import (
	"fmt"
	"time"
)

// Both wizards (新取证 and 继续教育) number their steps from 0 in the manual's order and name
// each by a URL slug and a title; stepNames is that list, shared so that looking a slug
// up, titling a step and finding the first unfinished one are written once.
type stepNames []struct{ slug, title string }

func (n stepNames) slug(i int) string {
	if i < 0 || i >= len(n) {
		return ""
	}
	return n[i].slug
}

func (n stepNames) title(i int) string {
	if i < 0 || i >= len(n) {
		return ""
	}
	return n[i].title
}

func (n stepNames) index(slug string) int {
	for i, s := range n {
		if s.slug == slug {
			return i
		}
	}
	return -1
}

// WizardStep is what both wizards' step types offer, so that gating, task lists and
// progress are written once for either.
type WizardStep interface {
	~int
	Slug() string
	Title() string
	Last() bool
}

// all lists a wizard's steps in order.
func all[S ~int](n stepNames) []S {
	out := make([]S, len(n))
	for i := range out {
		out[i] = S(i)
	}
	return out
}

// bySlug finds a wizard's step by its URL slug.
func bySlug[S ~int](n stepNames, slug string) (S, bool) {
	i := n.index(slug)
	return S(i), i >= 0
}

// firstOpen is the first step that is not done, and false when all are.
func firstOpen[S ~int](n stepNames, done func(S) bool) (S, bool) {
	for i := range n {
		if !done(S(i)) {
			return S(i), true
		}
	}
	return S(len(n)), false
}

// canOpen reports whether step s exists and every step before it is done.
func canOpen[S ~int](n stepNames, s S, done func(S) bool) bool {
	first, _ := firstOpen(n, done)
	return s >= 0 && s <= first && int(s) < len(n)
}

// logEvent adds an entry to a timeline, which both wizards' documents keep.
func logEvent(tl []Event, updated *time.Time, now time.Time, what, actor, note string) []Event {
	*updated = now
	return append(tl, Event{At: now, What: what, Actor: actor, Note: note})
}

// beforeConfirmation names the states a wizard document (application or enrolment) passes
// through until its agency confirms it. The trainee's rights in them are one rule for both
// wizards (DOMAIN.md §4, and EnrolStatus): they may change the answers while it is a draft
// or returned, and delete it until the agency confirms, so the rule is written here once.
type beforeConfirmation[S comparable] struct{ draft, waiting, returned S }

// editable reports whether the trainee may change the answers in state s.
func (b beforeConfirmation[S]) editable(s S) bool { return s == b.draft || s == b.returned }

// deletable reports whether the trainee may still delete the document in state s.
func (b beforeConfirmation[S]) deletable(s S) bool { return b.editable(s) || s == b.waiting }

var (
	appBeforeConfirmation   = beforeConfirmation[AppStatus]{AppDraft, AppSubmitted, AppReturned}
	enrolBeforeConfirmation = beforeConfirmation[EnrolStatus]{EnrolDraft, EnrolPending, EnrolReturned}
)

// stateConflict answers an action that found a document (doc names its kind) in a state
// that no longer allows it, usually because someone acted first: both wizards say so in
// the same words and send the user to refresh.
func stateConflict(doc, action, state string) error {
	return Err(CodeConflict, fmt.Sprintf("无法%s：这份%s当前状态是“%s”，可能已被处理，请刷新后查看", action, doc, state))
}

// Step is a step of the 新取证 wizard. The numbers are the stored order (documents keep
// theirs in upload records), so new steps are only ever appended.
type Step int

// The nine steps of the 新取证 wizard.
const (
	StepEmployment Step = iota // 就业状态
	StepCity                   // 所在地市
	StepAgency                 // 培训机构和必要信息
	StepPost                   // 专业及岗位
	StepResume                 // 工作简历及业绩
	StepPledge                 // 个人报名承诺
	StepIDFront                // 身份证正面
	StepIDBack                 // 身份证反面
	StepDiploma                // 学历证书
)

var appStepNames = stepNames{
	{"employment", "就业状态"}, {"city", "所在地市"}, {"agency", "培训机构和必要信息"},
	{"post", "专业及岗位"}, {"resume", "工作简历及业绩"}, {"pledge", "个人报名承诺"},
	{"id-front", "身份证正面"}, {"id-back", "身份证反面"}, {"diploma", "学历证书"},
}

// AppSteps are the nine steps in order, as the manual numbers them.
func AppSteps() []Step { return all[Step](appStepNames) }

// StepBySlug finds a step by its URL slug.
func StepBySlug(slug string) (Step, bool) { return bySlug[Step](appStepNames, slug) }

// Slug names the step in URLs and in the kept typed values (Application.Typed).
func (s Step) Slug() string { return appStepNames.slug(int(s)) }

// Title is the step's name as the manual and the page show it.
func (s Step) Title() string { return appStepNames.title(int(s)) }

// IsDocument reports whether the step is an image upload rather than a form.
func (s Step) IsDocument() bool { return s == StepIDFront || s == StepIDBack || s == StepDiploma }

// Last reports whether nothing follows the step but the check page.
func (s Step) Last() bool { return int(s) == len(appStepNames)-1 }

// CEStep is a step of the 继续教育 enrolment wizard.
type CEStep int

// The four steps of the enrolment wizard.
const (
	CEStepCert   CEStep = iota // 证书编号
	CEStepPost                 // 岗位和专业
	CEStepAgency               // 省辖市和培训机构
	CEStepResume               // 工作简历
)

var ceStepNames = stepNames{
	{"cert", "证书编号"}, {"post", "岗位和专业"}, {"agency", "省辖市和培训机构"}, {"resume", "工作简历"},
}

// CESteps are the four steps in order, as the manual numbers them.
func CESteps() []CEStep { return all[CEStep](ceStepNames) }

// CEStepBySlug finds an enrolment step by its URL slug.
func CEStepBySlug(slug string) (CEStep, bool) { return bySlug[CEStep](ceStepNames, slug) }

// Slug names the step in URLs.
func (s CEStep) Slug() string { return ceStepNames.slug(int(s)) }

// Title is the step's name as the manual and the page show it.
func (s CEStep) Title() string { return ceStepNames.title(int(s)) }

// Last reports whether nothing follows the step but 确认报名.
func (s CEStep) Last() bool { return int(s) == len(ceStepNames)-1 }

// chooseCity is the city rule of both wizards: a known city, and choosing another city
// drops an agency of the old one (agencyCity looks the chosen agency's city up).
func chooseCity(code, msg string, agencyID *string, agencyCity func(id string) string) error {
	if _, ok := CityByCode(code); !ok {
		return FieldErrors{"city": msg}
	}
	if *agencyID != "" && (agencyCity == nil || agencyCity(*agencyID) != code) {
		*agencyID = ""
	}
	return nil
}

// cityOf answers agencyCity from one agency already looked up.
func cityOf(ag Agency) func(string) string {
	return func(id string) string {
		if id == ag.ID {
			return ag.CityCode
		}
		return ""
	}
}
