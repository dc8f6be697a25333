package views

import (
	"context"
	"strings"
	"testing"

	"sitepro/domain"
)

// TestPhoneIsATelLinkThatKeepsTogether: a text starting with a phone number links the
// number with tel: (digits only) in a span that does not break, keeps the rest, and sits
// in its sentence without added spaces; a text without a number stays text.
func TestPhoneIsATelLinkThatKeepsTogether(t *testing.T) {
	var b strings.Builder
	if err := Said("遇到问题？请联系客服：", "0371-12345678（工作日 9:00–17:00）", "。").Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	want := `遇到问题？请联系客服：<a class="tel" href="tel:037112345678">0371-12345678</a>（工作日 9:00–17:00）。`
	if got := b.String(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	b.Reset()
	if err := Phone("请到窗口咨询").Render(context.Background(), &b); err != nil || b.String() != "请到窗口咨询" {
		t.Fatalf("a text without a number: %q %v", b.String(), err)
	}
}

// TestResumeRowButtonsSayWhichRow: each row's 删除这一段 names its row.
func TestResumeRowButtonsSayWhichRow(t *testing.T) {
	var b strings.Builder
	if err := ResumeRows(Form{Values: map[string]string{}, Errors: map[string]string{}}, 2, "").Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`aria-label="删除这一段（第 1 段工作经历）"`, `aria-label="删除这一段（第 2 段工作经历）"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the rows lack %s", want)
		}
	}
}

// TestScoreRowPrefillsTheCheckIn: a row without scores prefills 缺考 for the subjects the
// check-in records as missed (both: the row's 缺考 box); entered scores win.
func TestScoreRowPrefillsTheCheckIn(t *testing.T) {
	f := ScoreRowForm(domain.ScoreRow{CheckInAbsent: []string{domain.SubjectPractice}})
	if f.V("practice") != domain.AbsentMark || f.V("basic") != "" || f.V("absent") != "" {
		t.Errorf("one subject missed: %v", f.Values)
	}
	f = ScoreRowForm(domain.ScoreRow{CheckInAbsent: []string{domain.SubjectBasic, domain.SubjectPractice}})
	if f.V("absent") != "1" || f.V("basic") != "" || f.V("practice") != "" {
		t.Errorf("both missed: %v", f.Values)
	}
	sc := domain.Scores{Basic: domain.Points(80), Practice: domain.Points(70)}
	if f = ScoreRowForm(domain.ScoreRow{Scores: &sc, CheckInAbsent: []string{domain.SubjectBasic}}); f.V("basic") != "80" {
		t.Errorf("entered scores: %v", f.Values)
	}
}

// TestReviewConsoleTellsHeldBack: the reviewer console lists the agency's candidates held
// back by a session and says what to do.
func TestReviewConsoleTellsHeldBack(t *testing.T) {
	var b strings.Builder
	m := ReviewModel{Tab: domain.QueueApps, Form: Form{Values: map[string]string{}, Errors: map[string]string{}},
		HeldBack: []domain.HeldBack{{Session: "2027年第一批", Name: "王芳", AppNo: "XQ1", Reason: "个人照片待确认"}}}
	if err := ReviewQueue(Page{}, m).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`data-testid="held-back"`, "1 名考生因个人照片未确认", "2027年第一批：王芳（XQ1）— 个人照片待确认", "照片确认"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the console lacks %q", want)
		}
	}
}
