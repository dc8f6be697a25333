package domain

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// 历史证书导入 (issue 12): the province brings its existing certificates in from a
// spreadsheet. This file owns the file's shape (columns, one line's rules, the post
// named by code or name) and the job's vocabulary; the store checks the lines against
// what it holds and writes them.

// LegacyHeader is the first row of a legacy-certificate file, in the template's order.
// The columns may come in any order; each must be there once.
var LegacyHeader = []string{"证书编号", "姓名", "身份证号", "岗位/专业", "发证单位", "发证日期", "有效期", "培训机构", "工作单位"}

// Column indexes of LegacyHeader.
const (
	lcNumber = iota
	lcName
	lcIDNo
	lcPost
	lcIssuer
	lcIssued
	lcValid
	lcAgency
	lcEmployer
)

// Field limits of a legacy line: generous for real data, small enough that a batch of
// lines always fits one store transaction.
const (
	legacyNumberMax   = 40
	legacyIssuerMax   = 60
	legacyAgencyMax   = 60
	legacyEmployerMax = 100
)

// LegacyColumns maps each column of LegacyHeader to its position in the file.
type LegacyColumns [9]int

// ParseLegacyHeader reads the header row. Every column of LegacyHeader must be present
// exactly once (any order, 岗位 or 专业 accepted for 岗位/专业); anything else is an
// error that names what is missing or unknown, since a file with wrong columns cannot
// be imported at all.
func ParseLegacyHeader(row []string) (LegacyColumns, error) {
	var cols LegacyColumns
	for i := range cols {
		cols[i] = -1
	}
	var unknown, twice []string
	for i, h := range trimRow(row) {
		if h == "" {
			continue
		}
		j := legacyColumn(h)
		switch {
		case j < 0:
			unknown = append(unknown, "“"+h+"”")
		case cols[j] >= 0:
			twice = append(twice, "“"+h+"”")
		default:
			cols[j] = i
		}
	}
	var missing []string
	for j, at := range cols {
		if at < 0 {
			missing = append(missing, "“"+LegacyHeader[j]+"”")
		}
	}
	var msgs []string
	if len(missing) > 0 {
		msgs = append(msgs, "缺少列 "+strings.Join(missing, "、"))
	}
	if len(unknown) > 0 {
		msgs = append(msgs, "不认识的列 "+strings.Join(unknown, "、"))
	}
	if len(twice) > 0 {
		msgs = append(msgs, "重复的列 "+strings.Join(twice, "、"))
	}
	if len(msgs) > 0 {
		return cols, Err(CodeInvalid, "表头（第一行）不对："+strings.Join(msgs, "；")+"。第一行应为："+
			strings.Join(LegacyHeader, "、")+"。请下载模板，按模板填写")
	}
	return cols, nil
}

func legacyColumn(h string) int {
	h = strings.NewReplacer(" ", "", "\u3000", "", "／", "/", "（", "", "）", "", "(", "", ")", "").Replace(h)
	switch h {
	case "岗位", "专业", "岗位专业", "岗位/专业", "专业及岗位", "岗位及专业":
		return lcPost
	case "有效期至", "有效期":
		return lcValid
	}
	for j, want := range LegacyHeader {
		if h == want {
			return j
		}
	}
	return -1
}

// LegacyCert is one good line of a legacy-certificate file: the certificate and its
// holder as identified by ID number and name (the holder may not have registered yet).
type LegacyCert struct {
	Line       int
	Number     string // normalised (NormalizeCertNumber)
	Name       string
	IDNumber   string
	PostCode   string
	Issuer     string
	IssuedOn   time.Time
	ValidUntil time.Time // zero: 长期有效
	AgencyName string
	Employer   string
}

