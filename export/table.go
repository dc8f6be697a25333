package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Table is a header and rows of text cells.
type Table struct {
	Header []string
	Rows   [][]string
}

// safeCell defuses spreadsheet formula injection: a cell starting with = + - @ or a
// control character is prefixed with an apostrophe, so Excel shows it as text.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes t as UTF-8 CSV with a byte-order mark.
func WriteCSV(w io.Writer, t Table) error {
	if _, err := w.Write([]byte("\xef\xbb\xbf")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	for _, r := range t.Rows {
		out := make([]string, len(r))
		for i, c := range r {
			out[i] = safeCell(c)
		}
		if err := cw.Write(out); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes t as a one-sheet Excel workbook with a bold, frozen header row.
func WriteXLSX(w io.Writer, sheet string, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, h := range t.Header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return err
		}
		_ = f.SetCellStyle(sheet, cell, cell, bold)
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth(sheet, col, col, 18)
	}
	for r, row := range t.Rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			if err := f.SetCellStr(sheet, cell, safeCell(v)); err != nil {
				return err
			}
		}
	}
	_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	return f.Write(w)
}

// Sheet is one named sheet of a workbook.
type Sheet struct {
	Name string
	Table
}

// WriteWorkbook writes several tables as one Excel workbook, a sheet each with a bold,
// frozen header row; a cell that is a whole number is written as a number, so that a
// spreadsheet can sum the counts of a statistics export.
func WriteWorkbook(w io.Writer, sheets []Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, sh := range sheets {
		if i == 0 {
			err = f.SetSheetName("Sheet1", sh.Name)
		} else {
			_, err = f.NewSheet(sh.Name)
		}
		if err != nil {
			return err
		}
		if err := writeSheet(f, sh, bold); err != nil {
			return err
		}
	}
	return f.Write(w)
}

func writeSheet(f *excelize.File, sh Sheet, bold int) error {
	for i, h := range sh.Header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(sh.Name, cell, h); err != nil {
			return err
		}
		_ = f.SetCellStyle(sh.Name, cell, cell, bold)
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth(sh.Name, col, col, 16)
	}
	for r, row := range sh.Rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			var err error
			if n, nerr := strconv.Atoi(v); nerr == nil && strconv.Itoa(n) == v {
				err = f.SetCellInt(sh.Name, cell, int64(n))
			} else {
				err = f.SetCellStr(sh.Name, cell, safeCell(v))
			}
			if err != nil {
				return err
			}
		}
	}
	return f.SetPanes(sh.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}
