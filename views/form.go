package views

import "strconv"

func itoa(n int) string { return strconv.Itoa(n) }

func inputType(fd Field) string {
	if fd.Type == "" {
		return "text"
	}
	return fd.Type
}

// inputValue echoes what was typed, passwords included: a re-shown form keeps every value
// (pages are no-store, so nothing reaches a cache).
func inputValue(f Form, fd Field) string { return f.V(fd.Name) }

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

func emptyLabel(fd Field) string {
	if fd.Empty != "" {
		return fd.Empty
	}
	return "请选择"
}
