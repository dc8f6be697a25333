package export

import (
	"archive/zip"
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzReadTable feeds ReadTable arbitrary bytes as a CSV and as an .xlsx (the CE import
// takes files from agency staff, which are still untrusted): it must never panic, and it
// returns either a ReadError with a message or rows within the limits.
func FuzzReadTable(f *testing.F) {
	var csv, xlsx bytes.Buffer
	t := Table{Header: []string{"证书编号", "姓名", "课程名称", "完成日期"}, Rows: [][]string{{"412021101000123", "王建国", "安全", "2026-11-20"}}}
	if err := WriteCSV(&csv, t); err != nil {
		f.Fatal(err)
	}
	if err := WriteXLSX(&xlsx, "学时", t); err != nil {
		f.Fatal(err)
	}
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, _ := zw.Create("[Content_Types].xml")
	_, _ = w.Write([]byte(`<?xml version="1.0"?><Types/>`))
	_ = zw.Close()
	for _, seed := range [][]byte{csv.Bytes(), xlsx.Bytes(), z.Bytes(), []byte("a,\"b\nc"), []byte("\xef\xbb\xbfa,b\r\n"),
		{0xd6, 0xa4, ','}, []byte("PK\x03\x04"), nil} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, asXLSX bool) {
		name := "学时.csv"
		if asXLSX {
			name = "学时.xlsx"
		}
		rows, err := ReadTable(name, data)
		if err != nil {
			var re *ReadError
			if !errors.As(err, &re) || re.Message == "" {
				t.Fatalf("ReadTable(%s) error %T %v is not a ReadError with a message", name, err, err)
			}
			return
		}
		if len(rows) > MaxReadRows {
			t.Fatalf("%d rows", len(rows))
		}
		for i, r := range rows {
			if len(r) > MaxReadColumns {
				t.Fatalf("row %d has %d cells", i, len(r))
			}
			if asXLSX {
				continue
			}
			for _, c := range r {
				if !utf8.ValidString(c) {
					t.Fatalf("row %d: cell %q is not UTF-8", i, c)
				}
			}
		}
	})
}
