package views

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"
)

// radioOptions writes the radio buttons of a Radios group. It is the wizard's hottest
// markup (every choice step renders one per option), and in a .templ each of an option's
// four attribute expressions costs templ a resolve, an escape and allocations: written
// here, a group is one buffer and one write (issue 15). Values and labels go through
// templ's own escaping; the markup is what the template wrote (TestRadioOptionsMarkup).
func radioOptions(name, chosen string, opts []Option) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		n := templ.EscapeString(name)
		b := make([]byte, 0, len(opts)*(160+2*len(n)))
		for i, o := range opts {
			id := strconv.Itoa(i)
			b = append(b, `<label class="radio" for="f-`...)
			b = append(b, n...)
			b = append(b, '-')
			b = append(b, id...)
			b = append(b, `"><input type="radio" id="f-`...)
			b = append(b, n...)
			b = append(b, '-')
			b = append(b, id...)
			b = append(b, `" name="`...)
			b = append(b, n...)
			b = append(b, `" value="`...)
			b = append(b, templ.EscapeString(o.Value)...)
			b = append(b, '"')
			if o.Value == chosen {
				b = append(b, " checked"...)
			}
			b = append(b, "> <span>"...)
			b = append(b, templ.EscapeString(o.Label)...)
			b = append(b, "</span></label>"...)
		}
		_, err := w.Write(b)
		return err
	})
}
