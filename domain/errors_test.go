package domain

import (
	"errors"
	"fmt"
	"testing"
)

func TestMessageOf(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{Err(CodeConflict, "已被他人处理"), "已被他人处理"},
		{fmt.Errorf("wrapped: %w", Err(CodeInvalid, "请重新选择")), "请重新选择"},
		{FieldErrors{"b": "第二", "a": "第一"}, "第一"},
		{errors.New("badger: disk I/O detail"), internalMessage},
		{nil, internalMessage},
	}
	for _, c := range cases {
		if got := MessageOf(c.err); got != c.want {
			t.Errorf("MessageOf(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}
