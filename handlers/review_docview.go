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
type docViews struct {
	mu sync.Mutex
	m  map[string]time.Time // viewer id + "/" + application id → until
}

const docViewTTL = 30 * time.Minute

// seen records a logged detail view of application appID by viewer.
func (d *docViews) seen(viewer, appID string, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil || len(d.m) > 10_000 {
		d.m = map[string]time.Time{}
	}
	d.m[viewer+"/"+appID] = now.Add(docViewTTL)
}

// covers returns whether viewer's logged detail view of an application covers a read of
// its images now.
func (d *docViews) covers(viewer string, now time.Time) func(appID string) bool {
	return func(appID string) bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		until, ok := d.m[viewer+"/"+appID]
		return ok && now.Before(until)
	}
}

// logPhotoQueueDocuments logs, in one entry, the ID-card fronts a page of the photo queue
// shows that no logged view of this viewer covers yet, and then covers them: a queue the
// doorbell refreshes every few seconds logs each application once per docViewTTL, not
// each card on each refresh.
func (s *Server) logPhotoQueueDocuments(u domain.User, rows []store.PhotoRow) error {
	now := s.d.Now()
	covered := s.docViews.covers(u.ID, now)
	var numbers, ids []string
	for _, r := range rows {
		if r.IDFront != "" && !covered(r.AppID) {
			numbers, ids = append(numbers, r.AppNumber), append(ids, r.AppID)
		}
	}
	if err := s.d.Store.ViewPhotoQueueDocuments(u, numbers, now); err != nil {
		return err
	}
	for _, id := range ids {
		s.docViews.seen(u.ID, id, now)
	}
	return nil
}
