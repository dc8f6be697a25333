package handlers

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/testkit"
)

// decidedApp drives a submitted application through the agency's confirmation and the
// admin's exam decisions (as the exam pages will) to 考试合格, or 考试不合格 when basic is
// below the pass mark.
func decidedApp(t *testing.T, e *env, id, name string, ag domain.Agency, basic int) (*client, domain.Application) {
	t.Helper()
	c, appID := submittedApp(t, e, id, name, ag)
	trainee := mustTrainee(t, e, id)
	reviewer := domain.User{ID: "r-" + ag.ID, Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "审核员"}
	admin := domain.User{ID: "a-exam", Role: domain.RoleAdmin, Name: "考务", Username: "exam"}
	now := e.clock.Now()
	exam := domain.Exam{TicketNumber: "2026" + id[14:], Venue: "考点", Room: "1", Seat: "1",
		Subjects: []domain.ExamSubject{{Name: "专业基础知识", Start: now, End: now.Add(2 * time.Hour)}}}
	var a domain.Application
	var err error
	for _, st := range []struct {
		who domain.User
		d   domain.Decision
	}{
		{reviewer, domain.Decision{Kind: domain.AppConfirmDecision}},
		{admin, domain.Decision{Kind: domain.AppScheduleDecision, Exam: &exam}},
		{admin, domain.Decision{Kind: domain.AppScoresDecision, Scores: &domain.Scores{Basic: domain.Points(basic), Practice: domain.Points(75)}}},
		{admin, domain.Decision{Kind: domain.AppResultDecision, PassMarks: domain.DefaultExamSettings()}},
	} {
		if a, err = e.st.DecideApplication(st.who, appID, st.d, now); err != nil {
			t.Fatal(err)
		}
	}
	if a.TraineeID != trainee.ID {
		t.Fatal("fixture: wrong trainee")
	}
	return c, a
}

