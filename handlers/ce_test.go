package handlers

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
)

// Trainees of enrolment age (idA's holder was born in 1949, idB's in 1880).
const (
	ceID1 = "410102199003071230"
	ceID2 = "410305198511120049"
)

var ceURL = regexp.MustCompile(`/ce/([0-9a-f]{32})/`)

// ceStart opens the enrolment wizard (a new draft or the open one) and returns its id.
func ceStart(t *testing.T, c *client) string {
	t.Helper()
	c.get("/ce")
	r := c.post("/ce/new", url.Values{})
	must(t, r, 303)
	m := ceURL.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("no step URL: %q", r.header.Get("Location"))
	}
	return m[1]
}

// ceEnrol runs the whole wizard for certificate number at agency ag and submits it.
func ceEnrol(t *testing.T, c *client, number string, ag domain.Agency) string {
	t.Helper()
	id := ceStart(t, c)
	base := "/ce/" + id + "/"
	for _, st := range []struct {
		step string
		v    url.Values
	}{
		{"cert", url.Values{"cert": {number}}},
		{"post", url.Values{"confirm": {"1"}}},
		{"agency", url.Values{"city": {ag.CityCode}, "agency": {ag.ID}}},
		{"resume", url.Values{"resume.0.from": {"2012-08"}, "resume.0.employer": {"河南某建筑公司"}, "resume.0.role": {"施工员"}}},
	} {
		must(t, c.post(base+st.step, st.v), 303)
	}
	c.get(base + "check")
	must(t, c.post(base+"submit", url.Values{"confirm": {"1"}}), 303)
	return id
}

// sameSession is a second client on c's session, for concurrent requests.
func sameSession(c *client) *client {
	d := &client{e: c.e, cookies: map[string]string{}, csrf: c.csrf}
	for k, v := range c.cookies {
		d.cookies[k] = v
	}
	return d
}

