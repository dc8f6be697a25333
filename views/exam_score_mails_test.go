package views

import (
	"strings"
	"testing"

	"sitepro/domain"
)

func TestExamResultMessage(t *testing.T) {
	u := domain.User{Name: "王芳", Email: "w@example.com"}
	a := domain.Application{ID: "a1", Number: "XQ1", PostCode: "101", Status: domain.AppFailed,
		Scores: &domain.Scores{Basic: 595, PracticeAbsent: true, Confirmed: true, Result: domain.ResultFail}}
	for kind, head := range map[domain.NotificationKind]string{domain.NotifyExamResult: "考试成绩：", domain.NotifyExamCorrected: "考试成绩更正："} {
		m := ExamResultMessage(kind, u, a, "https://sitepro.test")
		for _, want := range []string{"XQ1", "59.5 分", "专业管理实务：缺考", "成绩：不合格", "可以重新报名", "https://sitepro.test/apply/a1"} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("%s: no %q in\n%s", kind, want, m.Body)
			}
		}
		if !strings.HasPrefix(m.Subject, head) || m.To != u.Email || m.Kind != string(kind) {
			t.Errorf("%s: %+v", kind, m)
		}
	}
}
