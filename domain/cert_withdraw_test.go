package domain

import (
	"strings"
	"testing"
	"time"
)

func TestCertWithdrawalInput(t *testing.T) {
	long := strings.Repeat("假", 201)
	for _, tc := range []struct {
		in      CertWithdrawalInput
		status  CertificateStatus
		problem string // in the error, "" when valid
	}{
		{CertWithdrawalInput{Kind: "revoke", Reason: " 个人承诺不实 "}, CertRevoked, ""},
		{CertWithdrawalInput{Kind: "cancel", Reason: "持证人本人申请"}, CertCancelled, ""},
		{CertWithdrawalInput{Kind: "revoke"}, "", "请填写撤销原因"},
		{CertWithdrawalInput{Kind: "cancel", Reason: "  "}, "", "请填写注销原因"},
		{CertWithdrawalInput{Kind: "revoke", Reason: "假"}, "", "至少2个字"},
		{CertWithdrawalInput{Kind: "revoke", Reason: long}, "", "最多200个字"},
		{CertWithdrawalInput{Kind: "delete", Reason: "随便"}, "", "请选择“注销”或“撤销”"},
	} {
		w, err := tc.in.Validate()
		if tc.problem == "" {
			if err != nil || w.Status != tc.status || w.Reason != strings.TrimSpace(tc.in.Reason) {
				t.Errorf("%+v: %+v %v", tc.in, w, err)
			}
			continue
		}
		if err == nil || !strings.Contains(MessageOf(err)+errText(err), tc.problem) {
			t.Errorf("%+v: %v, want %q", tc.in, err, tc.problem)
		}
	}
}

func errText(err error) string {
	if fe, ok := err.(FieldErrors); ok {
		return fe["reason"] + fe["kind"]
	}
	return ""
}

func TestWithdrawIsFinalAndSaysWhoDidItFirst(t *testing.T) {
	now := time.Date(2026, 12, 4, 2, 30, 0, 0, time.UTC) // 10:30 in Beijing
	c := Certificate{Number: "412026101000001", Status: CertValid}
	revoke := CertWithdrawal{Status: CertRevoked, Reason: "个人承诺不实"}
	out, err := c.Withdraw(revoke, "张管理", now)
	if err != nil || out.Status != CertRevoked || out.Withdrawal.By != "张管理" || !out.Withdrawal.At.Equal(now) || out.EffectiveStatus(now) != CertRevoked {
		t.Fatalf("%+v %v", out, err)
	}
	if c.Withdrawal != nil {
		t.Fatal("the original was changed")
	}
	_, err = out.Withdraw(revoke, "李管理", now)
	want := "证书 412026101000001 已于2026年12月4日 10:30由张管理撤销（原因：个人承诺不实），不能再撤销"
	if CodeOf(err) != CodeConflict || !strings.Contains(MessageOf(err), want) {
		t.Fatalf("twice: %v", err)
	}
	_, err = out.Withdraw(CertWithdrawal{Status: CertCancelled, Reason: "申请"}, "李管理", now)
	if CodeOf(err) != CodeConflict || !strings.Contains(MessageOf(err), "不能再注销") {
		t.Fatalf("cancel after revoke: %v", err)
	}
	// A legacy record that says 注销 without the details still refuses.
	_, err = Certificate{Number: "豫建安C(2016)1", Status: CertCancelled}.Withdraw(revoke, "x", now)
	if CodeOf(err) != CodeConflict || !strings.Contains(MessageOf(err), "已经注销，不能再撤销") {
		t.Fatalf("legacy cancelled: %v", err)
	}
	// An expired certificate can still be revoked (the public check then says 撤销).
	exp := Certificate{Number: "n", Status: CertValid, ValidUntil: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)}
	if out, err := exp.Withdraw(revoke, "x", now); err != nil || out.EffectiveStatus(now) != CertRevoked {
		t.Fatalf("expired: %v", err)
	}
}

func TestCanIssueNamesTheReason(t *testing.T) {
	for _, tc := range []struct {
		a    Application
		want string
	}{
		{Application{Number: "X1", Status: AppPassed}, ""},
		{Application{Number: "X1", Status: AppFailed}, "报名 X1 考试不合格，不能发证"},
		{Application{Number: "X1", Status: AppCertified, CertNumber: "412026101000001"}, "报名 X1 已经发证（证书编号 412026101000001），不能重复发证"},
		{Application{Number: "X1", Status: AppScored}, "当前状态是“已录入成绩”，只有考试合格的报名才能发证"},
	} {
		err := tc.a.CanIssue()
		if tc.want == "" && err != nil || tc.want != "" && (CodeOf(err) != CodeConflict || !strings.Contains(MessageOf(err), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.a.Status, err, tc.want)
		}
		if _, _, err := tc.a.Issue("412026101000009", DefaultCertSettings(), "", "x", time.Now()); (err == nil) != (tc.want == "") {
			t.Errorf("Issue of %s: %v", tc.a.Status, err)
		}
	}
}

func TestNoteWithdrawalAddsATimelineStepOnly(t *testing.T) {
	at := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	a := Application{Status: AppCertified, CertNumber: "412026101000001", Timeline: make([]Event, 1, 4)}
	out := a.NoteWithdrawal(CertWithdrawal{Status: CertCancelled, Reason: "本人申请", By: "管理员", At: at})
	if out.Status != AppCertified || len(out.Timeline) != 2 || len(a.Timeline) != 1 || !out.UpdatedAt.Equal(at) {
		t.Fatalf("%+v", out)
	}
	if e := out.Timeline[1]; e.What != "证书已注销" || e.Note != "412026101000001：本人申请" {
		t.Fatalf("event %+v", e)
	}
}
