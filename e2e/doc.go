// Package e2e holds the end-to-end journeys against the built server binary: browser
// journeys in Chromium at phone size, with and without JavaScript; the crash test that
// SIGKILLs the server during registrations; the operator commands (create-admin, backup,
// restore, rotate-key). TestMain builds the binary once from the module root; the tests
// start it as child processes with a real SMTP peer, so `go test ./e2e` runs on its own.
// It has no code outside its tests.
package e2e
