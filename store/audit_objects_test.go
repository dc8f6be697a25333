package store

import (
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// TestAuditPageNamesObjects: the audit page names each kind of object by number and name
// (a certificate with its holder, an enrolment with its trainee, a course, a legacy
// import file, an account), a deleted one as such, a text object as is; never an ID
// number.
func TestAuditPageNamesObjects(t *testing.T) {
	f := newCEFixture(t)
	e := f.confirmed(t, f.cert.Number)
	_, err := f.s.AddCourse(f.revA, domain.CourseInput{Title: "法律法规", Category: "公共", Hours: "4"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	job := domain.LegacyImport{ID: newID(), FileName: "2025年证书.xlsx"}
	must(t, f.s.update(func(txn *badger.Txn) error {
		return putJSON(txn, certImportKey(job.ID), legacyJobRec{V: 1, LegacyImport: job})
	}))
	for _, obj := range []string{f.cert.ID, job.ID, f.u.ID, newID(), "继续教育规则"} {
		must(t, f.s.Audit(domain.AuditEntry{At: t0, ActorID: f.revA.ID, Actor: "测试", Action: domain.AuditAgencyUpdate, Object: obj}))
	}
	rows, err := f.s.AuditPage(AuditFilter{}, 50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Obj.String())
		if strings.Contains(r.Obj.String(), ceIDA) {
			t.Fatalf("an ID number in the object: %+v", r.Obj)
		}
	}
	all := strings.Join(got, "\n")
	u, _ := f.s.User(f.u.ID)
	for _, want := range []string{
		"继续教育规则", "（已删除）", "学员 " + u.Name, "历史证书导入文件 2025年证书.xlsx",
		"证书 " + f.cert.Number + " · " + u.Name,
		"继续教育报名 " + e.Number + " · " + u.Name, // the confirmation
		"课程 法律法规",                             // the course added
		"账号 甲审核员（reva）",                       // the reviewer's account created
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in:\n%s", want, all)
		}
	}
}
