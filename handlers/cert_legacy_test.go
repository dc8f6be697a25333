package handlers

import (
	"bytes"
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sitepro/domain"
	"sitepro/testkit"
)

// legacyJobFixture is a finished import job (a file with only the header, rejected), for
// the authorization matrix.
func legacyJobFixture(t *testing.T, e *env) string {
	t.Helper()
	admin := domain.User{ID: "fixture-admin", Role: domain.RoleAdmin, Username: "fixture", Name: "管理员"}
	j, err := e.st.StartLegacyImport(admin, "空文件.csv", []byte(strings.Join(domain.LegacyHeader, ",")+"\n"), e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if j, err = e.st.RunLegacyImport(context.Background(), j.ID, readTable, e.clock.Now); err != nil || j.State != domain.LegacyRejected {
		t.Fatalf("fixture job: %+v %v", j, err)
	}
	return j.ID
}

var legacyJobURL = regexp.MustCompile(`^/admin/certificates/import/([0-9a-f]{32})$`)

// legacyUpload uploads a file and waits for its job to finish, returning the job page.
func legacyUpload(t *testing.T, e *env, admin *client, name string, data []byte) (domain.LegacyImport, resp) {
	t.Helper()
	admin.get("/admin/certificates/import")
	r := admin.upload("/admin/certificates/import", "file", name, data)
	must(t, r, 303)
	m := legacyJobURL.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("no job page: %q", r.header.Get("Location"))
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		j, _, err := e.st.LegacyImport(m[1])
		if err != nil {
			t.Fatal(err)
		}
		if j.State.Finished() {
			return j, admin.get(r.header.Get("Location"))
		}
		if time.Now().After(deadline) {
			t.Fatalf("import not finished: %+v", j)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func legacyXLSX(t *testing.T, tpl []byte, rows [][]string) []byte {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatalf("the template is not an Excel workbook: %v", err)
	}
	for i, row := range rows {
		_ = x.SetSheetRow("历史证书", "A"+strconv.Itoa(i+2), &row)
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestLegacyImportScenario: the admin fills the downloaded template and imports it; the
// registered holder sees the certificate at once and can enrol in 继续教育 with it and
// verify it publicly; a holder who registers later gets theirs, one with another name
// does not; re-importing changes nothing; a file with bad lines imports nothing and
// says what is wrong, line by line, with ID numbers masked.
func TestLegacyImportScenario(t *testing.T) {
	e := newEnv(t)
	ag, _ := e.st.PutAgency(domain.Agency{Name: "郑州继续教育中心", CityCode: "410100", Phone: "0371-1"})
	born := time.Date(1985, 3, 7, 0, 0, 0, 0, time.UTC)
	idReg, idLater, idOther := testkit.IDNumber("410105", born, 11), testkit.IDNumber("410105", born, 13), testkit.IDNumber("410105", born, 15)
	holder := e.registered(idReg, "王建国")
	admin := e.staff(domain.RoleAdmin, "admin")
	must(t, admin.get("/"), 200, `href="/admin/certificates/import"`, "历史证书导入")
	must(t, admin.get("/admin/certificates/import"), 200, "全部导入或全部不导入", "template.xlsx")
	csvTpl := admin.get("/admin/certificates/import/template.csv")
	must(t, csvTpl, 200, strings.Join(domain.LegacyHeader, ","))
	tpl := admin.get("/admin/certificates/import/template.xlsx")
	must(t, tpl, 200)

	rows := [][]string{
		{"412021101000321", "王建国", idReg, "施工员（土建施工）", "河南省住房和城乡建设厅", "2021-09-15", "", "郑州培训中心", "郑州建工集团"},
		{"豫建安C(2016)0012345", "李四", idLater, "安全员", "河南省住房和城乡建设厅", "2016-05-20", "2019-05-19", "", ""},
		{"豫建安C(2016)0012346", "赵五", idOther, "111", "河南省住房和城乡建设厅", "2016-05-20", "", "", ""},
	}
	file := legacyXLSX(t, []byte(tpl.body), rows)
	j, page := legacyUpload(t, e, admin, "全省历史证书.xlsx", file)
	if j.State != domain.LegacyDone || j.Added != 3 || j.Attached != 1 {
		t.Fatalf("import: %+v", j)
	}
	must(t, page, 200, "导入完成：共 3 行", `data-testid="legacy-added">3<`)
	if strings.Contains(page.body, `http-equiv="refresh"`) || strings.Contains(page.body, `hx-trigger="every`) {
		t.Fatal("a finished job's page still reloads itself")
	}
	must(t, holder.get("/certificates"), 200, "412021101000321")

	// The imported certificate works for 继续教育 and the public check.
	rules := domain.DefaultCESettings()
	if err := e.st.SetCESettings(rules); err != nil {
		t.Fatal(err)
	}
	ceEnrol(t, holder, "412021101000321", ag)
	must(t, holder.get("/ce"), 200, "412021101000321")
	c, _ := e.st.CertificateByNumber("412021101000321")
	must(t, e.client().get("/v/"+c.VerifyToken), 200, "王*国", domain.MaskID(idReg))

	// A certificate whose holder has not registered yet is verified by number and name too.
	guest := e.client()
	guest.get("/verify")
	must(t, guest.post("/verify", url.Values{"number": {"豫建安C(2016)0012346"}, "name": {"赵五"}}), 200, "赵*", domain.MaskID(idOther))
	must(t, guest.post("/verify", url.Values{"number": {"豫建安C(2016)0012346"}, "name": {"赵武"}}), 404)

	// Later registrations: the same name gets the certificate, another name does not.
	must(t, e.registered(idLater, "李四").get("/certificates"), 200, "豫建安C(2016)0012345")
	other := e.registered(idOther, "赵武").get("/certificates")
	if strings.Contains(other.body, "豫建安C(2016)0012346") {
		t.Fatal("a certificate was attached to a person with another name")
	}

	// The same file again changes nothing.
	j, page = legacyUpload(t, e, admin, "全省历史证书.xlsx", file)
	if j.State != domain.LegacyDone || j.Added != 0 || j.Unchanged != 3 {
		t.Fatalf("re-import: %+v", j)
	}
	must(t, page, 200, `data-testid="legacy-unchanged">3<`)

	// Bad lines: nothing is imported, each line says why.
	bad := strings.Join(domain.LegacyHeader, ",") + "\n" +
		"豫建安C(2016)0099999,钱七," + testkit.IDNumber("410105", born, 17) + ",安全员,河南省住房和城乡建设厅,2016-05-20,,,\n" +
		"豫建安C(2016)0012345,孙八," + testkit.IDNumber("410105", born, 19) + ",安全员,河南省住房和城乡建设厅,2016-05-20,,,\n" +
		"豫建安C(2016)0099999,钱七," + testkit.IDNumber("410105", born, 17) + ",安全员,河南省住房和城乡建设厅,2016-05-20,,,\n" +
		"X-1,周九,410105199003071234,项目经理,河南省住房和城乡建设厅,2016-02-30,,,\n"
	j, page = legacyUpload(t, e, admin, "有错误.csv", []byte("\xef\xbb\xbf"+bad))
	if j.State != domain.LegacyRejected || j.ErrorCount != 5 {
		t.Fatalf("bad file: %+v", j)
	}
	must(t, page, 200, "文件有 5 处错误，没有导入任何证书", "第 3 行", "另一位持证人", domain.MaskID(idLater),
		"第 4 行", "与第2行重复", "第 5 行", "校验码", "不在岗位目录", "不是真实的日期")
	if strings.Contains(page.body, idLater) {
		t.Fatal("the report shows a full ID number")
	}
	if _, err := e.st.CertificateByNumber("豫建安C(2016)0099999"); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("a good line of a bad file was imported: %v", err)
	}

	// Wrong columns, no file, an old Excel file.
	_, page = legacyUpload(t, e, admin, "学时.csv", []byte("证书编号,姓名,课程名称,完成日期\n"))
	must(t, page, 200, "文件没有导入", "缺少列", "身份证号")
	must(t, admin.upload("/admin/certificates/import", "other", "x.csv", nil), 422, "请选择要导入的")
	must(t, admin.upload("/admin/certificates/import", "file", "旧.xls", []byte("\xd0\xcf\x11\xe0")), 422, ".xlsx")
	must(t, admin.get("/admin/certificates/import"), 200, "全省历史证书.xlsx", "有错误.csv", "5 处错误，未导入")
	if log, _ := e.st.AuditLog(storeFilter("导入历史证书"), 10); len(log) != 4 {
		t.Fatalf("import audit entries: %d", len(log))
	}
	e.assertNoIDInLogs()
}

// TestLegacyJobPageReloadsWhileRunning: an unfinished job's page shows its progress, which
// htmx fetches again every 3 seconds (no timed <meta> refresh: WCAG 2.2.1), with a link to
// refresh it by hand without JavaScript; opening it resumes the job.
func TestLegacyJobPageReloadsWhileRunning(t *testing.T) {
	e := newEnv(t)
	admin := e.staff(domain.RoleAdmin, "admin")
	u := mustUser(t, e, "admin")
	file := strings.Join(domain.LegacyHeader, ",") + "\n豫建安C(2016)0000001,王建国," + idA + ",安全员,河南省住房和城乡建设厅,2016-05-20,,,\n"
	j, err := e.st.StartLegacyImport(u, "中断的.csv", []byte(file), e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := admin.get("/admin/certificates/import/" + j.ID)
	must(t, r, 200, `hx-get="/admin/certificates/import/`+j.ID+`" hx-trigger="every 3s" hx-select="#legacy-job"`,
		`data-testid="legacy-progress"`, "<progress", `data-testid="legacy-refresh"`)
	if strings.Contains(r.body, `http-equiv="refresh"`) {
		t.Error("the progress page reloads itself with a timed <meta> refresh (WCAG 2.2.1)")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !j.State.Finished() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		j, _, _ = e.st.LegacyImport(j.ID)
	}
	if j.State != domain.LegacyDone || j.Added != 1 {
		t.Fatalf("the job was not resumed: %+v", j)
	}
}
