package handlers

import (
	"strings"
	"testing"

	"sitepro/domain"
	"sitepro/store"
)

// auditOf lists the entries of an action by actors whose name contains actor, newest first.
func auditOf(t *testing.T, e *env, action domain.AuditAction, actor string) []domain.AuditEntry {
	t.Helper()
	log, err := e.st.AuditLog(store.AuditFilter{Action: action, Actor: actor}, 50)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// TestPhotoViewOncePerDetailView: the detail page shows the trainee's photo and names it
// in its one 查看证件图片 entry; the photo the page loads is covered by that entry (no
// 查看照片 row), for the reviewer's page and the admin's read-only page alike. A photo
// opened by another reviewer, or after the window, is logged on its own; the trainee's
// own views are never logged.
func TestPhotoViewOncePerDetailView(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	trainee, app := submittedApp(t, e, idA, "王芳", agA)
	must(t, trainee.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
	ph, err := e.st.PhotoOf(mustTrainee(t, e, idA).ID)
	if err != nil || ph.ID == "" {
		t.Fatalf("photo: %+v %v", ph, err)
	}
	src := "/photos/" + ph.ID
	rev := e.reviewer(agA.ID, "reva")
	for range 2 {
		must(t, rev.get("/review/apps/"+app), 200, `src="`+src+`"`)
		must(t, rev.get(src), 200) // the thumbnail
		must(t, rev.get(src), 200) // the full image opened from it
	}
	got := auditOf(t, e, domain.AuditDocumentView, "reva")
	if len(got) != 2 {
		t.Fatalf("two detail views wrote %d entries: %+v", len(got), got)
	}
	for _, x := range got {
		if x.Object != app || x.Detail != "打开报名详情：个人照片、身份证正面、身份证反面、学历证书" {
			t.Errorf("entry: %+v", x)
		}
	}
	if got := auditOf(t, e, domain.AuditPhotoView, "reva"); len(got) != 0 {
		t.Fatalf("photo reads covered by the page were logged: %+v", got)
	}
	// The trainee's own views: never logged.
	must(t, trainee.get(src), 200)
	if got := auditOf(t, e, domain.AuditPhotoView, ""); len(got) != 0 {
		t.Fatalf("the trainee's own view was logged: %+v", got)
	}
	// Another reviewer of the agency opens the photo by its URL, without the page.
	rev2 := e.reviewer(agA.ID, "revb")
	must(t, rev2.get(src), 200)
	if got := auditOf(t, e, domain.AuditPhotoView, "revb"); len(got) != 1 || got[0].Object != ph.OwnerID {
		t.Fatalf("a direct photo open by another reviewer: %+v", got)
	}
	// The window ends: the photo opened long after the page is logged on its own.
	e.clock.Add(docViewTTL + 1)
	must(t, rev.get(src), 200)
	if got := auditOf(t, e, domain.AuditPhotoView, "reva"); len(got) != 1 || got[0].Object != ph.OwnerID {
		t.Fatalf("after the window: %+v", got)
	}
	// The admin's read-only page: one entry naming the photo, the photo read covered.
	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/admin/apps/"+app), 200, `src="`+src+`"`)
	must(t, admin.get(src), 200)
	if got := auditOf(t, e, domain.AuditDocumentView, "admin"); len(got) != 1 || !strings.Contains(got[0].Detail, "个人照片") {
		t.Fatalf("the admin's view: %+v", got)
	}
	if got := auditOf(t, e, domain.AuditPhotoView, "admin"); len(got) != 0 {
		t.Fatalf("the admin's covered photo read was logged: %+v", got)
	}
	// A new photo uploaded since the page was shown is not covered by it.
	must(t, trainee.upload("/profile/photo", "photo", "p2.jpg", colourJPEG(t, 900, 1200, false)), 303)
	ph2, _ := e.st.PhotoOf(ph.OwnerID)
	must(t, admin.get("/photos/"+ph2.ID), 200)
	if got := auditOf(t, e, domain.AuditPhotoView, "admin"); len(got) != 1 {
		t.Fatalf("a photo the page did not show: %+v", got)
	}
}

// TestPhotoQueueLogsItsPhotosOnce: a page of the photo queue shown three times (the
// first showing and two doorbell refreshes), with the photos and ID-card fronts its
// cards load, writes one entry naming the trainees and applications, and no 查看照片 row.
func TestPhotoQueueLogsItsPhotosOnce(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	var photos []string
	names := []string{"王芳", "李强"}
	for i, id := range []string{idA, idB} {
		trainee, _ := submittedApp(t, e, id, names[i], agA)
		must(t, trainee.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
		ph, err := e.st.PhotoOf(mustTrainee(t, e, id).ID)
		if err != nil || ph.ID == "" {
			t.Fatalf("photo: %+v %v", ph, err)
		}
		photos = append(photos, "/photos/"+ph.ID)
	}
	rev := e.reviewer(agA.ID, "reva")
	for range 3 {
		rows := hx(rev, "/review/photos/rows")
		for _, p := range photos {
			must(t, rows, 200, `src="`+p+`"`)
			must(t, rev.get(p), 200)
		}
	}
	got := auditOf(t, e, domain.AuditDocumentView, "reva")
	if len(got) != 1 || got[0].Object != "照片队列" {
		t.Fatalf("three showings of a photo page wrote: %+v", got)
	}
	for _, n := range names {
		if !strings.Contains(got[0].Detail, n) || !strings.HasPrefix(got[0].Detail, "个人照片（") {
			t.Errorf("the entry %q does not name trainee %s's photo", got[0].Detail, n)
		}
	}
	if got := auditOf(t, e, domain.AuditPhotoView, "reva"); len(got) != 0 {
		t.Fatalf("photo reads covered by the queue were logged: %+v", got)
	}
	// Another reviewer opens a photo by its URL: logged on its own.
	rev2 := e.reviewer(agA.ID, "revb")
	must(t, rev2.get(photos[0]), 200)
	if got := auditOf(t, e, domain.AuditPhotoView, "revb"); len(got) != 1 {
		t.Fatalf("a direct photo open by another reviewer: %+v", got)
	}
}
