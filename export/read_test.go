package export

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func wantReadError(t *testing.T, err error, has string) {
	t.Helper()
	var re *ReadError
	if !errors.As(err, &re) || !strings.Contains(re.Message, has) {
		t.Fatalf("error %v, want a ReadError with %q", err, has)
	}
}

func TestReadCSV(t *testing.T) {
	var b bytes.Buffer
	_ = WriteCSV(&b, Table{Header: []string{"证书编号", "姓名"}, Rows: [][]string{{"412021101000123", "王建国"}, {"x", "a,\"b\""}}})
	rows, err := ReadTable("学时.CSV", b.Bytes())
	if err != nil || len(rows) != 3 || rows[0][0] != "证书编号" || rows[2][1] != `a,"b"` {
		t.Fatalf("%q %v", rows, err)
	}
	rows, err = ReadTable("a.csv", []byte("a,b,c\nd\n"))
	if err != nil || len(rows) != 2 || len(rows[1]) != 1 {
		t.Fatalf("ragged rows: %q %v", rows, err)
	}
	gbk := []byte{0xd6, 0xa4, 0xca, 0xe9, ',', 'x', '\n'} // 证书 in GBK
	_, err = ReadTable("a.csv", gbk)
	wantReadError(t, err, "UTF-8")
	_, err = ReadTable("a.csv", []byte("a,\"b\nc"))
	wantReadError(t, err, "格式有误")
	_, err = ReadTable("a.csv", []byte(strings.Repeat("a\n", MaxReadRows+1)))
	wantReadError(t, err, "分成几个文件")
	rows, _ = ReadTable("a.csv", []byte(strings.Repeat("x,", 100)+"\n"))
	if len(rows[0]) != MaxReadColumns {
		t.Fatalf("columns not capped: %d", len(rows[0]))
	}
}

func TestReadXLSXDatesAndNumbers(t *testing.T) {
	f := excelize.NewFile()
	cells := map[string]any{"A1": "证书编号", "B1": "完成日期", "C1": "课程名称", "D1": "学时",
		"A2": 412021101000123, "B2": time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), "C2": "建筑施工技术", "D2": 4.5,
		"A4": "412021101000124", "B4": 46346, "C4": "法律法规"}
	for k, v := range cells {
		_ = f.SetCellValue("Sheet1", k, v)
	}
	short, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	_ = f.SetCellStyle("Sheet1", "B4", "B4", short)
	cn := "yyyy年m月d日"
	cnStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &cn})
	_ = f.SetCellValue("Sheet1", "B5", 46346)
	_ = f.SetCellStyle("Sheet1", "B5", "B5", cnStyle)
	var b bytes.Buffer
	_ = f.Write(&b)
	rows, err := ReadTable("learning.xlsx", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[1][0] != "412021101000123" || rows[1][1] != "2026-11-20" || rows[1][3] != "4.5" {
		t.Fatalf("rows: %q", rows)
	}
	if len(rows[2]) != 0 || rows[3][1] != "2026-11-20" || rows[4][1] != "2026年11月20日" {
		t.Fatalf("an empty row must keep the row numbers; dates: %q", rows)
	}
}

func TestReadRejectsOtherFiles(t *testing.T) {
	_, err := ReadTable("old.xls", []byte("\xd0\xcf\x11\xe0"))
	wantReadError(t, err, ".xls")
	_, err = ReadTable("x.pdf", []byte("%PDF"))
	wantReadError(t, err, ".xlsx")
	_, err = ReadTable("fake.xlsx", []byte("not a zip"))
	wantReadError(t, err, "无法打开")
	// A zip whose sheet inflates beyond the limit is refused, not expanded.
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	_, _ = w.Write(bytes.Repeat([]byte(" "), maxUnzipped+1024))
	_ = zw.Close()
	if _, err := ReadTable("bomb.xlsx", z.Bytes()); err == nil {
		t.Fatal("a zip bomb was read")
	}
}
