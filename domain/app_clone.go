package domain

import (
	"maps"
	"slices"
)

// Clone returns a copy of the application that shares nothing a caller could change with
// a: the store hands out copies of one decoded application to many readers (issue 15).
// A new slice, map or pointer field must be copied here; TestApplicationCloneSharesNothing
// fails until it is.
func (a Application) Clone() Application {
	a.Resume = slices.Clone(a.Resume)
	a.ReturnReasons = slices.Clone(a.ReturnReasons)
	if a.Exam != nil {
		e := *a.Exam
		e.Subjects = slices.Clone(e.Subjects)
		a.Exam = &e
	}
	if a.Scores != nil {
		sc := *a.Scores
		a.Scores = &sc
	}
	a.Timeline = slices.Clone(a.Timeline)
	if a.Typed != nil {
		typed := make(map[string]map[string]string, len(a.Typed))
		for k, m := range a.Typed {
			typed[k] = maps.Clone(m)
		}
		a.Typed = typed
	}
	return a
}

// Clone returns a copy of the certificate that shares nothing with c (the store hands out
// copies of one decoded certificate); TestCertificateCloneSharesNothing guards it.
func (c Certificate) Clone() Certificate {
	if c.Withdrawal != nil {
		w := *c.Withdrawal
		c.Withdrawal = &w
	}
	return c
}
