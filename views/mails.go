package views

import (
	"sitepro/domain"
)

// MailFactsReader reads what a notification's mail template needs (implemented by the
// store, wired in main).
type MailFactsReader interface {
	MailFacts(n domain.Notification) (domain.MailFacts, error)
}

// Mails renders outbox notifications with the mail templates of this package, when the
// worker sends them and when the outbox page shows them. It satisfies mail.Renderer.
// Origin is the site's public address, for the links in the mails.
type Mails struct {
	Facts  MailFactsReader
	Origin string
}

// Render reads the notification's facts and renders its mail.
func (r Mails) Render(n domain.Notification) (domain.Message, error) {
	f, err := r.Facts.MailFacts(n)
	if err != nil {
		return domain.Message{}, err
	}
	return RenderMail(n, f, r.Origin)
}

// RenderMail is the mail of a notification, worded as the site shows the same event. To
// is the user's current address; the outbox keeps the address of the time of the event
// (for an e-mail change, the old one), which is where the mail goes.
func RenderMail(n domain.Notification, f domain.MailFacts, origin string) (domain.Message, error) {
	switch n.Kind {
	case domain.NotifyConfirmEmail:
		return ConfirmEmailMessage(f.User, origin+"/confirm-email/"+n.Token), nil
	case domain.NotifyPasswordReset:
		return ResetMessage(f.User, origin+"/reset/"+n.Token), nil
	case domain.NotifyEmailChanged:
		return EmailChangedMessage(f.User, n.NewEmail), nil
	case domain.NotifyAppSubmitted:
		return SubmittedMessage(f.User, f.Application, f.Agency), nil
	case domain.NotifyAppDecision:
		return DecisionMessage(f.User, f.Application, f.Agency, origin), nil
	case domain.NotifyPhotoDecision:
		return PhotoDecisionMessage(f.User, f.Photo, origin), nil
	case domain.NotifyCESubmitted:
		return CESubmittedMessage(f.User, f.Enrolment, f.Agency), nil
	case domain.NotifyCEDecision:
		return CEDecisionMessage(f.User, f.Enrolment, f.Agency, origin), nil
	case domain.NotifyAppAgencySuspended:
		a := f.Application
		return AgencySuspendedMessage(n.Kind, f.User, "新取证报名", a.Number, f.Agency, a.MustChooseAgencyAgain(f.Agency), origin+"/apply/"+a.ID), nil
	case domain.NotifyCEAgencySuspended:
		e := f.Enrolment
		return AgencySuspendedMessage(n.Kind, f.User, "继续教育报名", e.Number, f.Agency, e.MustChooseAgencyAgain(f.Agency), origin+"/ce/"+e.ID), nil
	case domain.NotifyCertIssued: // BEGIN CERTS (cert_emails.go)
		return CertIssuedMessage(f.User, f.Certificate, origin), nil
	case domain.NotifyCertWithdrawn:
		return CertWithdrawnMessage(f.User, f.Certificate, origin), nil // END CERTS
	case domain.NotifyExamScheduled, domain.NotifyExamChanged: // 考试批次 (exam_mails.go)
		return ExamMessage(n.Kind, f.User, f.Application, origin), nil
	case domain.NotifyExamBlocked:
		return ExamBlockedMessage(f.User, f.Application, f.Agency, f.Photo, origin), nil
	case domain.NotifyExamResult, domain.NotifyExamCorrected: // 成绩确认 (exam_score_mails.go)
		return ExamResultMessage(n.Kind, f.User, f.Application, origin), nil
	case domain.NotifyCECompleted:
		p := domain.CycleProgress{Total: n.Hours, Professional: n.ProfessionalHours}
		return CECompletedMessage(f.User, f.Enrolment, p, f.Agency), nil
	case domain.NotifyStaffActivation: // 账号管理 (admin_staff_emails.go)
		return StaffActivationMessage(f.User, f.Agency, origin+"/activate/"+n.Token), nil
	}
	return domain.Message{}, domain.Err(domain.CodeInternal, "no mail template for notification "+string(n.Kind))
}
