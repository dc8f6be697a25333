package demo

import (
	"io"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/imaging"
	"sitepro/password"
	"sitepro/store"
)

// Demo data comes from the same use cases an admin uses, so it cannot disagree with itself:
// every application that says 证书已发放 names a certificate that exists, belongs to its
// holder, is listed in their 证书信息 and is found by the public check.
func TestDemoCertifiedApplicationsHaveTheirCertificates(t *testing.T) {
	st, err := store.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	if err := Seed(st, password.NewHasher(2), inProcess{imaging.New(imaging.Options{})}, io.Discard, now); err != nil {
		t.Fatal(err)
	}
	certified := 0
	for _, d := range seededApps {
		if d.status != domain.AppCertified {
			continue
		}
		u, err := st.UserByLogin(d.holderID, true)
		if err != nil {
			t.Fatal(err)
		}
		apps, _ := st.ApplicationsOf(u.ID)
		for _, a := range apps {
			if a.Status != domain.AppCertified {
				continue
			}
			certified++
			c, err := st.CertificateByNumber(a.CertNumber)
			if err != nil || c.HolderID != u.ID || c.PostCode != a.PostCode {
				t.Fatalf("application %s says certificate %q: %+v, %v", a.Number, a.CertNumber, c, err)
			}
			if v, err := st.CertificateByToken(c.VerifyToken); err != nil || v.ID != c.ID {
				t.Errorf("public check does not find %s: %v", c.Number, err)
			}
			held, _ := st.CertificatesOf(u.ID)
			found := false
			for _, h := range held {
				found = found || h.ID == c.ID
			}
			if !found {
				t.Errorf("%s is not in the holder's 证书信息", c.Number)
			}
		}
	}
	if certified == 0 {
		t.Fatal("the demo has no certified application")
	}
}
