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
	msgs = renderOutbox(s.d.Store, s.d.Origin, msgs)
	u := currentUser(c)
	if err := s.d.Store.Audit(domain.AuditEntry{At: s.d.Now(), ActorID: u.ID, Actor: u.AuditName(), Action: domain.AuditOutboxView,
		Detail: fmt.Sprintf("最近 %d 封", len(msgs))}); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.Outbox(s.page(c, "邮件发件箱"), msgs, s.d.SMTPConfigured))
}

// renderOutbox fills in the text of the messages that hold a notification, with the mail
// templates the worker sends them with and the store as it is now; a mail that cannot be
// rendered any more (its application was deleted) says so in its subject.
func renderOutbox(st *store.Store, origin string, msgs []domain.Message) []domain.Message {
	r := views.Mails{Facts: st, Origin: origin}
	for i, m := range msgs {
		if m.Rendered() {
			continue
		}
		got, err := r.Render(*m.Notification)
		if err != nil {
			msgs[i].Subject = "（邮件内容无法生成：" + domain.MessageOf(err) + "）"
			continue
		}
		msgs[i].Subject, msgs[i].Body = got.Subject, got.Body
	}
	return msgs
}

func (s *Server) auditPage(c *fiber.Ctx) error {
	// The select sends codes; a bookmarked URL from before actions were typed sends a
	// label, which is read as its code (and shown selected).
	action := domain.AuditActionOf(c.Query("action"))
	f := views.Form{Values: map[string]string{"action": string(action), "actor": c.Query("actor")}}
	entries, err := s.d.Store.AuditPage(store.AuditFilter{Action: action, Actor: f.V("actor")}, 200)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.Audit(s.page(c, "审计日志"), entries, f))
}

func (s *Server) backupPage(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, views.Backup(s.page(c, "数据备份"), s.backupInfo()))
}

func (s *Server) backupInfo() views.BackupInfo {
	return views.BackupInfo{Sealed: s.d.Backups != nil, EncryptedAtRest: s.d.EncryptedAtRest}
}

// backup streams an online, consistent backup of the whole store to the admin, sealed to
// the backup recipients when they are configured. A store encrypted at rest never leaves
// the server in plain text, so without recipients the download is refused.
func (s *Server) backup(c *fiber.Ctx) error {
	info := s.backupInfo()
	if info.Refused() {
		return render(c, fiber.StatusConflict, views.Backup(s.page(c, "数据备份"), info))
	}
	u := currentUser(c)
	now := s.d.Now()
	detail := "未加密"
	if info.Sealed {
		detail = "已加密（age）"
	}
	if err := s.d.Store.Audit(domain.AuditEntry{At: now, ActorID: u.ID, Actor: u.AuditName(), Action: domain.AuditBackupDownload, Detail: detail}); err != nil {
		return err
	}
	name := fmt.Sprintf("sitepro-%s.backup", now.Format("20060102-150405"))
	if info.Sealed {
		name += ".age"
	}
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	if !info.Sealed {
		return s.d.Store.Backup(c.Response().BodyWriter())
	}
	w, err := s.d.Backups.Seal(c.Response().BodyWriter())
	if err != nil {
		return err
	}
	if err := s.d.Store.Backup(w); err != nil {
		return err
	}
	return w.Close()
}
