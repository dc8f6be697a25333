package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// csvTable is the TableReader of these tests: plain CSV (the handlers wire the export
// package's CSV/Excel reader).
func csvTable(_ string, data []byte, fn func(int, []string) error) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	for n := 1; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(n, rec); err != nil {
			return err
		}
	}
}

// legacyID returns a valid ID number (born 1980-01-01 plus seq days, sequence seq).
func legacyID(seq int) string {
	birth := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, seq%15000)
	v := "410102" + birth.Format("20060102") + fmt.Sprintf("%03d", seq%1000)
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range v {
		sum += int(c-'0') * w[i]
	}
	return v + string("10X98765432"[sum%11])
}

const legacyHead = "证书编号,姓名,身份证号,岗位/专业,发证单位,发证日期,有效期,培训机构,工作单位\n"

func legacyLine(i int, name string) string {
	return fmt.Sprintf("豫建安C(2016)%07d,%s,%s,安全员,河南省住房和城乡建设厅,2016-05-20,2019-05-19,郑州培训中心,郑州建工集团\n", i, name, legacyID(i))
}

func legacyFile(n int) []byte {
	var b strings.Builder
	b.WriteString(legacyHead)
	for i := range n {
		b.WriteString(legacyLine(i, "王建国"))
	}
	return []byte(b.String())
}

var legacyAdmin = domain.User{ID: "admin1", Role: domain.RoleAdmin, Username: "admin", Name: "管理员"}

func runLegacy(t testing.TB, s *Store, data []byte) domain.LegacyImport {
	t.Helper()
	j, err := s.StartLegacyImport(legacyAdmin, "历史证书.csv", data, t0)
	must(t, err)
	j, err = s.RunLegacyImport(context.Background(), j.ID, csvTable, func() time.Time { return t0 })
	must(t, err)
	if !j.State.Finished() {
		t.Fatalf("job not finished: %+v", j)
	}
	return j
}

func countCerts(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	must(t, s.view(func(txn *badger.Txn) error { n = countKeys(txn, key(pCertNumber)); return nil }))
	return n
}

// TestLegacyImportIdempotent: a file imports once; the same file again changes nothing
// (every line unchanged, no second certificate); both runs are audited with counts.
func TestLegacyImportIdempotent(t *testing.T) {
	s, _ := openTemp(t)
	j := runLegacy(t, s, legacyFile(600))
	if j.State != domain.LegacyDone || j.Added != 600 || j.Unchanged != 0 || j.Lines != 600 {
		t.Fatalf("first import: %+v", j)
	}
	j = runLegacy(t, s, legacyFile(600))
	if j.State != domain.LegacyDone || j.Added != 0 || j.Unchanged != 600 {
		t.Fatalf("re-import: %+v", j)
	}
	if n := countCerts(t, s); n != 600 {
		t.Fatalf("%d certificates, want 600", n)
	}
	c, err := s.CertificateByNumber("豫建安C(2016)0000007")
	if err != nil || !c.Legacy || c.PostCode != "110" || c.HolderID != "" || c.VerifyToken == "" || c.ValidUntil.IsZero() {
		t.Fatalf("stored certificate: %+v %v", c, err)
	}
	entries, err := s.AuditLog(AuditFilter{Action: domain.AuditLegacyImport}, 10)
	if err != nil || len(entries) != 2 || !strings.Contains(entries[0].Detail+entries[1].Detail, "未变 600") ||
		!strings.Contains(entries[0].Detail+entries[1].Detail, "新增 600") {
		t.Fatalf("audit: %+v %v", entries, err)
	}
	if _, err := s.ActiveLegacyImport(); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("an active import is left: %v", err)
	}
}

