package store

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"sitepro/domain"
	"sitepro/testkit"
)

// benchID is the ID number of person i: 1,000 people per birth day, so 200,000 distinct.
func benchID(i int) string {
	birth := time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/1000)
	v := "410105" + birth.Format("20060102") + fmt.Sprintf("%03d", i%1000)
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k, c := range v {
		sum += int(c-'0') * w[k]
	}
	return v + string("10X98765432"[sum%11])
}

var benchNames = []string{"王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏", "欧阳明辉", "阿依古丽·买买提"}

var benchPosts = []string{"101", "施工员（装饰装修）", "质量员(土建施工)", "材料员", "机械员", "安全员", "114", "标准员"}

// legacyBenchFile is a province-sized CSV: n certificates of n people, realistic field
// lengths, a third with an expiry date.
func legacyBenchFile(n int) []byte {
	var b strings.Builder
	b.Grow(n * 200)
	b.WriteString(legacyHead)
	for i := range n {
		valid := ""
		if i%3 == 0 {
			valid = "2019-05-19"
		}
		fmt.Fprintf(&b, "豫建安C(2016)%07d,%s,%s,%s,河南省住房和城乡建设厅,2016-05-20,%s,郑州市建设职业技能培训中心,河南省第%d建筑工程有限公司\n",
			i, benchNames[i%len(benchNames)], benchID(i), benchPosts[i%len(benchPosts)], valid, i%97)
	}
	return []byte(b.String())
}

// resetPeakRSS makes VmHWM start again from the current RSS (Linux: clear_refs 5), so the
// figure is the import's own peak and not the file generation's.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// BenchmarkLegacyImport200k imports a 200,000-line file (1,000 holders already
// registered, so their certificates are attached at once) through the whole job — stream
// and check every line, then write in batches — and imports it again (every line
// unchanged). It reports rows/s of both and the process's peak RSS during the import.
func BenchmarkLegacyImport200k(b *testing.B) {
	const n = 200_000
	data := legacyBenchFile(n)
	now := func() time.Time { return t0 }
	for range b.N {
		b.StopTimer()
		s, err := Open(b.TempDir(), nil)
		must(b, err)
		for i := 0; i < n; i += n / 1000 {
			reg := domain.Registration{ID: domain.IDNumber{Value: benchID(i)}, Name: benchNames[i%len(benchNames)], Email: "x@example.com"}
			_, err := s.CreateTrainee(reg, "h", NewToken(), t0)
			must(b, err)
		}
		j, err := s.StartLegacyImport(legacyAdmin, "全省.csv", data, t0)
		must(b, err)
		runtime.GC()
		debug.FreeOSMemory()
		resetPeakRSS()
		b.StartTimer()
		start := time.Now()
		j, err = s.RunLegacyImport(context.Background(), j.ID, csvTable, now)
		must(b, err)
		first := time.Since(start)
		peak := testkit.ProcStatusMB("VmHWM")
		if j.State != domain.LegacyDone || j.Added != n || j.Attached != 1000 {
			b.Fatalf("import: %+v", j)
		}
		j, err = s.StartLegacyImport(legacyAdmin, "全省.csv", data, t0)
		must(b, err)
		start = time.Now()
		j, err = s.RunLegacyImport(context.Background(), j.ID, csvTable, now)
		must(b, err)
		again := time.Since(start)
		if j.State != domain.LegacyDone || j.Unchanged != n {
			b.Fatalf("re-import: %+v", j)
		}
		b.StopTimer()
		b.ReportMetric(float64(n)/first.Seconds(), "rows/s")
		b.ReportMetric(first.Seconds(), "import_s")
		b.ReportMetric(float64(n)/again.Seconds(), "reimport_rows/s")
		b.ReportMetric(peak, "peak_RSS_MB")
		b.ReportMetric(float64(len(data))/(1<<20), "file_MB")
		must(b, s.Close())
		b.StartTimer()
	}
}

// BenchmarkLegacyImport200kOneBadLine: 200,000 good lines and one bad one at the end.
// The whole file is checked, the job ends rejected with that one line reported, and
// nothing is written. It reports the check's rows/s and peak RSS.
func BenchmarkLegacyImport200kOneBadLine(b *testing.B) {
	const n = 200_000
	data := append(legacyBenchFile(n), []byte("X-1,周九,410105199003071234,项目经理,河南省住房和城乡建设厅,2016-02-30,,,\n")...)
	for range b.N {
		b.StopTimer()
		s, err := Open(b.TempDir(), nil)
		must(b, err)
		j, err := s.StartLegacyImport(legacyAdmin, "全省.csv", data, t0)
		must(b, err)
		runtime.GC()
		debug.FreeOSMemory()
		resetPeakRSS()
		b.StartTimer()
		start := time.Now()
		j, err = s.RunLegacyImport(context.Background(), j.ID, csvTable, func() time.Time { return t0 })
		took := time.Since(start)
		b.StopTimer()
		must(b, err)
		if j.State != domain.LegacyRejected || j.ErrorCount != 3 || j.Errors[0].Line != n+2 || j.Added != 0 {
			b.Fatalf("import: %+v", j)
		}
		if _, err := s.CertificateByNumber("豫建安C(2016)0000001"); domain.CodeOf(err) != domain.CodeNotFound {
			b.Fatalf("a line of a rejected file was written: %v", err)
		}
		b.ReportMetric(float64(n+1)/took.Seconds(), "checked_rows/s")
		b.ReportMetric(testkit.ProcStatusMB("VmHWM"), "peak_RSS_MB")
		must(b, s.Close())
		b.StartTimer()
	}
}
