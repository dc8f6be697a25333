package views

import (
	"errors"
	"strings"
	"testing"

	"sitepro/domain"
)

type factsFunc func(domain.Notification) (domain.MailFacts, error)

func (f factsFunc) MailFacts(n domain.Notification) (domain.MailFacts, error) { return f(n) }

// TestRenderMailUsesTheTemplates: every notification kind renders with its template,
// filled from the facts and the notification's own data, and says what the template says.
func TestRenderMailUsesTheTemplates(t *testing.T) {
	const origin = "https://sitepro.test"
	f := domain.MailFacts{
		User:        domain.User{ID: "u1", Name: "张三", Email: "zs@example.com"},
		Application: domain.Application{ID: "a1", Number: "XQ2026112600001", PostCode: "111", Status: domain.AppReturned, ReturnReasons: []string{"工作简历不完整"}},
		Enrolment:   domain.Enrolment{ID: "e1", Number: "JX2026112600001", CertNumber: "412021101000123", Status: domain.EnrolCompleted},
		Agency:      domain.Agency{Name: "郑州培训中心", Phone: "0371-1234567"},
		Photo:       domain.Photo{Status: domain.PhotoReturned, Reason: "背景不是纯色"},
	}
	p := domain.CycleProgress{Total: 68, Professional: 48}
	cases := []struct {
		n    domain.Notification
		want domain.Message
	}{
		{domain.Notification{Kind: domain.NotifyConfirmEmail, Token: "raw1"}, ConfirmEmailMessage(f.User, origin+"/confirm-email/raw1")},
		{domain.Notification{Kind: domain.NotifyPasswordReset, Token: "raw2"}, ResetMessage(f.User, origin+"/reset/raw2")},
		{domain.Notification{Kind: domain.NotifyEmailChanged, NewEmail: "new@example.com"}, EmailChangedMessage(f.User, "new@example.com")},
		{domain.Notification{Kind: domain.NotifyAppSubmitted}, SubmittedMessage(f.User, f.Application, f.Agency)},
		{domain.Notification{Kind: domain.NotifyAppDecision}, DecisionMessage(f.User, f.Application, f.Agency, origin)},
		{domain.Notification{Kind: domain.NotifyPhotoDecision}, PhotoDecisionMessage(f.User, f.Photo, origin)},
		{domain.Notification{Kind: domain.NotifyCESubmitted}, CESubmittedMessage(f.User, f.Enrolment, f.Agency)},
		{domain.Notification{Kind: domain.NotifyCEDecision}, CEDecisionMessage(f.User, f.Enrolment, f.Agency, origin)},
		{domain.Notification{Kind: domain.NotifyCECompleted, Hours: p.Total, ProfessionalHours: p.Professional}, CECompletedMessage(f.User, f.Enrolment, p, f.Agency)},
		{domain.Notification{Kind: domain.NotifyAppAgencySuspended}, AgencySuspendedMessage(domain.NotifyAppAgencySuspended, f.User, "新取证报名", f.Application.Number, f.Agency, false, origin+"/apply/a1")},
		{domain.Notification{Kind: domain.NotifyCEAgencySuspended}, AgencySuspendedMessage(domain.NotifyCEAgencySuspended, f.User, "继续教育报名", f.Enrolment.Number, f.Agency, false, origin+"/ce/e1")},
	}
	for _, c := range cases {
		got, err := RenderMail(c.n, f, origin)
		if err != nil || got != c.want || got.Kind != string(c.n.Kind) || got.Body == "" {
			t.Errorf("%s: %+v %v\nwant %+v", c.n.Kind, got, err, c.want)
		}
	}
	if _, err := RenderMail(domain.Notification{Kind: "unknown"}, f, origin); domain.CodeOf(err) != domain.CodeInternal {
		t.Errorf("unknown kind: %v", err)
	}
	gone := errors.New("not found")
	r := Mails{Facts: factsFunc(func(domain.Notification) (domain.MailFacts, error) { return f, gone }), Origin: origin}
	if _, err := r.Render(cases[0].n); !errors.Is(err, gone) {
		t.Errorf("a failed read: %v", err)
	}
	r.Facts = factsFunc(func(domain.Notification) (domain.MailFacts, error) { return f, nil })
	if got, err := r.Render(cases[0].n); err != nil || got != cases[0].want {
		t.Errorf("Render: %+v %v", got, err)
	}
}

// TestAgencySuspendedMailSaysWhatToDo: a returned application at a suspended agency must
// choose another agency; a submitted one stays; an agency re-enabled before the mail went
// out says so instead.
func TestAgencySuspendedMailSaysWhatToDo(t *testing.T) {
	u := domain.User{Name: "张三", Email: "zs@example.com"}
	ag := domain.Agency{Name: "郑州培训中心", Phone: "0371-1234567", Suspended: true}
	f := domain.MailFacts{User: u, Agency: ag, Application: domain.Application{ID: "a1", Number: "XQ1", Status: domain.AppReturned}}
	for _, c := range []struct {
		status domain.AppStatus
		agency domain.Agency
		want   string
	}{
		{domain.AppReturned, ag, "请在第3步另选一家培训机构"},
		{domain.AppSubmitted, ag, "仍由它继续办理"},
		{domain.AppSubmitted, domain.Agency{Name: ag.Name}, "现已恢复"},
	} {
		f.Application.Status, f.Agency = c.status, c.agency
		m, err := RenderMail(domain.Notification{Kind: domain.NotifyAppAgencySuspended}, f, "https://sitepro.test")
		if err != nil || !strings.Contains(m.Body, c.want) || !strings.Contains(m.Body, "XQ1") || !strings.Contains(m.Body, "https://sitepro.test/apply/a1") {
			t.Errorf("%s: %v\n%s", c.status, err, m.Body)
		}
	}
}
