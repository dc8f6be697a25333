package handlers

import (
	"strings"
	"testing"

	"sitepro/domain"
)

// TestPhotoQueueComparesWithIDFront (issue 14): a photo card in the reviewer's photo queue
// shows, beside the photo, the ID-card front of the trainee's application at the
// reviewer's agency, through the scoped image route. A reviewer of another agency that the
// trainee is linked to sees the photo but not that image (the card says there is none to
// compare with), and fetching it by its address is not found.
func TestPhotoQueueComparesWithIDFront(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	trainee, appID := submittedApp(t, e, idA, "王芳", agA)
	must(t, trainee.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
	u := mustTrainee(t, e, idA)
	app, err := e.st.ApplicationOf(u.ID, appID)
	if err != nil || app.IDFront == "" {
		t.Fatalf("the application has no ID front: %v", err)
	}
	// The trainee is known to agency B too (as through a continuing-education enrolment),
	// so B's reviewer decides the same photo.
	if err := e.st.LinkTraineeToAgency(agB.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	revA := e.reviewer(agA.ID, "reva")
	revB := e.reviewer(agB.ID, "revb")

	rowsA := hx(revA, "/review/photos/rows")
	must(t, rowsA, 200, `data-testid="photo-row"`, "王芳", `src="/documents/`+app.IDFront+`"`, `alt="王芳 的身份证正面"`, app.Number)
	img := revA.get("/documents/" + app.IDFront)
	if img.status != 200 || img.header.Get("Content-Type") != "image/jpeg" || img.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("agency A's reviewer cannot fetch the ID front the card shows: %d %q %q", img.status, img.header.Get("Content-Type"), img.header.Get("Cache-Control"))
	}
	must(t, revA.get("/review/photos/rows"), 200, "<html", `src="/documents/`+app.IDFront+`"`) // without JavaScript

	rowsB := hx(revB, "/review/photos/rows")
	must(t, rowsB, 200, `data-testid="photo-row"`, "王芳", `data-testid="photo-no-id"`)
	if strings.Contains(rowsB.body, app.IDFront) || strings.Contains(rowsB.body, app.Number) {
		t.Errorf("agency B's photo card links agency A's application:\n%s", rowsB.body)
	}
	must(t, revB.get("/documents/"+app.IDFront), 404)

	// The full ID number stays out of the queue.
	if strings.Contains(rowsA.body, idA) {
		t.Error("the photo queue shows the full ID number")
	}
}
