package views

import "sitepro/domain"

// LegacyImportModel is the 历史证书导入 page: the upload form, the unfinished import if
// there is one, and the latest imports.
type LegacyImportModel struct {
	Active domain.LegacyImport // ID empty when no import is unfinished
	Recent []domain.LegacyImport
	Error  string // why the upload was refused (no file, too large, another import runs)
}

// LegacyJobModel is the page of one import: progress while it runs (the page reloads
// itself), then the result or the line-by-line report.
type LegacyJobModel struct {
	Job domain.LegacyImport
}

// legacyStateTag is the tag class of a job state, so that it is not told by colour alone
// (the label is always written).
func legacyStateTag(s domain.LegacyImportState) string {
	switch s {
	case domain.LegacyDone:
		return "tag ok"
	case domain.LegacyRejected:
		return "tag bad"
	}
	return "tag warn"
}

// legacyStep says what an unfinished job is doing, in numbers.
func legacyStep(j domain.LegacyImport) string {
	switch j.State {
	case domain.LegacyChecking:
		return "正在逐行检查：已检查 " + itoa(j.Checked) + " 行（全部检查通过后才写入）"
	case domain.LegacyWriting:
		return "检查通过，正在写入：" + itoa(j.Written) + " / " + itoa(j.Lines) + " 行"
	case domain.LegacyRollback:
		return "发现冲突，正在撤销本次已写入的证书"
	}
	return ""
}
