package store

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

type photoRec struct {
	V int
	domain.Photo
}

func loadPhoto(txn *badger.Txn, userID string) (domain.Photo, error) {
	var r photoRec
	err := getJSON(txn, photoKey(userID), &r)
	if err == errNotFound {
		return domain.Photo{OwnerID: userID, Status: domain.PhotoNone}, nil
	}
	return r.Photo, err
}

// savePhoto writes the photo and keeps the review queues in step with its status: the
// province's pending index and the queue of every agency the trainee is linked to. It
// returns those agencies, whose reviewers are to be told.
func savePhoto(txn *badger.Txn, old, p domain.Photo) ([]string, error) {
	agencies, err := agenciesOf(txn, p.OwnerID)
	if err != nil {
		return nil, err
	}
	if old.Status == domain.PhotoPending {
		if err := queuePhoto(txn, old, agencies, false); err != nil {
			return nil, err
		}
	}
	if p.Status == domain.PhotoPending {
		if err := queuePhoto(txn, p, agencies, true); err != nil {
			return nil, err
		}
	}
	return agencies, putJSON(txn, photoKey(p.OwnerID), photoRec{V: 1, Photo: p})
}

// queuePhoto adds (add) or removes the queue entries of a pending photo: the province's
// and those of the given agencies.
func queuePhoto(txn *badger.Txn, p domain.Photo, agencies []string, add bool) error {
	keys := [][]byte{photoPendingKey(p.UploadedAt, p.OwnerID)}
	for _, a := range agencies {
		keys = append(keys, photoAgencyKey(a, p.UploadedAt, p.OwnerID))
	}
	return setOrDelete(txn, keys, add)
}

