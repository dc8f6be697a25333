package store

import (
	"encoding/hex"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// PhotoRow is one photo waiting for review, with the ID-card image to compare it with.
type PhotoRow struct {
	UserID, Name, PhotoID string
	UploadedAt            time.Time
	// IDFront is the upload of the ID-card front of the trainee's newest submitted
	// application whose documents the viewer may see (DocumentImage's rule: at the
	// reviewer's own agency, any for an admin), and AppNumber that application's number;
	// both "" when there is none (a trainee the agency knows only from continuing
	// education, whose enrolment carries no ID-card image).
	IDFront, AppNumber string
	AppID              string // that application's id (the key its document views are covered by)
}

// photoScope is the index a viewer's photo queue reads: an admin decides every pending
// photo of the province, a reviewer those of the trainees linked to their agency, and
// nobody else has a queue. Until the agency index is built (migrate.go) a reviewer's
// queue is the province's filtered by the agency's links, as it was before the index.
type photoScope struct {
	prefix   []byte
	parse    func(k []byte) (time.Time, string)
	linkedTo string // when set, keep only trainees linked to this agency
}

func (s *Store) photoScope(viewer domain.User) (photoScope, bool) {
	switch {
	case viewer.Role == domain.RoleAdmin:
		return photoScope{prefix: photoPendingPrefix(), parse: parsePhotoPendingKey}, true
	case viewer.Role == domain.RoleReviewer && s.photoIndexed:
		return photoScope{prefix: photoAgencyPrefix(viewer.AgencyID), parse: parsePhotoAgencyKey}, true
	case viewer.Role == domain.RoleReviewer:
		return photoScope{prefix: photoPendingPrefix(), parse: parsePhotoPendingKey, linkedTo: viewer.AgencyID}, true
	}
	return photoScope{}, false
}

// owners lists the trainees whose photos are in the queue, oldest upload first, from keys
// alone.
func (q photoScope) owners(txn *badger.Txn) ([]string, error) {
	var out []string
	err := scanKeys(txn, q.prefix, func(k []byte) (bool, error) {
		_, userID := q.parse(k)
		if q.linkedTo != "" {
			if linked, err := exists(txn, agencyTraineeKey(q.linkedTo, userID)); err != nil || !linked {
				return err == nil, err
			}
		}
		out = append(out, userID)
		return true, nil
	})
	return out, err
}

// countPhotoQueue counts the viewer's queue without loading a photo or a user.
func (s *Store) countPhotoQueue(txn *badger.Txn, viewer domain.User) (int, error) {
	q, ok := s.photoScope(viewer)
	switch {
	case !ok:
		return 0, nil
	case q.linkedTo == "":
		return countKeys(txn, q.prefix), nil
	}
	owners, err := q.owners(txn)
	return len(owners), err
}

// PhotoPage is one page of a photo queue, with the size of the whole queue.
type PhotoPage struct {
	Rows  []PhotoRow
	Total int
	Next  string // cursor for the next page; "" on the last page
}

// PhotoQueue lists photos waiting for review that the viewer may decide, oldest first:
// up to limit of them (every one when limit ≤ 0) after the cursor of the previous page
// ("" for the first). Only the page's photos and users are read; the total comes from
// the index keys, so a queue of 100,000 costs one page, not 100,000 records.
func (s *Store) PhotoQueue(viewer domain.User, after string, limit int) (PhotoPage, error) {
	q, ok := s.photoScope(viewer)
	if !ok {
		return PhotoPage{}, nil
	}
	cursor, _ := hex.DecodeString(after) // a damaged cursor starts at the beginning
	var out PhotoPage
	err := s.view(func(txn *badger.Txn) error {
		var err error
		if out.Total, err = s.countPhotoQueue(txn, viewer); err != nil {
			return err
		}
		var last []byte
		return scanItems(txn, span{prefix: q.prefix, after: cursor}, func(item *badger.Item) (bool, error) {
			_, id := q.parse(item.Key())
			if q.linkedTo != "" {
				if linked, err := exists(txn, agencyTraineeKey(q.linkedTo, id)); err != nil || !linked {
					return err == nil, err
				}
			}
			if limit > 0 && len(out.Rows) == limit {
				out.Next = hex.EncodeToString(last)
				return false, nil
			}
			p, err := loadPhoto(txn, id)
			if err != nil {
				return false, err
			}
			u, err := loadUser(txn, id)
			if err != nil {
				return false, err
			}
			front, number, appID, err := idFrontFor(txn, viewer, id)
			if err != nil {
				return false, err
			}
			out.Rows = append(out.Rows, PhotoRow{UserID: id, Name: u.Name, PhotoID: p.ID, UploadedAt: p.UploadedAt, IDFront: front, AppNumber: number, AppID: appID})
			last = item.KeyCopy(last[:0])
			return true, nil
		})
	})
	return out, err
}

// idFrontFor returns the ID-card front upload and the number of the trainee's newest
// submitted application that the viewer may see the documents of, by the rule
// DocumentImage applies to staff, so that the photo queue links only images the image
// route will serve the viewer; "" when there is none.
func idFrontFor(txn *badger.Txn, viewer domain.User, traineeID string) (upload, number, appID string, err error) {
	apps, err := appRecords.of(txn, traineeID)
	if err != nil {
		return "", "", "", err
	}
	var newest domain.Application
	for _, a := range apps {
		staffMay := viewer.Role == domain.RoleAdmin ||
			(viewer.Role == domain.RoleReviewer && viewer.AgencyID != "" && viewer.AgencyID == a.AgencyID && a.Status != domain.AppDraft)
		if a.IDFront != "" && staffMay && !a.SubmittedAt.Before(newest.SubmittedAt) {
			newest = a
		}
	}
	return newest.IDFront, newest.Number, newest.ID, nil
}
