package views

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sitepro/domain"
)

// Wizard is the view model shared by every step of the new-certificate wizard.
type Wizard struct {
	App     domain.Application
	Step    domain.Step
	Back    string
	Agency  *domain.Agency // chosen agency, for the help contact on every step
	Form    Form
	Rows    int // résumé rows to show
	Cities  []domain.City
	Options []Option             // agencies or posts, depending on the step
	Extra   []Field              // step 3's profile fields
	Holder  string               // the trainee's name (pledge)
	Pledge  domain.VersionedText // the 个人报名承诺 in force (pledge step)
	Upload  string               // error of an upload step
	// Rechecked: the page shows kept, unsaved input with the errors its checks find now
	// (opened again, nothing saved), so the "kept" note stays beside the errors.
	Rechecked bool
}

// Action is the form action of the current step, keeping the return-to-check flag.
func (w Wizard) Action() string {
	u := StepURL(w.App, w.Step)
	if w.Back == "check" {
		u += "?back=check"
	}
	return u
}

// Title is the current step's title.
func (w Wizard) Title() string { return w.Step.Title() }

// StepURL links to a step of the application.
func StepURL(a domain.Application, s domain.Step) string { return "/apply/" + a.ID + "/" + s.Slug() }

// CheckURL links to a step and back to the check page afterwards.
func CheckURL(a domain.Application, s domain.Step) string { return StepURL(a, s) + "?back=check" }

func rowKey(i int, f string) string { return "resume." + strconv.Itoa(i) + "." + f }

// postLabel is the name of a post code: a national post, or an entry the province added
// to the catalog (KnowPosts), disabled ones included so that old records keep their name.
func postLabel(code string) string {
	if l := domain.DefaultPostLabel(code); l != "" {
		return l
	}
	if m := addedPosts.Load(); m != nil {
		if l, ok := (*m)[code]; ok {
			return l
		}
	}
	return code
}

// PostLabel is the 岗位(专业) shown for a post code anywhere a page or a list shows it:
// the national posts and the entries the province added (目录与规则设置); an unknown or
// empty code reads as domain.PostLabel says.
func PostLabel(code string) string {
	if l := postLabel(code); l != code {
		return l
	}
	return domain.PostLabel(code)
}

// addedPosts are the names of the entries added to the catalog, by code. Entries are
// never removed or renamed, so the map only grows.
var (
	addedPosts   atomic.Pointer[map[string]string]
	addedPostsMu sync.Mutex
)

// KnowPosts makes the views show the names of the catalog's added entries; the handlers
// call it with the catalog in force at start and after each change.
func KnowPosts(cat domain.Catalog) {
	addedPostsMu.Lock()
	defer addedPostsMu.Unlock()
	m := map[string]string{}
	if old := addedPosts.Load(); old != nil {
		maps.Copy(m, *old)
	}
	for _, p := range cat.Posts {
		if p.Added {
			m[p.Code] = p.Label()
		}
	}
	addedPosts.Store(&m)
}

// allPostOptions offers every post a record may carry, for filters: the national posts
// and the entries the province added (KnowPosts), open or stopped.
func allPostOptions() []Option {
	out := postOptions(domain.DefaultPosts())
	if m := addedPosts.Load(); m != nil {
		for _, code := range slices.Sorted(maps.Keys(*m)) {
			out = append(out, Option{Value: code, Label: (*m)[code]})
		}
	}
	return out
}

func cityName(code string) string {
	c, _ := domain.CityByCode(code)
	return c.Name
}

func monthInput(t interface{ IsZero() bool }) bool { return !t.IsZero() }

// numberText is the application number, or what happens to it while a draft.
func numberText(a domain.Application) string {
	if a.Number == "" {
		return "提交后生成报名编号"
	}
	return a.Number
}

func withOptions(w Wizard, opts []Option) Wizard {
	w.Options = opts
	return w
}

func employmentOptions() []Option {
	var out []Option
	for _, e := range domain.Employments() {
		// The form posts the label, as it always has; domain.ParseEmployment reads it.
		out = append(out, Option{Value: e.Label(), Label: e.Label()})
	}
	return out
}

func postOptions(posts []domain.Post) []Option {
	var out []Option
	for _, p := range posts {
		out = append(out, Option{Value: p.Code, Label: p.Label()})
	}
	return out
}

// returnReasons is why an application was returned, in one line: the reasons and the
// agency's note (one text, so that no space of the template falls before a "；").
func returnReasons(a domain.Application) string {
	parts := slices.Clone(a.ReturnReasons)
	if a.ReturnNote != "" {
		parts = append(parts, a.ReturnNote)
	}
	return strings.Join(parts, "；")
}

// StepFrame is what the shared wizard shell and step form need, for either wizard
// (新取证 and 继续教育): progress, titles, where to go back and where to post.
type StepFrame struct {
	Progress  string // 报名进度 page
	StepNo    int    // 1-based
	Done      []bool // per step
	Title     string
	Saved     time.Time
	Agency    *domain.Agency
	Form      Form
	Action    string
	Back      string   // "check" when the step was opened from the check page
	CheckName string   // the check page's name on the save button
	PrevURL   string   // "" on the first step
	Returned  []string // the agency's reasons while a returned application is corrected
	Restored  bool     // the form shows typed values kept from an earlier, unsaved try
}

func (f StepFrame) current(i int) bool { return i+1 == f.StepNo }

// Frame describes the current 新取证 step.
func (w Wizard) Frame() StepFrame {
	f := newFrame(w.App.ID, "/apply/", w.Step, domain.AppSteps(), w.App.Done, func(s domain.Step) string { return StepURL(w.App, s) })
	f.Saved, f.Agency, f.Form, f.Action, f.Back, f.CheckName = w.App.UpdatedAt, w.Agency, w.Form, w.Action(), w.Back, "核对"
	f.Restored = len(w.App.Typed[w.Step.Slug()]) > 0 && (!w.Form.HasErrors() || w.Rechecked)
	if w.App.Status == domain.AppReturned {
		f.Returned = append(append(f.Returned, w.App.ReturnReasons...), w.App.ReturnNote)
		if w.App.ReturnNote == "" {
			f.Returned = f.Returned[:len(f.Returned)-1]
		}
	}
	return f
}
