package store

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
)

// Revoking a certificate: the public lookups see it at once, the holder gets one mail
// whose facts carry the reason, the audit keeps before → after and the reason; a second
// 撤销 or 注销 (also from concurrent admins) is a conflict naming the first decision.
func TestRevokeOnceWithMailAndAudit(t *testing.T) {
	f := newCEFixture(t)
	s := f.s
	w, err := domain.CertWithdrawalInput{Kind: "revoke", Reason: "个人承诺不实，学历证书系伪造"}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WithdrawCertificate(f.revA, f.cert.ID, w, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a reviewer revoked: %v", err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = s.WithdrawCertificate(certAdmin, f.cert.ID, w, t0) }()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case domain.CodeOf(err) != domain.CodeConflict || !strings.Contains(domain.MessageOf(err), "由管理员撤销（原因：个人承诺不实，学历证书系伪造），不能再撤销"):
			t.Fatalf("second revocation: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d revocations succeeded", ok)
	}
	c, err := s.CertificateByToken(f.cert.VerifyToken)
	if err != nil || c.Status != domain.CertRevoked || c.EffectiveStatus(t0) != domain.CertRevoked || c.Withdrawal == nil || c.Withdrawal.Reason != w.Reason {
		t.Fatalf("after revocation: %+v %v", c, err)
	}
	cancel, _ := domain.CertWithdrawalInput{Kind: "cancel", Reason: "持证人本人申请"}.Validate()
	if _, err := s.WithdrawCertificate(certAdmin, f.cert.ID, cancel, t0); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("cancelled after revocation: %v", err)
	}
	mails := notifications(t, s, domain.NotifyCertWithdrawn)
	if len(mails) != 1 || mails[0].To != "zs@example.com" {
		t.Fatalf("mails: %+v", mails)
	}
	facts, err := s.MailFacts(*mails[0].Notification)
	if err != nil || facts.Certificate.Number != f.cert.Number || facts.Certificate.Withdrawal == nil {
		t.Fatalf("mail facts: %+v %v", facts.Certificate, err)
	}
	log, _ := s.AuditLog(AuditFilter{Action: domain.AuditCertificateRevoke}, 10)
	if len(log) != 1 || log[0].Object != f.cert.ID || log[0].Detail != f.cert.Number+"：有效 → 撤销；原因："+w.Reason {
		t.Fatalf("audit: %+v", log)
	}
	// 注销 of another certificate, kept with its own audit action.
	if c, err := s.WithdrawCertificate(certAdmin, f.cert2.ID, cancel, t0); err != nil || c.Status != domain.CertCancelled {
		t.Fatalf("cancel: %v", err)
	}
	if log, _ := s.AuditLog(AuditFilter{Action: domain.AuditCertificateCancel}, 10); len(log) != 1 {
		t.Fatalf("cancel audit: %+v", log)
	}
	if _, err := s.WithdrawCertificate(certAdmin, "nope", w, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("unknown certificate: %v", err)
	}
	assertRebuildAgrees(t, s) // the statistics counters moved with the status
}

// Continuing education stops for a withdrawn certificate: it cannot be chosen at step 1,
// a pending enrolment of it cannot be confirmed (it can still be returned), and no more
// hours are recorded on a running one.
func TestWithdrawnCertificateStopsContinuingEducation(t *testing.T) {
	f := newCEFixture(t)
	s := f.s
	running := f.confirmed(t, f.cert.Number)
	pending := f.draft(t, f.u, f.cert2.Number, f.agA)
	if _, err := s.SubmitEnrolment(f.u, pending.ID, t0); err != nil {
		t.Fatal(err)
	}
	course, _ := s.AddCourse(f.revA, domain.CourseInput{Title: "建筑施工技术", Category: "专业", Hours: "8"}, t0)
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	if _, err := s.RecordLearning(f.revA, running.ID, course.ID, day, t0); err != nil {
		t.Fatal(err)
	}
	revoke, _ := domain.CertWithdrawalInput{Kind: "revoke", Reason: "个人承诺不实"}.Validate()
	cancel, _ := domain.CertWithdrawalInput{Kind: "cancel", Reason: "持证人本人申请"}.Validate()
	if _, err := s.WithdrawCertificate(certAdmin, f.cert.ID, revoke, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WithdrawCertificate(certAdmin, f.cert2.ID, cancel, t0); err != nil {
		t.Fatal(err)
	}

	_, err := s.RecordLearning(f.revA, running.ID, course.ID, day.AddDate(0, 0, 1), t0)
	if domain.CodeOf(err) != domain.CodeConflict || !strings.Contains(domain.MessageOf(err), "证书 412021101000123 已撤销，继续教育随之停止，不能再记录学时") {
		t.Fatalf("hours on a revoked certificate: %v", err)
	}
	_, err = s.DecideEnrolment(f.revA, pending.ID, domain.Decision{Kind: domain.EnrolConfirmDecision}, t0)
	if domain.CodeOf(err) != domain.CodeConflict || !strings.Contains(domain.MessageOf(err), "已注销，继续教育随之停止，不能再确认") {
		t.Fatalf("confirming an enrolment of a cancelled certificate: %v", err)
	}
	if _, err := s.DecideEnrolment(f.revA, pending.ID, domain.Decision{Kind: domain.EnrolReturnDecision, Reason: "证书已注销"}, t0); err != nil {
		t.Fatalf("returning it: %v", err)
	}
	// With both certificates withdrawn no enrolment starts, each with step 1's reason.
	if _, err := s.StartEnrolment(f.u, t0); !errors.Is(err, domain.ErrCENotOpen) {
		t.Fatalf("starting an enrolment: %v", err)
	}
	o, _ := s.EnrolOpeningOf(f.u, t0)
	why := map[string]string{}
	for _, b := range o.Blocks() {
		why[b.Number] = b.Why
	}
	for num, want := range map[string]string{f.cert.Number: "这本证书已被撤销，不能报名继续教育", f.cert2.Number: "这本证书已注销，不能报名继续教育"} {
		if why[num] != want {
			t.Fatalf("enrolling %s: %q", num, why[num])
		}
	}
	if recs, _ := s.LearningOf(f.u.ID); len(recs.Records[f.cert.ID]) != 1 {
		t.Fatalf("records of the revoked certificate: %+v", recs.Records[f.cert.ID])
	}
}
