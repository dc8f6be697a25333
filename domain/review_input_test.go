package domain

import (
	"strings"
	"testing"
	"time"
)

// hostileText are reviewer inputs that the trainee's own fields refuse: they must be
// refused in reviewer notes and reasons too.
var hostileText = map[string]string{
	"NUL":          "请重新\x00拍摄",
	"control":      "请重新\x07拍摄",
	"RLO U+202E":   "请重新\u202e摄拍",
	"zero width":   "请重新\u200b拍摄",
	"invalid UTF8": "请重新\xff拍摄",
}

func TestReviewerTextRules(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	sub := Application{Status: AppSubmitted}
	pend := Enrolment{Status: EnrolPending}
	for name, bad := range hostileText {
		t.Run(name, func(t *testing.T) {
			if _, err := sub.Return("审核员", []string{ReturnReasonsList[0]}, bad, now); !hasField(err, "note") {
				t.Errorf("return note %q: %v", bad, err)
			}
			if _, err := sub.Reject("审核员", bad, now); !hasField(err, "reason") {
				t.Errorf("reject reason %q: %v", bad, err)
			}
			if _, err := pend.Return("审核员", bad, now); !hasField(err, "reason") {
				t.Errorf("CE return reason %q: %v", bad, err)
			}
			if _, err := (Photo{Status: PhotoPending}).Return("审核员", bad, now); !hasField(err, "reason") {
				t.Errorf("photo return reason %q: %v", bad, err)
			}
		})
	}
	// Too long, and a newline in the one-line reject reason.
	if _, err := sub.Return("审核员", nil, strings.Repeat("字", 501), now); !hasField(err, "note") {
		t.Errorf("a 501-character note: %v", err)
	}
	if _, err := sub.Reject("审核员", "第一行\n第二行", now); !hasField(err, "reason") {
		t.Errorf("a two-line reject reason: %v", err)
	}
	// Unknown structured reasons are refused, not stored.
	for _, reasons := range [][]string{{"随便写的原因"}, {ReturnReasonsList[0], "<b>x</b>"}, {""}} {
		if _, err := sub.Return("审核员", reasons, "说明", now); !hasField(err, "reasons") {
			t.Errorf("reasons %q: %v", reasons, err)
		}
	}
	// Good input passes, cleaned: trimmed, CR LF → LF, list order, no duplicates.
	last := ReturnReasonsList[len(ReturnReasonsList)-1]
	a, err := sub.Return("审核员", []string{last, ReturnReasonsList[0], last}, "  第一行\r\n第二行  ", now)
	if err != nil || a.Status != AppReturned || a.ReturnNote != "第一行\n第二行" ||
		strings.Join(a.ReturnReasons, "|") != ReturnReasonsList[0]+"|"+last {
		t.Fatalf("good return: %v %+v", err, a)
	}
	r, err := sub.Reject("审核员", " 学历不符合报考条件 ", now)
	if err != nil || r.Status != AppRejected || r.Timeline[len(r.Timeline)-1].Note != "学历不符合报考条件" {
		t.Fatalf("good reject: %v %+v", err, r)
	}
	e, err := pend.Return("审核员", "请补充\r\n工作简历", now)
	if err != nil || e.ReturnReason != "请补充\n工作简历" {
		t.Fatalf("good CE return: %v %+v", err, e)
	}
}

func hasField(err error, field string) bool {
	fe, ok := err.(FieldErrors)
	return ok && fe[field] != ""
}