// ParseLegacyLine checks one data line (line is its spreadsheet row number). It returns
// the certificate and every problem of the line in Chinese; an empty line (all cells
// blank) is reported with ok false and no messages, so that it is skipped.
func ParseLegacyLine(line int, row []string, cols LegacyColumns, now time.Time) (c LegacyCert, msgs []string, ok bool) {
	cells := trimRow(row)
	if len(cells) == 0 {
		return LegacyCert{}, nil, false
	}
	get := func(j int) string {
		if cols[j] < len(cells) {
			return cells[cols[j]]
		}
		return ""
	}
	c = LegacyCert{Line: line}
	bad := func(err error) { msgs = append(msgs, MessageOf(err)) }
	c.Number = NormalizeCertNumber(get(lcNumber))
	switch {
	case c.Number == "":
		msgs = append(msgs, "缺少证书编号")
	case utf8.RuneCountInString(c.Number) > legacyNumberMax:
		msgs = append(msgs, "证书编号最多"+strconv.Itoa(legacyNumberMax)+"个字符")
	default:
		if _, err := CleanText(c.Number, "证书编号", legacyNumberMax, true); err != nil {
			bad(err)
		}
	}
	var err error
	if c.Name, err = NormalizeName(get(lcName)); err != nil {
		bad(err)
	}
	c.IDNumber, err = legacyIDNumber(get(lcIDNo), now)
	if err != nil {
		bad(err)
	}
	if c.PostCode, err = ResolvePost(get(lcPost)); err != nil {
		bad(err)
	}
	if c.Issuer, err = CleanText(get(lcIssuer), "发证单位", legacyIssuerMax, true); err != nil {
		bad(err)
	}
	c.IssuedOn, c.ValidUntil, err = legacyDates(get(lcIssued), get(lcValid), now)
	if err != nil {
		for _, m := range strings.Split(MessageOf(err), "；") {
			msgs = append(msgs, m)
		}
	}
	if c.AgencyName, err = CleanText(get(lcAgency), "培训机构", legacyAgencyMax, false); err != nil {
		bad(err)
	}
	if c.Employer, err = CleanText(get(lcEmployer), "工作单位", legacyEmployerMax, false); err != nil {
		bad(err)
	}
	return c, msgs, true
}

// legacyIDNumber checks an ID number and explains the one mistake spreadsheets make with
// it: an 18-digit number typed into a number cell is shown as 4.10102E+17 and has lost
// its last digits.
func legacyIDNumber(raw string, now time.Time) (string, error) {
	if strings.ContainsAny(raw, "Ee") && strings.Contains(raw, "+") {
		return "", Err(CodeInvalid, "身份证号被 Excel 当成数字，显示成了科学计数法（如 4.10102E+17），后几位已经丢失。请把这一列设为“文本”格式后重新填写身份证号")
	}
	id, err := ParseIDNumber(raw, now)
	if err != nil {
		return "", err // every message names the 身份证号
	}
	return id.Value, nil
}

// legacyDates checks 发证日期 (required, not in the future) and 有效期 (empty means 长期,
// otherwise after the issue date). Several problems are joined with "；".
func legacyDates(issuedRaw, validRaw string, now time.Time) (issued, valid time.Time, err error) {
	var msgs []string
	issued, e := ParseDate(issuedRaw, "发证日期")
	if e != nil {
		msgs = append(msgs, MessageOf(e))
	} else if dayAfter(issued, now) {
		msgs = append(msgs, "发证日期不能晚于今天")
	}
	if strings.TrimSpace(validRaw) != "" && strings.TrimSpace(validRaw) != "长期" && strings.TrimSpace(validRaw) != "长期有效" {
		if valid, e = ParseDate(validRaw, "有效期"); e != nil {
			msgs = append(msgs, MessageOf(e))
		} else if !issued.IsZero() && !valid.After(issued) {
			msgs = append(msgs, "有效期应晚于发证日期（长期有效的证书请留空）")
		}
	}
	if len(msgs) > 0 {
		return issued, valid, Err(CodeInvalid, strings.Join(msgs, "；"))
	}
	return issued, valid, nil
}

// ResolvePost finds the catalog entry a file names in 岗位/专业: its national code (101),
// its label as shown on certificates (施工员（土建施工）, also with half-width brackets,
// a dash or a space between position and specialty) or, for positions without
// specialties, the position alone (材料员). The legacy 安全员 (110) is accepted because
// old certificates carry it, though it is closed to new applications.
func ResolvePost(raw string) (string, error) {
	if len(raw) > 120 { // no catalog entry is this long; do not copy a huge cell around
		return "", Err(CodeInvalid, "岗位/专业太长，请填写岗位代码（如 101）或名称（如 施工员（土建施工））")
	}
	v := strings.NewReplacer(" ", "", "\u3000", "", "(", "（", ")", "）", "-", "（", "—", "（", "/", "（", "：", "（", ":", "（").Replace(strings.TrimSpace(raw))
	if v == "" {
		return "", Err(CodeInvalid, "缺少岗位/专业")
	}
	if strings.Contains(v, "（") && !strings.HasSuffix(v, "）") {
		v += "）"
	}
	withSpecialty := false
	for _, p := range DefaultPosts() {
		if v == p.Code || v == p.Label() {
			return p.Code, nil
		}
		if v == p.Position && p.Specialty != "" {
			withSpecialty = true
		}
	}
	if withSpecialty {
		return "", Err(CodeInvalid, "岗位“"+clip(raw)+"”需要写明专业，例如“"+v+"（土建施工）”或岗位代码")
	}
	return "", Err(CodeInvalid, "岗位/专业“"+clip(raw)+"”不在岗位目录中；请填写岗位代码（如 101）或名称（如 施工员（土建施工）、材料员、安全员）")
}

