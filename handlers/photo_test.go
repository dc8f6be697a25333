package handlers

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"sitepro/domain"
)

// colourJPEG draws a colourful w×h gradient.
func colourJPEG(t *testing.T, w, h int, grey bool) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8(255 - x*255/w), 255}
			if grey {
				c.G, c.B = c.R, c.R
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (c *client) upload(path, field, name string, data []byte) resp {
	c.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("_csrf", c.csrf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(req)
}

var photoSrc = regexp.MustCompile(`src="(/photos/[0-9a-f]+)"`)

func TestPhotoUploadStatusAndAccess(t *testing.T) {
	e := newEnv(t)
	owner := e.registered(idA, "王芳")
	must(t, owner.get("/profile/photo"), 200, "未上传")
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"grayscale", "scan.jpg", colourJPEG(t, 800, 1000, true), "请上传彩色照片"},
		{"svg", "x.jpg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`), "JPG"},
		{"html renamed", "x.jpg", []byte("<!doctype html><html><body>hi</body></html>"), "JPG"},
		{"empty", "x.jpg", nil, "文件是空的"},
	} {
		r := owner.upload("/profile/photo", "photo", tc.file, tc.data)
		if r.status != 422 || !strings.Contains(r.body, tc.want) || !strings.Contains(r.body, `data-testid="err-photo"`) {
			t.Errorf("%s: %d, body lacks %q", tc.name, r.status, tc.want)
		}
	}
	r := owner.upload("/profile/photo", "photo", "big.jpg", colourJPEG(t, 4000, 3000, false))
	must(t, r, 303)
	page := owner.get("/profile/photo")
	must(t, page, 200, "待确认", `data-testid="photo-current"`)
	src := photoSrc.FindStringSubmatch(page.body)[1]
	img := owner.get(src)
	if img.status != 200 || img.header.Get("Content-Type") != "image/jpeg" || img.header.Get("Cache-Control") != "no-store" || img.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("owner image: %d %v", img.status, img.header)
	}
	if cfg, err := jpeg.DecodeConfig(strings.NewReader(img.body)); err != nil || cfg.Width != 358 || cfg.Height != 441 {
		t.Fatalf("stored photo: %+v %v", cfg, err)
	}
	// Access: another trainee, a reviewer of another agency, a guest → 404/redirect; admin → 200.
	other := e.registered(idB, "李四")
	must(t, other.get(src), 404)
	u, _ := e.st.UserByLogin(idA, true)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "A"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "B"})
	_ = e.st.LinkTraineeToAgency(agA.ID, u.ID)
	revB := e.reviewer(agB.ID, "revb")
	must(t, revB.get(src), 404)
	revA := e.reviewer(agA.ID, "reva")
	must(t, revA.get(src), 200)
	if r := e.client().get(src); r.status != 303 {
		t.Fatalf("guest: %d", r.status)
	}
	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get(src), 200)
	if audit, _ := e.st.AuditLog(storeFilter("查看照片"), 10); len(audit) != 2 {
		t.Fatalf("staff photo views audited: %d, want 2", len(audit))
	}
	// Returned with a reason: the trainee sees it; a re-upload replaces the old image.
	if _, err := e.st.DecidePhoto(mustUser(t, e, "reva"), u.ID, domain.Decision{Kind: domain.PhotoReturnDecision, Reason: "背景不是纯色，请在白墙前重拍"}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	must(t, owner.get("/profile/photo"), 200, "已退回", "背景不是纯色，请在白墙前重拍", `data-testid="photo-reason"`)
	must(t, owner.get("/profile"), 200, "已退回", "背景不是纯色")
	must(t, owner.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 1200, 1600, false)), 303)
	must(t, owner.get(src), 404)
	must(t, owner.get("/profile/photo"), 200, "待确认")
}

// TestOversizedUploadIsRefusedClearly sends 30 MB over a real connection: Fiber's body
// limit answers 413 with our Chinese page, and the server keeps serving.
func TestOversizedUploadIsRefusedClearly(t *testing.T) {
	_, base := servedEnv(t)
	addr := strings.TrimPrefix(base, "http://")
	// Announce 30 MB and send only the start: the server must answer from the header
	// alone, as it does for a phone that starts uploading a huge file.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /profile/photo HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n", 30<<20)
	conn.Write(bytes.Repeat([]byte{0xff}, 64<<10))
	r, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 413 || !strings.Contains(string(b), "太大") {
		t.Fatalf("30 MB upload: %d %.300s", r.StatusCode, b)
	}
	h, err := http.Get(base + "/healthz")
	if err != nil || h.StatusCode != 200 {
		t.Fatalf("server stopped serving after the oversized upload: %v", err)
	}
}
