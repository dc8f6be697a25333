package store

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sitepro/domain"
)

func cert(holder, number string, issued time.Time) domain.Certificate {
	return domain.Certificate{Number: number, HolderID: holder, PostCode: "101", Issuer: "河南省住房和城乡建设厅",
		IssuedOn: issued, AgencyName: "郑州建设职业培训中心", Employer: "某建筑公司", Status: domain.CertValid}
}

func TestAddCertificateIndexesAndScoping(t *testing.T) {
	s, dir := openTemp(t)
	older, err := s.AddCertificate(cert("alice", "豫建安c（2016）0012345", t0.AddDate(-10, 0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	newer, err := s.AddCertificate(cert("alice", "412021101000123", t0.AddDate(-5, 0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	bobs, err := s.AddCertificate(cert("bob", "412021101000124", t0))
	if err != nil {
		t.Fatal(err)
	}
	if older.Number != "豫建安C(2016)0012345" {
		t.Errorf("number not normalised: %q", older.Number)
	}
	if len(older.ID) != 32 || len(older.VerifyToken) < 22 || older.VerifyToken == newer.VerifyToken {
		t.Errorf("id %q token %q", older.ID, older.VerifyToken)
	}

	// Reopen: everything must be on disk.
	s.Close()
	s, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })

	list, err := s.CertificatesOf("alice")
	if err != nil || len(list) != 2 || list[0].ID != newer.ID || list[1].ID != older.ID {
		t.Fatalf("CertificatesOf(alice) = %+v, %v; want newest first", list, err)
	}
	if list, _ := s.CertificatesOf("nobody"); len(list) != 0 {
		t.Fatalf("CertificatesOf(nobody) = %+v", list)
	}
	if got, err := s.CertificateOf("alice", newer.ID); err != nil || got.Number != newer.Number || got.VerifyToken != newer.VerifyToken {
		t.Fatalf("CertificateOf(alice, own) = %+v, %v", got, err)
	}
	for _, tc := range []struct{ user, id string }{
		{"alice", bobs.ID}, {"bob", newer.ID}, {"alice", "no-such-id"}, {"", newer.ID}, {"alice", ""},
		{"alice", newer.ID + "/"}, {"alice/" + newer.ID, ""},
	} {
		if _, err := s.CertificateOf(tc.user, tc.id); domain.CodeOf(err) != domain.CodeNotFound {
			t.Errorf("CertificateOf(%q, %q) = %v, want not found", tc.user, tc.id, err)
		}
	}
}

func TestCertificateLookups(t *testing.T) {
	s, _ := openTemp(t)
	c, err := s.AddCertificate(cert("alice", "豫建安C(2016)0012345", t0))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.CertificateByToken(c.VerifyToken); err != nil || got.ID != c.ID {
		t.Fatalf("CertificateByToken = %+v, %v", got, err)
	}
	for _, n := range []string{"豫建安C(2016)0012345", " 豫建安c（2016）0012345 "} {
		if got, err := s.CertificateByNumber(n); err != nil || got.ID != c.ID {
			t.Fatalf("CertificateByNumber(%q) = %+v, %v", n, got, err)
		}
	}
	for _, tok := range []string{"", "unknown", c.VerifyToken[:21], c.VerifyToken + "x", strings.Repeat("a", 5000)} {
		if _, err := s.CertificateByToken(tok); domain.CodeOf(err) != domain.CodeNotFound {
			t.Errorf("CertificateByToken(%.30q) = %v, want not found", tok, err)
		}
	}
	for _, n := range []string{"", "412021101000123", "豫建安C(2016)001234", c.ID} {
		if _, err := s.CertificateByNumber(n); domain.CodeOf(err) != domain.CodeNotFound {
			t.Errorf("CertificateByNumber(%q) = %v, want not found", n, err)
		}
	}
	// A given token is kept (e.g. on import), and is found.
	given, err := s.AddCertificate(domain.Certificate{Number: "412020101000001", HolderID: "bob", VerifyToken: "imported-token-0000000"})
	if err != nil || given.VerifyToken != "imported-token-0000000" {
		t.Fatalf("given token: %+v, %v", given, err)
	}
	if got, err := s.CertificateByToken("imported-token-0000000"); err != nil || got.ID != given.ID {
		t.Fatalf("CertificateByToken(imported) = %+v, %v", got, err)
	}
}

func TestAddCertificateRejectsDuplicatesAndBlanks(t *testing.T) {
	s, _ := openTemp(t)
	if _, err := s.AddCertificate(cert("alice", "412021101000123", t0)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddCertificate(cert("bob", "４１２０２１１０１０００１２３", t0)); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("duplicate number (full-width) = %v, want conflict", err)
	}
	if _, err := s.AddCertificate(cert("bob", "  ", t0)); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("blank number = %v, want invalid", err)
	}
	if _, err := s.AddCertificate(cert("", "412021101000999", t0)); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("no holder = %v, want invalid", err)
	}
	if list, _ := s.CertificatesOf("bob"); len(list) != 0 {
		t.Fatalf("a rejected certificate was stored: %+v", list)
	}
}

func TestAddCertificateConcurrentSameNumber(t *testing.T) {
	s, _ := openTemp(t)
	var ok, conflict atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.AddCertificate(cert("holder"+string(rune('a'+i)), "412021101000777", t0))
			switch {
			case err == nil:
				ok.Add(1)
			case domain.CodeOf(err) == domain.CodeConflict:
				conflict.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || conflict.Load() != 19 {
		t.Fatalf("ok=%d conflict=%d; want exactly one certificate per number", ok.Load(), conflict.Load())
	}
}
