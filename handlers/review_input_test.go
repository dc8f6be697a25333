package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
	"sitepro/store"
)

// hostileNotes are texts a trainee's own fields refuse; reviewer text must refuse them too.
var hostileNotes = map[string]string{
	"NUL":          "请重新拍摄\x00身份证",
	"control":      "请重新拍摄\x1b[31m身份证",
	"RLO U+202E":   "请重新拍摄\u202e证份身",
	"invalid UTF8": "请重新拍摄\xff\xfe身份证",
}

// TestReviewerTextRulesAndReasonList: return notes, reject reasons, CE return reasons and
// photo return reasons follow the trainee fields' text rules, and return reasons come
// only from the fixed list; a refused decision is a 422 (the photo queue: a message) and
// stores nothing.
func TestReviewerTextRulesAndReasonList(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	trainee, app := submittedApp(t, e, idA, "王芳", ag)
	uid := mustTrainee(t, e, idA).ID
	rev := e.reviewer(ag.ID, "rev")
	base := "/review/apps/" + app
	rev.get(base)
	before, _ := e.st.ApplicationOf(uid, app)
	for name, bad := range hostileNotes {
		t.Run(name, func(t *testing.T) {
			must(t, rev.post(base+"/return", url.Values{"reasons": {domain.ReturnReasonsList[0]}, "note": {bad}}), 422,
				`data-testid="error-summary"`, "补充说明中有不可见的控制字符")
			must(t, rev.post(base+"/reject", url.Values{"reason": {bad}}), 422, "不予确认的原因中有不可见的控制字符")
		})
	}
	for _, reasons := range [][]string{{"随便写的原因"}, {domain.ReturnReasonsList[0], "<b>另一条</b>"}} {
		must(t, rev.post(base+"/return", url.Values{"reasons": reasons, "note": {"说明"}}), 422,
			`data-testid="err-reasons"`, "退回原因只能从列表中勾选")
	}
	if after, _ := e.st.ApplicationOf(uid, app); after.Status != domain.AppSubmitted || len(after.Timeline) != len(before.Timeline) {
		t.Fatalf("a refused decision changed the application: %s, %d events", after.Status, len(after.Timeline))
	}
	if n := countMail(e, "application_decision"); n != 0 {
		t.Fatalf("%d decision mails for refused decisions", n)
	}
	// Clean input still works; the stored note is the cleaned one.
	must(t, rev.post(base+"/return", url.Values{"reasons": {domain.ReturnReasonsList[0]}, "note": {"  请重拍\r\n正面  "}}), 303)
	if a, _ := e.st.ApplicationOf(uid, app); a.Status != domain.AppReturned || a.ReturnNote != "请重拍\n正面" {
		t.Fatalf("clean return: %s %q", a.Status, a.ReturnNote)
	}

	// Photo return reasons: refused with a message, the photo stays pending.
	trainee.get("/profile/photo")
	must(t, trainee.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
	for _, bad := range hostileNotes {
		rev.get("/review/photos")
		must(t, rev.post("/review/photos/"+uid+"/return", url.Values{"reason": {bad}}), 303)
		must(t, rev.get("/review/photos"), 200, "照片没有退回", "不可见的控制字符")
		if p, _ := e.st.PhotoOf(uid); p.Status != domain.PhotoPending || p.Reason != "" {
			t.Fatalf("photo after a hostile return reason: %s %q", p.Status, p.Reason)
		}
	}
}

func TestCEReturnReasonTextRules(t *testing.T) {
	f := newCEReviewFixture(t)
	for _, bad := range hostileNotes {
		must(t, f.revA.post("/review/ce/"+f.enrolID+"/return", url.Values{"reason": {bad}}), 422,
			`data-testid="err-reason"`, "退回原因中有不可见的控制字符")
	}
	if x, _ := f.e.st.EnrolmentOf(f.u.ID, f.enrolID); x.Status != domain.EnrolPending || x.ReturnReason != "" {
		t.Fatalf("enrolment after hostile return reasons: %s %q", x.Status, x.ReturnReason)
	}
}

// TestReviewDetailMasksPhoneAndAuditsReveal: reviewers see the contact phone masked; 显示完整号码
// is a POST (CSRF, no number in any URL) that audit-logs the view and answers with the
// full number, for plain and htmx requests alike.
func TestReviewDetailMasksPhoneAndAuditsReveal(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	agB, _ := e.st.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	_, app := submittedApp(t, e, idA, "王芳", agA) // contact phone 13812345678
	rev := e.reviewer(agA.ID, "rev")
	revB := e.reviewer(agB.ID, "revb")
	const full = "13812345678"
	reveal := "/review/apps/" + app + "/phone"
	detail := rev.get("/review/apps/" + app)
	must(t, detail, 200, `data-testid="phone-masked"`, "138****5678", `data-testid="reveal-phone"`, `action="`+reveal+`"`)
	if strings.Contains(detail.body, full) {
		t.Fatal("the review detail shows the full phone before a reveal")
	}
	audited := func() []domain.AuditEntry {
		log, _ := e.st.AuditLog(store.AuditFilter{Action: domain.AuditPhoneReveal}, 10)
		return log
	}
	if n := len(audited()); n != 0 {
		t.Fatalf("%d reveals audited before any", n)
	}
	// Without a token, and from another agency: nothing shown, nothing audited.
	must(t, rev.do("POST", reveal, url.Values{}, nil), 403)
	revB.get("/review")
	r := revB.post(reveal, url.Values{})
	must(t, r, 404)
	if strings.Contains(r.body, full) || len(audited()) != 0 {
		t.Fatal("a refused reveal showed the number or was audited")
	}
	// The reveal: the page with the full number, no-store, no redirect.
	r = rev.post(reveal, url.Values{})
	must(t, r, 200, `data-testid="phone-full"`, full, `id="phone"`)
	if cc := r.header.Get("Cache-Control"); cc != "no-store" || r.header.Get("Location") != "" {
		t.Fatalf("reveal answer: Cache-Control %q, Location %q", cc, r.header.Get("Location"))
	}
	log := audited()
	if len(log) != 1 || log[0].Object != app || !strings.Contains(log[0].Actor, "rev") {
		t.Fatalf("reveal audit: %+v", log)
	}
	// htmx: the header token; the answer carries the element htmx selects.
	r = rev.do("POST", reveal, nil, map[string]string{"HX-Request": "true", "X-Csrf-Token": rev.csrf})
	must(t, r, 200, `id="phone"`, full)
	if len(audited()) != 2 {
		t.Fatal("every reveal is audited")
	}
	// Masked again on the next view.
	if b := rev.get("/review/apps/" + app).body; strings.Contains(b, full) {
		t.Fatal("the full phone stays visible after the reveal")
	}
	// Admins read the reveal in the audit log.
	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/admin/audit"), 200, domain.AuditPhoneReveal.Label())
}

// TestTraineeSeesOwnDocumentsAfterSubmit: the application page shows the trainee's own
// uploads after submitting, through the authorised image route; another trainee gets
// not-found for the page and the images, and the owner's views are not staff views.
func TestTraineeSeesOwnDocumentsAfterSubmit(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	owner, app := submittedApp(t, e, idA, "王芳", ag)
	a, _ := e.st.ApplicationOf(mustTrainee(t, e, idA).ID, app)
	docs := []string{a.IDFront, a.IDBack, a.Diploma}
	page := owner.get("/apply/" + app)
	must(t, page, 200, `data-testid="own-documents"`, "身份证正面", "身份证反面", "学历证书")
	other := e.registered(idB, "李四")
	for _, id := range docs {
		if id == "" || !strings.Contains(page.body, `src="/documents/`+id+`"`) || !strings.Contains(page.body, `href="/documents/`+id+`"`) {
			t.Fatalf("document %q is not shown with a link: %.2000s", id, page.body)
		}
		img := owner.get("/documents/" + id)
		if img.status != 200 || img.header.Get("Content-Type") != "image/jpeg" || img.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("owner's document %s: %d %v", id, img.status, img.header)
		}
		must(t, other.get("/documents/"+id), 404)
	}
	must(t, other.get("/apply/"+app), 404)
	if log, _ := e.st.AuditLog(storeFilter("查看证件图片"), 10); len(log) != 0 {
		t.Fatalf("the owner's views were audited as staff views: %+v", log)
	}
}
