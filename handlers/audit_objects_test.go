package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
	"sitepro/store"
)

// TestAuditActionSelectListsEveryAction: the 操作 filter is a select of every action by
// its Chinese label (codes as values), with 全部操作 first; "导出" is found by picking
// 导出报名队列 from the list, not by typing the exact name.
func TestAuditActionSelectListsEveryAction(t *testing.T) {
	e := newEnv(t)
	admin := e.staff(domain.RoleAdmin, "admin")
	page := admin.get("/admin/audit")
	must(t, page, 200, `<select id="f-action" name="action"`, `<option value="">全部操作</option>`)
	for _, a := range domain.AuditActions() {
		must(t, page, 200, `<option value="`+string(a)+`">`+a.Label()+`</option>`)
	}
	if strings.Contains(page.body, `<input id="f-action"`) {
		t.Error("the action filter is still free text")
	}
}

// TestAuditObjectShowsNumberAndName: the 对象 column names the object — the
// application's number and trainee, the account's name and login, the agency, the
// enrolment — with a link to its admin page; a deleted object and a setting read as
// words; no internal id is the text and no ID number is anywhere on the page.
func TestAuditObjectShowsNumberAndName(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	_, app := submittedApp(t, e, idA, "王芳", agA)
	trainee := mustTrainee(t, e, idA)
	a, _ := e.st.ApplicationOf(trainee.ID, app)
	rev := e.reviewer(agA.ID, "reva")
	must(t, rev.get("/review/apps/"+app), 200)
	now := e.clock.Now()
	for _, x := range []domain.AuditEntry{
		{At: now, Actor: "测试", Action: domain.AuditAgencyUpdate, Object: agA.ID, Detail: "agency"},
		{At: now, Actor: "测试", Action: domain.AuditAppDelete, Object: "0123456789abcdef0123456789abcdef", Detail: "gone"},
		{At: now, Actor: "测试", Action: domain.AuditSettingsCE, Object: "继续教育规则", Detail: "settings"},
		{At: now, Actor: "测试", Action: domain.AuditPhotoView, Object: trainee.ID, Detail: "trainee"},
	} {
		if err := e.st.Audit(x); err != nil {
			t.Fatal(err)
		}
	}
	admin := e.staff(domain.RoleAdmin, "admin")
	page := admin.get("/admin/audit")
	obj := func(link, text string) string {
		if link == "" {
			return `<td data-label="对象" class="audit-obj" data-testid="audit-object">` + text + `</td>`
		}
		return `<td data-label="对象" class="audit-obj" data-testid="audit-object"><a href="` + link + `" class="row-action">` + text + `</a></td>`
	}
	reva := mustUser(t, e, "reva")
	must(t, page, 200,
		obj("/admin/apps/"+a.ID, "报名 "+a.Number+" · 王芳"),    // the reviewer's document view
		obj("/admin/accounts/"+reva.ID, "账号 reva审核员（reva）"), // the reviewer's login
		obj("/admin/agencies/"+agA.ID, "培训机构 郑州中心"),
		obj("/admin/trainees/"+trainee.ID, "学员 王芳"),
		obj("", "（已删除）"),
		obj("", "继续教育规则"))
	if strings.Contains(page.body, idA) || strings.Contains(page.body, domain.MaskID(idA)) {
		t.Error("the audit page shows the trainee's ID number")
	}
	if strings.Contains(page.body, ">"+a.ID[:8]) {
		t.Error("the 对象 column still shows internal ids")
	}
	// A continuing-education enrolment by its number and trainee.
	f, r := recordsHTTPFixture(t)
	must(t, f.revA.post("/review/ce/"+f.enrolID+"/records/"+r.ID+"/remove", url.Values{"rev": {"0"}, "remove_reason": {"录错"}}), 303)
	x, _ := f.e.st.EnrolmentOf(f.u.ID, f.enrolID)
	must(t, f.e.staff(domain.RoleAdmin, "admin").get("/admin/audit?action=ce.record.remove"), 200,
		obj("/admin/ce/"+x.ID, "继续教育报名 "+x.Number+" · 王建国"))
}

