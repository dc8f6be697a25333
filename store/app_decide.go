package store

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// Staff-side use cases on applications: viewing documents, public lookup by token, and
// reviewer/admin decisions.

// DocumentImage returns a document image to its owner, reviewers of the application's
// agency and admins; staff views are audit-logged.
func (s *Store) DocumentImage(viewer domain.User, uploadID string, now time.Time) ([]byte, error) {
	return s.documentImage(viewer, uploadID, now, nil)
}

// documentImage serves DocumentImage and DocumentImageFor (app_docview.go).
func (s *Store) documentImage(viewer domain.User, uploadID string, now time.Time, covered Covered) ([]byte, error) {
	var out []byte
	err := s.update(func(txn *badger.Txn) error {
		var u uploadRec
		if err := getJSON(txn, uploadKey(uploadID), &u); err != nil {
			return err
		}
		a, err := loadApp(txn, u.AppID)
		if err != nil {
			return err
		}
		allowed := viewer.Role == domain.RoleAdmin || viewer.ID == u.OwnerID ||
			(viewer.Role == domain.RoleReviewer && viewer.AgencyID == a.AgencyID && a.Status != domain.AppDraft)
		if !allowed {
			return errNotFound
		}
		item, err := txn.Get(uploadBlobKey(uploadID))
		if err != nil {
			return err
		}
		if out, err = item.ValueCopy(nil); err != nil {
			return err
		}
		if viewer.ID == u.OwnerID || covered[a.ID] {
			return nil
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: viewer.ID, Actor: viewer.AuditName(), Action: domain.AuditDocumentView, Object: a.ID, Detail: domain.Step(u.Step).Title()})
	})
	return out, err
}

// ApplicationByToken finds a submitted application by the token in its print-outs' QR
// codes, with its holder, for the public verification page.
func (s *Store) ApplicationByToken(token string) (domain.Application, domain.User, error) {
	var a domain.Application
	var u domain.User
	err := s.view(func(txn *badger.Txn) error {
		id, err := getString(txn, appTokenKey(token))
		if err != nil {
			return err
		}
		if a, err = loadApp(txn, id); err != nil {
			return err
		}
		u, err = loadUser(txn, a.TraineeID)
		return err
	})
	return a, u, err
}

// DecideApplication applies a reviewer's or admin's decision to an application in one
// transaction with its audit entry (the decision's Label) and, for the agency's review
// results, the trainee's notification. A reviewer may act only on applications of their
// own agency; anything else looks like not-found.
func (s *Store) DecideApplication(actor domain.User, appID string, d domain.Decision, now time.Time) (domain.Application, error) {
	var a domain.Application
	err := s.update(func(txn *badger.Txn) error {
		old, err := loadApp(txn, appID)
		if err != nil {
			return err
		}
		if actor.Role != domain.RoleAdmin && (actor.Role != domain.RoleReviewer || actor.AgencyID != old.AgencyID || old.Status == domain.AppDraft) {
			return errNotFound
		}
		if d.Kind == domain.AppResultDecision {
			// The pass marks are the province's settings in force, read in this transaction,
			// whatever the caller's copy says.
			marks, err := examSettingsIn(txn)
			if err != nil {
				return err
			}
			d.PassMarks = marks.ExamSettings
		}
		if a, err = old.Apply(d, actor.Name, now); err != nil {
			return err
		}
		if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: d.Kind.AuditAction(), Object: a.ID, Detail: a.Number}); err != nil {
			return err
		}
		tell := domain.NotifyAppDecision
		if !d.Kind.Notifies() {
			tell = "" // exam steps: the trainee sees them on the records page, unmailed
		}
		return appRecords.saveNotified(txn, old, a, tell, now)
	})
	if err == nil {
		s.Events.Publish(a.AgencyID, domain.QueueApps)
	}
	return a, err
}

// RevealPhone returns an application's full contact phone to a reviewer of its agency or
// an admin, who otherwise see it masked, and audit-logs the view in the same transaction
// (DOMAIN.md §8: staff may reveal a phone, audit-logged). Anyone else gets not-found.
func (s *Store) RevealPhone(viewer domain.User, appID string, now time.Time) (string, error) {
	var phone string
	err := s.update(func(txn *badger.Txn) error {
		a, err := loadApp(txn, appID)
		if err != nil {
			return err
		}
		if viewer.Role != domain.RoleAdmin && (viewer.Role != domain.RoleReviewer || viewer.AgencyID != a.AgencyID || a.Status == domain.AppDraft) {
			return errNotFound
		}
		phone = a.Info.Phone
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: viewer.ID, Actor: viewer.AuditName(), Action: domain.AuditPhoneReveal, Object: a.ID, Detail: a.Number})
	})
	return phone, err
}