func TestCEEnrolmentWizard(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州建设职业培训中心", CityCode: "410100", Address: "郑州市金水区", Phone: "0371-65550101"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳培训部", CityCode: "410300"})
	c := e.registered(ceID1, "王建国")
	other := e.registered(ceID2, "李秀英")
	u := e.holderOf(ceID1)
	e.addCert(u, "412021101000123", nil)
	e.addCert(u, "豫建安C(2016)0012345", legacy)
	e.addCert(u, "412019101000777", func(c *domain.Certificate) { c.Status = domain.CertRevoked })
	e.addCert(e.holderOf(ceID2), "412021101000999", nil)
	events, stop := e.st.Events.Subscribe(agA.ID)
	defer stop()

	must(t, c.get("/ce"), 200, `data-testid="ce-none"`, "培训报名")
	id := ceStart(t, c)
	base := "/ce/" + id + "/"
	if r := c.get(base + "agency"); r.status != 303 || r.header.Get("Location") != base+"cert" {
		t.Fatalf("skipping ahead: %d %q", r.status, r.header.Get("Location"))
	}
	page := c.get(base + "cert")
	must(t, page, 200, "第 1 步，共 4 步", `data-testid="cert-pick"`, "412021101000123", ">撤销<", ">失效<", `data-testid="cert-not-enrollable"`)
	if strings.Count(page.body, `data-testid="cert-pick"`) != 1 {
		t.Fatal("a revoked or expired certificate is offered for enrolment")
	}
	if strings.Contains(page.body, `class="done`) {
		t.Error("a new enrolment's progress shows a step as done (the prefilled résumé)")
	}
	// An empty field is asked for (required first), not "not found".
	empty := c.post(base+"cert", url.Values{"cert": {""}})
	must(t, empty, 422, domain.MsgCertRequired)
	if strings.Contains(empty.body, domain.MsgCertNotYours) {
		t.Fatal("an empty certificate number is answered with not found")
	}
	// Someone else's number reveals nothing: the same answer as an unknown number.
	theirs := c.post(base+"cert", url.Values{"cert": {"412021101000999"}})
	unknown := c.post(base+"cert", url.Values{"cert": {"412021101000998"}})
	must(t, theirs, 422, domain.MsgCertNotYours)
	must(t, unknown, 422, domain.MsgCertNotYours)
	if strings.Contains(theirs.body, "李秀英") || strings.Count(theirs.body, domain.MsgCertNotYours) != strings.Count(unknown.body, domain.MsgCertNotYours) {
		t.Fatal("another trainee's certificate is distinguishable from an unknown one")
	}
	must(t, c.post(base+"cert", url.Values{"cert": {"豫建安C(2016)0012345"}}), 422, "已失效")
	must(t, c.post(base+"cert", url.Values{"pick": {"412019101000777"}}), 422, "已被撤销")
	must(t, c.post(base+"cert", url.Values{"pick": {"412021101000123"}}), 303)
	must(t, c.get(base+"post"), 200, "施工员", "土建施工", "第5周期（2026年9月15日—2027年9月14日）")
	must(t, c.post(base+"post", url.Values{}), 422, `data-testid="err-confirm"`)
	must(t, c.post(base+"post", url.Values{"confirm": {"1"}}), 303)
	// Step 3: the city first, then that city's agencies.
	must(t, c.post(base+"agency", url.Values{"op": {"city"}}), 422, `data-testid="err-city"`)
	r := c.post(base+"agency", url.Values{"city": {"410100"}, "op": {"city"}})
	if r.status != 303 || r.header.Get("Location") != base+"agency" {
		t.Fatalf("choosing the city: %d %q", r.status, r.header.Get("Location"))
	}
	page = c.get(base + "agency")
	must(t, page, 200, "郑州建设职业培训中心", "0371-65550101")
	if strings.Contains(page.body, "洛阳培训部") {
		t.Fatal("an agency of another city is offered")
	}
	must(t, page, 200, `name="shown_city" value="410100"`, `data-submit-on-change="f-city"`, `class="actions city-show"`)
	mustHideCityButtonWithScript(t, c, page)
	// 确定，下一步 with another city than the one listed (as a browser sends it, with the
	// listed city) shows that city's agencies, not "choose an agency".
	r = c.post(base+"agency", url.Values{"city": {"410300"}, "shown_city": {"410100"}})
	if r.status != 303 || r.header.Get("Location") != base+"agency" {
		t.Fatalf("another city with 确定，下一步: %d %q", r.status, r.header.Get("Location"))
	}
	if page = c.get(base + "agency"); !strings.Contains(page.body, "洛阳培训部") || strings.Contains(page.body, `data-testid="err-agency"`) {
		t.Fatal("the other city's agencies are not listed, or an error is shown before any choice")
	}
	// Listed, nothing chosen: now it is asked for.
	must(t, c.post(base+"agency", url.Values{"city": {"410300"}, "shown_city": {"410300"}}), 422, `data-testid="err-agency"`)
	must(t, c.post(base+"agency", url.Values{"city": {"410100"}, "op": {"city"}}), 303)
	must(t, c.post(base+"agency", url.Values{"city": {"410100"}, "agency": {agB.ID}}), 422, `data-testid="err-agency"`)
	must(t, c.post(base+"agency", url.Values{"city": {"410100"}, "agency": {agA.ID}}), 303)
	// Step 4: add a row without losing what was typed; at least one line is needed.
	must(t, c.post(base+"resume", url.Values{}), 422, `data-testid="err-resume"`)
	rows := url.Values{"resume.0.from": {"2012-08"}, "resume.0.employer": {"河南某建筑公司"}, "resume.0.role": {"施工员"}, "op": {"add"}}
	r = c.post(base+"resume", rows)
	if r.status != 200 || strings.Count(r.body, `data-testid="resume-row"`) != 2 || !strings.Contains(r.body, `value="河南某建筑公司"`) {
		t.Fatalf("add a résumé row: %d", r.status)
	}
	rows.Del("op")
	must(t, c.post(base+"resume", rows), 303)
	ceCheck := c.get(base + "check")
	must(t, ceCheck, 200, "确认报名", "412021101000123", "施工员（土建施工）", "郑州建设职业培训中心", "郑州市", "?back=check", "随证书确定")
	if strings.Contains(ceCheck.body, base+"post?back=check") {
		t.Error("确认报名 offers to change 岗位和专业, which follows from the certificate")
	}
	r = c.post(base+"post?back=check", url.Values{"confirm": {"1"}})
	if r.status != 303 || r.header.Get("Location") != base+"check" {
		t.Fatalf("修改 did not return to 确认报名: %q", r.header.Get("Location"))
	}
	must(t, c.post(base+"submit", url.Values{}), 422, "请勾选")
	// A double click: two requests of the same session at once (two clients, because a
	// client's cookie jar is not safe for concurrent use).
	var wg sync.WaitGroup
	res := make([]resp, 2)
	for i, cl := range []*client{c, sameSession(c)} {
		wg.Add(1)
		go func() { defer wg.Done(); res[i] = cl.post(base+"submit", url.Values{"confirm": {"1"}}) }()
	}
	wg.Wait()
	for _, r := range res {
		if r.status != 303 || r.header.Get("Location") != base+"done" {
			t.Fatalf("double submit: %d %q %.300s", r.status, r.header.Get("Location"), r.body)
		}
	}
	must(t, c.get(base+"done"), 200, "报名成功", "JX20261126")
	if countMail(e, "ce_submitted") != 1 {
		t.Fatal("submission mail not exactly once")
	}
	select {
	case q := <-events:
		if q != "ce" {
			t.Fatalf("broker rang %q", q)
		}
	case <-time.After(time.Second):
		t.Fatal("the agency's queue was not rung")
	}
	must(t, c.get("/ce"), 200, "待确认", "第5周期", "郑州建设职业培训中心")
	learning := c.get("/ce/learning")
	must(t, learning, 200, "郑州建设职业培训中心（待确认）", `data-testid="ce-closed"`, "旧版证书", "还需 32 学时（其中专业课至少 22 学时）")
	if n := strings.Count(learning.body, `data-testid="ce-cycle"`); n != 1 {
		t.Fatalf("%d cycles shown; only the current one has records, an enrolment or an assessment", n)
	}
	must(t, c.get(base+"print"), 200, "继续教育培训报名表", ceID1, "JX20261126")
	must(t, c.get(base[:len(base)-1]), 200, `data-testid="timeline"`, `data-testid="delete"`)
	// A second enrolment for the same certificate and cycle is refused: with no other
	// certificate that can be enrolled, before any draft is made.
	must(t, c.get("/ce"), 200, `data-testid="ce-not-open"`, "已经报名（JX20261126", "已被撤销")
	r = c.post("/ce/new", url.Values{})
	if r.status != 303 || r.header.Get("Location") != "/ce" {
		t.Fatalf("start with nothing to enrol: %d %q", r.status, r.header.Get("Location"))
	}
	if es, _ := e.st.EnrolmentsOf(u.ID); len(es) != 1 {
		t.Fatalf("%d enrolments after a refused start", len(es))
	}
	// Another trainee cannot see or touch the enrolment.
	for _, p := range []string{base[:len(base)-1], base + "print", base + "check", base + "cert"} {
		must(t, other.get(p), 404)
	}
	must(t, other.post(base+"delete", url.Values{}), 404)
	// (Deleting a draft: TestCEStartOnlyWithACertificateThatCanBeEnrolled.)
	e.assertNoIDInLogs()
}

