package domain

import (
	"strings"
	"testing"
	"time"
)

var legacyNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func TestParseLegacyHeader(t *testing.T) {
	cols, err := ParseLegacyHeader(append([]string{"\ufeff证书编号 "}, LegacyHeader[1:]...))
	if err != nil || cols[lcNumber] != 0 || cols[lcEmployer] != 8 {
		t.Fatalf("template header: %v %v", cols, err)
	}
	// Any order, 岗位 for 岗位/专业, 有效期至 for 有效期.
	cols, err = ParseLegacyHeader([]string{"姓名", "证书编号", "身份证号", "岗位", "发证单位", "发证日期", "有效期至", "培训机构", "工作单位"})
	if err != nil || cols[lcName] != 0 || cols[lcNumber] != 1 || cols[lcPost] != 3 || cols[lcValid] != 6 {
		t.Fatalf("reordered header: %v %v", cols, err)
	}
	for _, c := range []struct {
		row  []string
		want []string
	}{
		{[]string{"证书编号", "姓名", "课程名称"}, []string{"缺少列", "“身份证号”", "不认识的列 “课程名称”"}},
		{append(append([]string{}, LegacyHeader...), "姓名"), []string{"重复的列 “姓名”"}},
		{nil, []string{"缺少列", "请下载模板"}},
	} {
		_, err := ParseLegacyHeader(c.row)
		if CodeOf(err) != CodeInvalid {
			t.Fatalf("%q: %v", c.row, err)
		}
		for _, w := range c.want {
			if !strings.Contains(MessageOf(err), w) {
				t.Errorf("%q: %q lacks %q", c.row, MessageOf(err), w)
			}
		}
	}
}

func TestResolvePost(t *testing.T) {
	for raw, want := range map[string]string{
		"101": "101", "施工员（土建施工）": "101", "施工员(土建施工)": "101", "施工员-土建施工": "101", " 质量员 (市政工程) ": "109",
		"材料员": "111", "安全员": "110", "110": "110", "标准员": "115",
	} {
		if got, err := ResolvePost(raw); err != nil || got != want {
			t.Errorf("ResolvePost(%q) = %q %v, want %q", raw, got, err, want)
		}
	}
	for raw, msg := range map[string]string{"施工员": "需要写明专业", "项目经理": "不在岗位目录", "": "缺少岗位", "105": "不在岗位目录"} {
		if _, err := ResolvePost(raw); !strings.Contains(MessageOf(err), msg) {
			t.Errorf("ResolvePost(%q): %v, want %q", raw, err, msg)
		}
	}
}

func TestParseLegacyLine(t *testing.T) {
	cols, _ := ParseLegacyHeader(LegacyHeader)
	good := []string{"豫建安c（2016）0012345", "王建国", "11010519491231002x", "安全员", "河南省住房和城乡建设厅", "2016/5/20", "", "郑州培训中心", ""}
	c, msgs, ok := ParseLegacyLine(7, good, cols, legacyNow)
	if !ok || len(msgs) != 0 {
		t.Fatalf("good line: %v %v", msgs, ok)
	}
	if c.Line != 7 || c.Number != "豫建安C(2016)0012345" || c.IDNumber != "11010519491231002X" || c.PostCode != "110" ||
		!c.IssuedOn.Equal(time.Date(2016, 5, 20, 0, 0, 0, 0, time.UTC)) || !c.ValidUntil.IsZero() {
		t.Fatalf("parsed: %+v", c)
	}
	cert := c.Certificate()
	if !cert.Legacy || cert.Status != CertValid || cert.Validity() != "长期有效" || len(c.Differences(cert)) != 0 {
		t.Fatalf("certificate: %+v", cert)
	}
	cert.Employer, cert.ValidUntil = "别的单位", legacyNow
	if d := c.Differences(cert); strings.Join(d, ",") != "有效期,工作单位" {
		t.Fatalf("differences: %v", d)
	}
	if _, msgs, ok := ParseLegacyLine(8, []string{" ", ""}, cols, legacyNow); ok || msgs != nil {
		t.Fatal("an empty line is skipped")
	}
	for _, c := range []struct {
		change func(r []string)
		want   string
	}{
		{func(r []string) { r[0] = "" }, "缺少证书编号"},
		{func(r []string) { r[1] = "Wang" }, "姓名只能包含汉字"},
		{func(r []string) { r[2] = "410105199003071234" }, "校验码"},
		{func(r []string) { r[2] = "4.10105E+17" }, "科学计数法"},
		{func(r []string) { r[3] = "项目经理" }, "不在岗位目录"},
		{func(r []string) { r[4] = "" }, "请填写发证单位"},
		{func(r []string) { r[5] = "2016-02-30" }, "不是真实的日期"},
		{func(r []string) { r[5] = "2027-01-01" }, "不能晚于今天"},
		{func(r []string) { r[6] = "2015-01-01" }, "有效期应晚于发证日期"},
		{func(r []string) { r[6] = "明年" }, "有效期格式不正确"},
		{func(r []string) { r[8] = strings.Repeat("建", 101) }, "工作单位最多100个字"},
	} {
		row := append([]string{}, good...)
		c.change(row)
		_, msgs, ok := ParseLegacyLine(9, row, cols, legacyNow)
		if !ok || len(msgs) != 1 || !strings.Contains(msgs[0], c.want) {
			t.Errorf("%q: %q, want %q", row, msgs, c.want)
		}
	}
	row := append([]string{}, good...)
	row[6] = "长期"
	if c, msgs, _ := ParseLegacyLine(9, row, cols, legacyNow); len(msgs) != 0 || !c.ValidUntil.IsZero() {
		t.Errorf("长期: %v", msgs)
	}
}