// TestDocumentViewOncePerDetailView: opening an application's detail page twice writes
// two 查看证件图片 entries (one per view, naming the images it shows), whatever the
// images it loads; an image opened without a detail view of its application is logged
// on its own, as before.
func TestDocumentViewOncePerDetailView(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	_, app := submittedApp(t, e, idA, "王芳", agA)
	a, _ := e.st.ApplicationOf(mustTrainee(t, e, idA).ID, app)
	rev := e.reviewer(agA.ID, "reva")
	docs := []string{a.IDFront, a.IDBack, a.Diploma}
	views := func(actor string) []domain.AuditEntry {
		log, _ := e.st.AuditLog(store.AuditFilter{Action: domain.AuditDocumentView, Actor: actor}, 50)
		return log
	}
	for range 2 {
		page := rev.get("/review/apps/" + app)
		for _, d := range docs {
			must(t, page, 200, `src="/documents/`+d+`"`)
			must(t, rev.get("/documents/"+d), 200) // the thumbnails the page loads
		}
		must(t, rev.get("/documents/"+a.IDFront), 200) // the full image opened from it
	}
	got := views("reva")
	if len(got) != 2 {
		t.Fatalf("two detail views wrote %d entries: %+v", len(got), got)
	}
	for _, x := range got {
		if x.Object != a.ID || x.Detail != "打开报名详情：身份证正面、身份证反面、学历证书" {
			t.Errorf("entry: %+v", x)
		}
	}
	// Another reviewer of the agency opens an image by its URL, without the page.
	rev2 := e.reviewer(agA.ID, "reva2")
	must(t, rev2.get("/documents/"+a.IDBack), 200)
	if got := views("reva2"); len(got) != 1 || got[0].Detail != domain.StepIDBack.Title() {
		t.Fatalf("a direct image open: %+v", got)
	}
	// The window ends: an image opened long after the page is logged on its own.
	e.clock.Add(docViewTTL + 1)
	must(t, rev.get("/documents/"+a.IDFront), 200)
	if got := views("reva"); len(got) != 4 || got[0].Detail != domain.StepIDFront.Title() { // "reva" matches reva2 too
		t.Fatalf("after the window: %+v", got)
	}
	// The admin's read-only page is one entry too.
	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/admin/apps/"+app), 200)
	for _, d := range docs {
		must(t, admin.get("/documents/"+d), 200)
	}
	if got := views("admin"); len(got) != 1 {
		t.Fatalf("the admin's view: %d entries", len(got))
	}
}

// TestPhotoQueueLogsItsIDImagesOnce (issue 14): the photo queue's cards show ID-card
// fronts; a page of the queue writes one 查看证件图片 entry naming the applications, the
// images the cards then load are covered by it, and the doorbell's refreshes of the same
// page write nothing more within the window.
func TestPhotoQueueLogsItsIDImagesOnce(t *testing.T) {
	e := newEnv(t)
	agA, _ := e.st.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	var fronts, numbers []string
	for _, p := range []struct{ id, name string }{{idA, "王芳"}, {idB, "李强"}} {
		trainee, appID := submittedApp(t, e, p.id, p.name, agA)
		must(t, trainee.upload("/profile/photo", "photo", "p.jpg", colourJPEG(t, 900, 1200, false)), 303)
		a, err := e.st.ApplicationOf(mustTrainee(t, e, p.id).ID, appID)
		if err != nil {
			t.Fatal(err)
		}
		fronts, numbers = append(fronts, a.IDFront), append(numbers, a.Number)
	}
	rev := e.reviewer(agA.ID, "reva")
	for range 3 { // the first showing and two refreshes
		rows := hx(rev, "/review/photos/rows")
		for _, f := range fronts {
			must(t, rows, 200, `src="/documents/`+f+`"`)
			must(t, rev.get("/documents/"+f), 200)
		}
	}
	got, _ := e.st.AuditLog(store.AuditFilter{Action: domain.AuditDocumentView, Actor: "reva"}, 50)
	if len(got) != 1 || got[0].Object != "照片队列" {
		t.Fatalf("three showings of a photo page with two ID images wrote: %+v", got)
	}
	for _, n := range numbers {
		if !strings.Contains(got[0].Detail, n) {
			t.Errorf("the entry %q does not name application %s", got[0].Detail, n)
		}
	}
}