// issueDigestOf reads the digest of the list that the "issue all" form carries.
func issueDigestOf(t *testing.T, r resp) string {
	t.Helper()
	m := regexp.MustCompile(`name="digest" value="([0-9a-f]{32})"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no digest in the page: %.800s", r.body)
	}
	return m[1]
}

// mailOf returns the newest rendered outbox message of a kind.
func (e *env) mailOf(kind domain.NotificationKind) (domain.Message, bool) {
	e.t.Helper()
	msgs, err := e.messages(200)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Kind == string(kind) {
			return m, true
		}
	}
	return domain.Message{}, false
}

func TestCertIssuePageIssuesOneAndAllWithClearRefusals(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	t1, a1 := decidedApp(t, e, idA, "王芳", agA, 80)
	_, a2 := decidedApp(t, e, idB, "李四", agB, 80)
	admin := e.staff(domain.RoleAdmin, "admin")

	must(t, admin.get("/"), 200, `href="/admin/certificates/issue" data-testid="tile-cert-issue"`)
	r := admin.get("/admin/certificates/issue")
	must(t, r, 200, "证书发放", "待发证 2 人", "王芳", "李四", a1.Number, "郑州中心", "洛阳中心", `name="expect" value="2"`,
		"/admin/certificates/issue/"+a1.ID, `data-label="姓名"`)
	if strings.Contains(r.body, idA) || strings.Contains(r.body, idB) {
		t.Fatal("the list shows an ID number")
	}
	must(t, admin.get("/admin/certificates/issue?agency="+agB.ID), 200, "待发证 1 人", "李四")
	if r := admin.get("/admin/certificates/issue?agency=" + agB.ID); strings.Contains(r.body, "王芳") {
		t.Fatal("the agency filter shows another agency's candidate")
	}
	must(t, admin.get("/admin/certificates/issue?post=101"), 200, "待发证 0 人", `data-testid="issue-empty"`)

	// One by one: the application becomes 已发证, the holder sees the certificate and its
	// QR, and has a mail worded like the page.
	r = admin.post("/admin/certificates/issue/"+a1.ID, url.Values{"agency": {agA.ID}})
	must(t, r, 303)
	if loc := r.header.Get("Location"); loc != "/admin/certificates/issue?agency="+agA.ID {
		t.Fatalf("back to %q", loc)
	}
	number := "412026111000001"
	must(t, admin.get("/admin/certificates/issue"), 200, "已发证：报名 "+a1.Number+"，证书编号 "+number, "待发证 1 人")
	if got, _ := e.st.ApplicationOf(a1.TraineeID, a1.ID); got.Status != domain.AppCertified || got.CertNumber != number {
		t.Fatalf("application: %s %s", got.Status, got.CertNumber)
	}
	r = t1.get("/certificates")
	must(t, r, 200, number, domain.PostLabel("111"), `data-testid="cert-status">有效<`)
	cert, err := e.st.CertificateByNumber(number)
	if err != nil {
		t.Fatal(err)
	}
	must(t, t1.get("/certificates/"+cert.ID), 200, `data-testid="cert-qr"`, "/v/"+cert.VerifyToken, "/certificates/"+cert.ID+"/print")
	m, ok := e.mailOf(domain.NotifyCertIssued)
	if !ok || m.Subject != "证书已发放："+number || !strings.Contains(m.Body, "证书编号："+number) ||
		!strings.Contains(m.Body, e.origin+"/certificates/"+cert.ID) || m.To != "a@example.com" {
		t.Fatalf("mail: %+v", m)
	}

	// Twice, and a failed application: the list says why, nothing changes.
	must(t, admin.post("/admin/certificates/issue/"+a1.ID, url.Values{}), 303)
	must(t, admin.get("/admin/certificates/issue"), 200, "已经发证（证书编号 "+number+"），不能重复发证", "待发证 1 人")
	_, failed := decidedApp(t, e, testkit.IDNumber("410105", time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC), 123), "赵六", agA, 40) // a failed candidate of agency A
	must(t, admin.post("/admin/certificates/issue/"+failed.ID, url.Values{}), 303)
	must(t, admin.get("/admin/certificates/issue"), 200, "考试不合格，不能发证")
	if _, err := e.st.CertificateByNumber("412026111000002"); err == nil {
		t.Fatal("a refusal used a number")
	}

	// All listed: a stale count or list issues nothing; the list as seen issues the rest.
	digest := issueDigestOf(t, admin.get("/admin/certificates/issue"))
	must(t, admin.post("/admin/certificates/issue", url.Values{"expect": {"5"}, "digest": {digest}}), 303)
	must(t, admin.get("/admin/certificates/issue"), 200, "您看到的是 5 人，现在是 1 人。没有发放任何证书", "待发证 1 人")
	must(t, admin.post("/admin/certificates/issue", url.Values{"expect": {"1"}, "digest": {"0123456789abcdef0123456789abcdef"}}), 303)
	must(t, admin.get("/admin/certificates/issue"), 200, "待发证名单中的人员已经变化", "待发证 1 人")
	must(t, admin.post("/admin/certificates/issue", url.Values{"expect": {"abc"}, "digest": {digest}}), 422)
	must(t, admin.post("/admin/certificates/issue", url.Values{"expect": {"1"}}), 422)
	must(t, admin.post("/admin/certificates/issue", url.Values{"expect": {"1"}, "digest": {digest}}), 303)
	must(t, admin.get("/admin/certificates/issue"), 200, "已发证 1 张，证书编号 412026111000002。", "待发证 0 人")
	if got, _ := e.st.ApplicationOf(a2.TraineeID, a2.ID); got.Status != domain.AppCertified {
		t.Fatalf("second application: %s", got.Status)
	}
	must(t, admin.post("/admin/certificates/issue", url.Values{"expect": {"0"}, "digest": {digest}}), 303)
	must(t, admin.get("/admin/certificates/issue"), 200, "没有待发证的报名")
	log, _ := e.st.AuditLog(storeFilter(domain.AuditCertificateIssue), 10)
	if len(log) != 2 {
		t.Fatalf("%d issue audit entries", len(log))
	}
}

func TestCertPagingKeepsTheFilter(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	admin := e.staff(domain.RoleAdmin, "admin")
	r := admin.get("/admin/certificates/issue?agency=" + ag.ID + "&post=111&page=3")
	must(t, r, 200, "待发证 0 人", `<option value="`+ag.ID+`" selected`)
	// An unknown agency or post shows everything rather than failing.
	must(t, admin.get("/admin/certificates/issue?agency=nope&post=999"), 200, "待发证 0 人")
}

func TestCertLookupRevokeCancelAndPublicCheck(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	t1, a1 := decidedApp(t, e, idA, "王芳", ag, 80)
	admin := e.staff(domain.RoleAdmin, "admin")
	admin.get("/admin/certificates/issue") // the form's CSRF token
	must(t, admin.post("/admin/certificates/issue/"+a1.ID, url.Values{}), 303)
	number := "412026111000001"
	cert, err := e.st.CertificateByNumber(number)
	if err != nil {
		t.Fatal(err)
	}

	must(t, admin.get("/admin/certificates"), 200, "按证书编号查找", `name="number"`)
	must(t, admin.get("/admin/certificates?number=412026111999999"), 404, "没有找到编号为“412026111999999”的证书")
	r := admin.get("/admin/certificates?number=" + url.QueryEscape(" 4120261110 00001 "))
	must(t, r, 303)
	if loc := r.header.Get("Location"); loc != "/admin/certificates/"+cert.ID {
		t.Fatalf("lookup went to %q", loc)
	}
	page := "/admin/certificates/" + cert.ID
	r = admin.get(page)
	must(t, r, 200, "证书 "+number, "王芳", domain.MaskID(idA), domain.PostLabel("111"), `data-testid="cert-withdraw"`, page+"/print")
	if strings.Contains(r.body, idA) {
		t.Fatal("the admin page shows the full ID number")
	}
	must(t, admin.get("/admin/certificates/00000000000000000000000000000000"), 404, "没有找到这张证书")
	must(t, admin.get("/admin/certificates/import"), 200, `data-testid="legacy-form"`) // passed on to 历史证书导入: not a certificate ID

	// Without a reason: 422, the choice kept, nothing changed.
	must(t, admin.post(page+"/withdraw", url.Values{"kind": {"revoke"}, "reason": {" "}}), 422,
		"请填写撤销原因", `<option value="revoke" selected`)
	must(t, admin.post(page+"/withdraw", url.Values{"kind": {"erase"}, "reason": {"原因原因"}}), 422, "请选择“注销”或“撤销”")
	if c, _ := e.st.CertificateByNumber(number); c.Status != domain.CertValid {
		t.Fatal("a refused form changed the certificate")
	}
	must(t, admin.post(page+"/withdraw", url.Values{"kind": {"revoke"}, "reason": {"个人承诺不实，学历证书系伪造"}}), 303)
	must(t, admin.get(page), 200, "证书 "+number+" 已撤销。公开查验页面已显示新状态", `data-testid="cert-withdrawn"`,
		"本证书已撤销", "个人承诺不实，学历证书系伪造")
	// The public check shows it at once.
	must(t, e.client().get("/v/"+cert.VerifyToken), 200, "证书撤销，不是有效证书", `data-testid="cert-status">撤销<`)
	must(t, t1.get("/certificates"), 200, `data-testid="cert-status">撤销<`)
	must(t, t1.get("/certificates/"+cert.ID), 200, `data-testid="cert-withdrawn"`, "撤销原因：个人承诺不实，学历证书系伪造", "不能再用于报名继续教育")
	must(t, t1.get("/apply/"+a1.ID), 200, "证书已撤销", number+"：个人承诺不实，学历证书系伪造") // the 报名记录 timeline
	// Twice: the first decision is named.
	must(t, admin.post(page+"/withdraw", url.Values{"kind": {"cancel"}, "reason": {"持证人申请"}}), 303)
	must(t, admin.get(page), 200, "由工作人员撤销（原因：个人承诺不实，学历证书系伪造），不能再注销")
	m, ok := e.mailOf(domain.NotifyCertWithdrawn)
	if !ok || m.Subject != "证书已撤销："+number || !strings.Contains(m.Body, "撤销原因：个人承诺不实，学历证书系伪造") {
		t.Fatalf("mail: %+v", m)
	}
	log, _ := e.st.AuditLog(storeFilter(domain.AuditCertificateRevoke), 10)
	if len(log) != 1 || !strings.Contains(log[0].Detail, "有效 → 撤销") {
		t.Fatalf("audit: %+v", log)
	}
	// Continuing education refuses the certificate at step 1.
	ceRules := domain.DefaultCESettings()
	ceRules.MaxAge = 100
	if err := e.st.SetCESettings(ceRules); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(400 * 24 * time.Hour) // into the first cycle (sessions have ended: sign in again)
	t1 = e.client()
	must(t, t1.login(idA, pwOK), 303)
	must(t, t1.get("/ce"), 200, `data-testid="ce-not-open"`, "这本证书已被撤销，不能报名继续教育")
	must(t, t1.post("/ce/new", url.Values{}), 303)
	if es, _ := e.st.EnrolmentsOf(cert.HolderID); len(es) != 0 {
		t.Fatalf("a draft was made with only a revoked certificate: %+v", es)
	}
}

func TestCertPrintOwnAndAdmin(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	t1, a1 := decidedApp(t, e, idA, "王芳", ag, 80)
	t2 := e.registered(idB, "李四")
	admin := e.staff(domain.RoleAdmin, "admin")
	admin.get("/admin/certificates/issue") // the form's CSRF token
	must(t, admin.post("/admin/certificates/issue/"+a1.ID, url.Values{}), 303)
	cert, err := e.st.CertificateByNumber("412026111000001")
	if err != nil {
		t.Fatal(err)
	}
	print := "/certificates/" + cert.ID + "/print"
	want := []string{`data-testid="print-sheet"`, "职业培训合格证", `data-testid="cert-number">412026111000001<`, "王芳",
		`data-testid="cert-id">` + domain.MaskID(idA) + "<", domain.PostLabel("111"), "郑州中心", `data-testid="cert-issuer">河南省住房和城乡建设厅<`,
		`data-testid="cert-status">有效<`, `data-testid="cert-qr"`, `data-testid="verify-url">` + e.origin + "/v/" + cert.VerifyToken + "<", "长期有效"}
	r := t1.get(print)
	must(t, r, 200, want...)
	if strings.Contains(r.body, idA) || strings.Contains(r.body, "cert-void") {
		t.Fatal("the print-out shows the full ID number or a void notice")
	}
	must(t, t2.get(print), 404)
	must(t, t1.get("/certificates/nope/print"), 404)
	r = admin.get("/admin/certificates/" + cert.ID + "/print")
	must(t, r, 200, want...)
	reason := "持证人本人申请注销<script>alert(1)</script>"
	must(t, admin.post("/admin/certificates/"+cert.ID+"/withdraw", url.Values{"kind": {"cancel"}, "reason": {reason}}), 303)
	must(t, t1.get(print), 200, `data-testid="cert-void"`, "本证书已注销，不是有效证书", `data-testid="cert-status">注销<`)
	// The reason is the admin's free text: escaped wherever it is shown.
	for _, r := range []resp{t1.get("/certificates/" + cert.ID), admin.get("/admin/certificates/" + cert.ID)} {
		must(t, r, 200, "持证人本人申请注销&lt;script&gt;alert(1)&lt;/script&gt;")
		if strings.Contains(r.body, "<script>alert(1)") {
			t.Fatal("the reason is not escaped")
		}
	}
}

// A certificate withdrawn while continuing education runs: the agency can no longer
// confirm a pending enrolment of it nor record hours on a confirmed one, and is told why.
func TestWithdrawnCertificateStopsContinuingEducationAtTheAgency(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	rules := domain.DefaultCESettings()
	rules.MaxAge = 100
	if err := e.st.SetCESettings(rules); err != nil {
		t.Fatal(err)
	}
	t1 := e.registered(idA, "王芳")
	u := e.holderOf(idA)
	pending := e.addCert(u, "412021101000123", nil)
	running := e.addCert(u, "412021101000124", nil)
	pendingID := ceEnrol(t, t1, pending.Number, ag)
	runningID := ceEnrol(t, t1, running.Number, ag)
	rev := e.reviewer(ag.ID, "reva")
	rev.get("/review/ce")
	must(t, rev.post("/review/ce/"+runningID+"/confirm", url.Values{}), 303)
	must(t, rev.post("/review/ce/courses", url.Values{"title": {"建筑施工技术"}, "category": {"专业"}, "hours": {"8"}}), 303)
	courses, err := e.st.Courses(mustUser(t, e, "reva"))
	if err != nil || len(courses) != 1 {
		t.Fatalf("courses: %v %v", courses, err)
	}
	admin := e.staff(domain.RoleAdmin, "admin")
	admin.get("/admin/certificates")
	must(t, admin.post("/admin/certificates/"+pending.ID+"/withdraw", url.Values{"kind": {"revoke"}, "reason": {"个人承诺不实"}}), 303)
	must(t, admin.post("/admin/certificates/"+running.ID+"/withdraw", url.Values{"kind": {"cancel"}, "reason": {"持证人本人申请"}}), 303)

	must(t, rev.post("/review/ce/"+pendingID+"/confirm", url.Values{}), 303)
	must(t, rev.get("/review/ce/"+pendingID), 200, "证书 412021101000123 已撤销，继续教育随之停止，不能再确认这份继续教育报名")
	if en, _ := e.st.EnrolmentOf(u.ID, pendingID); en.Status != domain.EnrolPending {
		t.Fatalf("pending enrolment is %s", en.Status)
	}
	day := e.clock.Now().In(chinaTZ).Format("2006-01-02")
	must(t, rev.post("/review/ce/"+runningID+"/records", url.Values{"course": {courses[0].ID}, "date": {day}}), 303)
	must(t, rev.get("/review/ce/"+runningID), 200, "证书 412021101000124 已注销，继续教育随之停止，不能再记录学时")
	if l, _ := e.st.LearningOf(u.ID); len(l.Records[running.ID]) != 0 {
		t.Fatal("hours were recorded on a cancelled certificate")
	}
}

// A certificate imported as already 注销 has no form to withdraw it again.
func TestAdminPageOfAnOldWithdrawnCertificate(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王芳")
	old := e.addCert(e.holderOf(idA), "豫建安C(2016)0012345", func(c *domain.Certificate) { legacy(c); c.Status = domain.CertCancelled })
	admin := e.staff(domain.RoleAdmin, "admin")
	r := admin.get("/admin/certificates/" + old.ID)
	must(t, r, 200, `data-testid="cert-withdrawn"`, "本证书已注销", "原有记录")
	if strings.Contains(r.body, `data-testid="cert-withdraw"`) {
		t.Fatal("the form to withdraw is offered again")
	}
	must(t, admin.post("/admin/certificates/"+old.ID+"/withdraw", url.Values{"kind": {"revoke"}, "reason": {"个人承诺不实"}}), 303)
	must(t, admin.get("/admin/certificates/"+old.ID), 200, "已经注销，不能再撤销")
}