func TestCEEnrolmentAgeLimit(t *testing.T) {
	e := newEnv(t)
	_, _ = e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	c := e.registered(idA, "王芳") // born 1949-12-31
	e.addCert(e.holderOf(idA), "412021101000123", nil)
	// The age limit is one of step 1's rules: with no other certificate, nothing starts.
	must(t, c.get("/ce"), 200, `data-testid="ce-not-open"`, "18至65周岁", "76周岁")
	must(t, c.post("/ce/new", url.Values{}), 303)
	if es, _ := e.st.EnrolmentsOf(e.holderOf(idA).ID); len(es) != 0 {
		t.Fatalf("a draft was made for a trainee over the age limit: %+v", es)
	}
}

func TestCEResumePrefilledFromLastApplication(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	c := e.registered(ceID1, "王建国")
	u := e.holderOf(ceID1)
	e.addCert(u, "412021101000123", nil)
	now := e.clock.Now()
	e.st.AgreeNotice(u.ID, domain.NoticeVersion, now)
	a, _ := e.st.StartApplication(u, now)
	for _, in := range []domain.StepInput{ // the steps before the résumé (SaveStep gates, issue 15)
		{Step: domain.StepEmployment, Employment: "待业"},
		{Step: domain.StepCity, City: ag.CityCode},
		{Step: domain.StepAgency, Info: domain.AppInfoInput{AgencyID: ag.ID, Phone: "13812345678",
			Profile: domain.ProfileInput{Education: "大学本科"}}},
		{Step: domain.StepPost, Post: "111"},
		{Step: domain.StepResume, Resume: []domain.ResumeInput{{From: "2015-03", Employer: "中建七局第二建筑有限公司", Role: "施工员"}}},
	} {
		if _, err := e.st.SaveStep(u.ID, a.ID, in, now); err != nil {
			t.Fatal(err)
		}
	}
	id := ceStart(t, c)
	base := "/ce/" + id + "/"
	// The prefilled résumé does not make step 4 look done before the trainee gets there.
	if first := c.get(base + "cert"); strings.Contains(first.body, `class="done`) {
		t.Error("step 1 of a new enrolment shows a later step as done")
	}
	must(t, c.post(base+"cert", url.Values{"cert": {"412021101000123"}}), 303)
	must(t, c.post(base+"post", url.Values{"confirm": {"1"}}), 303)
	must(t, c.post(base+"agency", url.Values{"city": {ag.CityCode}, "agency": {ag.ID}}), 303)
	must(t, c.get(base+"resume"), 200, `value="中建七局第二建筑有限公司"`, `value="2015-03"`)
	must(t, c.post(base+"resume", url.Values{"resume.0.from": {"2015-03"}, "resume.0.employer": {"中建七局第二建筑有限公司"}, "resume.0.role": {"施工员"}}), 303)
	must(t, c.get(base+"check"), 200, "中建七局第二建筑有限公司")
}