// setOrDelete writes each key with an empty value (set) or deletes it.
func setOrDelete(txn *badger.Txn, keys [][]byte, set bool) error {
	for _, k := range keys {
		var err error
		if set {
			err = txn.Set(k, nil)
		} else {
			err = txn.Delete(k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// PhotoOf returns the trainee's photo state (PhotoNone when nothing was uploaded).
func (s *Store) PhotoOf(userID string) (domain.Photo, error) {
	var p domain.Photo
	err := s.view(func(txn *badger.Txn) error {
		var err error
		p, err = loadPhoto(txn, userID)
		return err
	})
	return p, err
}

// UploadPhoto stores a normalised photo, replacing the previous image, and puts it back
// in the review queue.
func (s *Store) UploadPhoto(userID string, jpeg []byte, w, h int, now time.Time) (domain.Photo, error) {
	var p domain.Photo
	var agencies []string
	err := s.update(func(txn *badger.Txn) error {
		old, err := loadPhoto(txn, userID)
		if err != nil {
			return err
		}
		if old.ID != "" {
			if err := setOrDelete(txn, [][]byte{photoBlobKey(old.ID), photoOwnerKey(old.ID)}, false); err != nil {
				return err
			}
		}
		p = old.Uploaded(userID, newID(), w, h, len(jpeg), now)
		if err := txn.Set(photoBlobKey(p.ID), jpeg); err != nil {
			return err
		}
		if err := txn.Set(photoOwnerKey(p.ID), []byte(userID)); err != nil {
			return err
		}
		agencies, err = savePhoto(txn, old, p)
		return err
	})
	return s.publishPhoto(p, agencies, err)
}

// DecidePhoto applies a reviewer's decision (confirm, or return with a reason) in one
// transaction with its audit entry and the trainee's notification; a photo already
// decided gives a conflict.
func (s *Store) DecidePhoto(reviewer domain.User, userID string, d domain.Decision, now time.Time) (domain.Photo, error) {
	var p domain.Photo
	var agencies []string
	err := s.update(func(txn *badger.Txn) error {
		if err := authorizeTrainee(txn, reviewer, userID); err != nil {
			return err
		}
		old, err := loadPhoto(txn, userID)
		if err != nil {
			return err
		}
		if p, err = old.Apply(d, reviewer.Name, now); err != nil {
			return err
		}
		if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: reviewer.ID, Actor: reviewer.AuditName(), Action: d.Kind.AuditAction(), Object: userID, Detail: p.Reason}); err != nil {
			return err
		}
		n := domain.Notification{Kind: domain.NotifyPhotoDecision, UserID: userID, Subject: userID}
		if err := notifyUser(txn, n, now); err != nil {
			return err
		}
		agencies, err = savePhoto(txn, old, p)
		return err
	})
	return s.publishPhoto(p, agencies, err)
}

// authorizeTrainee allows admins, the trainee themself, and reviewers of an agency the
// trainee applied to; anyone else gets not-found, so existence is not revealed.
func authorizeTrainee(txn *badger.Txn, viewer domain.User, traineeID string) error {
	switch viewer.Role {
	case domain.RoleAdmin:
		return nil
	case domain.RoleTrainee:
		if viewer.ID == traineeID {
			return nil
		}
	case domain.RoleReviewer:
		ok, err := exists(txn, agencyTraineeKey(viewer.AgencyID, traineeID))
		if err != nil || ok {
			return err
		}
	}
	return errNotFound
}

// PhotoImage returns the image bytes of a photo if viewer may see it. Staff views are
// audit-logged in the same transaction (SECURITY.md 19).
func (s *Store) PhotoImage(viewer domain.User, photoID string, now time.Time) ([]byte, error) {
	return s.photoImage(viewer, photoID, now, nil)
}

// photoImage serves PhotoImage and PhotoImageFor (app_docview.go): a staff read is logged
// unless a logged view of this viewer covers the photo.
func (s *Store) photoImage(viewer domain.User, photoID string, now time.Time, covered Covered) ([]byte, error) {
	var out []byte
	err := s.update(func(txn *badger.Txn) error {
		out = nil
		item, err := txn.Get(photoBlobKey(photoID))
		if err == badger.ErrKeyNotFound {
			return errNotFound
		}
		if err != nil {
			return err
		}
		owner, err := photoOwner(txn, photoID)
		if err != nil {
			return err
		}
		if err := authorizeTrainee(txn, viewer, owner); err != nil {
			return err
		}
		if out, err = item.ValueCopy(nil); err != nil {
			return err
		}
		if viewer.ID == owner || covered[photoID] {
			return nil
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: viewer.ID, Actor: viewer.AuditName(), Action: domain.AuditPhotoView, Object: owner})
	})
	return out, err
}

// photoOwner finds whose current photo photoID is; replaced photos have no owner.
func photoOwner(txn *badger.Txn, photoID string) (string, error) {
	return getString(txn, photoOwnerKey(photoID))
}

// LinkTraineeToAgency records that a trainee applied to an agency, which lets that
// agency's reviewers see the trainee's photo and documents. Submitting an application
// links them in the same transaction; this method serves imports and the demo seed.
func (s *Store) LinkTraineeToAgency(agencyID, userID string) error {
	return s.update(func(txn *badger.Txn) error { return linkTrainee(txn, agencyID, userID) })
}

// linkTrainee links a trainee and an agency both ways and, while the trainee's photo waits
// for review, puts it in the agency's photo queue. Reading the photo here and the link
// marker in savePhoto makes a concurrent link and photo change conflict, so the queue
// entry can never be lost or left behind.
func linkTrainee(txn *badger.Txn, agencyID, userID string) error {
	return relink(txn, agencyID, userID, true)
}

// unlinkTrainee ends a trainee–agency link and takes the photo out of the agency's queue.
func unlinkTrainee(txn *badger.Txn, agencyID, userID string) error {
	return relink(txn, agencyID, userID, false)
}

// relink writes (link) or deletes both link keys and the photo's entry in the agency's
// queue, and rewrites the trainee's link marker either way (see agenciesOf).
func relink(txn *badger.Txn, agencyID, userID string, link bool) error {
	p, err := loadPhoto(txn, userID)
	if err != nil {
		return err
	}
	keys := [][]byte{agencyTraineeKey(agencyID, userID), traineeAgencyKey(userID, agencyID)}
	if p.Status == domain.PhotoPending {
		keys = append(keys, photoAgencyKey(agencyID, p.UploadedAt, userID))
	}
	if err := setOrDelete(txn, keys, link); err != nil {
		return err
	}
	return txn.Set(traineeLinksKey(userID), nil)
}

// leaving names the document being deleted or moved to another agency, by its kind, so
// that it does not count as still tying its trainee to the old agency.
type leaving struct{ app, enrol string }

// unlinkUnlessTied removes the trainee–agency link when no submitted application or
// enrolment other than the one leaving still ties the trainee to the agency, so a deleted
// or moved document of either wizard ends the agency's access to the trainee's photo and
// documents, and a document of the other wizard keeps it.
func unlinkUnlessTied(txn *badger.Txn, agencyID, userID string, l leaving) error {
	if agencyID == "" {
		return nil
	}
	if tied, err := enrolledAt(txn, agencyID, userID, l.enrol); err != nil || tied {
		return err
	}
	apps, err := appRecords.of(txn, userID)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if a.ID != l.app && a.AgencyID == agencyID && a.Status != domain.AppDraft {
			return nil
		}
	}
	return unlinkTrainee(txn, agencyID, userID)
}

// agenciesOf lists the agencies a trainee is linked to. It reads the trainee's link
// marker first, so that a transaction acting on the list conflicts with a concurrent
// link or unlink (Badger detects conflicts on the keys a transaction read, and a link
// added meanwhile is a key the scan never saw).
func agenciesOf(txn *badger.Txn, userID string) ([]string, error) {
	if _, err := exists(txn, traineeLinksKey(userID)); err != nil {
		return nil, err
	}
	var out []string
	err := scanKeys(txn, traineeAgencyPrefix(userID), func(k []byte) (bool, error) {
		out = append(out, parseTraineeAgencyKey(k))
		return true, nil
	})
	return out, err
}

// publishPhoto rings the photo queues of the trainee's agencies after a committed change.
func (s *Store) publishPhoto(p domain.Photo, agencies []string, err error) (domain.Photo, error) {
	if err == nil {
		for _, a := range agencies {
			s.Events.Publish(a, domain.QueuePhotos)
		}
	}
	return p, err
}
