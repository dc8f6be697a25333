package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/mail"
	"sitepro/store"
	"sitepro/testkit/smtppeer"
	"sitepro/views"
)

// TestCreateAdminThenActivationMail: on an empty data directory create-admin makes the
// first admin (active, password from stdin, username normalised; a second run with the
// same name fails), that admin creates an agency reviewer in 账号管理, and the worker, wired
// as serve wires it, delivers the activation mail to a real SMTP peer: the views' template
// with the link of the recorded token, which then opens the account.
func TestCreateAdminThenActivationMail(t *testing.T) {
	const origin = "https://sitepro.test"
	dir := t.TempDir()
	var out bytes.Buffer
	if err := createAdmin([]string{"-data", dir, "-username", " Boss ", "-name", "省厅管理员"}, strings.NewReader("a long admin passphrase\n"), &out); err != nil {
		t.Fatalf("create-admin: %v %s", err, out.String())
	}
	if err := createAdmin([]string{"-data", dir, "-username", "boss"}, strings.NewReader("another long passphrase\n"), &out); err == nil {
		t.Fatal("create-admin made a second account with the same username")
	}
	if err := createAdmin([]string{"-data", dir, "-username", "410102199003071230"}, strings.NewReader("another long passphrase\n"), &out); err == nil {
		t.Fatal("create-admin accepted a username that reads as an ID number")
	}
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin, err := st.UserByLogin("boss", false)
	if err != nil || admin.State() != domain.AccountActive || !admin.ActiveAdmin() || admin.Name != "省厅管理员" {
		t.Fatalf("bootstrap admin: %+v %v", admin, err)
	}

	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	ag, _ := st.PutAgency(domain.Agency{Name: "郑州建设培训中心", CityCode: "410100"})
	tok := store.NewToken()
	rev, err := st.CreateStaffAccount(admin, domain.CreateStaffCmd{Role: "reviewer", Username: "zz-li", Name: "李审核", Email: "li@example.com", AgencyID: ag.ID}, tok, now)
	if err != nil {
		t.Fatal(err)
	}
	peer := smtppeer.Start(t, smtppeer.Options{})
	tr, err := mail.NewSMTPTransport(mail.SMTPConfig{URL: "smtp://" + peer.Addr + "?tls=none", From: "noreply@sitepro.test", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	w := &mail.Worker{Outbox: st, Transport: tr, Renderer: views.Mails{Facts: st, Origin: origin}, Now: func() time.Time { return now }}
	if sent, err := w.SendDue(context.Background()); err != nil || sent != 1 {
		t.Fatalf("SendDue = %d, %v; want 1", sent, err)
	}
	want := views.StaffActivationMessage(rev, ag, origin+"/activate/"+tok.Raw)
	got := peer.Messages()
	if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != "li@example.com" || got[0].Subject != want.Subject || got[0].Body != want.Body {
		t.Fatalf("received %+v\nwant %+v", got, want)
	}
	i := strings.Index(got[0].Body, origin+"/activate/")
	raw := strings.Fields(got[0].Body[i+len(origin+"/activate/"):])[0]
	if u, err := st.LinkUser(store.ActivationLink, store.HashToken(raw), now.Add(time.Hour)); err != nil || u.ID != rev.ID {
		t.Fatalf("the mailed link: %+v %v", u, err)
	}
}
