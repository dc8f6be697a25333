package views

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"sitepro/domain"
)

// The application page shows the confirmed result, or 待确认 before confirmation; it
// never judges the scores itself.
func TestAppDetailShowsTheConfirmedResult(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    domain.Application
		want string
	}{
		{"scored, not confirmed", domain.Application{Status: domain.AppScored, Scores: &domain.Scores{Basic: domain.Points(90), Practice: domain.Points(90)}}, "待确认"},
		{"confirmed pass", domain.Application{Status: domain.AppPassed, Scores: &domain.Scores{Basic: domain.Points(50), Practice: domain.Points(50), Confirmed: true, Result: domain.ResultPass}}, "合格"},
		{"old record, failed", domain.Application{Status: domain.AppFailed, Scores: &domain.Scores{Basic: domain.Points(70), Practice: domain.Points(70), Confirmed: true}}, "不合格"},
		{"old record, absent", domain.Application{Status: domain.AppFailed, Scores: &domain.Scores{Absent: true, Confirmed: true}}, "缺考"},
	} {
		tc.a.ID = "a1"
		var b bytes.Buffer
		if err := AppDetail(Page{Title: "报名详情"}, tc.a, nil, nil).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		i := strings.Index(html, `data-testid="exam-result">`)
		if i < 0 {
			t.Fatalf("%s: no result shown", tc.name)
		}
		got := html[i+len(`data-testid="exam-result">`):]
		if !strings.HasPrefix(got, tc.want+"<") {
			t.Errorf("%s: result %.30q, want %s", tc.name, got, tc.want)
		}
	}
}
