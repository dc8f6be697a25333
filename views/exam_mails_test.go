package views

import (
	"strings"
	"testing"
	"time"

	"sitepro/domain"
)

func TestExamMessageShowsTheTicket(t *testing.T) {
	start := time.Date(2027, 3, 20, 1, 0, 0, 0, time.UTC)
	a := domain.Application{ID: "a1", Number: "XQ1", PostCode: "101", Exam: &domain.Exam{SessionID: "s1", TicketNumber: "2027410100010001",
		Venue: "郑州考点（金水区纬五路12号）", Room: "第2考场", Seat: "17",
		Subjects: []domain.ExamSubject{{Name: domain.SubjectBasic, Start: start, End: start.Add(2 * time.Hour)}}}}
	u := domain.User{Name: "王建国", Email: "w@example.com"}
	for kind, head := range map[domain.NotificationKind]string{domain.NotifyExamScheduled: "考试安排：", domain.NotifyExamChanged: "考试安排变更："} {
		m := ExamMessage(kind, u, a, "https://sitepro.test")
		for _, want := range []string{"2027410100010001", "第2考场", "座位号：17", "09:00", "https://sitepro.test/apply/a1/print/ticket"} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("%s: no %q in\n%s", kind, want, m.Body)
			}
		}
		if !strings.HasPrefix(m.Subject, head) || m.To != u.Email || m.Kind != string(kind) {
			t.Errorf("%s: %+v", kind, m)
		}
	}
}

func TestExamBlockedMessageSaysWhatToDo(t *testing.T) {
	a := domain.Application{ID: "a1", Number: "XQ1", PostCode: "101"}
	u := domain.User{Name: "李四", Email: "l@example.com"}
	ag := domain.Agency{Name: "郑州中心", Phone: "0371-1"}
	m := ExamBlockedMessage(u, a, ag, domain.Photo{}, "https://sitepro.test")
	for _, want := range []string{"XQ1", "未上传个人照片", "https://sitepro.test/profile/photo", "郑州中心", "0371-1"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("no %q in\n%s", want, m.Body)
		}
	}
	if m.Kind != string(domain.NotifyExamBlocked) || m.To != u.Email {
		t.Errorf("%+v", m)
	}
	if m := ExamBlockedMessage(u, a, ag, domain.Photo{Status: domain.PhotoConfirmed}, ""); !strings.Contains(m.Body, "现在已经确认") {
		t.Errorf("a photo confirmed since: %s", m.Body)
	}
}
