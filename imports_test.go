package main

import (
	"os/exec"
	"strings"
	"testing"
)

// allowedImports is the import law of DESIGN.md §2: which non-standard packages each
// package may import. A prefix ending in "/" allows the whole module.
var allowedImports = map[string][]string{
	"sitepro/domain":           {},
	"sitepro/store":            {"sitepro/domain", "github.com/dgraph-io/badger/v4"},
	"sitepro/views":            {"sitepro/domain", "github.com/a-h/templ"},
	"sitepro/static":           {},
	"sitepro/password":         {"golang.org/x/crypto/"},
	"sitepro/imaging":          {"sitepro/domain", "github.com/h2non/bimg"},
	"sitepro/mail":             {"sitepro/domain", "github.com/wneessen/go-mail"},
	"sitepro/qr":               {"github.com/skip2/go-qrcode"},
	"sitepro/export":           {"github.com/xuri/excelize/v2"},
	"sitepro/seal":             {"filippo.io/age"},
	"sitepro/demo":             {"sitepro/domain", "sitepro/store", "sitepro/password"},
	"sitepro/e2e":              {},
	"sitepro/testkit":          {},
	"sitepro/testkit/smtppeer": {"sitepro/testkit", "github.com/emersion/go-smtp", "github.com/emersion/go-sasl"},
	"sitepro/testkit/chromium": {"github.com/chromedp/chromedp"},
	"sitepro/handlers": {"sitepro/export", "sitepro/seal", "sitepro/domain", "sitepro/store", "sitepro/views", "sitepro/static", "sitepro/qr",
		"github.com/gofiber/fiber/v2", "github.com/gofiber/storage/memory/v2", "github.com/a-h/templ"},
}

func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && first != "sitepro"
}

func allowed(pkg, imp string) bool {
	for _, a := range allowedImports[pkg] {
		if imp == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(imp, a)) || strings.HasPrefix(imp, a+"/") {
			return true
		}
	}
	return false
}

// TestImportDirections fails when a package imports outside its layer, e.g. a handler
// importing badger, bimg or go-mail directly, or domain importing anything but stdlib.
func TestImportDirections(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		if pkg == "sitepro" {
			continue // main is the composition root and may import everything
		}
		if _, ok := allowedImports[pkg]; !ok {
			t.Errorf("package %s has no import rule; add it to allowedImports with its allowed imports", pkg)
			continue
		}
		seen++
		for _, imp := range fields[1:] {
			if !isStdlib(imp) && !allowed(pkg, imp) {
				t.Errorf("%s must not import %s (DESIGN.md §2)", pkg, imp)
			}
		}
	}
	if seen < len(allowedImports) {
		t.Errorf("checked %d packages, expected %d", seen, len(allowedImports))
	}
}

func TestImportRuleCatchesViolations(t *testing.T) {
	for _, tc := range []struct {
		pkg, imp string
		want     bool
	}{
		{"sitepro/handlers", "github.com/dgraph-io/badger/v4", false},
		{"sitepro/handlers", "github.com/gofiber/fiber/v2/middleware/session", true},
		{"sitepro/domain", "sitepro/store", false},
		{"sitepro/views", "github.com/h2non/bimg", false},
		{"sitepro/password", "golang.org/x/crypto/argon2", true},
	} {
		if got := isStdlib(tc.imp) || allowed(tc.pkg, tc.imp); got != tc.want {
			t.Errorf("%s importing %s: allowed=%v, want %v", tc.pkg, tc.imp, got, tc.want)
		}
	}
}
