// Package testkit holds the test helpers that the tests of several packages share, so that
// each exists once (DESIGN.md §8): valid ID numbers, a buffer that a process or logger
// writes while the test reads it, and a parser for the mail an SMTP peer receives.
//
// It imports only the standard library, so any package's tests may use it. The SMTP peer
// (sitepro/testkit/smtppeer, go-smtp) and the Chromium launcher (sitepro/testkit/chromium,
// chromedp) are subpackages, so that tests which need neither do not link those libraries.
// Only tests import the kit; the import law (imports_test.go) keeps it out of the program.
package testkit
