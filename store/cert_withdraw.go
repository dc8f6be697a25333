package store

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// 证书注销、撤销 (issue 13): the admin's view of one certificate and the two decisions
// that end it for good.

// CertAdmin is one certificate as the admin's page shows it, with its holder (password
// hash cleared).
type CertAdmin struct {
	Cert   domain.Certificate
	Holder domain.User
}

// AdminCertificate returns a certificate with its holder for the admin's page.
func (s *Store) AdminCertificate(viewer domain.User, certID string) (CertAdmin, error) {
	var out CertAdmin
	if viewer.Role != domain.RoleAdmin || certID == "" || len(certID) > maxTokenLen {
		return out, errNotFound
	}
	err := s.view(func(txn *badger.Txn) error {
		var r certRec
		if err := getJSON(txn, certKey(certID), &r); err != nil {
			return err
		}
		out.Cert = r.Certificate
		h, err := loadUser(txn, r.HolderID)
		if err != nil && err != errNotFound {
			return err
		}
		h.PasswordHash = ""
		out.Holder = h
		return nil
	})
	return out, err
}

// WithdrawCertificate cancels (注销) or revokes (撤销) a certificate (管理员 only): in one
// transaction the certificate's status and the reason, the audit entry and the holder's
// mail. From the commit on, the public check shows the new status and continuing
// education refuses the certificate (certCheck, ceStopped). A second decision on the same
// certificate is a conflict that names the first.
func (s *Store) WithdrawCertificate(actor domain.User, certID string, w domain.CertWithdrawal, now time.Time) (domain.Certificate, error) {
	if actor.Role != domain.RoleAdmin || certID == "" || len(certID) > maxTokenLen {
		return domain.Certificate{}, errNotFound
	}
	var c domain.Certificate
	err := s.update(func(txn *badger.Txn) error {
		var r certRec
		if err := getJSON(txn, certKey(certID), &r); err != nil {
			return err
		}
		old := r.Certificate
		before := r.Status.Label()
		next, err := r.Withdraw(w, actor.Name, now)
		if err != nil {
			return err
		}
		r.Certificate = next
		action := domain.AuditCertificateRevoke
		if w.Status == domain.CertCancelled {
			action = domain.AuditCertificateCancel
		}
		if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: action,
			Object: next.ID, Detail: next.Number + "：" + before + " → " + next.Status.Label() + "；原因：" + w.Reason}); err != nil {
			return err
		}
		if err := notifyUser(txn, domain.Notification{Kind: domain.NotifyCertWithdrawn, UserID: next.HolderID, Subject: next.ID}, now); err != nil && err != errNotFound {
			return err
		}
		if err := statsCert(txn, old, next); err != nil { // statistics (stats.go)
			return err
		}
		if err := noteOnApplication(txn, next); err != nil {
			return err
		}
		c = next
		return putJSON(txn, certKey(certID), r)
	})
	return c, err
}

// noteOnApplication adds the withdrawal to the timeline of the application the
// certificate was issued for (an imported certificate has none).
func noteOnApplication(txn *badger.Txn, c domain.Certificate) error {
	apps, err := appRecords.of(txn, c.HolderID)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if a.Status == domain.AppCertified && a.CertNumber == c.Number {
			return appRecords.save(txn, a, a.NoteWithdrawal(*c.Withdrawal))
		}
	}
	return nil
}

// ceStopped refuses continuing-education work on a certificate that was cancelled or
// revoked: an agency can neither confirm a pending enrolment of it nor record hours for
// it (running enrolments stop where they are; the agency may still return a pending one).
func ceStopped(txn *badger.Txn, certID, what string) error {
	var r certRec
	err := getJSON(txn, certKey(certID), &r)
	if err == errNotFound {
		return nil // an enrolment always has its certificate; nothing to refuse on
	}
	if err != nil {
		return err
	}
	if r.Status != domain.CertCancelled && r.Status != domain.CertRevoked {
		return nil
	}
	return domain.Err(domain.CodeConflict, "证书 "+r.Number+" 已"+r.Status.Label()+"，继续教育随之停止，不能再"+what+
		"。如需说明，请联系学员或省住房和城乡建设厅")
}
