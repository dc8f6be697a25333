package main

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"testing"

	"sitepro/imaging"
)

// TestMain lets the test binary be the server that loadtestCmd starts (it runs this
// binary with "serve"), and the imaging workers that server starts in turn.
func TestMain(m *testing.M) {
	imaging.RunWorkerIfChild()
	if os.Getenv("SITEPRO_TEST_SERVE") == "1" && len(os.Args) > 1 && os.Args[1] == "serve" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestLoadtestSmoke runs `sitepro loadtest` briefly with ten trainees against a server it
// starts itself: every user signs in, every action is answered without an error, and each
// kind of action was sent. Nothing is asserted about latency.
func TestLoadtestSmoke(t *testing.T) {
	t.Setenv("SITEPRO_TEST_SERVE", "1")
	var out bytes.Buffer
	err := loadtestCmd([]string{"-users", "10", "-duration", "3s", "-think-min", "50ms", "-think-max", "150ms"}, &out)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"login", "home", "records", "step_page", "step_save", "window"} {
		m := regexp.MustCompile(`(?m)^` + kind + `\s+(\d+)\s+(\d+)\s`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("no %s line in the report", kind)
		}
		n, _ := strconv.Atoi(m[1])
		if n == 0 || m[2] != "0" {
			t.Errorf("%s: %s requests, %s errors; want some and none", kind, m[1], m[2])
		}
	}
	if m := regexp.MustCompile(`(?m)^login\s+(\d+)\s`).FindStringSubmatch(out.String()); m == nil || m[1] != "10" {
		t.Errorf("logins: %v, want 10", m)
	}
	if !regexp.MustCompile(`server: CPU [0-9.]+ s .* RSS [1-9]`).MatchString(out.String()) {
		t.Error("the server's CPU and RSS are not reported")
	}
}
