package handlers

import (
	"sync"
	"time"

	"sitepro/domain"
	"sitepro/store"
)

// 查看证件图片 (issue 14): an application's detail page is logged once when it is shown
// (store.ViewApplication); the document images it loads — thumbnails, lazily, and the
// full image opened from them in a new tab — are covered by that entry for docViewTTL,
// for the same viewer and application, and are not logged again. An image opened without
// a logged detail view of its application (a bookmarked or pasted URL, or after the
// window) is logged on its own. The record is in memory: after a restart images are
// logged one by one until the page is opened again — more entries, never fewer.
//
// 查看照片 goes the same way: the detail page and the photo queue name the trainee's photo
// in their one entry, and cover reads of that photo (by its id, so a photo uploaded since
// is logged when opened) by the same viewer for docViewTTL.
type docViews struct {
	mu sync.Mutex
	m  map[string]map[string]time.Time // kind + ":" + viewer id → object id → until
	n  int                             // entries in m, bounded by forgetting all
}

// viewKind is what a logged view covers the reads of: an application's document images
// (by application id), or a trainee's photo (by photo id).
type viewKind string

const (
	viewDocs  viewKind = "docs"
	viewPhoto viewKind = "photo"
)

const docViewTTL = 30 * time.Minute

// seen records a logged view by viewer of the images of kind of object id.
func (d *docViews) seen(viewer string, kind viewKind, id string, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil || d.n > 10_000 { // forgetting logs more, never less
		d.m, d.n = map[string]map[string]time.Time{}, 0
	}
	k := string(kind) + ":" + viewer
	if d.m[k] == nil {
		d.m[k] = map[string]time.Time{}
	}
	if _, ok := d.m[k][id]; !ok {
		d.n++
	}
	d.m[k][id] = now.Add(docViewTTL)
}

// covered returns the objects of kind whose images viewer's logged views cover now.
func (d *docViews) covered(viewer string, kind viewKind, now time.Time) store.Covered {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := store.Covered{}
	for id, until := range d.m[string(kind)+":"+viewer] {
		if now.Before(until) {
			out[id] = true
		}
	}
	return out
}

// seenDetail covers the images a logged detail page showed: the application's document
// images and, when it showed one, the trainee's photo.
func (s *Server) seenDetail(viewer string, v store.AppView, now time.Time) {
	s.docViews.seen(viewer, viewDocs, v.App.ID, now)
	if v.Photo.ID != "" {
		s.docViews.seen(viewer, viewPhoto, v.Photo.ID, now)
	}
}

// logPhotoQueueDocuments logs, in one entry, the photos and ID-card fronts a page of the
// photo queue shows that no logged view of this viewer covers yet, and then covers them:
// a queue the doorbell refreshes every few seconds logs each photo and application once
// per docViewTTL, not each card on each refresh.
func (s *Server) logPhotoQueueDocuments(u domain.User, rows []store.PhotoRow) error {
	now := s.d.Now()
	docsCovered, photoCovered := s.docViews.covered(u.ID, viewDocs, now), s.docViews.covered(u.ID, viewPhoto, now)
	var names, photoIDs, numbers, appIDs []string
	for _, r := range rows {
		if r.PhotoID != "" && !photoCovered[r.PhotoID] {
			names, photoIDs = append(names, r.Name), append(photoIDs, r.PhotoID)
		}
		if r.IDFront != "" && !docsCovered[r.AppID] {
			numbers, appIDs = append(numbers, r.AppNumber), append(appIDs, r.AppID)
		}
	}
	if err := s.d.Store.ViewPhotoQueueDocuments(u, names, numbers, now); err != nil {
		return err
	}
	for _, id := range photoIDs {
		s.docViews.seen(u.ID, viewPhoto, id, now)
	}
	for _, id := range appIDs {
		s.docViews.seen(u.ID, viewDocs, id, now)
	}
	return nil
}
