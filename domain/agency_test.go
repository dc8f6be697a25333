package domain

import (
	"slices"
	"strings"
	"testing"
)

func TestAgencyInputValidate(t *testing.T) {
	ok := AgencyInput{Name: " 郑州建设职业培训中心 ", City: "410100", Address: "郑州市金水区", Phone: "0371-65550101",
		CreditCode: "91350100m000100y43", Contact: "李老师", AppPosts: []string{"111", "101"}, CEPosts: []string{"110"}}
	p, err := ok.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "郑州建设职业培训中心" || p.CreditCode != "91350100M000100Y43" ||
		!slices.Equal(p.AppPosts.Codes, []string{"101", "111"}) || !p.AppPosts.Configured ||
		!slices.Equal(p.CEPosts.Codes, []string{"110"}) {
		t.Errorf("validated: %+v", p)
	}
	if p, err := (AgencyInput{Name: "A中心", City: "410300", Address: "洛阳", Phone: "13812345678", CreditCode: "91350100M000100Y43", Contact: "王"}).Validate(); err != nil || p.AppPosts.Trains("101") || !p.AppPosts.Configured {
		t.Errorf("no posts ticked: %+v %v", p, err)
	}

	for _, tc := range []struct {
		name   string
		edit   func(*AgencyInput)
		fields []string
	}{
		{"everything empty", func(in *AgencyInput) { *in = AgencyInput{} }, []string{"name", "city", "address", "phone", "credit_code", "contact"}},
		{"bad credit code", func(in *AgencyInput) { in.CreditCode = "91350100M000100Y44" }, []string{"credit_code"}},
		{"unknown city", func(in *AgencyInput) { in.City = "110000" }, []string{"city"}},
		{"phone with letters", func(in *AgencyInput) { in.Phone = "call me" }, []string{"phone"}},
		{"name too long", func(in *AgencyInput) { in.Name = strings.Repeat("培", 61) }, []string{"name"}},
		{"legacy post for new certificates", func(in *AgencyInput) { in.AppPosts = []string{"110"} }, []string{"app_posts"}},
		{"unknown post", func(in *AgencyInput) { in.CEPosts = []string{"999"} }, []string{"ce_posts"}},
	} {
		in := ok
		tc.edit(&in)
		_, err := in.Validate()
		fe, _ := err.(FieldErrors)
		var got []string
		for k, msg := range fe {
			got = append(got, k)
			if !strings.Contains(msg, "请") {
				t.Errorf("%s: %s: %q does not say what to do", tc.name, k, msg)
			}
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(tc.fields))
		if !slices.Equal(got, want) {
			t.Errorf("%s: errors on %v, want %v", tc.name, got, want)
		}
	}
}

func TestAgencyChanges(t *testing.T) {
	before := AgencyProfile{Agency: Agency{Name: "郑州中心", CityCode: "410100", Phone: "0371-1"}}
	after := before
	after.Phone, after.CreditCode = "0371-2", "91350100M000100Y43"
	after.CEPosts = CEPosts{Codes: []string{"111"}, Configured: true}
	got := AgencyChanges(before, after)
	for _, want := range []string{"电话：0371-1 → 0371-2", "统一社会信用代码：（空） → 91350100M000100Y43", "继续教育岗位：全部在用岗位 → 材料员"} {
		if !strings.Contains(got, want) {
			t.Errorf("changes %q lack %q", got, want)
		}
	}
	if strings.Contains(got, "名称") || AgencyChanges(before, before) != "" {
		t.Errorf("unchanged fields reported: %q", got)
	}
	off := before
	off.Suspended = true
	if got := AgencyChanges(before, off); got != "状态：在用 → 已暂停" {
		t.Errorf("suspension: %q", got)
	}
}
