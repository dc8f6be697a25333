package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The import law of DESIGN.md §2, for every package's code and its test files.

// rule is what one package may import besides the standard library. In both lists an
// entry ending in "/" allows a whole module, and a library entry also allows the
// library's subpackages; a project package (sitepro/…) is matched exactly.
type rule struct {
	code  []string // what the package's own files may import
	tests []string // what its test files may import in addition
	noIO  bool     // neither its code nor its tests may import a standard I/O package
}

const (
	kit      = "sitepro/testkit"
	smtpPeer = "sitepro/testkit/smtppeer"
	browser  = "sitepro/testkit/chromium"
)

var chromedp = []string{"github.com/chromedp/chromedp", "github.com/chromedp/cdproto"}

var importLaw = map[string]rule{
	// The composition root wires the project's packages; libraries stay behind their
	// leaf packages, and journeys belong in e2e, so its tests use nothing else.
	"sitepro":        {code: []string{"sitepro/"}},
	"sitepro/domain": {noIO: true},
	// Its tests may use the stdlib-only kit (the disk's fsync rate beside the group-commit
	// benchmark).
	"sitepro/store":    {code: []string{"sitepro/domain", "github.com/dgraph-io/badger/v4"}, tests: []string{kit}},
	"sitepro/views":    {code: []string{"sitepro/domain", "github.com/a-h/templ"}},
	"sitepro/static":   {},
	"sitepro/password": {code: []string{"golang.org/x/crypto/"}},
	"sitepro/imaging":  {code: []string{"sitepro/domain", "github.com/h2non/bimg"}, tests: []string{kit}},
	"sitepro/mail":     {code: []string{"sitepro/domain", "github.com/wneessen/go-mail"}, tests: []string{kit, smtpPeer}},
	"sitepro/qr":       {code: []string{"github.com/skip2/go-qrcode"}},
	"sitepro/export":   {code: []string{"github.com/xuri/excelize/v2"}},
	"sitepro/seal":     {code: []string{"filippo.io/age"}},
	"sitepro/handlers": {
		code: []string{"sitepro/export", "sitepro/seal", "sitepro/domain", "sitepro/store", "sitepro/views", "sitepro/static", "sitepro/qr",
			"github.com/gofiber/fiber/v2", "github.com/gofiber/storage/memory/v2", "github.com/a-h/templ"},
		// Tests run the app as main wires it (imaging, password), read its Excel exports,
		// print in Chromium and compare a benchmark with bare Badger.
		tests: append([]string{"sitepro/imaging", "sitepro/password", "github.com/xuri/excelize/v2", "github.com/dgraph-io/badger/v4",
			kit, browser}, chromedp...),
	},
	// The demo seed is built only from the store's public use cases.
	"sitepro/demo": {code: []string{"sitepro/domain", "sitepro/store", "sitepro/password"}, tests: []string{"sitepro/imaging"}},
	// The journeys drive the built binary from outside: besides the kit and chromedp they
	// know only the demo's published logins.
	"sitepro/e2e": {tests: append([]string{"sitepro/demo", kit, smtpPeer, browser}, chromedp...)},
	// The load generator speaks HTTP only; the composition root prepares data and servers.
	"sitepro/loadtest": {},
	// The test kit: a stdlib-only core and one subpackage per test library.
	kit:      {},
	smtpPeer: {code: []string{kit, "github.com/emersion/go-smtp", "github.com/emersion/go-sasl"}},
	browser:  {code: []string{"github.com/chromedp/chromedp"}},
}

// ioPackages are the standard packages (with their subpackages) that do I/O: files and
// processes, the network, databases, the OS's entropy, logs. domain is rules only and is
// handed the time, so neither it nor its tests import them. net/mail, net/url and
// net/netip only parse strings and are not I/O.
var ioPackages = []string{"io", "os", "syscall", "net", "database/sql", "path/filepath", "embed", "log", "crypto/rand", "plugin"}

func doesIO(imp string) bool {
	switch imp {
	case "net/mail", "net/url", "net/netip":
		return false
	}
	for _, p := range ioPackages {
		if imp == p || strings.HasPrefix(imp, p+"/") {
			return true
		}
	}
	return false
}

func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && first != "sitepro"
}

