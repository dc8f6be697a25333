package domain

import (
	"strconv"
	"strings"
	"time"
)

// The texts a trainee agrees to (目录与规则设置, issue 12): the 告知承诺制告知书 before an
// application is started and the 个人报名承诺 signed in step 6. They are data with a
// version: the store keeps the current text and every earlier one, an admin who saves a
// changed text makes a new version, and a trainee who agreed to an older notice is asked
// again before a new application.

// TextKind names one of the versioned texts. The code is stored; Label is the page's word.
type TextKind string

// The versioned texts.
const (
	TextNotice TextKind = "notice"
	TextPledge TextKind = "pledge"
)

var textKinds = vocab[TextKind]{{TextNotice, "告知承诺制告知书"}, {TextPledge, "个人报名承诺"}}

// Label is the text's name as admins and trainees read it.
func (k TextKind) Label() string { return textKinds.label(k) }

// TextKinds lists the versioned texts in the order the settings page shows them.
func TextKinds() []TextKind { return textKinds.codes() }

// TextKindOf reads a kind from a URL or a form; ok is false for anything else.
func TextKindOf(s string) (TextKind, bool) {
	k, ok := textKinds.parse(s)
	return k, ok && s == string(k)
}

// NoticeVersion is the version of the built-in 告知承诺制告知书: the one in force until an
// admin saves another text. Trainees who agreed to it are not asked again.
const NoticeVersion = "2026-11b" // b: says how to apply without the commitment system

// PledgeVersion is the version of the built-in 个人报名承诺.
const PledgeVersion = "2026-11"

// VersionedText is one version of a text: its paragraphs (the pledge's are its numbered
// items), who saved it and when (zero for the built-in text).
type VersionedText struct {
	Kind       TextKind
	Version    string
	Paragraphs []string
	At         time.Time
	ActorID    string
	Actor      string
}

// Body is the text as the admin's form shows it: paragraphs separated by blank lines.
func (t VersionedText) Body() string { return strings.Join(t.Paragraphs, "\n\n") }

// Builtin reports whether the text is the one shipped with the system.
func (t VersionedText) Builtin() bool { return t.At.IsZero() }

// DefaultText is the built-in text of a kind, with its version.
func DefaultText(k TextKind) VersionedText {
	if k == TextPledge {
		return VersionedText{Kind: TextPledge, Version: PledgeVersion, Paragraphs: []string{
			"本人所填写的个人信息和上传的证件、学历材料真实、准确、完整。",
			"本人将按时参加培训和考试，遵守考试纪律。",
			"本人取得证书后不出借、不出租、不挂证。",
			"本人同意主管部门和培训机构核验所填信息，同意为报名、考试和发证处理本人的身份证号、证件图片、照片等敏感个人信息。",
			"如有虚假，本人接受取消报名资格、撤销证书的处理，并承担相应责任。",
		}}
	}
	return VersionedText{Kind: TextNotice, Version: NoticeVersion, Paragraphs: []string{
		"根据住房和城乡建设领域证明事项告知承诺制的有关规定，施工现场专业人员培训报名所需的学历、工作经历等证明事项实行告知承诺制。",
		"申请人书面承诺已经符合报名条件的，不再需要提交相关证明材料原件，由培训机构和主管部门依法核查。",
		"申请人应当如实承诺。发现承诺不实的，将取消报名或考试资格；已取得证书的，依法撤销证书，并记入信用记录。",
		"申请人可以选择不适用告知承诺制：请不要在网上报名，携带学历证书、工作证明等证明材料原件到培训机构现场办理。网上报名即表示选择告知承诺制。",
	}}
}

// Text limits: a notice of a few pages at most, each paragraph a readable length.
const (
	maxTextParagraphs = 30
	maxParagraphRunes = 500
)

// ParseText reads a text as typed into the settings form: each non-empty line (or block
// of lines) is one paragraph. The field errors name "text".
func ParseText(k TextKind, raw string) ([]string, error) {
	v, err := CleanMultiline(raw, k.Label(), maxTextParagraphs*maxParagraphRunes)
	if err != nil {
		return nil, FieldErrors{"text": MessageOf(err)}
	}
	var out []string
	for _, l := range strings.Split(v, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if _, err := CleanText(l, "每一段", maxParagraphRunes, true); err != nil {
			return nil, FieldErrors{"text": MessageOf(err)}
		}
		out = append(out, l)
	}
	switch {
	case len(out) == 0:
		return nil, FieldErrors{"text": "请填写" + k.Label() + "的内容"}
	case len(out) > maxTextParagraphs:
		return nil, FieldErrors{"text": k.Label() + "最多" + strconv.Itoa(maxTextParagraphs) + "段，请合并或精简"}
	}
	return out, nil
}

// SameParagraphs reports whether two texts say the same: saving an unchanged text makes
// no new version, so nobody is asked to agree again for nothing.
func SameParagraphs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// NextTextVersion is the version of a text saved on now (China time) after prev: the day,
// "2026-12-05", with ".2", ".3", … when the day already has a version.
func NextTextVersion(prev string, now time.Time) string {
	day := ChinaDay(now).Format("2006-01-02")
	if prev == day {
		return day + ".2"
	}
	if rest, ok := strings.CutPrefix(prev, day+"."); ok {
		if n, err := strconv.Atoi(rest); err == nil && n >= 2 {
			return day + "." + strconv.Itoa(n+1)
		}
	}
	return day
}
