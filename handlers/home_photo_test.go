package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
)

// TestHomeAsksForMissingPhotoAfterSubmit: a trainee who submitted without a personal photo
// (the wizard has no photo step, and submitting does not require one) is asked for it on
// the home page, with a link; a returned photo is asked for again; an accepted one is not.
func TestHomeAsksForMissingPhotoAfterSubmit(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	c, _ := submittedApp(t, e, idA, "王芳", ag)
	must(t, c.get("/"), 200, `data-testid="home-photo-needed"`, "请上传个人照片（准考证需要）", `href="/profile/photo"`)

	c.get("/profile/photo")
	must(t, c.upload("/profile/photo", "photo", "me.jpg", colourJPEG(t, 800, 1000, false)), 303)
	if r := c.get("/"); strings.Contains(r.body, "请上传个人照片（准考证需要）") {
		t.Fatal("still asks for the photo after it was uploaded")
	}
	rev := e.reviewer(ag.ID, "rev")
	rev.get("/review")
	u := mustTrainee(t, e, idA)
	must(t, rev.post("/review/photos/"+u.ID+"/return", url.Values{"reason": {"背景不是纯色"}}), 303)
	must(t, c.get("/"), 200, `data-testid="home-photo-returned"`, "请上传个人照片（准考证需要）", "背景不是纯色", `href="/profile/photo"`)
}
