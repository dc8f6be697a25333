package views

import (
	"strconv"

	"sitepro/domain"
)

// Wizard is the view model shared by every step of the new-certificate wizard.
type Wizard struct {
	App     domain.Application
	Step    int // 0-based
	Back    string
	Agency  *domain.Agency // chosen agency, for the help contact on every step
	Form    Form
	Rows    int // résumé rows to show
	Cities  []domain.City
	Options []Option // agencies or posts, depending on the step
	Extra   []Field  // step 3's profile fields
	Holder  string   // the trainee's name (pledge)
	Upload  string   // error of an upload step
}

// StepNo is the human step number.
func (w Wizard) StepNo() string { return strconv.Itoa(w.Step + 1) }

// Action is the form action of the current step, keeping the return-to-check flag.
func (w Wizard) Action() string {
	u := "/apply/" + w.App.ID + "/" + domain.Steps[w.Step].Slug
	if w.Back == "check" {
		u += "?back=check"
	}
	return u
}

// Title is the current step's title.
func (w Wizard) Title() string { return domain.Steps[w.Step].Title }

// StepURL links to a step of the application.
func StepURL(a domain.Application, i int) string {
	return "/apply/" + a.ID + "/" + domain.Steps[i].Slug
}

// CheckURL links to a step and back to the check page afterwards.
func CheckURL(a domain.Application, i int) string { return StepURL(a, i) + "?back=check" }

func rowKey(i int, f string) string { return "resume." + strconv.Itoa(i) + "." + f }

func postLabel(code string) string {
	for _, p := range domain.DefaultPosts() {
		if p.Code == code {
			return p.Label()
		}
	}
	return code
}

func cityName(code string) string {
	c, _ := domain.CityByCode(code)
	return c.Name
}

func monthInput(t interface{ IsZero() bool }) bool { return !t.IsZero() }

func withOptions(w Wizard, opts []Option) Wizard {
	w.Options = opts
	return w
}

func employmentOptions() []Option {
	var out []Option
	for _, e := range domain.EmploymentStatuses() {
		out = append(out, Option{Value: e, Label: e})
	}
	return out
}

func enabledPostOptions() []Option {
	var out []Option
	for _, p := range domain.DefaultPosts() {
		if p.Enabled {
			out = append(out, Option{Value: p.Code, Label: p.Label()})
		}
	}
	return out
}