func TestLegacyImportProgress(t *testing.T) {
	for _, c := range []struct {
		j    LegacyImport
		want int
	}{
		{LegacyImport{State: LegacyChecking}, 0},
		{LegacyImport{State: LegacyChecking, Lines: 200, Checked: 100}, 0},
		{LegacyImport{State: LegacyWriting, Lines: 200, Written: 50}, 25},
		{LegacyImport{State: LegacyRollback, Lines: 200, Written: 50}, 0},
		{LegacyImport{State: LegacyDone, Lines: 200}, 100},
		{LegacyImport{State: LegacyRejected}, 100},
	} {
		if got := c.j.Progress(); got != c.want {
			t.Errorf("%+v: %d, want %d", c.j, got, c.want)
		}
	}
	if !LegacyDone.Finished() || LegacyWriting.Finished() || LegacyRollback.Label() != "正在撤销" {
		t.Error("states")
	}
}

// FuzzParseLegacyLine: any header and line (the file comes from an admin, still untrusted)
// never panics; a line without messages is a certificate that can be stored as it is.
func FuzzParseLegacyLine(f *testing.F) {
	f.Add(strings.Join(LegacyHeader, "\t"), "豫建安C(2016)0012345\t王建国\t11010519491231002X\t安全员\t河南省住房和城乡建设厅\t2016-05-20\t\t\t")
	f.Add("岗位\t姓名\t证书编号\t身份证号\t发证单位\t发证日期\t有效期至\t培训机构\t工作单位", "施工员(土建施工)\t欧阳·明\tA\t4.1E+17\tx\t2016年5月20日\t长期\t\t")
	f.Add("", "\x00\t\u202e")
	f.Fuzz(func(t *testing.T, header, line string) {
		cols, err := ParseLegacyHeader(strings.Split(header, "\t"))
		if err != nil {
			if MessageOf(err) == "" {
				t.Fatal("a header error without a message")
			}
			return
		}
		c, msgs, ok := ParseLegacyLine(2, strings.Split(line, "\t"), cols, legacyNow)
		if !ok || len(msgs) > 0 {
			return
		}
		if c.Number == "" || c.Name == "" || len(c.IDNumber) != 18 || c.Issuer == "" || c.IssuedOn.IsZero() {
			t.Fatalf("a line without messages is incomplete: %+v", c)
		}
		if _, ok := PostByCode(c.PostCode); !ok {
			t.Fatalf("unknown post %q accepted", c.PostCode)
		}
		if !c.ValidUntil.IsZero() && !c.ValidUntil.After(c.IssuedOn) {
			t.Fatalf("expiry before issue: %+v", c)
		}
	})
}