// TestLegacyImportAllOrNothing: one bad line among many writes nothing and reports that
// line; so do a duplicate number in the file and a number held by another person.
func TestLegacyImportAllOrNothing(t *testing.T) {
	s, _ := openTemp(t)
	bad := legacyFile(1500)
	bad = append(bad, []byte("X1,李四,410105199003071234,施工员,河南省住房和城乡建设厅,2016-02-30,,,\n")...)
	j := runLegacy(t, s, bad)
	if j.State != domain.LegacyRejected || j.Added != 0 || countCerts(t, s) != 0 {
		t.Fatalf("a bad line wrote something: %+v", j)
	}
	msgs := map[string]bool{}
	for _, e := range j.Errors {
		if e.Line != 1502 {
			t.Errorf("error on line %d: %s", e.Line, e.Message)
		}
		msgs[e.Message] = true
	}
	if len(msgs) != 3 || j.ErrorCount != 3 {
		t.Fatalf("want ID checksum, post and date errors on line 1502: %+v", j.Errors)
	}

	dup := append(legacyFile(3), []byte(legacyLine(1, "王建国"))...)
	j = runLegacy(t, s, dup)
	if j.State != domain.LegacyRejected || len(j.Errors) != 1 || j.Errors[0].Line != 5 || !strings.Contains(j.Errors[0].Message, "第3行重复") {
		t.Fatalf("duplicate in file: %+v", j)
	}

	runLegacy(t, s, legacyFile(2))
	other := legacyHead + strings.Replace(legacyLine(1, "王建国"), legacyID(1), legacyID(5), 1)
	j = runLegacy(t, s, []byte(other))
	if j.State != domain.LegacyRejected || len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Message, "另一位持证人") ||
		strings.Contains(j.Errors[0].Message, legacyID(1)) {
		t.Fatalf("number of another holder: %+v", j)
	}
	changed := legacyHead + strings.Replace(legacyLine(1, "王建国"), "郑州建工集团", "洛阳建工", 1)
	j = runLegacy(t, s, []byte(changed))
	if j.State != domain.LegacyRejected || !strings.Contains(j.Errors[0].Message, "工作单位") {
		t.Fatalf("changed data: %+v", j)
	}
	wrong := "证书编号,姓名,身份证\nA,王建国,x\n"
	j = runLegacy(t, s, []byte(wrong))
	if j.State != domain.LegacyRejected || !strings.Contains(j.Problem, "缺少列") || countCerts(t, s) != 2 {
		t.Fatalf("wrong columns: %+v", j)
	}
}

// TestLegacyAttachAtRegistration: a certificate of a registered trainee is in their
// 证书信息 at once; one of a person not yet registered joins them when they register
// with that ID number and name, not with another name.
func TestLegacyAttachAtRegistration(t *testing.T) {
	s, _ := openTemp(t)
	reg := registration(t, legacyID(0)) // 张三
	u, err := s.CreateTrainee(reg, "h", NewToken(), t0)
	must(t, err)
	file := legacyHead + legacyLine(0, "张三") + legacyLine(1, "王建国") + legacyLine(2, "李四")
	j := runLegacy(t, s, []byte(file))
	if j.Added != 3 || j.Attached != 1 {
		t.Fatalf("import: %+v", j)
	}
	if cs, _ := s.CertificatesOf(u.ID); len(cs) != 1 || cs[0].Number != "豫建安C(2016)0000000" {
		t.Fatalf("registered holder's certificates: %+v", cs)
	}
	w, err := s.CreateTrainee(withName(registration(t, legacyID(1)), "王建国"), "h", NewToken(), t0)
	must(t, err)
	if cs, _ := s.CertificatesOf(w.ID); len(cs) != 1 || cs[0].HolderID != w.ID {
		t.Fatalf("attached at registration: %+v", cs)
	}
	if c, err := s.CertificateOf(w.ID, mustCertID(t, s, "豫建安C(2016)0000001")); err != nil || c.HolderID != w.ID {
		t.Fatalf("CertificateOf the new holder: %+v %v", c, err)
	}
	x, err := s.CreateTrainee(withName(registration(t, legacyID(2)), "李思"), "h", NewToken(), t0)
	must(t, err)
	if cs, _ := s.CertificatesOf(x.ID); len(cs) != 0 {
		t.Fatalf("a name mismatch attached: %+v", cs)
	}
	// A registered trainee's different name on a new line is refused.
	j = runLegacy(t, s, []byte(legacyHead+legacyLine(9, "王五")+strings.Replace(legacyLine(10, "赵六"), legacyID(10), legacyID(0), 1)))
	if j.State != domain.LegacyRejected || len(j.Errors) != 1 || j.Errors[0].Line != 3 || !strings.Contains(j.Errors[0].Message, "姓名") {
		t.Fatalf("name of a registered trainee: %+v", j)
	}
	// Re-importing after the holder registered is still unchanged.
	j = runLegacy(t, s, []byte(file))
	if j.State != domain.LegacyDone || j.Unchanged != 3 {
		t.Fatalf("re-import after attachment: %+v", j)
	}
}

