package store

import (
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// IssueCertificate issues the certificate of a passed application (管理员 only): in one
// transaction it numbers the certificate from the per-year-and-post sequence, writes the
// certificate with its indexes, marks the application 证书已发放, records the audit
// entry and queues the holder's mail. The application and the holder's 证书信息 can
// therefore never disagree, and two admins issuing at once give one certificate and a
// conflict.
func (s *Store) IssueCertificate(actor domain.User, appID string, now time.Time) (domain.Application, domain.Certificate, error) {
	if actor.Role != domain.RoleAdmin {
		return domain.Application{}, domain.Certificate{}, errNotFound
	}
	var a domain.Application
	var c domain.Certificate
	err := s.update(func(txn *badger.Txn) error {
		var err error
		a, c, err = issueIn(txn, actor, appID, now)
		return err
	})
	if err != nil {
		return domain.Application{}, domain.Certificate{}, err
	}
	s.Events.Publish(a.AgencyID, domain.QueueApps)
	return a, c, nil
}

// issueIn issues one certificate inside the caller's transaction: everything
// IssueCertificate promises, so a batch of them (IssueCertificates) promises it too.
func issueIn(txn *badger.Txn, actor domain.User, appID string, now time.Time) (domain.Application, domain.Certificate, error) {
	old, err := loadApp(txn, appID)
	if err != nil {
		return old, domain.Certificate{}, err
	}
	if err := old.CanIssue(); err != nil { // before a number is taken: nothing half-done
		return old, domain.Certificate{}, err
	}
	var ag agencyRec
	if err := getJSON(txn, agencyKey(old.AgencyID), &ag); err != nil && err != errNotFound {
		return old, domain.Certificate{}, err
	}
	stored, err := certSettingsIn(txn) // 发证单位 and prefix in force (目录与规则设置)
	if err != nil {
		return old, domain.Certificate{}, err
	}
	settings := stored.CertSettings
	number, err := nextCertNumber(txn, settings, old.PostCode, now)
	if err != nil {
		return old, domain.Certificate{}, err
	}
	a, c, err := old.Issue(number, settings, ag.Name, actor.Name, now)
	if err != nil {
		return old, domain.Certificate{}, err
	}
	c.ID, c.VerifyToken = newID(), NewToken().Raw[:22]
	if err := putNewCert(txn, c); err != nil {
		return old, domain.Certificate{}, err
	}
	if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(),
		Action: domain.AuditCertificateIssue, Object: a.ID, Detail: a.Number + " → " + c.Number}); err != nil {
		return old, domain.Certificate{}, err
	}
	if err := notifyUser(txn, domain.Notification{Kind: domain.NotifyCertIssued, UserID: c.HolderID, Subject: c.ID}, now); err != nil {
		return old, domain.Certificate{}, err
	}
	return a, c, appRecords.save(txn, old, a)
}

// nextCertNumber takes the next free number of the issue year and post. The counter skips
// numbers already taken (an imported certificate may hold one), so issuing never fails on
// a number collision.
func nextCertNumber(txn *badger.Txn, settings domain.CertSettings, postCode string, now time.Time) (string, error) {
	year := now.In(chinaTZ).Year()
	seqKey := certSeqKey(year, postCode)
	last, err := getString(txn, seqKey)
	if err != nil && err != errNotFound {
		return "", err
	}
	n, _ := strconv.Atoi(last)
	for {
		n++
		number := domain.NewCertNumber(settings, year, postCode, n)
		taken, err := exists(txn, certNumberKey(number))
		if err != nil {
			return "", err
		}
		if !taken {
			return number, txn.Set(seqKey, []byte(strconv.Itoa(n)))
		}
	}
}
