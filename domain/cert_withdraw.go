package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// CertWithdrawal records why and when a certificate stopped being valid for good: 注销
// (e.g. at the holder's request) or 撤销 (e.g. the holder's commitment proved false). A
// withdrawn certificate is never valid again, cannot be enrolled in continuing education,
// and the public check shows its status at once.
type CertWithdrawal struct {
	Status CertificateStatus // CertCancelled or CertRevoked
	Reason string
	By     string // the admin's name, as the timeline shows it
	At     time.Time
}

// CertWithdrawalInput is the admin's form: which kind ("cancel" or "revoke") and why.
type CertWithdrawalInput struct {
	Kind   string
	Reason string
}

// maxWithdrawReason bounds the reason shown on the certificate page and in the mail.
const maxWithdrawReason = 200

// Validate reads the form: the kind must be one of the two, and the reason is required
// for both, because the holder is told it and the audit log keeps it.
func (in CertWithdrawalInput) Validate() (CertWithdrawal, error) {
	w := CertWithdrawal{Reason: strings.TrimSpace(in.Reason)}
	switch in.Kind {
	case "cancel":
		w.Status = CertCancelled
	case "revoke":
		w.Status = CertRevoked
	default:
		return w, FieldErrors{"kind": "请选择“注销”或“撤销”"}
	}
	switch n := utf8.RuneCountInString(w.Reason); {
	case n == 0 && w.Status == CertRevoked:
		return w, FieldErrors{"reason": "请填写撤销原因，例如“个人承诺不实，经核查学历证书系伪造”。持证人会在通知中看到这个原因"}
	case n == 0:
		return w, FieldErrors{"reason": "请填写注销原因，例如“持证人本人申请注销”。持证人会在通知中看到这个原因"}
	case n < 2:
		return w, FieldErrors{"reason": "原因至少2个字，请写清楚"}
	case n > maxWithdrawReason:
		return w, FieldErrors{"reason": "原因最多200个字，请精简"}
	}
	return w, nil
}

// Verb is the action's name: 注销 or 撤销.
func (w CertWithdrawal) Verb() string { return w.Status.Label() }

// Withdraw cancels or revokes the certificate. A certificate that was already cancelled
// or revoked cannot be again: the answer names what happened, when and why, so a second
// admin acting on a stale page knows the first one's decision.
func (c Certificate) Withdraw(w CertWithdrawal, by string, now time.Time) (Certificate, error) {
	if w.Status != CertCancelled && w.Status != CertRevoked {
		return c, Err(CodeInvalid, "请选择“注销”或“撤销”")
	}
	if prev := c.Withdrawal; prev != nil || c.Status == CertCancelled || c.Status == CertRevoked {
		return c, Err(CodeConflict, withdrawnAlready(c, w))
	}
	w.By, w.At = by, now
	c.Status, c.Withdrawal = w.Status, &w
	return c, nil
}

// withdrawnAlready is the answer to a second 注销 or 撤销 of one certificate.
func withdrawnAlready(c Certificate, w CertWithdrawal) string {
	msg := "证书 " + c.Number + " 已经" + c.Status.Label()
	if p := c.Withdrawal; p != nil {
		msg = "证书 " + c.Number + " 已于" + p.At.In(time.FixedZone("CST", 8*3600)).Format("2006年1月2日 15:04") +
			"由" + p.By + p.Verb() + "（原因：" + p.Reason + "）"
	}
	return msg + "，不能再" + w.Verb() + "。注销和撤销都是最终决定；如确属错误，请联系系统管理员处理"
}

// NoteWithdrawal records on the application that its certificate was 注销 or 撤销, so that
// the trainee's 报名记录 timeline has this step too. The status stays 已发证: the
// certificate's own status says what it is worth now.
func (a Application) NoteWithdrawal(w CertWithdrawal) Application {
	a.Timeline = append([]Event(nil), a.Timeline...)
	a.log(w.At, "证书已"+w.Verb(), w.By, a.CertNumber+"："+w.Reason)
	return a
}
