package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

func statusOf(err error) int {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	switch domain.CodeOf(err) {
	case domain.CodeInvalid:
		return fiber.StatusUnprocessableEntity
	case domain.CodeNotFound:
		return fiber.StatusNotFound
	case domain.CodeConflict:
		return fiber.StatusConflict
	case domain.CodeForbidden:
		return fiber.StatusForbidden
	case domain.CodeUnauthorized:
		return fiber.StatusUnauthorized
	case domain.CodeThrottled:
		return fiber.StatusTooManyRequests
	case domain.CodeUnavailable:
		return fiber.StatusServiceUnavailable
	}
	return fiber.StatusInternalServerError
}

// handleError is the one error handler: a user-safe Chinese page for every error, and
// one log line with the request id for the unexpected ones.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status := statusOf(err)
	msg := "系统暂时出现问题，请稍后再试。如果问题持续，请联系客服并告知编号 "
	var de *domain.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &de) && de.Code != domain.CodeInternal:
		msg = de.Message
	case errors.As(err, &fe):
		msg = fiberMessage(fe.Code)
	default:
		rid, _ := c.Locals("requestid").(string)
		msg += rid
		s.d.Log.Error("internal error", "rid", rid, "route", c.Route().Path, "err", err.Error())
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if status == fiber.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, "60")
	}
	if c.Locals("sess") == nil || c.Locals(kCSRF) == nil {
		// Errors before the session middleware (e.g. an unknown static file) get a plain page.
		return render(c, status, views.ErrorPage(views.Page{Title: "出错了", Assets: s.views, Support: s.d.Support}, status, msg))
	}
	if errors.Is(err, store.ErrTokenInvalid) && strings.HasPrefix(c.Path(), "/reset") {
		return render(c, status, views.ErrorPageNext(s.page(c, "出错了"), status, msg, "/forgot", "重新找回密码"))
	}
	if errors.Is(err, store.ErrActivationInvalid) {
		return render(c, status, views.ErrorPageNext(s.page(c, "出错了"), status, msg, "/login", "去登录"))
	}
	return render(c, status, views.ErrorPage(s.page(c, "出错了"), status, msg))
}

func fiberMessage(code int) string {
	switch code {
	case fiber.StatusNotFound:
		return "您要找的页面不存在，可能链接有误或已被删除。"
	case fiber.StatusMethodNotAllowed:
		return "不支持这种访问方式，请从页面上的按钮或链接进入。"
	case fiber.StatusRequestEntityTooLarge:
		return "上传的内容太大（最大 10 MB），请缩小后重试。"
	case fiber.StatusRequestTimeout:
		return "请求超时，请检查网络后重试。"
	}
	return "请求无法完成，请返回后重试。"
}
