package views

import (
	"context"
	"strings"
	"testing"

	"sitepro/domain"
)

// TestHomeReturnReasonsReadAsOneLine: the home page's 已退回 notice lists the reasons and
// the agency's note separated by "；" alone, with no space the template put before it.
func TestHomeReturnReasonsReadAsOneLine(t *testing.T) {
	u := domain.User{ID: "u1", Name: "王芳", Role: domain.RoleTrainee}
	a := domain.Application{ID: "a1", Number: "XQ2026112600001", PostCode: "101", Status: domain.AppReturned,
		ReturnReasons: []string{"身份证图片不清晰或不完整", "工作简历不完整"}, ReturnNote: "请重拍身份证"}
	for _, tc := range []struct {
		note, want string
	}{
		{"请重拍身份证", "原因：身份证图片不清晰或不完整；工作简历不完整；请重拍身份证</p>"},
		{"", "原因：身份证图片不清晰或不完整；工作简历不完整</p>"},
	} {
		a.ReturnNote = tc.note
		var b strings.Builder
		m := HomeModel{Role: domain.RoleTrainee, Returned: []domain.Application{a}}
		if err := Home(Page{Title: "首页", User: &u}, m).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tc.want) {
			i := strings.Index(b.String(), "原因：")
			t.Errorf("the returned notice reads %q, want %q", b.String()[max(i, 0):min(max(i, 0)+200, b.Len())], tc.want)
		}
	}
}
