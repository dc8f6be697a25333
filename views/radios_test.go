package views

import (
	"context"
	"strings"
	"testing"
)

// TestRadioOptionsMarkup: the hand-written options (radios.go) are the markup the
// template wrote before them, byte for byte, with values and labels escaped and the
// chosen one checked; a hostile name cannot break out of its attribute.
func TestRadioOptionsMarkup(t *testing.T) {
	f := Form{Values: map[string]string{"employment": `b"`}, Errors: map[string]string{}}
	var b strings.Builder
	err := Radios(f, "employment", "就业", "", []Option{{"a", "甲<&"}, {`b"`, `乙"`}}).Render(context.Background(), &b)
	if err != nil {
		t.Fatal(err)
	}
	want := `<fieldset class="field" id="f-employment"><legend>就业</legend> ` +
		`<label class="radio" for="f-employment-0"><input type="radio" id="f-employment-0" name="employment" value="a"> <span>甲&lt;&amp;</span></label>` +
		`<label class="radio" for="f-employment-1"><input type="radio" id="f-employment-1" name="employment" value="b&#34;" checked> <span>乙&#34;</span></label></fieldset>`
	if b.String() != want {
		t.Fatalf("markup:\n got %s\nwant %s", b.String(), want)
	}
	b.Reset()
	_ = radioOptions(`x"><script>`, "", []Option{{"v", "l"}}).Render(context.Background(), &b)
	if strings.Contains(b.String(), "<script>") || !strings.Contains(b.String(), `name="x&#34;&gt;&lt;script&gt;"`) {
		t.Fatalf("name not escaped: %s", b.String())
	}
}
