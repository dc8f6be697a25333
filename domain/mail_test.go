package domain

import (
	"strings"
	"testing"
)

func TestRedactedBodyHidesEveryLink(t *testing.T) {
	tok := "Zk3xQ9_secret-token-value-0123456789abcdef"
	cases := []struct{ body, want string }{
		{"请打开：\n\nhttps://sitepro.example.cn/reset/" + tok + "\n\n谢谢", "请打开：\n\n" + linkNote + "\n\n谢谢"},
		{"http://127.0.0.1:8080/confirm-email/" + tok, linkNote},
		{"两个 http://a/x" + tok + " 和 https://b/y" + tok + "。", "两个 " + linkNote + " 和 " + linkNote},
		{"没有链接的正文", "没有链接的正文"},
		{"", ""},
	}
	for _, c := range cases {
		got := Message{Body: c.body}.RedactedBody()
		if got != c.want {
			t.Errorf("RedactedBody(%q) = %q, want %q", c.body, got, c.want)
		}
		if strings.Contains(got, tok) {
			t.Errorf("token left in %q", got)
		}
	}
}
