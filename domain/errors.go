package domain

import (
	"errors"
	"sort"
)

// Code classifies an error so that one error handler can map it to an HTTP status and a
// user-safe message without knowing where it came from.
type Code string

// The error codes the whole system uses.
const (
	CodeInvalid      Code = "invalid"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeForbidden    Code = "forbidden"
	CodeUnauthorized Code = "unauthorized"
	CodeThrottled    Code = "throttled"
	CodeUnavailable  Code = "unavailable" // cannot be done now for a reason on our side (e.g. storage low); retry later
	CodeInternal     Code = "internal"
)

// Error is a classified error whose Message is safe to show to the user (in Chinese).
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf builds a classified error with a user-safe message.
func Err(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// CodeOf returns the code of err, or CodeInternal for unclassified errors so that
// unknown failures are never shown in detail.
func CodeOf(err error) Code {
	var fe FieldErrors
	if errors.As(err, &fe) {
		return CodeInvalid
	}
	var de *Error
	if errors.As(err, &de) {
		return de.Code
	}
	return CodeInternal
}

// FieldErrors maps form field names to a message that tells the user what to do. Validation
// collects all of them at once so that a form is corrected in one round trip.
type FieldErrors map[string]string

func (f FieldErrors) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := "invalid fields:"
	for _, k := range keys {
		s += " " + k
	}
	return s
}

// Add records the first message for a field; later messages for the same field are dropped
// because one actionable message per field is clearer than a list.
func (f FieldErrors) Add(field, message string) {
	if _, ok := f[field]; !ok {
		f[field] = message
	}
}

// Err returns f as an error, or nil when there is nothing to report.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// internalMessage is what the user sees of an error that carries no message of its own.
const internalMessage = "系统出错了，请稍后再试"

// MessageOf returns the user-safe message of err: a classified error's own message, the
// first field's message of FieldErrors (in field order), or a generic sentence for an
// unclassified error, whose details belong in the log, never on a page.
func MessageOf(err error) string {
	var de *Error
	if errors.As(err, &de) {
		return de.Message
	}
	var fe FieldErrors
	if errors.As(err, &fe) && len(fe) > 0 {
		keys := make([]string, 0, len(fe))
		for k := range fe {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return fe[keys[0]]
	}
	return internalMessage
}
