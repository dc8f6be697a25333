package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// ReadError is a problem with an uploaded table that the user can fix; Message is in
// Chinese and safe to show.
type ReadError struct{ Message string }

func (e *ReadError) Error() string { return e.Message }

// Limits of ReadTable: enough for any real import, small enough that a hostile file
// (a zip bomb renamed .xlsx, a CSV with millions of rows) cannot exhaust memory.
const (
	MaxReadRows    = 5000
	MaxReadColumns = 20
	maxUnzipped    = 64 << 20
)

// ReadTable reads the rows of an uploaded CSV (UTF-8, with or without a byte-order mark)
// or Excel .xlsx file (its first sheet), chosen by the file name's extension. Every cell
// is text: Excel dates come as 2006-01-02 (or as the cell's Chinese date format), numbers
// as written. Rows beyond MaxReadRows and cells beyond MaxReadColumns are an error and
// ignored respectively.
func ReadTable(name string, data []byte) ([][]string, error) {
	var rows [][]string
	err := streamTable(name, data, tableLimits, func(_ int, cells []string) error {
		if len(rows) == MaxReadRows {
			return tooManyRows()
		}
		rows = append(rows, append([]string(nil), cells...))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// StreamTable reads an uploaded table like ReadTable, but hands each row to fn as it
// is read instead of collecting them, with no limit on the number of rows: memory stays
// bounded whatever the file's length (a province's 200,000 certificates). Large parts of
// an .xlsx (the sheet, the shared strings) are unzipped to temporary files that the row
// iterator reads from. Row numbers start at 1 (the header). cells is only valid during
// the call. An error from fn stops the reading and is returned as it is.
func StreamTable(name string, data []byte, fn func(row int, cells []string) error) error {
	return streamTable(name, data, streamLimits, fn)
}

// readLimits bound what one table may unzip to: ReadTable keeps everything in memory,
// StreamTable spills the large parts to disk.
type readLimits struct{ unzipped, inMemory int64 }

var (
	tableLimits  = readLimits{unzipped: maxUnzipped, inMemory: maxUnzipped}
	streamLimits = readLimits{unzipped: 1 << 30, inMemory: 4 << 20}
)

func streamTable(name string, data []byte, lim readLimits, fn func(row int, cells []string) error) error {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt":
		return streamCSV(data, fn)
	case ".xlsx":
		return streamXLSX(data, lim, fn)
	case ".xls", ".et", ".wps":
		return &ReadError{"不支持旧版 Excel（.xls）文件。请在 Excel 中“另存为”Excel 工作簿（.xlsx）或 CSV UTF-8 后再上传"}
	}
	return &ReadError{"请上传 Excel 工作簿（.xlsx）或 CSV 文件"}
}

func streamCSV(data []byte, fn func(int, []string) error) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return &ReadError{"CSV 文件不是 UTF-8 编码（Excel 默认保存的 CSV 是 GBK 编码）。请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”，或直接上传 .xlsx 文件"}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	for n := 1; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &ReadError{"CSV 文件第 " + itoa(pe.Line) + " 行格式有误（引号不成对等），请用 Excel 打开检查后重新保存"}
			}
			return err
		}
		if err := fn(n, capColumns(rec)); err != nil {
			return err
		}
	}
}

func streamXLSX(data []byte, lim readLimits, fn func(int, []string) error) error {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{ShortDatePattern: "yyyy-mm-dd",
		CultureInfo: excelize.CultureNameZhCN, UnzipSizeLimit: lim.unzipped, UnzipXMLSizeLimit: lim.inMemory})
	if err != nil {
		return &ReadError{"无法打开这个 Excel 文件（文件损坏、加密或不是 .xlsx 格式）。请在 Excel 中另存为 .xlsx 后重新上传"}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return &ReadError{"Excel 文件中没有工作表"}
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return &ReadError{"无法读取 Excel 文件的第一个工作表，请另存为 .xlsx 后重新上传"}
	}
	defer it.Close()
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns()
		if err != nil {
			return &ReadError{"Excel 文件第 " + itoa(n) + " 行无法读取，请检查后重新保存"}
		}
		if err := fn(n, capColumns(cells)); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return &ReadError{"无法读取 Excel 文件的第一个工作表，请另存为 .xlsx 后重新上传"}
	}
	return nil
}

func tooManyRows() error {
	return &ReadError{"文件超过 " + itoa(MaxReadRows) + " 行，请分成几个文件上传"}
}

func capColumns(row []string) []string {
	if len(row) > MaxReadColumns {
		row = row[:MaxReadColumns]
	}
	return row
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
