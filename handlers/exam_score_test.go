package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
	"sitepro/store"
)

// publishedScoreExam publishes a session with 王芳 (agency A) and 李四 (agency B), each
// confirmed with a confirmed photo by their own agency's reviewer.
func publishedScoreExam(t *testing.T, e *env) (sess domain.ExamSession, ra, rb, t1 *client, appA, appB string) {
	t.Helper()
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300", Phone: "0379-1"})
	t1, appA = submittedApp(t, e, idA, "王芳", agA)
	t2, appB := submittedApp(t, e, idB, "李四", agB)
	ra, rb = e.reviewer(agA.ID, "scorea"), e.reviewer(agB.ID, "scoreb")
	for _, x := range []struct {
		rev, tr *client
		app, id string
	}{{ra, t1, appA, idA}, {rb, t2, appB, idB}} {
		x.rev.get("/review")
		must(t, x.rev.post("/review/apps/"+x.app+"/confirm", url.Values{}), 303)
		x.tr.get("/profile/photo")
		must(t, x.tr.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
		must(t, x.rev.post("/review/photos/"+mustTrainee(t, e, x.id).ID+"/confirm", url.Values{}), 303)
	}
	admin := domain.User{ID: "score-admin", Role: domain.RoleAdmin, Name: "管理员"}
	sess = authzExamSession(t, e)
	now := e.clock.Now()
	if _, err := e.st.AssignExamCandidates(admin, sess.ID, store.ExamFilter{}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.ArrangeExamSession(admin, sess.ID, now); err != nil {
		t.Fatal(err)
	}
	sess, n, err := e.st.PublishExamSession(admin, sess.ID, now)
	if err != nil || n != 2 {
		t.Fatalf("publish: %d %v", n, err)
	}
	return sess, ra, rb, t1, appA, appB
}

// TestScoreEntryAndResultsJourney: a reviewer sees and scores only their agency's
// candidates (another agency's row is 404), a refused row comes back as typed with the
// reason, an htmx save swaps the row; the admin scores the rest, sees the histogram and
// pass rates, confirms, and the trainee reads 分数 / 成绩 / 成绩确认 and gets a mail.
func TestScoreEntryAndResultsJourney(t *testing.T) {
	e := newEnv(t)
	sess, ra, rb, t1, appA, appB := publishedScoreExam(t, e)
	cA, _ := sess.Candidate(appA)
	cB, _ := sess.Candidate(appB)
	grid := "/review/exams/" + sess.ID + "/scores"

	must(t, ra.get("/review"), 200, `href="/review/exams" data-testid="tab-exams"`)
	must(t, ra.get("/review/exams"), 200, sess.Name, `data-testid="review-exam-open"`)
	page := ra.get(grid)
	must(t, page, 200, `data-testid="score-grid"`, cA.Ticket, "王芳", `inputmode="decimal"`, `form="score-`+appA+`"`)
	if strings.Contains(page.body, cB.Ticket) || strings.Contains(page.body, idA) {
		t.Fatal("reviewer A's grid shows B's candidate or a full ID number")
	}
	must(t, ra.post(grid+"/"+appB, url.Values{"basic": {"80"}, "practice": {"80"}}), 404)
	must(t, rb.get("/review/exams/"+sess.ID+"/scores"), 200, cB.Ticket)

	// Refused: a score with 缺考, then one decimal too many; what was typed stays.
	must(t, ra.post(grid+"/"+appA, url.Values{"basic": {"80"}, "absent": {"1"}}), 422, `data-testid="score-problem"`, "已勾选“缺考”", `value="80"`)
	must(t, ra.post(grid+"/"+appA, url.Values{"basic": {"78.55"}, "practice": {"60"}}), 422, "最多一位小数", `value="78.55"`)
	// With htmx the row answers in place.
	r := ra.do("POST", grid+"/"+appA, url.Values{"_csrf": {ra.csrf}, "basic": {"78.5"}, "practice": {"60"}}, map[string]string{"HX-Request": "true"})
	must(t, r, 200, `data-testid="score-saved"`, `value="78.5"`, `id="row-`+appA+`"`)
	if strings.Contains(r.body, "<html") {
		t.Fatal("the htmx answer is a whole page")
	}
	r = ra.do("POST", grid+"/"+appA, url.Values{"_csrf": {ra.csrf}, "basic": {"101"}, "practice": {"60"}}, map[string]string{"HX-Request": "true"})
	must(t, r, 200, `data-testid="score-error"`, "0 到 100")

	admin := e.staff(domain.RoleAdmin, "admin")
	base := "/admin/exams/" + sess.ID
	must(t, admin.get("/admin"), 200, `data-testid="admin-link-scores"`)
	must(t, admin.get(base), 200, `data-testid="exam-scores-link"`, `data-testid="exam-results-link"`)
	must(t, admin.get(base+"/scores"), 200, cA.Ticket, cB.Ticket, "已录入 1 / 2 人")
	// One room at a time: both sit in room 1.
	must(t, admin.get(base+"/scores?room=1.1"), 200, cA.Ticket, cB.Ticket)
	must(t, admin.get(base+"/scores?room=1.2"), 200, `data-testid="score-empty"`)
	tpl := admin.get(base + "/scores/template.xlsx")
	if tpl.status != 200 || !strings.Contains(tpl.header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("admin template: %d %s", tpl.status, tpl.header.Get("Content-Type"))
	}
	must(t, admin.get(base+"/scores/import"), 200, `data-testid="score-import-form"`, "2 名考生")
	// A session not yet published: the admin's grid says so, a reviewer does not find it.
	draft := authzExamSession(t, e)
	must(t, admin.get("/admin/exams/"+draft.ID+"/scores"), 200, `data-testid="score-closed"`, "还没有发布")
	must(t, ra.get("/review/exams/"+draft.ID+"/scores"), 404)
	must(t, admin.get(base+"/results"), 200, `class="chart-svg"`, `data-testid="results-missing"`, "李四", "郑州中心")
	must(t, admin.post(base+"/results", url.Values{}), 409, "还有 1 名考生没有成绩")
	must(t, admin.post(base+"/scores/"+appB, url.Values{"absent": {"1"}}), 303)
	must(t, admin.post(base+"/results", url.Values{}), 303)
	must(t, admin.get(base+"/results"), 200, "已结束", `data-testid="results-rate">1 / 1 人（100%）`, `data-testid="results-issue"`)
	// 证书发放 for the whole session: the filter keeps the session's passed candidates.
	must(t, admin.get("/admin/certificates/issue?exam="+sess.ID), 200, "王芳", `name="exam" value="`+sess.ID+`"`)
	other := authzExamSession(t, e)
	if r := admin.get("/admin/certificates/issue?exam=" + other.ID); r.status != 200 || strings.Contains(r.body, "王芳") {
		t.Fatalf("another session's list shows 王芳: %d", r.status)
	}

	a, _ := e.st.ApplicationOf(mustTrainee(t, e, idA).ID, appA)
	if a.Status != domain.AppPassed || a.Scores.Basic != 785 {
		t.Fatalf("after confirmation: %s %+v", a.Status, a.Scores)
	}
	must(t, t1.get("/apply/"+appA), 200, "78.5 分", "60 分", `data-testid="exam-result">合格<`, "成绩确认：合格")
	must(t, t1.get("/apply"), 200, `data-testid="app-card-scores"`, "专业基础知识 78.5 分", `data-testid="app-card-result">合格<`, cA.Ticket)
	msgs, _ := e.messages(100)
	mailed := 0
	for _, m := range msgs {
		if m.Kind == string(domain.NotifyExamResult) {
			mailed++
			if !strings.Contains(m.Body, "成绩：") {
				t.Errorf("result mail: %s", m.Body)
			}
		}
	}
	if mailed != 2 {
		t.Fatalf("%d result mails", mailed)
	}
	// Confirmed: the grid is read-only and a row is refused.
	must(t, ra.get(grid), 200, `data-testid="score-closed"`)
	must(t, ra.post(grid+"/"+appA, url.Values{"basic": {"90"}, "practice": {"90"}}), 422, "成绩已确认")

	// 成绩复核: a reason is required, what was typed stays; then 李四 (缺考) passes.
	must(t, admin.get(base+"/results"), 200, `data-testid="results-correct-form"`)
	must(t, admin.post(base+"/results/correct", url.Values{"who": {cB.Ticket}, "basic": {"65"}, "practice": {"70.5"}}), 422,
		`data-testid="err-reason"`, `value="70.5"`)
	must(t, admin.post(base+"/results/correct", url.Values{"who": {"2027000000000000"}, "basic": {"65"}, "practice": {"70"}, "reason": {"复查"}}), 422, `data-testid="err-who"`)
	must(t, admin.post(base+"/results/correct", url.Values{"who": {cB.Ticket}, "basic": {"65"}, "practice": {"70.5"}, "reason": {"签到表漏记，考生实际参加了考试"}}), 303)
	b, _ := e.st.ApplicationOf(mustTrainee(t, e, idB).ID, appB)
	if b.Status != domain.AppPassed || b.Scores.Practice != 705 || b.Scores.Absent {
		t.Fatalf("corrected: %s %+v", b.Status, b.Scores)
	}
	msgs, _ = e.messages(100)
	corrected := 0
	for _, m := range msgs {
		if m.Kind == string(domain.NotifyExamCorrected) && strings.Contains(m.Body, "70.5 分") {
			corrected++
		}
	}
	if corrected != 1 {
		t.Fatalf("%d correction mails", corrected)
	}
	must(t, admin.get("/admin/audit"), 200, "成绩复核", "签到表漏记")
}

// TestScoreImportPage: the template lists the reviewer's own candidates; a file with
// another agency's ticket is refused line by line and writes nothing; a clean file
// imports, and the grid shows the scores.
func TestScoreImportPage(t *testing.T) {
	e := newEnv(t)
	sess, ra, _, _, appA, appB := publishedScoreExam(t, e)
	cA, _ := sess.Candidate(appA)
	cB, _ := sess.Candidate(appB)
	grid := "/review/exams/" + sess.ID + "/scores"
	must(t, ra.get(grid), 200, `data-testid="score-import-link"`)
	must(t, ra.get(grid+"/import"), 200, `data-testid="score-import-form"`, `enctype="multipart/form-data"`)
	tpl := ra.get(grid + "/template.csv")
	must(t, tpl, 200, "准考证号,姓名,专业基础知识,专业管理实务,缺考", cA.Ticket)
	if strings.Contains(tpl.body, cB.Ticket) {
		t.Fatal("the template lists another agency's candidate")
	}
	bad := "准考证号,姓名,专业基础知识,专业管理实务,缺考\n" + cA.Ticket + ",王芳,88,92.5,\n" + cB.Ticket + ",李四,60,60,\n"
	must(t, ra.upload(grid+"/import", "file", "scores.csv", []byte(bad)), 422, `data-testid="score-import-errors"`, "第 3 行", "没有导入任何成绩")
	if a, _ := e.st.ApplicationOf(mustTrainee(t, e, idA).ID, appA); a.Scores != nil {
		t.Fatal("a refused file wrote a score")
	}
	must(t, ra.upload(grid+"/import", "file", "scores.csv", []byte("准考证号,分数\n1,2\n")), 422, `data-testid="score-import-error"`, "表头")
	good := "准考证号,姓名,专业基础知识,专业管理实务,缺考\n" + cA.Ticket + ",王芳,88,92.5,\n"
	must(t, ra.upload(grid+"/import", "file", "scores.csv", []byte(good)), 200, `data-testid="score-import-ok"`, "已导入 1 名考生的成绩")
	must(t, ra.get(grid), 200, `value="92.5"`, "已录入 1 / 1 人")
}
