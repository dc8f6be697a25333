package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PostByCode looks a post up by its national post code in the default catalog, legacy
// posts such as 安全员 (110) included, because old certificates still carry them.
func PostByCode(code string) (Post, bool) {
	for _, p := range DefaultPosts() {
		if p.Code == code {
			return p, true
		}
	}
	return Post{}, false
}

// PostLabel is the 岗位(专业) shown for a post code. An unknown code is shown as such
// rather than hidden, so that a data error on an imported certificate is noticed.
func PostLabel(code string) string {
	if p, ok := PostByCode(code); ok {
		return p.Label()
	}
	if code == "" {
		return "未登记岗位"
	}
	return "岗位代码 " + code
}

// Validity is the 有效期 shown on a certificate: electronic certificates have no printed
// expiry and stay valid while continuing education is met, so a zero date reads 长期有效.
func (c Certificate) Validity() string {
	if c.ValidUntil.IsZero() {
		return "长期有效"
	}
	return c.ValidUntil.Format("2006年1月2日") + "止"
}

// EffectiveStatus is the status to show at now. A certificate whose printed expiry date
// has passed is 失效 even if nobody has updated the stored status yet; a cancelled or
// revoked certificate keeps that status because it says more than the expiry does.
// The expiry date itself is still a valid day.
func (c Certificate) EffectiveStatus(now time.Time) CertificateStatus {
	if c.Status == CertCancelled || c.Status == CertRevoked {
		return c.Status
	}
	if !c.ValidUntil.IsZero() && dayAfter(now, c.ValidUntil) {
		return CertExpired
	}
	if c.Status == "" {
		return CertValid
	}
	return c.Status
}

// dayAfter reports whether now's calendar date (in now's location) is after the calendar
// date of d (in d's location), so that a certificate valid until a day is valid all of it.
func dayAfter(now, d time.Time) bool {
	ny, nm, nd := now.Date()
	dy, dm, dd := d.Date()
	return time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC).After(time.Date(dy, dm, dd, 0, 0, 0, 0, time.UTC))
}

// Valid reports whether a certificate status means the holder may work in the post; it
// is what a public check answers first, in words and not only in colour.
func (s CertificateStatus) Valid() bool { return s == CertValid }

// MaskName hides a holder's name on public pages: the first and last characters stay,
// the ones between become stars (王*国, 欧**明), and a two-character name keeps only its
// first character (李*). The name is counted in code points so rare characters from the
// CJK extensions are never split.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// NormalizeCertNumber prepares a certificate number for storage and lookup: white space
// is removed and full-width letters, digits and brackets (as typed with a Chinese input
// method) become ASCII, letters upper case. Legacy numbers such as 豫建安C(2016)0012345
// keep their Chinese characters. Overlong input is cut short (128 characters at most)
// without scanning all of it.
func NormalizeCertNumber(raw string) string {
	var b strings.Builder
	scanned, kept := 0, 0
	for _, r := range raw {
		if scanned++; scanned > 512 || kept == 128 {
			break
		}
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000':
			continue
		case r >= '！' && r <= '～':
			r -= '！' - '!'
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
		kept++
	}
	return b.String()
}

// CertNumber is a certificate number in the proposed provincial format: "41", the
// four-digit issue year, the national post code and a six-digit sequence, e.g.
// 412021101000123.
type CertNumber struct {
	Year     int
	PostCode string
	Seq      int
}

// certNumberLen is the length of a number in the proposed format.
const certNumberLen = 2 + 4 + 3 + 6

// String formats the number; the sequence is zero-padded to six digits.
func (n CertNumber) String() string {
	return fmt.Sprintf("41%04d%s%06d", n.Year, n.PostCode, n.Seq)
}

// ParseCertNumber reads a number in the proposed format. It is meant for numbers issued
// by this system only; legacy numbers are free text and must not be put through it.
func ParseCertNumber(raw string) (CertNumber, error) {
	v := NormalizeCertNumber(raw)
	bad := Err(CodeInvalid, "证书编号应为15位数字：41＋发证年份4位＋岗位代码3位＋6位流水号，例如 412021101000123")
	if len(v) != certNumberLen || !allDigits(v) || v[:2] != "41" {
		return CertNumber{}, bad
	}
	year, _ := strconv.Atoi(v[2:6])
	seq, _ := strconv.Atoi(v[9:])
	if year < 2000 || seq == 0 {
		return CertNumber{}, bad
	}
	if _, ok := PostByCode(v[6:9]); !ok {
		return CertNumber{}, Err(CodeInvalid, "证书编号中的岗位代码（第7到9位）不在岗位目录中，请核对")
	}
	return CertNumber{Year: year, PostCode: v[6:9], Seq: seq}, nil
}

// CheckNewCertNumber validates the number of a certificate about to be issued: the
// proposed format, and a year and post code that agree with the certificate itself.
func CheckNewCertNumber(raw string, issuedOn time.Time, postCode string) error {
	n, err := ParseCertNumber(raw)
	if err != nil {
		return err
	}
	if n.Year != issuedOn.Year() {
		return Err(CodeInvalid, fmt.Sprintf("证书编号中的年份（第3到6位）应为发证年份 %d", issuedOn.Year()))
	}
	if n.PostCode != postCode {
		return Err(CodeInvalid, "证书编号中的岗位代码（第7到9位）与证书岗位不一致")
	}
	return nil
}

// VerifyQuery is what the public verification form asks: a certificate number and the
// holder's name. There is deliberately no lookup by ID number.
type VerifyQuery struct {
	Number string
	Name   string
}

// VerifyQueryInput is the raw form input of a public verification.
type VerifyQueryInput struct {
	Number string
	Name   string
}

// Validate cleans the query and reports empty or oversized fields. It does not check the
// number's format, because legacy numbers are free text.
func (in VerifyQueryInput) Validate() (VerifyQuery, error) {
	fe := FieldErrors{}
	q := VerifyQuery{Number: NormalizeCertNumber(in.Number), Name: strings.TrimSpace(in.Name)}
	switch {
	case q.Number == "":
		fe["number"] = "请输入证书编号（证书上的“证书编号”一栏）"
	case utf8.RuneCountInString(q.Number) > 40:
		fe["number"] = "证书编号最多40个字符，请对照证书核对"
	}
	switch {
	case q.Name == "":
		fe["name"] = "请输入持证人姓名"
	case utf8.RuneCountInString(q.Name) > 30:
		fe["name"] = "姓名最多30个字"
	}
	if len(fe) > 0 {
		return VerifyQuery{}, fe
	}
	return q, nil
}

// Matches reports whether a certificate held by a person with holderName answers the
// query. Both the number and the exact name must agree, so a number alone reveals
// nothing about its holder.
func (q VerifyQuery) Matches(c Certificate, holderName string) bool {
	return q.Number != "" && NormalizeCertNumber(c.Number) == q.Number && strings.TrimSpace(holderName) == q.Name
}
