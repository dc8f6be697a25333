package views

import (
	"sort"
	"strconv"
	"strings"
)

func itoa(n int) string { return strconv.Itoa(n) }

func inputType(fd Field) string {
	if fd.Type == "" {
		return "text"
	}
	return fd.Type
}

// inputValue echoes what was typed, passwords included: a re-shown form keeps every value
// (pages are no-store, so nothing reaches a cache).
// inputValue is the value a field is rendered with: what was typed, so that nothing is lost
// on an error, except passwords, which never go back into a page (they would sit in its
// HTML and in any cache, and a wrong one has to be retyped anyway).
func inputValue(f Form, fd Field) string {
	if inputType(fd) == "password" {
		return ""
	}
	return f.V(fd.Name)
}

func describedBy(f Form, fd Field) string {
	s := ""
	if fd.Hint != "" {
		s = "h-" + fd.Name
	}
	if f.E(fd.Name) != "" {
		if s != "" {
			s += " "
		}
		s += "e-" + fd.Name
	}
	return s
}

// summaryOrder lists the fields with errors: those named in order first, then any
// others (such as résumé rows) in a stable order, so no error is left out of the summary.
func summaryOrder(f Form, order []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range order {
		if f.E(n) != "" && !seen[n] && n != "form" {
			out, seen[n] = append(out, n), true
		}
	}
	var rest []string
	for n := range f.Errors {
		if !seen[n] && n != "form" { // the whole form's refusal is not a field (ErrorSummary)
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

func emptyLabel(fd Field) string {
	if fd.Empty != "" {
		return fd.Empty
	}
	return "请选择"
}

// summaryText is an error as the error summary lists it: an error of a résumé entry
// ("resume.1.to") says which entry it is about, since the summary stands apart from it.
func summaryText(name, msg string) string {
	rest, ok := strings.CutPrefix(name, "resume.")
	if !ok {
		return msg
	}
	i, _, ok := strings.Cut(rest, ".")
	n, err := strconv.Atoi(i)
	if !ok || err != nil {
		return msg
	}
	return "第 " + strconv.Itoa(n+1) + " 段工作经历：" + msg
}

// anyFilled reports whether any of the named fields has a value, so that a page says
// "filled in for you" only when something was.
func anyFilled(f Form, names []string) bool {
	for _, n := range names {
		if strings.TrimSpace(f.V(n)) != "" {
			return true
		}
	}
	return false
}

// leadingPhone is the phone number at the start of a text such as the support contact
// "0371-12345678（工作日 9:00–17:00）": what `^\+?[0-9][0-9\-]{5,19}[0-9]`, scanned by hand: every page's footer has one, and a
// regexp per render showed in the profiles of issue 15).
func leadingPhone(s string) string {
	i := 0
	if strings.HasPrefix(s, "+") {
		i = 1
	}
	start := i
	for i < len(s) && i-start < 21 && (s[i] >= '0' && s[i] <= '9' || s[i] == '-' && i > start) {
		i++
	}
	for i > start && s[i-1] == '-' { // it ends with a digit
		i--
	}
	if i-start < 7 {
		return ""
	}
	return s[:i]
}

// splitPhone splits a text into its leading phone number (empty when it has none), the
// tel: address to dial and the rest.
func splitPhone(s string) (number, dial, rest string) {
	number = leadingPhone(s)
	return number, "tel:" + strings.ReplaceAll(number, "-", ""), s[len(number):]
}
