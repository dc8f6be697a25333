package domain

// NotificationKind names what happened, for the mail that tells someone about it. The
// codes are the Kind of the rendered Message (the demo mailbox and logs show them).
type NotificationKind string

// The mails the system sends.
const (
	NotifyConfirmEmail  NotificationKind = "confirm_email"         // registration, resend, new address
	NotifyPasswordReset NotificationKind = "password_reset"        // 找回密码
	NotifyEmailChanged  NotificationKind = "email_changed"         // to the old address
	NotifyAppSubmitted  NotificationKind = "application_submitted" // Subject: application ID
	NotifyAppDecision   NotificationKind = "application_decision"  // Subject: application ID
	NotifyPhotoDecision NotificationKind = "photo_decision"        // Subject: the owner's user ID
	NotifyCESubmitted   NotificationKind = "ce_submitted"          // Subject: enrolment ID
	NotifyCEDecision    NotificationKind = "ce_decision"           // Subject: enrolment ID
	NotifyCECompleted   NotificationKind = "ce_completed"          // Subject: enrolment ID
	// The agency the trainee chose was suspended (issue 12); Subject: application or
	// enrolment ID.
	NotifyAppAgencySuspended NotificationKind = "application_agency_suspended"
	NotifyCEAgencySuspended  NotificationKind = "ce_agency_suspended"
	// 账号管理: the activation link of a new staff account (Token), also on resend.
	NotifyStaffActivation NotificationKind = "staff_activation"
	// BEGIN CERTS: a certificate was issued, or cancelled/revoked (注销/撤销); Subject:
	// certificate ID.
	NotifyCertIssued    NotificationKind = "certificate_issued"
	NotifyCertWithdrawn NotificationKind = "certificate_withdrawn"
	// END CERTS
	// 考试批次 (issue 13): the session was published with the trainee in it, or a time,
	// venue or room on their ticket changed afterwards; Subject: application ID.
	NotifyExamScheduled NotificationKind = "exam_scheduled"
	NotifyExamChanged   NotificationKind = "exam_changed"
	// The session was published without the trainee: their personal photo was not
	// confirmed (the ticket carries it); Subject: application ID.
	NotifyExamBlocked NotificationKind = "exam_blocked"
	// BEGIN SCORES: the result of the trainee's exam was confirmed (成绩确认), or corrected
	// after confirmation (成绩复核); Subject: application ID.
	NotifyExamResult    NotificationKind = "exam_result"
	NotifyExamCorrected NotificationKind = "exam_result_corrected"
	// END SCORES
)

// Notification is a typed outbox entry: what happened, to whom, about what. A use case
// records it in the transaction of the change; the mail worker renders it with the mail
// templates when it sends it, reading the rest from the store (MailFacts). It carries only
// what the store does not keep: the raw one-time token of a link (stored nowhere else,
// only its hash), the new address of an e-mail change, and the hours at the moment a
// cycle was completed (more learning may be recorded later).
type Notification struct {
	Kind    NotificationKind
	UserID  string // whom the mail is about (the recipient's account)
	Subject string `json:",omitempty"` // the object: application, enrolment or photo owner ID

	Token    string `json:",omitempty"` // raw one-time token for confirm and reset links
	NewEmail string `json:",omitempty"` // NotifyEmailChanged: the address it was changed to

	Hours             HalfHours `json:",omitempty"` // NotifyCECompleted: total hours then
	ProfessionalHours HalfHours `json:",omitempty"` // NotifyCECompleted: professional hours then
}

// MailFacts is what a notification's template reads from the store when it is rendered:
// the user and, depending on the kind, the application or enrolment with its agency, or
// the photo.
type MailFacts struct {
	User        User
	Application Application
	Enrolment   Enrolment
	Agency      Agency
	Photo       Photo
	Certificate Certificate // NotifyCertIssued, NotifyCertWithdrawn
}