func matches(entries []string, imp string) bool {
	for _, a := range entries {
		switch {
		case imp == a, strings.HasSuffix(a, "/") && strings.HasPrefix(imp, a):
			return true
		case !strings.HasPrefix(a, "sitepro/") && strings.HasPrefix(imp, a+"/"):
			return true // a library's subpackage, e.g. fiber/v2/middleware/session
		}
	}
	return false
}

// violation says why pkg (its test files when test is set) must not import imp, or
// returns "" when it may.
func violation(pkg, imp string, test bool) string {
	r := importLaw[pkg]
	who := pkg
	if test {
		who = pkg + "'s tests"
	}
	switch {
	case r.noIO && doesIO(imp):
		return who + " must not import " + imp + ": domain holds rules without I/O (files, network, OS, logs); time is passed in (DESIGN.md §2)"
	case imp == kit || strings.HasPrefix(imp, kit+"/"):
		if !test && !strings.HasPrefix(pkg, kit+"/") {
			return who + " must not import " + imp + ": the test kit is for test files only"
		}
	case imp == "sitepro/e2e":
		return who + " must not import sitepro/e2e: it has nothing but tests"
	}
	if isStdlib(imp) || matches(r.code, imp) || (test && (imp == pkg || matches(r.tests, imp))) {
		return ""
	}
	return who + " must not import " + imp + " (DESIGN.md §2); if it should, change the law in imports_test.go"
}

// TestImportDirections fails when a package or its tests import outside their layer, e.g. a
// handler importing badger, bimg or go-mail directly, domain doing I/O, or program code
// importing the test kit.
func TestImportDirections(t *testing.T) {
	const format = `{{.ImportPath}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}`
	out, err := exec.Command("go", "list", "-f", format, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		pkg := f[0]
		if _, ok := importLaw[pkg]; !ok {
			t.Errorf("package %s has no import rule; add it to importLaw in imports_test.go", pkg)
			continue
		}
		seen[pkg] = true
		for i, imports := range f[1:] {
			for _, imp := range strings.Fields(imports) {
				if v := violation(pkg, imp, i == 1); v != "" {
					t.Error(v)
				}
			}
		}
	}
	for pkg := range importLaw {
		if !seen[pkg] {
			t.Errorf("importLaw has a rule for %s, which does not exist (any more)", pkg)
		}
	}
}

func TestImportRuleCatchesViolations(t *testing.T) {
	for _, tc := range []struct {
		pkg, imp string
		test     bool
		want     bool
	}{
		{"sitepro/handlers", "github.com/dgraph-io/badger/v4", false, false},
		{"sitepro/handlers", "github.com/dgraph-io/badger/v4", true, true},
		{"sitepro/handlers", "github.com/gofiber/fiber/v2/middleware/session", false, true},
		{"sitepro/handlers", "sitepro/testkit", false, false},
		{"sitepro/handlers", "sitepro/testkit", true, true},
		{"sitepro/handlers", "sitepro/testkit/smtppeer", true, false},
		{"sitepro/domain", "sitepro/store", false, false},
		{"sitepro/domain", "net/mail", false, true},
		{"sitepro/domain", "os", false, false},
		{"sitepro/domain", "os", true, false},
		{"sitepro/domain", "net/http", true, false},
		{"sitepro/domain", "io/fs", false, false},
		{"sitepro/domain", "log/slog", false, false},
		{"sitepro/views", "github.com/h2non/bimg", false, false},
		{"sitepro/password", "golang.org/x/crypto/argon2", false, true},
		{"sitepro/imaging", "sitepro/imaging", true, true},
		{"sitepro/demo", "sitepro/handlers", false, false},
		{"sitepro/e2e", "sitepro/store", true, false},
		{"sitepro/e2e", "sitepro/demo", true, true},
		{"sitepro", "sitepro/store", false, true},
		{"sitepro", "sitepro/testkit", false, false},
		{"sitepro", "github.com/dgraph-io/badger/v4", false, false},
		{"sitepro", "github.com/chromedp/chromedp", true, false},
		{"sitepro/testkit", "github.com/emersion/go-smtp", false, false},
		{"sitepro/testkit/smtppeer", "sitepro/testkit", false, true},
	} {
		if got := violation(tc.pkg, tc.imp, tc.test) == ""; got != tc.want {
			t.Errorf("%s (tests: %v) importing %s: allowed=%v, want %v", tc.pkg, tc.test, tc.imp, got, tc.want)
		}
	}
}
