package store

import (
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// 查看证件图片 (issue 14): one audit entry per view of an application's detail page, not
// one per image the page loads. ViewApplication reads the application for its detail
// page and, when the page shows document images to staff, writes that one entry in the
// same transaction. The images the page then loads are served by DocumentImageFor, which
// leaves them unlogged when the caller says the viewer's logged detail view covers them;
// an image opened any other way is logged on its own, as before.
//
// The trainee's personal photo (查看照片) goes the same way: the detail page and the photo
// queue, which show it, name it in their one entry, and PhotoImageFor leaves the photo
// reads that entry covers unlogged; a photo opened any other way is logged on its own.

// AppView is what the detail page of an application shows: the application, its
// trainee (without the password hash), the trainee's other applications the viewer may
// see, and the trainee's photo (PhotoNone when there is none).
type AppView struct {
	App     domain.Application
	Trainee domain.User
	Others  []domain.Application
	Photo   domain.Photo
}

// ViewApplication is ReviewApplication for the detail page: the same read and scope, the
// trainee's photo, and the audit entry of the images the page shows — the photo and the
// document images (one entry, naming them).
func (s *Store) ViewApplication(viewer domain.User, appID string, now time.Time) (AppView, error) {
	var v AppView
	err := s.update(func(txn *badger.Txn) error {
		var err error
		if v.App, v.Trainee, v.Others, err = reviewApplication(txn, viewer, appID); err != nil {
			return err
		}
		if v.Photo, err = loadPhoto(txn, v.App.TraineeID); err != nil {
			return err
		}
		docs := shownDocuments(v.App, v.Photo)
		if viewer.ID == v.App.TraineeID || len(docs) == 0 {
			return nil
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: viewer.ID, Actor: viewer.AuditName(), Action: domain.AuditDocumentView,
			Object: v.App.ID, Detail: "打开报名详情：" + strings.Join(docs, "、")})
	})
	v.Trainee.PasswordHash = ""
	return v, err
}

// shownDocuments names the images the detail page shows: the trainee's photo, when there
// is one, and the document images.
func shownDocuments(a domain.Application, p domain.Photo) []string {
	var out []string
	if p.ID != "" {
		out = append(out, "个人照片")
	}
	for _, d := range []struct{ id, name string }{{a.IDFront, "身份证正面"}, {a.IDBack, "身份证反面"}, {a.Diploma, "学历证书"}} {
		if d.id != "" {
			out = append(out, d.name)
		}
	}
	return out
}

// Covered is the set of objects whose images a logged view of the reading viewer covers:
// application ids for document images (a detail page), photo ids for photos (a detail
// page, a page of the photo queue). A read of a covered object's image is not logged
// again; nil covers nothing.
type Covered map[string]bool

// DocumentImageFor returns a document image like DocumentImage, unlogged when covered
// holds the image's application.
func (s *Store) DocumentImageFor(viewer domain.User, uploadID string, now time.Time, covered Covered) ([]byte, error) {
	return s.documentImage(viewer, uploadID, now, covered)
}

// PhotoImageFor returns a photo like PhotoImage, unlogged when covered holds the photo.
func (s *Store) PhotoImageFor(viewer domain.User, photoID string, now time.Time, covered Covered) ([]byte, error) {
	return s.photoImage(viewer, photoID, now, covered)
}

// ViewPhotoQueueDocuments writes the one 查看证件图片 entry of a page of the photo queue,
// whose cards show each trainee's photo and, beside it to compare, their ID-card front:
// one entry for the page naming the trainees whose photos it shows (by name) and the
// applications whose ID-card fronts it shows (by number), not one per image. The caller
// passes only the photos and applications no logged view of this viewer covers yet, and
// then treats their images as covered, as after a detail page.
func (s *Store) ViewPhotoQueueDocuments(viewer domain.User, photos, numbers []string, now time.Time) error {
	var parts []string
	if len(photos) > 0 {
		parts = append(parts, "个人照片（"+strings.Join(photos, "、")+"）")
	}
	if len(numbers) > 0 {
		parts = append(parts, "对照身份证正面（"+strings.Join(numbers, "、")+"）")
	}
	if len(parts) == 0 {
		return nil
	}
	return s.update(func(txn *badger.Txn) error {
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: viewer.ID, Actor: viewer.AuditName(), Action: domain.AuditDocumentView,
			Object: "照片队列", Detail: strings.Join(parts, "；")})
	})
}
