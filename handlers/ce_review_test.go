package handlers

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"sitepro/domain"
	"sitepro/export"
)

// ceFixture is a trainee enrolled at agency A (pending) with reviewers of A and B.
type ceFixture struct {
	e           *env
	trainee     *client
	u           domain.User
	agA, agB    domain.Agency
	revA, revA2 *client
	revB        *client
	enrolID     string
}

func newCEReviewFixture(t *testing.T) *ceFixture {
	t.Helper()
	e := newEnv(t)
	f := &ceFixture{e: e}
	f.agA, _ = e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"})
	f.agB, _ = e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	f.trainee = e.registered(ceID1, "王建国")
	f.u = e.holderOf(ceID1)
	e.addCert(f.u, "412021101000123", nil)
	f.enrolID = ceEnrol(t, f.trainee, "412021101000123", f.agA)
	f.revA = e.reviewer(f.agA.ID, "reva")
	f.revA2 = e.reviewer(f.agA.ID, "reva2")
	f.revB = e.reviewer(f.agB.ID, "revb")
	for _, c := range []*client{f.revA, f.revA2, f.revB} {
		c.get("/review/ce") // the CSRF token of the signed-in session
	}
	return f
}

func hx(c *client, path string) resp {
	return c.do("GET", path, nil, map[string]string{"HX-Request": "true"})
}

func TestCEReviewerQueueScopeAndOneWinner(t *testing.T) {
	f := newCEReviewFixture(t)
	e, id := f.e, f.enrolID
	must(t, f.revA.get("/review/ce"), 200, "继续教育 · 郑州中心", "sse:ce", `sse-connect="/review/events"`, `data-testid="tab-ce"`)
	rows := hx(f.revA, "/review/ce/rows")
	must(t, rows, 200, "王建国", "412021101000123", `data-testid="ce-queue-row"`, "共 1 条")
	if strings.Contains(rows.body, "<html") {
		t.Fatal("the htmx rows request got a whole page")
	}
	must(t, f.revA.get("/review/ce/rows"), 200, "<html", "王建国")
	must(t, hx(f.revB, "/review/ce/rows?status=all"), 200, "共 0 条")
	// The export holds the agency's own rows only, formula-safe CSV with a BOM.
	csvA := f.revA.get("/review/ce/export.csv")
	must(t, csvA, 200, "\xef\xbb\xbf报名编号,姓名,证书编号", "王建国,412021101000123")
	if n := strings.Count(strings.TrimSpace(csvA.body), "\n"); n != 1 {
		t.Errorf("agency A's CE export has %d data rows, want 1:\n%s", n, csvA.body)
	}
	if csvB := f.revB.get("/review/ce/export.csv?status=all"); csvB.status != 200 || strings.Contains(csvB.body, "王建国") {
		t.Errorf("agency B's CE export: %d, leaks A's enrolment: %v", csvB.status, strings.Contains(csvB.body, "王建国"))
	}
	must(t, f.revB.get("/review/ce/"+id), 404)
	must(t, f.revB.post("/review/ce/"+id+"/confirm", url.Values{}), 404)
	must(t, f.trainee.get("/review/ce"), 403)
	must(t, f.revA.get("/ce"), 403)
	must(t, f.revA.get("/review/ce/"+id), 200, "1101", `accesskey="c" data-testid="ce-confirm"`, "（Alt+C）", "河南某建筑公司")
	must(t, f.revA.post("/review/ce/"+id+"/return", url.Values{"reason": {" "}}), 422, `data-testid="err-reason"`)
	var wg sync.WaitGroup
	res := make([]resp, 2)
	for i, c := range []*client{f.revA, f.revA2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 0 {
				res[i] = c.post("/review/ce/"+id+"/return", url.Values{"reason": {"<b>简历</b>请写到目前的单位"}})
			} else {
				res[i] = c.post("/review/ce/"+id+"/confirm", url.Values{})
			}
		}()
	}
	wg.Wait()
	got, _ := e.st.EnrolmentOf(f.u.ID, id)
	if got.Status != domain.EnrolReturned && got.Status != domain.EnrolConfirmed {
		t.Fatalf("after two decisions: %s", got.Status)
	}
	if countMail(e, "ce_decision") != 1 || len(got.Timeline) != 3 {
		t.Fatalf("decision mails %d, timeline %d", countMail(e, "ce_decision"), len(got.Timeline))
	}
	if got.Status == domain.EnrolReturned {
		page := f.trainee.get("/ce/" + id)
		must(t, page, 200, "已退回", "&lt;b&gt;简历&lt;/b&gt;请写到目前的单位")
		// The trainee corrects and resubmits; the same number comes back to the queue.
		f.trainee.get("/ce/" + id + "/check")
		must(t, f.trainee.post("/ce/"+id+"/submit", url.Values{"confirm": {"1"}}), 303)
		must(t, f.revA.post("/review/ce/"+id+"/confirm", url.Values{}), 303)
	}
	if got, _ = e.st.EnrolmentOf(f.u.ID, id); got.Status != domain.EnrolConfirmed {
		t.Fatalf("not confirmed: %s", got.Status)
	}
	must(t, f.revA.post("/review/ce/"+id+"/confirm", url.Values{}), 303)
	must(t, f.revA.get("/review/ce/"+id), 200, "无法确认")
	must(t, f.trainee.post("/ce/"+id+"/delete", url.Values{}), 409, "不能删除")
	e.assertNoIDInLogs()
}

