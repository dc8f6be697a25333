package handlers

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"sitepro/domain"
	"sitepro/store"
)

// recordsHTTPFixture confirms the CE fixture's enrolment at agency A and records one
// 8-hour professional course on 2026-11-20; it returns the record.
func recordsHTTPFixture(t *testing.T) (*ceFixture, domain.LearningRecord) {
	t.Helper()
	f := newCEReviewFixture(t)
	rev, id := f.revA, f.enrolID
	must(t, rev.post("/review/ce/"+id+"/confirm", url.Values{}), 303)
	must(t, rev.post("/review/ce/courses", url.Values{"title": {"建筑施工技术"}, "category": {"专业"}, "hours": {"8"}}), 303)
	must(t, rev.post("/review/ce/courses", url.Values{"title": {"法律法规"}, "category": {"公共"}, "hours": {"4"}}), 303)
	cs, _ := f.e.st.Courses(mustUser(t, f.e, "reva"))
	must(t, rev.post("/review/ce/"+id+"/records", url.Values{"course": {cs[0].ID}, "date": {"2026-11-20"}}), 303)
	l, err := f.e.st.LearningOf(f.u.ID)
	if err != nil || len(l.Records[l.Certificates[0].ID]) != 1 {
		t.Fatalf("fixture record: %v", err)
	}
	return f, l.Records[l.Certificates[0].ID][0]
}

// TestCERecordCorrectAndRemove: the enrolment's page links each record to its correction
// page; a correction or removal without a reason is refused with a clear message and
// keeps what was typed; another agency gets 404; a correction shows on the trainee's
// page and in the audit log; a removal takes the record off both.
func TestCERecordCorrectAndRemove(t *testing.T) {
	f, r := recordsHTTPFixture(t)
	rev, id := f.revA, f.enrolID
	base := "/review/ce/" + id + "/records/" + r.ID
	must(t, rev.get("/review/ce/"+id), 200, `data-testid="record-edit"`, `href="`+base+`"`, `aria-label="更正或删除 建筑施工技术 2026-11-20"`)
	page := rev.get(base)
	must(t, page, 200, "更正学习记录", `name="rev" value="0"`, `value="8"`, `value="2026-11-20"`, "更正原因（必填", "删除原因（必填",
		`<option value="`+r.CourseID+`" selected>`)
	// Another agency, a trainee: not found / forbidden, for the page and both forms.
	must(t, f.revB.get(base), 404)
	must(t, f.revB.post(base, url.Values{"rev": {"0"}, "hours": {"4"}, "date": {"2026-11-20"}, "course": {r.CourseID}, "reason": {"x"}}), 404)
	must(t, f.revB.post(base+"/remove", url.Values{"rev": {"0"}, "remove_reason": {"x"}}), 404)
	must(t, f.trainee.get(base), 403)
	// No reason: 422, the error where it belongs, what was typed kept.
	must(t, rev.post(base, url.Values{"rev": {"0"}, "course": {r.CourseID}, "hours": {"4"}, "date": {"2026-11-20"}}), 422,
		`data-testid="err-reason"`, "请填写更正原因", `value="4"`)
	must(t, rev.post(base, url.Values{"rev": {"0"}, "course": {r.CourseID}, "hours": {"1.25"}, "date": {"2026-11-20"}, "reason": {"录错"}}), 422,
		`data-testid="err-hours"`, "半小时")
	must(t, rev.post(base+"/remove", url.Values{"rev": {"0"}, "remove_reason": {" "}}), 422, `data-testid="err-remove_reason"`, "请填写删除原因")
	must(t, rev.post(base, url.Values{"rev": {"0"}, "course": {r.CourseID}, "hours": {"8"}, "date": {"2026-11-20"}, "reason": {"核对"}}), 422,
		`data-testid="err-form"`, "您没有修改任何内容")
	// The correction.
	must(t, rev.post(base, url.Values{"rev": {"0"}, "course": {r.CourseID}, "hours": {"4"}, "date": {"2026-11-19"}, "reason": {"课时按半天计"}}), 303)
	must(t, rev.get("/review/ce/"+id), 200, "学习记录已更正。本周期学时尚未达标。", "还需 28 学时")
	must(t, f.trainee.get("/ce/learning"), 200, "2026-11-19", "还需 28 学时")
	must(t, f.trainee.get("/ce/"+id), 200, "更正学习记录", "学时：8 → 4", "原因：课时按半天计") // the enrolment's timeline
	admin := f.e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/admin/audit?action="+string(domain.AuditLearningCorrect)), 200, "更正学习记录", "学时：8 → 4", "完成日期：2026-11-20 → 2026-11-19", "原因：课时按半天计")
	// A form opened before the correction is refused (409) with what was typed.
	must(t, rev.post(base, url.Values{"rev": {"0"}, "course": {r.CourseID}, "hours": {"6"}, "date": {"2026-11-19"}, "reason": {"旧页面"}}), 409,
		`data-testid="record-stale"`, "reva审核员", `value="6"`, `name="rev" value="1"`)
	must(t, rev.post(base+"/remove", url.Values{"rev": {"0"}, "remove_reason": {"旧页面"}}), 409, `data-testid="record-stale"`, "旧页面")
	// The removal.
	must(t, rev.post(base+"/remove", url.Values{"rev": {"1"}, "remove_reason": {"学员没有参加"}}), 303)
	detail := rev.get("/review/ce/" + id)
	must(t, detail, 200, "学习记录已删除，不再计入学时。", "还需 32 学时")
	if strings.Contains(detail.body, `data-testid="ce-record"`) {
		t.Error("the removed record is still listed")
	}
	if l := f.trainee.get("/ce/learning"); strings.Contains(l.body, "建筑施工技术") {
		t.Error("the trainee still sees the removed record")
	}
	// Once removed: the page is gone, a late form is told what happened.
	must(t, rev.get(base), 303)
	must(t, rev.post(base+"/remove", url.Values{"rev": {"1"}, "remove_reason": {"再删"}}), 303)
	must(t, rev.get("/review/ce/"+id), 200, "学员没有参加")
	must(t, admin.get("/admin/audit?action="+string(domain.AuditLearningRemove)), 200, "删除学习记录", "→ 已删除；原因：学员没有参加")
}

// TestCERecordConcurrentCorrections: two reviewers of the agency submit corrections
// opened on the same revision at once: one is saved, the other is told (409), nothing
// is lost silently.
func TestCERecordConcurrentCorrections(t *testing.T) {
	f, r := recordsHTTPFixture(t)
	base := "/review/ce/" + f.enrolID + "/records/" + r.ID
	f.revA2.get(base)
	var wg sync.WaitGroup
	res := make([]resp, 2)
	for i, c := range []*client{f.revA, f.revA2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = c.post(base, url.Values{"rev": {"0"}, "course": {r.CourseID}, "hours": {strconv.Itoa(5 + i)}, "date": {"2026-11-20"}, "reason": {"同时更正"}})
		}()
	}
	wg.Wait()
	codes := []int{res[0].status, res[1].status}
	if !(codes[0] == 303 && codes[1] == 409 || codes[0] == 409 && codes[1] == 303) {
		t.Fatalf("concurrent corrections: %v", codes)
	}
	log, _ := f.e.st.AuditLog(store.AuditFilter{Action: domain.AuditLearningCorrect}, 10)
	if len(log) != 1 {
		t.Fatalf("audit entries: %d", len(log))
	}
}
