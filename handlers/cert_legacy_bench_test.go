package handlers

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sitepro/domain"
	"sitepro/store"
	"sitepro/testkit"
)

// legacyBenchXLSX writes a province-sized .xlsx the way Excel does (shared strings), with
// n certificates of n people.
func legacyBenchXLSX(b *testing.B, n int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	row := make([]any, len(domain.LegacyHeader))
	for i, h := range domain.LegacyHeader {
		row[i] = h
	}
	_ = sw.SetRow("A1", row)
	names := []string{"王建国", "李秀英", "张伟", "刘洋", "陈静", "欧阳明辉"}
	posts := []string{"101", "施工员（装饰装修）", "质量员（土建施工）", "材料员", "安全员", "114"}
	start := time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		valid := ""
		if i%3 == 0 {
			valid = "2019-05-19"
		}
		cells := []any{fmt.Sprintf("豫建安C(2016)%07d", i), names[i%len(names)], testkit.IDNumber("410105", start.AddDate(0, 0, i/1000), i%1000),
			posts[i%len(posts)], "河南省住房和城乡建设厅", "2016-05-20", valid, "郑州市建设职业技能培训中心", "河南省第" + strconv.Itoa(i%97) + "建筑工程有限公司"}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func procMB(field string) float64 {
	s, _ := os.ReadFile("/proc/self/status")
	m := regexp.MustCompile(field + `:\s+(\d+) kB`).FindSubmatch(s)
	if m == nil {
		return 0
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return float64(kb) / 1024
}

// BenchmarkLegacyImportXLSX200k imports a 200,000-line Excel file through the reader the
// page uses (export.StreamTable: the sheet and shared strings unzipped to temporary
// files, rows streamed), checking every line and then writing them in batches. It
// reports the file size (the upload limit is 12 MB), rows/s and the peak RSS of the
// import (generation excluded).
func BenchmarkLegacyImportXLSX200k(b *testing.B) {
	const n = 200_000
	data := legacyBenchXLSX(b, n)
	admin := domain.User{ID: "bench-admin", Role: domain.RoleAdmin, Username: "admin", Name: "管理员"}
	for range b.N {
		b.StopTimer()
		st, err := store.Open(b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		j, err := st.StartLegacyImport(admin, "全省.xlsx", data, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		debug.FreeOSMemory()
		_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // VmHWM starts again here
		b.StartTimer()
		start := time.Now()
		j, err = st.RunLegacyImport(context.Background(), j.ID, readTable, time.Now)
		took := time.Since(start)
		b.StopTimer()
		if err != nil || j.State != domain.LegacyDone || j.Added != n {
			b.Fatalf("import: %+v %v", j, err)
		}
		b.ReportMetric(float64(len(data))/(1<<20), "xlsx_MB")
		b.ReportMetric(float64(n)/took.Seconds(), "rows/s")
		b.ReportMetric(took.Seconds(), "import_s")
		b.ReportMetric(procMB("VmHWM"), "peak_RSS_MB")
		_ = st.Close()
		b.StartTimer()
	}
}