func withName(r domain.Registration, name string) domain.Registration {
	r.Name = name
	return r
}

func mustCertID(t *testing.T, s *Store, number string) string {
	t.Helper()
	c, err := s.CertificateByNumber(number)
	must(t, err)
	return c.ID
}

// TestLegacyResumeAndRollback: a job stopped mid-way resumes after its cursor with the
// counts kept; a job whose batch meets a number taken since the check undoes all it added.
func TestLegacyResumeAndRollback(t *testing.T) {
	s, _ := openTemp(t)
	now := func() time.Time { return t0 }
	j, err := s.StartLegacyImport(legacyAdmin, "a.csv", legacyFile(1000), t0)
	must(t, err)
	if _, err := s.StartLegacyImport(legacyAdmin, "b.csv", legacyFile(1), t0); !errors.Is(err, ErrLegacyBusy) {
		t.Fatalf("second import while one runs: %v", err)
	}
	// Stop after two write batches, as a shutdown would.
	ctx, cancel := context.WithCancel(context.Background())
	batches := 0
	stopping := func(name string, data []byte, fn func(int, []string) error) error {
		return csvTable(name, data, func(row int, cells []string) error {
			if row > 1+2*LegacyBatchSize {
				if j, _, _ := s.LegacyImport(j.ID); j.State == domain.LegacyWriting {
					batches++
					cancel()
				}
			}
			return fn(row, cells)
		})
	}
	got, err := s.RunLegacyImport(ctx, j.ID, stopping, now)
	must(t, err)
	mid, cursor, _ := s.LegacyImport(j.ID)
	if got.State != domain.LegacyWriting || batches == 0 || mid.Added == 0 || mid.Added >= 1000 || cursor != mid.Added+1 {
		t.Fatalf("stopped job: %+v cursor %d", mid, cursor)
	}
	got, err = s.RunLegacyImport(context.Background(), j.ID, csvTable, now)
	must(t, err)
	if got.State != domain.LegacyDone || got.Added != 1000 || got.Unchanged != 0 || countCerts(t, s) != 1000 {
		t.Fatalf("resumed job: %+v, %d certificates", got, countCerts(t, s))
	}

	// A number taken by an issued certificate between check and write: all undone.
	s2, _ := openTemp(t)
	j, err = s2.StartLegacyImport(legacyAdmin, "c.csv", legacyFile(800), t0)
	must(t, err)
	taking := func(name string, data []byte, fn func(int, []string) error) error {
		return csvTable(name, data, func(row int, cells []string) error {
			if row == 2 {
				if j, _, _ := s2.LegacyImport(j.ID); j.State == domain.LegacyWriting {
					_, err := s2.AddCertificate(domain.Certificate{Number: "豫建安C(2016)0000700", HolderID: "someone"})
					must(t, err)
				}
			}
			return fn(row, cells)
		})
	}
	got, err = s2.RunLegacyImport(context.Background(), j.ID, taking, now)
	must(t, err)
	if got.State != domain.LegacyRejected || len(got.Errors) != 1 || got.Errors[0].Line != 702 || countCerts(t, s2) != 1 {
		t.Fatalf("rolled back job: %+v, %d certificates", got, countCerts(t, s2))
	}
	var pending int
	must(t, s2.view(func(txn *badger.Txn) error { pending = countKeys(txn, key(pCertPending)); return nil }))
	if pending != 0 {
		t.Fatalf("%d pending lists left after the rollback", pending)
	}
}

