package views

import (
	"time"

	"sitepro/domain"
)

// Assets are the content-hashed URLs of the embedded static files.
type Assets struct{ CSS, HTMX, SSE, App, Upload, Print, PrintJS, Icon, Checkin string }

// Page carries what every full page needs besides its own content.
type Page struct {
	Title   string
	CSRF    string
	User    *domain.User // nil for guests
	Assets  Assets
	Flash   string
	Alert   string // a problem to report on this page
	Demo    bool
	Support string // support contact shown in the footer
}

// Form holds the values typed into a form and the errors per field, so a form can be
// shown again exactly as it was sent.
type Form struct {
	Values map[string]string
	Errors domain.FieldErrors
}

// V returns the typed value of a field.
func (f Form) V(name string) string { return f.Values[name] }

// E returns the error message of a field.
func (f Form) E(name string) string { return f.Errors[name] }

// HasErrors reports whether the form needs correcting.
func (f Form) HasErrors() bool { return len(f.Errors) > 0 }

// Option is one choice of a select or radio group.
type Option struct{ Value, Label string }

// Field describes one input of a form.
type Field struct {
	Name, Label, Type, Hint, Autocomplete, InputMode string
	Options                                          []Option
	Required                                         bool
	Max                                              int
	// LivePreview is a URL that htmx posts the field to while typing; the answer
	// replaces the element with id "preview-<name>" (used for the ID number).
	LivePreview string
	// Empty is the label of the empty choice of a select (default "请选择").
	Empty string
}

func dateCN(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2006年1月2日")
}

func monthCN(t time.Time) string {
	if t.IsZero() {
		return "未填写"
	}
	return t.Format("2006年1月")
}

func timeCN(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(chinaTZ).Format("2006-01-02 15:04")
}

var chinaTZ = time.FixedZone("CST", 8*3600)

func orDash(s string) string {
	if s == "" {
		return "未填写"
	}
	return s
}
