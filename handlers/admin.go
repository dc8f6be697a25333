package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/views"
)

func (s *Server) outboxPage(c *fiber.Ctx) error {
	msgs, err := s.d.Store.RecentMessages(100)
	if err != nil {
		return err
	}
	u := currentUser(c)
	if err := s.d.Store.Audit(domain.AuditEntry{At: s.d.Now(), ActorID: u.ID, Actor: u.AuditName(), Action: "查看发件箱",
		Detail: fmt.Sprintf("最近 %d 封", len(msgs))}); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.Outbox(s.page(c, "邮件发件箱"), msgs, s.d.SMTPConfigured))
}

func (s *Server) auditPage(c *fiber.Ctx) error {
	f := views.Form{Values: map[string]string{"action": c.Query("action"), "actor": c.Query("actor")}}
	entries, err := s.d.Store.AuditLog(store.AuditFilter{Action: f.V("action"), Actor: f.V("actor")}, 200)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.Audit(s.page(c, "审计日志"), entries, f))
}

func (s *Server) backupPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.Backup(s.page(c, "数据备份")))
}

// backup streams an online, consistent backup of the whole store to the admin.
func (s *Server) backup(c *fiber.Ctx) error {
	u := currentUser(c)
	now := s.d.Now()
	if err := s.d.Store.Audit(domain.AuditEntry{At: now, ActorID: u.ID, Actor: u.AuditName(), Action: "下载备份"}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="sitepro-%s.backup"`, now.Format("20060102-150405")))
	return s.d.Store.Backup(c.Response().BodyWriter())
}