// TestLegacyAttachRacesImport: people register while the import writes their
// certificates; whichever transaction commits first, every certificate ends with its
// holder (the pending list is one key both read, so one of them retries).
func TestLegacyAttachRacesImport(t *testing.T) {
	s, _ := openTemp(t)
	const n = 1500
	j, err := s.StartLegacyImport(legacyAdmin, "a.csv", legacyFile(n), t0)
	must(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := s.RunLegacyImport(context.Background(), j.ID, csvTable, func() time.Time { return t0 })
		done <- err
	}()
	var users []domain.User
	for i := 0; i < n; i += 50 {
		u, err := s.CreateTrainee(withName(registration(t, legacyID(i)), "王建国"), "h", NewToken(), t0)
		must(t, err)
		users = append(users, u)
	}
	must(t, <-done)
	for k, u := range users {
		cs, err := s.CertificatesOf(u.ID)
		if err != nil || len(cs) != 1 || cs[0].Number != fmt.Sprintf("豫建安C(2016)%07d", k*50) {
			t.Fatalf("trainee %d: %+v %v", k, cs, err)
		}
	}
	var pending int
	must(t, s.view(func(txn *badger.Txn) error { pending = countKeys(txn, key(pCertPending)); return nil }))
	if pending != n-len(users) {
		t.Fatalf("%d pending lists, want %d", pending, n-len(users))
	}
}

// TestLegacyImportMeetsExistingCertificates: a legacy certificate stored before imports
// existed (holder by account only) is recognised by its holder's ID number; a number
// issued by this system is never overwritten by an import.
func TestLegacyImportMeetsExistingCertificates(t *testing.T) {
	s, _ := openTemp(t)
	u, err := s.CreateTrainee(withName(registration(t, legacyID(3)), "王建国"), "h", NewToken(), t0)
	must(t, err)
	line := domain.LegacyCert{Number: "豫建安C(2016)0000003", PostCode: "110", Issuer: "河南省住房和城乡建设厅",
		IssuedOn: time.Date(2016, 5, 20, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2019, 5, 19, 0, 0, 0, 0, time.UTC),
		AgencyName: "郑州培训中心", Employer: "郑州建工集团"}
	old := line.Certificate()
	old.HolderID = u.ID
	_, err = s.AddCertificate(old)
	must(t, err)
	_, err = s.AddCertificate(domain.Certificate{Number: "豫建安C(2016)0000004", HolderID: u.ID, PostCode: "101"})
	must(t, err)
	j := runLegacy(t, s, []byte(legacyHead+legacyLine(3, "王建国")+legacyLine(5, "王建国")))
	if j.State != domain.LegacyDone || j.Unchanged != 1 || j.Added != 1 {
		t.Fatalf("existing legacy certificate: %+v", j)
	}
	j = runLegacy(t, s, []byte(legacyHead+legacyLine(4, "王建国")))
	if j.State != domain.LegacyRejected || !strings.Contains(j.Errors[0].Message, "本系统发放") {
		t.Fatalf("a number issued here: %+v", j)
	}
}

// certsCounted is the number of certificates the statistics count.
func certsCounted(t *testing.T, s *Store) int {
	t.Helper()
	d, err := s.Stats(domain.User{Role: domain.RoleAdmin}, t0)
	must(t, err)
	n := 0
	for _, c := range d.Cells {
		if c.Kind == domain.StatsCerts {
			n += c.N
		}
	}
	return n
}

// TestLegacyImportKeepsStatisticsExact: imported certificates are counted by the
// statistics as they are written, a re-import adds nothing, and a rolled-back import
// takes its counts back out.
func TestLegacyImportKeepsStatisticsExact(t *testing.T) {
	s, _ := openTemp(t)
	runLegacy(t, s, legacyFile(300))
	runLegacy(t, s, legacyFile(300))
	if n := certsCounted(t, s); n != 300 {
		t.Fatalf("statistics count %d certificates after an import and a re-import, want 300", n)
	}
	s2, _ := openTemp(t)
	j, err := s2.StartLegacyImport(legacyAdmin, "c.csv", legacyFile(800), t0)
	must(t, err)
	taking := func(name string, data []byte, fn func(int, []string) error) error {
		return csvTable(name, data, func(row int, cells []string) error {
			if row == 2 {
				if j, _, _ := s2.LegacyImport(j.ID); j.State == domain.LegacyWriting {
					_, err := s2.AddCertificate(domain.Certificate{Number: "豫建安C(2016)0000700", HolderID: "someone"})
					must(t, err)
				}
			}
			return fn(row, cells)
		})
	}
	got, err := s2.RunLegacyImport(context.Background(), j.ID, taking, func() time.Time { return t0 })
	must(t, err)
	if got.State != domain.LegacyRejected || certsCounted(t, s2) != 1 {
		t.Fatalf("after the rollback: %+v, statistics count %d, want 1", got.State, certsCounted(t, s2))
	}
}
