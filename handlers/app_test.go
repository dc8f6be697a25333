package handlers

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"sitepro/domain"
)

var appURL = regexp.MustCompile(`/apply/([0-9a-f]{32})/`)

// startWizard agrees to the notice and opens a draft; it returns the application id.
func startWizard(t *testing.T, c *client) string {
	t.Helper()
	must(t, c.get("/apply"), 200, "告知承诺制告知书")
	must(t, c.post("/apply/agree", url.Values{}), 303)
	must(t, c.get("/apply"), 200, `data-testid="apply-new"`)
	r := c.post("/apply/new", url.Values{})
	must(t, r, 303)
	m := appURL.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("no step URL: %q", r.header.Get("Location"))
	}
	return m[1]
}

func TestWizardEndToEnd(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州建设职业培训中心", CityCode: "410100", Address: "郑州市金水区", Phone: "0371-65550101"})
	_, _ = e.st.PutAgency(domain.Agency{Name: "洛阳培训部", CityCode: "410300"})
	c := e.registered(idA, "王芳")
	id := startWizard(t, c)
	base := "/apply/" + id + "/"
	// Skipping ahead by URL lands on the first unfinished step.
	r := c.get(base + "pledge")
	if r.status != 303 || r.header.Get("Location") != base+"employment" {
		t.Fatalf("skip by URL: %d %q", r.status, r.header.Get("Location"))
	}
	must(t, c.get(base+"employment"), 200, "第 1 步，共 9 步")
	must(t, c.post(base+"employment", url.Values{}), 422, `data-testid="err-employment"`)
	must(t, c.post(base+"employment", url.Values{"employment": {"在职（有工作单位）"}}), 303)
	must(t, c.post(base+"city", url.Values{"city": {"410100"}}), 303)
	page := c.get(base + "agency")
	must(t, page, 200, "郑州建设职业培训中心", "0371-65550101")
	if strings.Contains(page.body, "洛阳培训部") {
		t.Fatal("an agency of another city is offered")
	}
	step3 := url.Values{"agency": {ag.ID}, "phone": {"138"}, "education": {"大学本科"}, "school": {"郑州大学"}}
	must(t, c.post(base+"agency", step3), 422, `data-testid="err-phone"`, `data-testid="err-employer"`, `value="郑州大学"`)
	step3.Set("phone", "13812345678")
	step3.Set("employer", "河南某建筑公司")
	step3.Set("credit_code", "91350100M000100Y43")
	must(t, c.post(base+"agency", step3), 303)
	must(t, c.get(base+"agency"), 200, `value="河南某建筑公司"`, "郑州建设职业培训中心")
	must(t, c.post(base+"post", url.Values{"post": {"110"}}), 422, `data-testid="err-post"`)
	must(t, c.post(base+"post", url.Values{"post": {"101"}}), 303)
	// Résumé: the employer from step 3 is suggested as the first entry.
	must(t, c.get(base+"resume"), 200, `name="resume.0.employer"`, `value="河南某建筑公司"`)
	// Add a row without losing what was typed, then save.
	rows := url.Values{"resume.0.from": {"2012-08"}, "resume.0.employer": {"河南某建筑公司"}, "resume.0.role": {"施工员"}, "op": {"add"}}
	r = c.post(base+"resume", rows)
	must(t, r, 200, `value="河南某建筑公司"`)
	if strings.Count(r.body, `data-testid="resume-row"`) != 2 {
		t.Fatal("add did not show a second row")
	}
	rows.Del("op")
	// An error of the second entry: the summary says which entry it is about.
	bad := url.Values{"resume.0.from": {"2012-08"}, "resume.0.employer": {"河南某建筑公司"}, "resume.0.role": {"施工员"},
		"resume.1.from": {"2015-01"}, "resume.1.to": {"2014-01"}, "resume.1.employer": {"郑州某公司"}, "resume.1.role": {"技术员"},
		"achievements": {"参与郑州某住宅项目"}}
	must(t, c.post(base+"resume", bad), 422, `data-testid="error-summary"`, "第 2 段工作经历：", `value="郑州某公司"`)
	// Leaving now loses nothing: the step shows what was typed (both entries, the text),
	// says it is not saved yet, and the step is still not done.
	back := c.get(base + "resume")
	must(t, back, 200, `data-testid="typed-restored"`, `data-testid="error-summary"`, "第 2 段工作经历：", `value="郑州某公司"`, `value="2014-01"`, "参与郑州某住宅项目")
	if n := strings.Count(back.body, `data-testid="resume-row"`); n != 2 {
		t.Errorf("the kept résumé shows %d entries, want 2", n)
	}
	if got, _ := e.st.ApplicationOf(mustTrainee(t, e, idA).ID, id); len(got.Resume) != 0 {
		t.Errorf("an invalid résumé was saved as the answer: %+v", got.Resume)
	}
	must(t, c.post(base+"resume", rows), 303)
	// Saved: the kept typing is gone and the saved answer is shown.
	saved := c.get(base + "resume")
	if strings.Contains(saved.body, `data-testid="typed-restored"`) || strings.Contains(saved.body, "郑州某公司") {
		t.Error("after saving, the step still shows the earlier unsaved typing")
	}
	must(t, c.post(base+"pledge", url.Values{"signature": {"李四"}}), 422, `data-testid="err-agree"`, `value="李四"`)
	must(t, c.post(base+"pledge", url.Values{"signature": {"王芳"}, "agree": {"1"}}), 303)
	docs := map[string]string{}
	for i, step := range []string{"id-front", "id-back", "diploma"} {
		must(t, c.upload(base+step, "file", "scan.jpg", colourJPEG(t, 400, 400, true)), 422, "彩色")
		must(t, c.upload(base+step, "file", "x.pdf", []byte("%PDF-1.4")), 422, `data-testid="err-file"`)
		docs[step] = uploadAndCheck(t, c, base, step, []string{"id-back", "diploma", "check"}[i])
	}
	// Replacing a picture: the new one is shown on the step, the old one is gone from it.
	newFront := uploadAndCheck(t, c, base, "id-front", "id-back")
	if newFront == docs["id-front"] {
		t.Error("replacing the ID front kept the old picture on the step")
	}
	// Opened from 核对信息, the step goes back there after the upload is checked.
	r = c.upload(base+"diploma?back=check", "file", "photo.jpg", colourJPEG(t, 1600, 2400, false))
	if r.status != 303 || r.header.Get("Location") != base+"diploma?back=check" {
		t.Fatalf("an upload from 核对信息 went to %d %q, want the step again (with back=check)", r.status, r.header.Get("Location"))
	}
	fromCheck := c.get(base + "diploma?back=check")
	must(t, fromCheck, 200, `data-testid="doc-current"`, `href="`+base+`check" data-testid="step-next">确定，返回核对`, "点“确定，返回核对”")
	if strings.Contains(fromCheck.body, `data-testid="step-back"`) {
		t.Error("a document step opened from 核对信息 offers 上一步, which leaves the change")
	}
	// Check answers, change one answer and come back.
	check := c.get(base + "check")
	must(t, check, 200, "核对信息", "郑州大学", "施工员（土建施工）", "已签名：王芳", "?back=check", `data-testid="check-photo"`)
	must(t, check, 200, "参加工作时间", "通讯地址", "主要工作业绩", `data-testid="check-photo-row"`)
	if n := strings.Count(check.body, `data-testid="check-thumb"`); n != 3 {
		t.Errorf("核对信息 shows %d thumbnails of the uploaded images, want 3", n)
	}
	thumbs := regexp.MustCompile(`class="doc-thumb"[^>]*>\s*<img src="([^"]+)"`).FindAllStringSubmatch(check.body, -1)
	if len(thumbs) != 3 {
		t.Errorf("found %d thumbnail images, want 3", len(thumbs))
	}
	for _, m := range thumbs {
		must(t, c.get(m[1]), 200) // each thumbnail is the owner's image
	}
	change := c.get(base + "post?back=check")
	must(t, change, 200, `data-testid="step-back-check"`, `href="`+base+`check"`, "保存并返回核对")
	if strings.Contains(change.body, `data-testid="step-back"`) {
		t.Error("a step opened from 核对信息 offers 上一步, which leaves the change")
	}
	r = c.post(base+"post?back=check", url.Values{"post": {"106"}})
	if r.status != 303 || r.header.Get("Location") != base+"check" {
		t.Fatalf("修改 did not return to the check page: %d %q", r.status, r.header.Get("Location"))
	}
	must(t, c.get(base+"check"), 200, "质量员（土建施工）")
	must(t, c.post(base+"submit", url.Values{}), 422, "请勾选")
	// Double click: two submits, one submission.
	var wg sync.WaitGroup
	results := make([]resp, 2)
	for i := range results {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = c.post(base+"submit", url.Values{"confirm": {"1"}}) }()
	}
	wg.Wait()
	for _, r := range results {
		if r.status != 303 || r.header.Get("Location") != base+"done" {
			t.Fatalf("double submit: %d %q %.300s", r.status, r.header.Get("Location"), r.body)
		}
	}
	done := c.get(base + "done")
	must(t, done, 200, "报名已提交", "XQ", `href="/apply" data-testid="done-records">查看报名记录`, `data-testid="done-detail">查看这份报名`)
	apps, _ := e.st.ApplicationsOf(mustTrainee(t, e, idA).ID)
	if len(apps) != 1 || apps[0].Status != domain.AppSubmitted || len(apps[0].Timeline) != 2 {
		t.Fatalf("after submit: %+v", apps)
	}
	if n := countMail(e, "application_submitted"); n != 1 {
		t.Fatalf("submission mails: %d", n)
	}
	// Submitted: steps can no longer be edited; records show status and actions.
	r = c.post(base+"post", url.Values{"post": {"101"}})
	if r.status != 303 || r.header.Get("Location") != base[:len(base)-1] {
		t.Fatalf("editing a submitted application: %d %q", r.status, r.header.Get("Location"))
	}
	must(t, c.get(base[:len(base)-1]), 200, "已提交，待机构确认", `data-testid="timeline"`, `data-testid="delete"`)
	// Another trainee cannot see or touch it.
	other := e.registered(idB, "李四")
	must(t, other.get(base[:len(base)-1]), 404)
	must(t, other.post(base+"delete", url.Values{}), 404)
	must(t, other.get(base+"employment"), 404)
	// Delete asks first, then deletes.
	must(t, c.get(base+"delete"), 200, "确定删除")
	must(t, c.post(base+"delete", url.Values{}), 303)
	must(t, c.get("/apply"), 200, `data-testid="no-apps"`)
	e.assertNoIDInLogs()
}

