package handlers

import (
	"net/url"
	"strings"
	"testing"

	"sitepro/domain"
)

// TestReviewerFlashSaysWhatHappened: after a decision the reviewer reads what was done to
// which reference number, in the words of the new status — never "已完成", which on the
// CE pages means 学时已达标.
func TestReviewerFlashSaysWhatHappened(t *testing.T) {
	f := newCEReviewFixture(t)
	en, _ := f.e.st.EnrolmentOf(f.u.ID, f.enrolID)
	must(t, f.revA.post("/review/ce/"+f.enrolID+"/confirm", url.Values{}), 303)
	r := f.revA.get("/review/ce")
	must(t, r, 200, "已确认继续教育报名 "+en.Number, "可以为其记录学时")
	if strings.Contains(r.body, "已完成，") || !strings.HasPrefix(en.Number, "JX") {
		t.Fatalf("CE confirm flash (number %q) still says 已完成 or lacks the number", en.Number)
	}

	e := f.e
	ag, _ := e.st.PutAgency(domain.Agency{Name: "开封中心", CityCode: "410200"})
	_, app := submittedApp(t, e, idA, "王芳", ag)
	a, _ := e.st.ApplicationOf(mustTrainee(t, e, idA).ID, app)
	rev := e.reviewer(ag.ID, "revk")
	rev.get("/review")
	must(t, rev.post("/review/apps/"+app+"/return", url.Values{"reasons": {domain.ReturnReasonsList[0]}, "note": {"请重拍身份证"}}), 303)
	r = rev.get("/review")
	must(t, r, 200, "已退回报名 "+a.Number+"，学员会收到通知")
	if strings.Contains(r.body, "已完成，") {
		t.Fatal("return flash still says 已完成")
	}
	_, app2 := submittedApp(t, e, idB, "李四", ag)
	a2, _ := e.st.ApplicationOf(mustTrainee(t, e, idB).ID, app2)
	must(t, rev.post("/review/apps/"+app2+"/confirm", url.Values{}), 303)
	must(t, rev.get("/review"), 200, "已确认报名 "+a2.Number)
}

// TestCEQueueFilterSaysWhatItLists: the filter that lists every enrolment taking learning
// records names all three statuses it shows, not just 已确认.
func TestCEQueueFilterSaysWhatItLists(t *testing.T) {
	f := newCEReviewFixture(t)
	r := f.revA.get("/review/ce")
	must(t, r, 200, "<option value=\"learning\">已确认、学习中、已完成</option>")
	if strings.Contains(r.body, "已确认（可记录学时）") {
		t.Fatal("the old label that hides 学习中 and 已完成 is still there")
	}
}
