package domain

// A typed vocabulary (DESIGN.md §3): a Go string type whose values are English codes,
// stored and compared, with a Chinese label for the UI. vocab lists one vocabulary's
// codes with their labels, in display order, so that Label, parsing form values and
// reading records written by earlier versions are written once.
type vocab[T ~string] []vocabEntry[T]

type vocabEntry[T ~string] struct {
	code  T
	label string
}

// label is the label of code; a code the vocabulary does not know is shown as it is,
// so that a data error is noticed rather than hidden.
func (v vocab[T]) label(code T) string {
	for _, e := range v {
		if e.code == code {
			return e.label
		}
	}
	return string(code)
}

// parse reads a code or, as forms and earlier versions wrote it, a label.
func (v vocab[T]) parse(s string) (T, bool) {
	for _, e := range v {
		if string(e.code) == s || e.label == s {
			return e.code, true
		}
	}
	return T(s), false
}

// decode is the tolerant decoding of a stored value: records written before the
// vocabulary had codes hold its Chinese label, which becomes the code. An empty or
// unknown value is kept as it is (never an error, so one odd record cannot make a page
// fail): it matches no code, so it grants nothing, and Label shows it as stored.
func (v vocab[T]) decode(b []byte) T {
	code, _ := v.parse(string(b))
	return code
}

// codes lists the vocabulary's codes in display order.
func (v vocab[T]) codes() []T {
	out := make([]T, len(v))
	for i, e := range v {
		out[i] = e.code
	}
	return out
}
