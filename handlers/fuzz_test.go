package handlers

import (
	"net/url"
	"strings"
	"testing"
)

// Fuzz targets for the parsing the handlers do themselves on public input: the résumé
// row operations of both wizards (form keys and the op button) and the Origin/Referer
// check of unsafe requests. Everything else is parsed in domain and export.

func FuzzEditResumeRows(f *testing.F) {
	f.Add("resume.0.from\nresume.1.from\nresume.2.role", "remove-1")
	f.Add("resume.0.from", "add")
	f.Add("resume.19.from\nresume.20.from", "add")
	f.Add("resume.0.from\nresume.1.from", "remove--1000000000")
	f.Add("resume.-3.from\nresume.99999999999999999999.to\nresume.", "remove-99999999999")
	f.Add("", "remove-")
	f.Fuzz(func(t *testing.T, keys, op string) {
		values := map[string]string{}
		for _, k := range strings.Split(keys, "\n") {
			values[k] = "x"
		}
		before := len(values)
		rows := editResumeRows(values, op)
		if rows < 1 || rows > 20 {
			t.Fatalf("editResumeRows(%q, %q) = %d rows", keys, op, rows)
		}
		if len(values) > before+4*20 {
			t.Fatalf("editResumeRows(%q, %q) grew the values from %d to %d", keys, op, before, len(values))
		}
	})
}

// TestForgedResumeRemoveIsIgnored: a remove op naming no row on the page changes nothing
// (a negative index used to shift rows from -N up to the last: minutes of work and
// gigabytes of map entries for one request).
func TestForgedResumeRemoveIsIgnored(t *testing.T) {
	for _, op := range []string{"remove--1000000000", "remove-5", "remove-x", "remove-"} {
		v := map[string]string{"resume.0.from": "2010-01", "resume.1.from": "2015-01"}
		if rows := editResumeRows(v, op); rows != 2 || len(v) != 2 || v["resume.1.from"] != "2015-01" {
			t.Fatalf("%s: %d rows, values %v", op, rows, v)
		}
	}
	v := map[string]string{"resume.0.from": "2010-01", "resume.1.from": "2015-01"}
	if rows := editResumeRows(v, "remove-0"); rows != 1 || v["resume.0.from"] != "2015-01" || v["resume.1.from"] != "" {
		t.Fatalf("remove-0: %d rows, values %v", rows, v)
	}
}

func FuzzSameOrigin(f *testing.F) {
	for _, s := range []string{"https://sitepro.test", "https://SITEPRO.test:443", "https://sitepro.test/x?y#z", "null", "",
		"http://sitepro.test", "https://sitepro.test.evil.example", "https://evil.example/https://sitepro.test",
		"https://sitepro.test@evil.example", "https://evil.example\\@sitepro.test", "//sitepro.test", "https://[::1]:443"} {
		f.Add(s)
	}
	const ours = "https://sitepro.test"
	f.Fuzz(func(t *testing.T, raw string) {
		if !sameOrigin(raw, ours) {
			return
		}
		u, err := url.Parse(raw)
		if err != nil || !strings.EqualFold(u.Scheme, "https") || !strings.EqualFold(u.Hostname(), "sitepro.test") ||
			(u.Port() != "" && u.Port() != "443") {
			t.Fatalf("sameOrigin(%q) accepted another origin", raw)
		}
	})
}