// TestCEKeepsTypedInputOfAFailedStep: as in 新取证, what was typed in a step that failed
// its checks is kept in the draft; leaving the step (上一步, the task list) and coming
// back shows it again, marked as not saved, and saving the step drops it.
func TestCEKeepsTypedInputOfAFailedStep(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	c := e.registered(ceID1, "王建国")
	u := e.holderOf(ceID1)
	e.addCert(u, "412021101000123", nil)
	id := ceStart(t, c)
	base := "/ce/" + id + "/"

	// Step 1: a mistyped certificate number is refused; after a visit to 继续教育 the step
	// shows the number as typed, not the empty field.
	must(t, c.post(base+"cert", url.Values{"cert": {"412021101000124"}}), 422, domain.MsgCertNotYours, `value="412021101000124"`)
	c.get("/ce")
	must(t, c.get(base+"cert"), 200, `data-testid="typed-restored"`, `value="412021101000124"`, `data-testid="error-summary"`, domain.MsgCertNotYours)
	must(t, c.post(base+"cert", url.Values{"cert": {"412021101000123"}}), 303)
	if back := c.get(base + "cert"); strings.Contains(back.body, `data-testid="typed-restored"`) || strings.Contains(back.body, "412021101000124") {
		t.Error("after the certificate step was saved it still shows the refused number")
	}
	must(t, c.post(base+"post", url.Values{"confirm": {"1"}}), 303)
	must(t, c.post(base+"agency", url.Values{"city": {ag.CityCode}, "agency": {ag.ID}}), 303)

	// Step 4: two entries, the second ending before it starts.
	bad := url.Values{"resume.0.from": {"2012-08"}, "resume.0.employer": {"河南某建筑公司"}, "resume.0.role": {"施工员"},
		"resume.1.from": {"2015-01"}, "resume.1.to": {"2014-01"}, "resume.1.employer": {"郑州某公司"}, "resume.1.role": {"技术员"}}
	must(t, c.post(base+"resume", bad), 422, `data-testid="error-summary"`, `value="郑州某公司"`)
	// 上一步 and back: both entries as typed, said to be unsaved; nothing was saved.
	must(t, c.get(base+"agency"), 200)
	back := c.get(base + "resume")
	must(t, back, 200, `data-testid="typed-restored"`, `data-testid="error-summary"`, `value="郑州某公司"`, `value="2014-01"`, `value="技术员"`)
	if n := strings.Count(back.body, `data-testid="resume-row"`); n != 2 {
		t.Errorf("the kept résumé shows %d entries, want 2", n)
	}
	en, err := e.st.EnrolmentOf(u.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(en.Resume) != 0 || en.Done(domain.CEStepResume) {
		t.Errorf("an invalid résumé was saved as the answer: %+v", en.Resume)
	}
	// The check page is not open yet: the step is still to be done.
	if r := c.get(base + "check"); r.status != 303 || r.header.Get("Location") != base+"resume" {
		t.Errorf("确认报名 with a failed step 4: %d %q, want the step", r.status, r.header.Get("Location"))
	}
	// Adding a row keeps what was typed too (and the extra row).
	rows := url.Values{"resume.0.from": {"2012-08"}, "resume.0.employer": {"河南某建筑公司"}, "resume.0.role": {"施工员"}, "op": {"add"}}
	must(t, c.post(base+"resume", rows), 200, `value="河南某建筑公司"`)
	if n := strings.Count(c.get(base+"resume").body, `data-testid="resume-row"`); n != 2 {
		t.Errorf("after adding a row and leaving, the step shows %d entries, want 2", n)
	}
	// Removing it again: the removed row does not come back either.
	two := url.Values{"resume.0.from": {"2012-08"}, "resume.0.employer": {"河南某建筑公司"}, "resume.0.role": {"施工员"},
		"resume.1.from": {"2015-01"}, "resume.1.employer": {"郑州某公司"}, "op": {"remove-1"}}
	must(t, c.post(base+"resume", two), 200)
	if after := c.get(base + "resume").body; strings.Count(after, `data-testid="resume-row"`) != 1 || strings.Contains(after, "郑州某公司") {
		t.Errorf("after removing the second entry and leaving, the step shows it again")
	}
	rows.Del("op")
	must(t, c.post(base+"resume", rows), 303)
	saved := c.get(base + "resume")
	if strings.Contains(saved.body, `data-testid="typed-restored"`) || strings.Contains(saved.body, "郑州某公司") {
		t.Error("after saving, the step still shows the earlier unsaved typing")
	}
	if en, _ := e.st.EnrolmentOf(u.ID, id); len(en.Typed) != 0 || len(en.Resume) != 1 {
		t.Errorf("after saving: typed %v, résumé %+v; want nothing kept and one entry", en.Typed, en.Resume)
	}
	must(t, c.get(base+"check"), 200, "河南某建筑公司")
}

// 培训报名 makes no draft for someone who cannot enrol now (no certificate, or none due
// yet): /ce says why and what to do. With a certificate it starts a draft, the button
// then reads 继续填写草稿, and the draft can be deleted from its card (audited).
func TestCEStartOnlyWithACertificateThatCanBeEnrolled(t *testing.T) {
	e := newEnv(t)
	c := e.registered(ceID1, "王建国")
	u := e.holderOf(ceID1)
	noDraft := func(when string) {
		t.Helper()
		if es, _ := e.st.EnrolmentsOf(u.ID); len(es) != 0 {
			t.Fatalf("%s: a draft was made: %+v", when, es)
		}
	}
	refused := func(when string) {
		t.Helper()
		r := c.post("/ce/new", url.Values{})
		if r.status != 303 || r.header.Get("Location") != "/ce" {
			t.Fatalf("%s: start: %d %q", when, r.status, r.header.Get("Location"))
		}
		must(t, c.get("/ce"), 200, domain.MessageOf(domain.ErrCENotOpen))
		noDraft(when)
	}

	// No certificate: what 继续教育 is for, and the way to one (新取证).
	page := c.get("/ce")
	must(t, page, 200, `data-testid="ce-no-cert"`, "您的账号名下还没有证书", `href="/apply" data-testid="ce-apply-link"`, `data-testid="ce-none"`)
	if strings.Contains(page.body, `data-testid="ce-new"`) {
		t.Fatal("the start button is offered without a certificate")
	}
	refused("no certificate")

	// A certificate issued this year: its first cycle opens next year, and the page says when.
	e.addCert(u, "412026101000321", func(c *domain.Certificate) { c.IssuedOn = time.Date(2026, 10, 16, 0, 0, 0, 0, time.UTC) })
	page = c.get("/ce")
	must(t, page, 200, `data-testid="ce-not-open"`, "412026101000321", "第一个学时周期从2027年10月16日开始")
	if strings.Contains(page.body, `data-testid="ce-new"`) || strings.Contains(page.body, `data-testid="ce-no-cert"`) {
		t.Fatal("a start button or the no-certificate note beside a certificate not due yet")
	}
	refused("not due yet")

	// A certificate that can be enrolled: 培训报名 starts a draft; then 继续填写草稿.
	e.addCert(u, "412021101000123", nil)
	must(t, c.get("/ce"), 200, `data-testid="ce-new">培训报名<`)
	id := ceStart(t, c)
	page = c.get("/ce")
	must(t, page, 200, `data-testid="ce-new">继续填写草稿<`, `data-testid="ce-draft-hint"`, `href="/ce/`+id+`/delete" data-testid="ce-card-delete"`)
	if strings.Contains(page.body, `data-testid="ce-not-open"`) {
		t.Fatal("the not-open note beside a draft")
	}
	if again := ceStart(t, c); again != id {
		t.Fatalf("a second draft %s beside %s", again, id)
	}
	// Deleting it: asked first, then gone, audited; the button reads 培训报名 again.
	must(t, c.get("/ce/"+id+"/delete"), 200, "确定删除这份继续教育报名吗？")
	r := c.post("/ce/"+id+"/delete", url.Values{})
	if r.status != 303 || r.header.Get("Location") != "/ce" {
		t.Fatalf("delete: %d %q", r.status, r.header.Get("Location"))
	}
	must(t, c.get("/ce"), 200, "继续教育报名已删除。", `data-testid="ce-new">培训报名<`, `data-testid="ce-none"`)
	noDraft("deleted")
	log, _ := e.st.AuditLog(storeFilter(domain.AuditEnrolDelete), 10)
	if len(log) != 1 || log[0].Object != id || log[0].ActorID != u.ID {
		t.Fatalf("audit of the deletion: %+v", log)
	}
	e.assertNoIDInLogs()
}
