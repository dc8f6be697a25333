package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
	"sitepro/views"
)

// TestLoginRefusalSaidOnce: a wrong password is said once (not in a summary and again
// in the form), and the password is not put back into the field.
func TestLoginRefusalSaidOnce(t *testing.T) {
	e := newEnv(t)
	e.registered(idA, "王芳")
	c := e.client()
	c.get("/login")
	r := c.login(idA, "wrong password 9")
	must(t, r, 401, `data-testid="err-form"`, "身份证号（用户名）或密码不正确")
	if n := strings.Count(r.body, "身份证号（用户名）或密码不正确"); n != 1 {
		t.Errorf("the refusal is said %d times, want once", n)
	}
	if strings.Contains(r.body, "请修改以下内容") || strings.Contains(r.body, "wrong password 9") {
		t.Error("a field-error summary or the typed password is on the page")
	}
}

// TestAgencyStepSaysPrefilledOnlyWhenItIs: step 3 of 新取证 says the information was
// filled in from the profile only when the profile had some.
func TestAgencyStepSaysPrefilledOnlyWhenItIs(t *testing.T) {
	e := newEnv(t)
	e.st.PutAgency(domain.Agency{Name: "郑州建设职业培训中心", CityCode: "410100"})
	step3 := func(c *client) resp {
		id := startWizard(t, c)
		must(t, c.post("/apply/"+id+"/employment", url.Values{"employment": {"待业"}}), 303)
		must(t, c.post("/apply/"+id+"/city", url.Values{"city": {"410100"}}), 303)
		return c.get("/apply/" + id + "/agency")
	}
	r := step3(e.registered(idA, "王芳"))
	must(t, r, 200, "请填写以下信息。")
	if strings.Contains(r.body, "已根据您的个人资料自动填写") {
		t.Error("step 3 claims a prefill from an empty profile")
	}
	c := e.registered(idB, "李强")
	if _, err := e.st.UpdateProfile(mustTrainee(t, e, idB).ID, domain.Profile{Education: "大学本科", School: "河南大学"}, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	must(t, step3(c), 200, `data-testid="prefilled"`, "已根据您的个人资料自动填写", `value="河南大学"`)
}

// TestStartButtonSaysWhatItDoes: 报名记录's button starts a new application, or, with a
// draft, says it continues the draft.
func TestStartButtonSaysWhatItDoes(t *testing.T) {
	e := newEnv(t)
	c := e.registered(idA, "王芳")
	id := startWizard(t, c)
	must(t, c.get("/apply"), 200, `data-testid="apply-new">继续填写草稿<`)
	c.get("/apply/" + id + "/delete")
	must(t, c.post("/apply/"+id+"/delete", url.Values{}), 303)
	r := c.get("/apply")
	must(t, r, 200, `data-testid="apply-new">开始新的报名<`)
	if strings.Contains(r.body, "开始新的报名（或") {
		t.Error("the button still means two things")
	}
}

// TestRepeatedControlsSayWhich: the links that repeat per certificate have accessible
// names that say which (containing their visible words), and phone numbers are tel: links.
func TestRepeatedControlsSayWhich(t *testing.T) {
	e := newEnv(t)
	c := e.registered(idA, "王芳")
	u := mustTrainee(t, e, idA)
	e.addCert(u, "412021101000123", nil)
	e.addCert(u, "412022101000200", nil)
	r := c.get("/certificates")
	must(t, r, 200, `aria-label="证书 412021101000123：查看详情和查验二维码"`, `aria-label="证书 412022101000200：查看详情和查验二维码"`,
		`<a class="tel" href="tel:`)
}

// TestResumeAndEmployerReadBackAsRows: 核对信息 and the reviewer's page show the résumé
// as one row per entry and the employer apart from its credit code.
func TestResumeAndEmployerReadBackAsRows(t *testing.T) {
	a := domain.Application{ID: "a1", Info: domain.AppInfo{Profile: domain.Profile{Employer: "河南某建筑公司", CreditCode: "91350100M000100Y43"}},
		Resume: []domain.ResumeEntry{{Employer: "甲公司", Role: "施工员"}, {Employer: "乙公司", Role: "技术员"}}}
	var b strings.Builder
	if err := views.Check(views.Page{}, views.CheckModel{App: a}).Render(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{`data-testid="resume-list"`, "甲公司 施工员</li>", "乙公司 技术员</li>", "河南某建筑公司（统一社会信用代码 91350100M000100Y43）"} {
		if !strings.Contains(page, want) {
			t.Errorf("核对信息 lacks %q", want)
		}
	}
	if strings.Contains(page, "；") && strings.Contains(page, "甲公司 施工员；") {
		t.Error("the résumé is still one paragraph")
	}
}

// TestHomeSaysWhatIsNext: the trainee's home page offers to continue a draft, asks for the
// photo the agency needs, and says when a 准考证 can be printed.
func TestHomeSaysWhatIsNext(t *testing.T) {
	e := newEnv(t)
	c := e.registered(idB, "李强")
	if r := c.get("/"); strings.Contains(r.body, `data-testid="home-draft"`) || strings.Contains(r.body, `data-testid="home-photo-needed"`) {
		t.Fatal("nudges before anything was started")
	}
	id := startWizard(t, c)
	must(t, c.get("/"), 200, `data-testid="home-draft"`, `href="/apply/`+id+`"`, "继续填写草稿", `data-testid="home-photo-needed"`)

	tr, appID, _ := printFixture(t, e, resumeStep(1, printAchieve))
	e.schedule(appID)
	must(t, tr.get("/"), 200, `data-testid="home-ticket"`, `href="/apply/`+appID+`/print/ticket"`, "准考证可以打印了")
}

// TestAgencyStepKeepsInProfile: step 3 offers, ticked, to keep what was typed in the
// profile; kept, the next application is prefilled and the home page stops asking; left
// unticked, the profile stays as it was.
func TestAgencyStepKeepsInProfile(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州建设职业培训中心", CityCode: "410100"})
	step3 := func(c *client, keep bool) string {
		id := startWizard(t, c)
		must(t, c.post("/apply/"+id+"/employment", url.Values{"employment": {"待业"}}), 303)
		must(t, c.post("/apply/"+id+"/city", url.Values{"city": {"410100"}}), 303)
		must(t, c.get("/apply/"+id+"/agency"), 200, `name="keep_profile" value="1" checked`)
		v := url.Values{"agency": {ag.ID}, "phone": {"13812345678"}, "education": {"大学本科"}, "school": {"河南大学"},
			"major": {"土木工程"}, "graduation": {"2010-07"}, "work_start": {"2010-08"}, "address": {"郑州市金水区"}}
		if keep {
			v.Set("keep_profile", "1")
		}
		must(t, c.post("/apply/"+id+"/agency", v), 303)
		return id
	}
	step3(e.registered(idA, "王芳"), true)
	if u := mustTrainee(t, e, idA); u.Profile.School != "河南大学" || !u.Profile.Complete() {
		t.Fatalf("kept: the profile is %+v", u.Profile)
	}
	step3(e.registered(idB, "李强"), false)
	if u := mustTrainee(t, e, idB); u.Profile.School != "" {
		t.Fatalf("not kept, but the profile changed: %+v", u.Profile)
	}
}
