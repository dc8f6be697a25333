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

// ViewApplication is ReviewApplication for the detail page: the same read and scope, and
// the audit entry of the document images the page shows (one entry, naming them).
func (s *Store) ViewApplication(viewer domain.User, appID string, now time.Time) (domain.Application, domain.User, []domain.Application, error) {
	var a domain.Application
	var u domain.User
	var others []domain.Application
	err := s.update(func(txn *badger.Txn) error {
		var err error
		if a, u, others, err = reviewApplication(txn, viewer, appID); err != nil {
			return err
		}
		docs := shownDocuments(a)
		if viewer.ID == a.TraineeID || len(docs) == 0 {
			return nil
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: viewer.ID, Actor: viewer.AuditName(), Action: domain.AuditDocumentView,
			Object: a.ID, Detail: "打开报名详情：" + strings.Join(docs, "、")})
	})
	u.PasswordHash = ""
	return a, u, others, err
}

// shownDocuments names the document images the detail page shows.
func shownDocuments(a domain.Application) []string {
	var out []string
	for _, d := range []struct{ id, name string }{{a.IDFront, "身份证正面"}, {a.IDBack, "身份证反面"}, {a.Diploma, "学历证书"}} {
		if d.id != "" {
			out = append(out, d.name)
		}
	}
	return out
}

// DocumentImageFor returns a document image like DocumentImage; viewed reports whether a
// logged detail view of the application by this viewer covers the image (nil: none
// does), in which case this read is not logged again.
func (s *Store) DocumentImageFor(viewer domain.User, uploadID string, now time.Time, viewed func(appID string) bool) ([]byte, error) {
	return s.documentImage(viewer, uploadID, now, viewed)
}

// ViewPhotoQueueDocuments writes the one 查看证件图片 entry of a page of the photo queue,
// whose cards show each trainee's ID-card front beside the photo to compare: one entry
// for the page naming the applications (by number), not one per image. The caller passes
// only the applications no logged view of this viewer covers yet, and then treats their
// images as covered, as after a detail page.
func (s *Store) ViewPhotoQueueDocuments(viewer domain.User, numbers []string, now time.Time) error {
	if len(numbers) == 0 {
		return nil
	}
	return s.update(func(txn *badger.Txn) error {
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: viewer.ID, Actor: viewer.AuditName(), Action: domain.AuditDocumentView,
			Object: "照片队列", Detail: "对照身份证正面（" + strings.Join(numbers, "、") + "）"})
	})
}