// csvFile builds an import file.
func csvFile(t *testing.T, rows ...[]string) []byte {
	t.Helper()
	var b bytes.Buffer
	tbl := export.Table{Header: rows[0], Rows: rows[1:]}
	if err := export.WriteCSV(&b, tbl); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCECoursesRecordsAndImport(t *testing.T) {
	f := newCEReviewFixture(t)
	e, id, rev := f.e, f.enrolID, f.revA
	must(t, rev.post("/review/ce/"+id+"/confirm", url.Values{}), 303)
	must(t, rev.get("/review/ce/"+id), 200, `data-testid="ce-no-courses"`)
	// Hours: negative, fractional abuse, too many — each refused with what to do.
	must(t, rev.get("/review/ce/courses"), 200, `data-testid="ce-courses-empty"`)
	for hours, msg := range map[string]string{"-2": "正数", "1.25": ".5", "0.01": ".5", "7.99": ".5", "9": "最多8学时", "0": "大于0", "1e1": "格式"} {
		must(t, rev.post("/review/ce/courses", url.Values{"title": {"课程"}, "category": {"专业"}, "hours": {hours}}), 422, `data-testid="err-hours"`, msg)
	}
	xss := `<script>alert(1)</script>施工技术`
	must(t, rev.post("/review/ce/courses", url.Values{"title": {xss}, "category": {"专业"}, "hours": {"8"}}), 303)
	must(t, rev.post("/review/ce/courses", url.Values{"title": {"法律法规"}, "category": {"公共"}, "hours": {"5"}}), 303)
	must(t, rev.post("/review/ce/courses", url.Values{"title": {"法律 法规"}, "category": {"公共"}, "hours": {"2"}}), 422, "已有同名课程")
	page := rev.get("/review/ce/courses")
	must(t, page, 200, "&lt;script&gt;alert(1)&lt;/script&gt;施工技术", "法律法规")
	if strings.Contains(page.body, "<script>alert") {
		t.Fatal("course title not escaped")
	}
	cs, _ := e.st.Courses(mustUser(t, e, "reva"))
	var prof domain.Course
	for _, c := range cs {
		if c.Title == xss {
			prof = c
		}
	}
	// One by one: the date must lie in the cycle and not in the future; no duplicates.
	rec := func(course, date string) resp {
		return rev.post("/review/ce/"+id+"/records", url.Values{"course": {course}, "date": {date}})
	}
	must(t, rec(prof.ID, "2026-11-27"), 422, "不能晚于今天")
	must(t, rec(prof.ID, "2026-09-14"), 422, "不在报名的第5周期")
	must(t, rec(prof.ID, "2026-02-30"), 422, "不是真实的日期")
	must(t, rec("bogus", "2026-11-20"), 422, "课程目录")
	must(t, f.revB.post("/review/ce/"+id+"/records", url.Values{"course": {prof.ID}, "date": {"2026-11-20"}}), 404)
	must(t, rec(prof.ID, "2026-11-20"), 303)
	must(t, rec(prof.ID, "2026-11-20"), 422, "已有记录")
	detail := rev.get("/review/ce/" + id)
	must(t, detail, 200, "学习中", "&lt;script&gt;alert(1)&lt;/script&gt;施工技术", "还需 24 学时")
	if strings.Contains(detail.body, "<script>alert") {
		t.Fatal("course title not escaped on the detail page")
	}
	learning := f.trainee.get("/ce/learning")
	must(t, learning, 200, "学习记录", "&lt;script&gt;alert(1)&lt;/script&gt;施工技术", "2026-11-20", "还需 24 学时（其中专业课至少 14 学时）", "2027年9月14日")
	if strings.Contains(learning.body, "<script>alert") || strings.Contains(learning.body, "style=") {
		t.Fatal("learning page: unescaped title or inline style")
	}
	before, _ := e.st.LearningOf(f.u.ID)
	cert := before.Certificates[0].ID
	// Wrong columns: the whole file is refused.
	bad := csvFile(t, []string{"证书编号", "姓名", "完成日期", "课程名称"}, []string{"412021101000123", "王建国", "2026-11-21", "法律法规"})
	must(t, rev.upload("/review/ce/import", "file", "学时.csv", bad), 422, "表头", "没有导入")
	// Any line in error: nothing is imported, every line's error is shown.
	withErrs := csvFile(t, domain.ImportHeader,
		[]string{"412021101000123", "王建国", "法律法规", "2026-11-21"},
		[]string{"412021101000123", "王建国", "法律法规", "2026-11-21"},
		[]string{"412021101000123", "李四", "法律法规", "2026-11-22"},
		[]string{"412099101000123", "王建国", "法律法规", "2026-11-22"},
		[]string{"412021101000123", "王建国", "不存在的课程", "2026-11-22"},
		[]string{"412021101000123", "王建国", xss, "2026-11-20"},
		[]string{"412021101000123", "王建国", "法律法规", "2026-13-01"})
	r := rev.upload("/review/ce/import", "file", "学时.csv", withErrs)
	must(t, r, 422, "全部导入或全部不导入", "没有导入任何记录", "第 3 行", "与第2行重复", "第 4 行", "持证人不一致",
		"第 5 行", "没有在本机构报名", "第 6 行", "课程目录", "第 7 行", "已有记录", "第 8 行", "不是真实的日期")
	if strings.Contains(r.body, "第 2 行</td>") {
		t.Fatal("a valid line is reported as an error")
	}
	if after, _ := e.st.LearningOf(f.u.ID); len(after.Records[cert]) != len(before.Records[cert]) {
		t.Fatal("an import with errors changed the records")
	}
	// A valid Excel import, filled into the downloaded template, completes the cycle and
	// mails the trainee once.
	tpl := rev.get("/review/ce/import/template.xlsx")
	must(t, tpl, 200)
	x, err := excelize.OpenReader(strings.NewReader(tpl.body))
	if err != nil {
		t.Fatalf("the template is not an Excel workbook: %v", err)
	}
	if head, _ := x.GetRows("学习记录"); len(head) != 1 || strings.Join(head[0], "|") != strings.Join(domain.ImportHeader, "|") {
		t.Fatalf("the template's rows = %q, want only the header %q", head, domain.ImportHeader)
	}
	for i, row := range [][]string{
		{"412021101000123", "王建国", xss, "2026-11-21"}, {"412021101000123", "王建国", xss, "2026-11-22"},
		{"412021101000123", "王建国", "法律法规", "2026/11/23"}, {"412021101000123", "王建国", "法律法规", "2026年11月24日"}} {
		_ = x.SetSheetRow("学习记录", "A"+strconv.Itoa(i+2), &row)
	}
	var xb bytes.Buffer
	_ = x.Write(&xb)
	must(t, rev.upload("/review/ce/import", "file", "学时.xlsx", xb.Bytes()), 200, "已导入 4 条学习记录", "学时已达标")
	if countMail(e, "ce_completed") != 1 {
		t.Fatalf("completion mails: %d", countMail(e, "ce_completed"))
	}
	got, _ := e.st.EnrolmentOf(f.u.ID, id)
	if got.Status != domain.EnrolCompleted {
		t.Fatalf("status after import: %s", got.Status)
	}
	must(t, f.trainee.get("/ce/learning"), 200, "本周期学时已达标", "34 / 32", ">有效<")
	must(t, f.trainee.get("/ce"), 200, "已完成")
	if log, _ := e.st.AuditLog(storeFilter("导入学习记录"), 10); len(log) != 1 {
		t.Fatalf("import audit entries: %d", len(log))
	}
	must(t, rev.upload("/review/ce/import", "file", "学时.xls", []byte("\xd0\xcf\x11\xe0")), 422, ".xlsx")
	e.assertNoIDInLogs()
}
