package handlers

import (
	"context"
	"errors"
	"io"
	"regexp"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// Images normalises uploaded images (implemented by sitepro/imaging, adapted in main).
type Images interface {
	Portrait(ctx context.Context, data []byte) (jpeg []byte, w, h int, err error)
	Document(ctx context.Context, data []byte) (jpeg []byte, w, h int, err error)
}

// maxUpload is the per-file limit; BodyLimit is a little higher for the form overhead.
const maxUpload = 10 << 20

func (s *Server) photoPage(c *fiber.Ctx) error {
	return s.renderPhoto(c, fiber.StatusOK, "")
}

func (s *Server) renderPhoto(c *fiber.Ctx, status int, msg string) error {
	ph, err := s.d.Store.PhotoOf(currentUser(c).ID)
	if err != nil {
		return err
	}
	return render(c, status, views.PhotoPage(s.page(c, "个人照片"), ph, msg, photoBack(c)))
}

// photoBackPath is what ?back= may name: a same-site path of
// an application or CE enrolment, letters, digits, '-', '_' and '/' only — never a host,
// a scheme, "//", a backslash, "..", a query or a fragment, so no open redirect.
var photoBackPath = regexp.MustCompile(`^/(apply|ce)(/[A-Za-z0-9_-]+)+$`)

// photoBack is the checked page to return to after the photo, or "".
func photoBack(c *fiber.Ctx) string {
	b := c.Query("back")
	if len(b) > 200 || !photoBackPath.MatchString(b) {
		return ""
	}
	return b
}

// readUpload returns the bytes of one uploaded file, or a user-facing message.
func readUpload(c *fiber.Ctx, field string) ([]byte, string) {
	fh, err := c.FormFile(field)
	if err != nil {
		return nil, "请选择一张照片（可以直接用手机拍照）"
	}
	if fh.Size > maxUpload {
		return nil, "图片太大（超过 10 MB）。请用手机直接拍照上传，系统会自动压缩"
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "没有收到完整的图片，请重新选择"
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil || len(data) > maxUpload {
		return nil, "没有收到完整的图片，请重新选择"
	}
	return data, ""
}

// uploadMessage turns a pipeline error into the status and message for the form.
func uploadMessage(err error) (int, string, bool) {
	var de *domain.Error
	if !errors.As(err, &de) {
		return 0, "", false
	}
	switch de.Code {
	case domain.CodeInvalid:
		return fiber.StatusUnprocessableEntity, de.Message, true
	case domain.CodeThrottled:
		return fiber.StatusServiceUnavailable, de.Message, true
	}
	return 0, "", false
}

func (s *Server) uploadPhoto(c *fiber.Ctx) error {
	u := currentUser(c)
	data, msg := readUpload(c, "photo")
	if msg != "" {
		return s.renderPhoto(c, fiber.StatusUnprocessableEntity, msg)
	}
	jpeg, w, h, err := s.d.Images.Portrait(c.UserContext(), data)
	if status, msg, ok := uploadMessage(err); ok {
		return s.renderPhoto(c, status, msg)
	}
	if err != nil {
		return err
	}
	if _, err := s.d.Store.UploadPhoto(u.ID, jpeg, w, h, s.d.Now()); err != nil {
		return err
	}
	flash(c, "照片已上传，等待培训机构确认。")
	if back := photoBack(c); back != "" {
		return redirect(c, views.PhotoLinkBack(back))
	}
	return redirect(c, "/profile/photo")
}

// photoImage serves a photo to its owner, reviewers of agencies the trainee applied to and
// admins; the store checks the scope and audit-logs staff views, except those a logged
// view of the photo by the same viewer covers (a detail page, the photo queue:
// review_docview.go).
func (s *Server) photoImage(c *fiber.Ctx) error {
	u, now := currentUser(c), s.d.Now()
	b, err := s.d.Store.PhotoImageFor(*u, c.Params("id"), now, s.docViews.covered(u.ID, viewPhoto, now))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, "inline")
	return sendPrivateJPEG(c, b)
}

// sendPrivateJPEG answers with an image of a person or their documents: personal data,
// so no cache (browser or proxy) may keep it once the page is left.
func sendPrivateJPEG(c *fiber.Ctx, b []byte) error {
	c.Set(fiber.HeaderContentType, "image/jpeg")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b)
}
