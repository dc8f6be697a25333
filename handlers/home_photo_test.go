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

// TestPhotoPageReturnsToCheck: 核对信息 links to the photo page with ?back= its own
// address; the photo page offers 返回核对信息, keeps it through the upload (plain form and
// script alike post to the form's address) and then shows it as the main button. Anything
// but a same-site /apply/ or /ce/ path is ignored (no open redirect).
func TestPhotoPageReturnsToCheck(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	c := e.registered(idA, "王芳")
	id := startWizard(t, c)
	fillWizard(t, c, id, ag, "111", "王芳")
	back := "/apply/" + id + "/check"
	link := "/profile/photo?back=" + url.QueryEscape(back)
	must(t, c.get(back), 200, `href="`+link+`"`, `data-testid="check-photo-link"`)

	r := c.get(link)
	must(t, r, 200, `data-testid="photo-back"`, `href="`+back+`"`, "返回核对信息", "返回个人信息", `action="`+link+`"`)
	if strings.Contains(r.body, `data-testid="photo-back-button"`) {
		t.Fatal("offers the big return button before any photo was uploaded")
	}
	up := c.upload(link, "photo", "me.jpg", colourJPEG(t, 800, 1000, false))
	must(t, up, 303)
	if loc := up.header.Get("Location"); loc != link {
		t.Fatalf("after the upload went to %q, want %q", loc, link)
	}
	must(t, c.get(link), 200, `data-testid="photo-back-button"`, `href="`+back+`"`, "返回核对信息", "照片已上传")

	for _, bad := range []string{"//evil.example/apply/x", "https://evil.example/apply/x", "/apply/../admin", "/apply/x?y=1",
		`/apply/x\evil`, "/profile", "/apply", "/ce/", "javascript:alert(1)", "/apply/x/%2e%2e/y"} {
		r := c.get("/profile/photo?back=" + url.QueryEscape(bad))
		must(t, r, 200, "返回个人信息")
		if strings.Contains(r.body, `data-testid="photo-back"`) || strings.Contains(r.body, "evil") {
			t.Errorf("back=%q was offered as a return link", bad)
		}
		up := c.upload("/profile/photo?back="+url.QueryEscape(bad), "photo", "me.jpg", colourJPEG(t, 800, 1000, false))
		if loc := up.header.Get("Location"); loc != "/profile/photo" {
			t.Errorf("back=%q: upload went to %q", bad, loc)
		}
	}
	must(t, c.get("/profile/photo?back=/ce/abc/check"), 200, `href="/ce/abc/check"`)
}