// clip shortens a value quoted back in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

// Certificate is the certificate a line imports, without holder, ID or token (the store
// sets them): a legacy certificate, 有效 unless its expiry date has passed.
func (c LegacyCert) Certificate() Certificate {
	return Certificate{Number: c.Number, PostCode: c.PostCode, Issuer: c.Issuer, IssuedOn: c.IssuedOn,
		ValidUntil: c.ValidUntil, AgencyName: c.AgencyName, Employer: c.Employer, Status: CertValid, Legacy: true}
}

// Differences names the fields in which a stored certificate differs from this line
// (the holder is compared separately), for the report of a re-import whose data changed.
func (c LegacyCert) Differences(s Certificate) []string {
	var out []string
	add := func(differs bool, label string) {
		if differs {
			out = append(out, label)
		}
	}
	add(s.PostCode != c.PostCode, "岗位/专业")
	add(s.Issuer != c.Issuer, "发证单位")
	add(!sameDay(s.IssuedOn, c.IssuedOn), "发证日期")
	add(!sameDay(s.ValidUntil, c.ValidUntil), "有效期")
	add(s.AgencyName != c.AgencyName, "培训机构")
	add(s.Employer != c.Employer, "工作单位")
	return out
}

func sameDay(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() == b.IsZero()
	}
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// LegacyImportState is where a legacy-certificate import job stands.
type LegacyImportState string

// Import job states. A job is checked in full before anything is written; a job with
// any bad line ends rejected, having written nothing.
const (
	LegacyChecking LegacyImportState = "checking"
	LegacyWriting  LegacyImportState = "writing"
	LegacyRollback LegacyImportState = "rollback"
	LegacyDone     LegacyImportState = "done"
	LegacyRejected LegacyImportState = "rejected"
)

var legacyImportStates = vocab[LegacyImportState]{
	{LegacyChecking, "正在检查"}, {LegacyWriting, "正在导入"}, {LegacyRollback, "正在撤销"},
	{LegacyDone, "导入完成"}, {LegacyRejected, "未导入（有错误）"},
}

// Label is the state as the import page shows it.
func (s LegacyImportState) Label() string { return legacyImportStates.label(s) }

// Finished reports whether the job will not change any more.
func (s LegacyImportState) Finished() bool { return s == LegacyDone || s == LegacyRejected }

// MaxLegacyReportErrors bounds the line errors kept with a job: a file with many bad
// lines still reports how many there are, and lists the first ones in full.
const MaxLegacyReportErrors = 1000

// LegacyImport is an import job of legacy certificates, as the import page shows it.
type LegacyImport struct {
	ID         string
	FileName   string
	ActorID    string
	Actor      string
	State      LegacyImportState
	Lines      int // data lines read so far (checking) or in the file
	Checked    int // lines checked
	Written    int // lines written (the write cursor)
	Added      int
	Unchanged  int // already imported with the same holder and data
	Attached   int // added to the 证书信息 of a registered trainee at once
	Errors     []LineError
	ErrorCount int    // all line errors, also those beyond MaxLegacyReportErrors
	Problem    string // what is wrong with the file as a whole (unreadable, wrong columns)
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time
}

// Progress is the share of the lines written, 0–100, for the progress bar. While the
// file is being checked its length is not known yet, so the bar has no value then (the
// page shows the lines checked so far instead).
func (j LegacyImport) Progress() int {
	switch {
	case j.State.Finished():
		return 100
	case j.State != LegacyWriting || j.Lines == 0:
		return 0
	}
	return min(99, j.Written*100/j.Lines)
}
