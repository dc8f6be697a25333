package domain

import (
	"regexp"
	"testing"
)

func TestDefaultPosts(t *testing.T) {
	posts := DefaultPosts()
	want := map[string]string{
		"101": "施工员（土建施工）", "102": "施工员（装饰装修）", "103": "施工员（设备安装）",
		"104": "施工员（市政工程）", "106": "质量员（土建施工）", "107": "质量员（装饰装修）",
		"108": "质量员（设备安装）", "109": "质量员（市政工程）", "111": "材料员", "112": "机械员",
		"113": "劳务员", "114": "资料员", "115": "标准员", "110": "安全员",
	}
	if len(posts) != len(want) {
		t.Fatalf("%d posts, want %d", len(posts), len(want))
	}
	slugRe := regexp.MustCompile(`^[a-z]+(-[a-z]+)?$`)
	codes, slugs := map[string]bool{}, map[string]bool{}
	enabled := 0
	for _, p := range posts {
		if want[p.Code] != p.Label() {
			t.Errorf("post %s label %q, want %q", p.Code, p.Label(), want[p.Code])
		}
		if codes[p.Code] || slugs[p.Slug] {
			t.Errorf("duplicate code or slug in %+v", p)
		}
		codes[p.Code], slugs[p.Slug] = true, true
		if !slugRe.MatchString(p.Slug) {
			t.Errorf("slug %q", p.Slug)
		}
		if p.Enabled {
			enabled++
		}
		if p.Code == "110" && (p.Enabled || p.Slug != "anquan") {
			t.Errorf("安全员 must be disabled with slug anquan: %+v", p)
		}
	}
	if enabled != 13 {
		t.Errorf("%d enabled posts, want 13", enabled)
	}
	for _, s := range []string{"shigong-tujian", "zhiliang-tujian", "cailiao", "jixie", "laowu", "ziliao", "biaozhun"} {
		if !slugs[s] {
			t.Errorf("missing slug %q", s)
		}
	}
	posts[0].Enabled = false
	if !DefaultPosts()[0].Enabled {
		t.Error("DefaultPosts shares its slice")
	}
}

func TestCities(t *testing.T) {
	cs := Cities()
	if len(cs) != 18 {
		t.Fatalf("%d cities, want 18", len(cs))
	}
	for i := 1; i < len(cs); i++ {
		if cs[i-1].Code >= cs[i].Code {
			t.Errorf("cities not in code order at %d", i)
		}
	}
	if cs[0] != (City{"410100", "郑州市"}) || cs[17] != (City{"419001", "济源示范区"}) {
		t.Errorf("first/last city: %v %v", cs[0], cs[17])
	}
	if c, ok := CityByCode("411300"); !ok || c.Name != "南阳市" {
		t.Errorf("CityByCode(411300) = %v, %v", c, ok)
	}
	if _, ok := CityByCode("110100"); ok {
		t.Error("Beijing is not in Henan")
	}
	cs[0].Name = "x"
	if Cities()[0].Name != "郑州市" {
		t.Error("Cities shares its slice")
	}
}

func TestEducations(t *testing.T) {
	want := []string{"博士研究生", "硕士研究生", "大学本科", "大学专科", "中等专科", "职业高中", "技工学校", "普通高中", "初中", "其他"}
	got := Educations()
	if len(got) != len(want) {
		t.Fatalf("Educations() = %v", got)
	}
	for i := range want {
		if got[i] != want[i] || !ValidEducation(want[i]) {
			t.Errorf("education %d = %q, want %q", i, got[i], want[i])
		}
	}
	for _, s := range []string{"", "本科", " 大学本科", "小学"} {
		if ValidEducation(s) {
			t.Errorf("ValidEducation(%q)", s)
		}
	}
	if s := EmploymentStatuses(); len(s) != 4 || s[0] != "在职（有工作单位）" || s[3] != "其他" {
		t.Errorf("EmploymentStatuses() = %v", s)
	}
}
