package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var table = Table{Header: []string{"报名编号", "姓名"}, Rows: [][]string{{"XQ2026112600001", "王芳"}, {"XQ2", "=HYPERLINK(\"x\")"}}}

func TestCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, table); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("no BOM")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\xef\xbb\xbf"))).ReadAll()
	if err != nil || len(recs) != 3 || recs[1][1] != "王芳" || recs[2][1] != `'=HYPERLINK("x")` {
		t.Fatalf("csv = %v %v", recs, err)
	}
}

func TestXLSX(t *testing.T) {
	var b bytes.Buffer
	if err := WriteXLSX(&b, "报名", table); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("报名")
	if err != nil || len(rows) != 3 || rows[0][0] != "报名编号" || rows[1][1] != "王芳" || !strings.HasPrefix(rows[2][1], "'=") {
		t.Fatalf("xlsx rows = %v %v", rows, err)
	}
}