func mustTrainee(t *testing.T, e *env, id string) domain.User {
	u, err := e.st.UserByLogin(id, true)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func countMail(e *env, kind string) int {
	msgs, _ := e.messages(1000)
	n := 0
	for _, m := range msgs {
		if m.Kind == kind {
			n++
		}
	}
	return n
}

func TestWizardNeedsNoticeAndSurvivesNewSession(t *testing.T) {
	e := newEnv(t)
	c := e.registered(idA, "王芳")
	c.get("/")
	r := c.post("/apply/new", url.Values{})
	if r.status != 303 || r.header.Get("Location") != "/apply" {
		t.Fatalf("wizard without notice: %d %q", r.status, r.header.Get("Location"))
	}
	id := startWizard(t, c)
	must(t, c.post("/apply/"+id+"/employment", url.Values{"employment": {"待业"}}), 303)
	// The session expires mid-wizard: a new login finds the draft again.
	e.clock.Add(13 * 60 * 60 * 1e9)
	if r := c.get("/apply/" + id + "/city"); r.status != 303 {
		t.Fatalf("expired session still valid: %d", r.status)
	}
	phone := e.client()
	must(t, phone.login(idA, pwOK), 303)
	phone.get("/")
	r = phone.post("/apply/new", url.Values{})
	if !strings.Contains(r.header.Get("Location"), id+"/city") {
		t.Fatalf("resume on another device went to %q", r.header.Get("Location"))
	}
	must(t, phone.get("/apply/"+id+"/employment"), 200, fmt.Sprintf(`value="%s" checked`, "待业"))
}

// uploadAndCheck uploads a picture to a document step and follows it as a trainee would:
// the upload comes back to the step (not the next one), which says it was uploaded and
// shows the picture kept (the owner's image route, no ID number in the URL), 更换 and
// 确定，下一步 to next; it returns the picture's upload id.
func uploadAndCheck(t *testing.T, c *client, base, step, next string) string {
	t.Helper()
	r := c.upload(base+step, "file", "photo.jpg", colourJPEG(t, 2400, 1600, false))
	if r.status != 303 || r.header.Get("Location") != base+step {
		t.Fatalf("upload to %s: %d %q, want the step itself", step, r.status, r.header.Get("Location"))
	}
	page := c.get(base + step)
	title := map[string]string{"id-front": "身份证正面", "id-back": "身份证反面", "diploma": "学历证书"}[step]
	must(t, page, 200, `data-testid="flash"`, title+"已上传。请核对下面的图片", `data-testid="doc-current"`,
		`data-testid="doc-replace"`, "更换图片", `data-testid="doc-input"`, `data-testid="step-back"`,
		`href="`+base+next+`" data-testid="step-next">确定，下一步`)
	m := regexp.MustCompile(`<img src="/documents/([0-9a-f]+)" alt="您上传的` + title + `（点击查看大图）" data-testid="doc-current"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("step %s does not show the uploaded picture through /documents/:id:\n%.2000s", step, page.body)
	}
	img := c.get("/documents/" + m[1])
	if img.status != 200 || img.header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(img.body, "\xff\xd8") {
		t.Fatalf("the step's picture: %d %q", img.status, img.header.Get("Content-Type"))
	}
	// Opening the done step again shows the same picture, without the flash.
	again := c.get(base + step)
	must(t, again, 200, `src="/documents/`+m[1]+`"`, "更换图片")
	if strings.Contains(again.body, "已上传。请核对") {
		t.Error("the upload's flash is shown again on the next visit")
	}
	return m[1]
}
