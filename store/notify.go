package store

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// Notifications: use cases record what happened in the outbox, in their own transaction;
// the mail worker renders the mail when it sends it, reading what the template needs
// through MailFacts.

// notify records a notification in the outbox inside the caller's transaction. to is the
// recipient's address at the time of the event (the old address for an e-mail change).
func notify(txn *badger.Txn, n domain.Notification, to string, now time.Time) error {
	return enqueue(txn, notification(n, to), now)
}

func notification(n domain.Notification, to string) domain.Message {
	return domain.Message{To: to, Kind: string(n.Kind), Notification: &n}
}

// notifyUser records a notification for a user's current address.
func notifyUser(txn *badger.Txn, n domain.Notification, now time.Time) error {
	u, err := loadUser(txn, n.UserID)
	if err != nil {
		return err
	}
	return notify(txn, n, u.Email, now)
}

// MailFacts reads what the template of a notification needs, in one consistent view: the
// user and the application or enrolment with its agency, or the photo. An object deleted
// since the notification was recorded is not found.
func (s *Store) MailFacts(n domain.Notification) (domain.MailFacts, error) {
	var f domain.MailFacts
	err := s.view(func(txn *badger.Txn) error {
		var err error
		if f.User, err = loadUser(txn, n.UserID); err != nil {
			return err
		}
		f.User.PasswordHash = ""
		agency := ""
		switch n.Kind {
		case domain.NotifyAppSubmitted, domain.NotifyAppDecision, domain.NotifyAppAgencySuspended,
			domain.NotifyExamScheduled, domain.NotifyExamChanged, domain.NotifyExamBlocked,
			domain.NotifyExamResult, domain.NotifyExamCorrected: // 成绩确认, 成绩复核
			f.Application, err = loadApp(txn, n.Subject)
			agency = f.Application.AgencyID
			if err == nil && n.Kind == domain.NotifyExamBlocked {
				f.Photo, err = loadPhoto(txn, n.UserID)
			}
		case domain.NotifyCESubmitted, domain.NotifyCEDecision, domain.NotifyCECompleted, domain.NotifyCEAgencySuspended:
			f.Enrolment, err = loadEnrol(txn, n.Subject)
			agency = f.Enrolment.AgencyID
		case domain.NotifyPhotoDecision:
			f.Photo, err = loadPhoto(txn, n.Subject)
		case domain.NotifyStaffActivation: // 账号管理: a reviewer's mail names the agency
			agency = f.User.AgencyID
		case domain.NotifyCertIssued, domain.NotifyCertWithdrawn: // cert_issue.go, cert_withdraw.go
			var r certRec
			err = getJSON(txn, certKey(n.Subject), &r)
			f.Certificate = r.Certificate
		}
		if err != nil || agency == "" {
			return err
		}
		var r agencyRec
		if err := getJSON(txn, agencyKey(agency), &r); err != nil && err != errNotFound {
			return err
		}
		f.Agency = r.Agency
		return nil
	})
	return f, err
}
