package handlers

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"sitepro/static"
)

// Static assets are compressed once (static.Asset.Variant): a client that takes gzip gets
// the stored gzip bytes, one that does not gets the file; both are told that the answer
// varies with Accept-Encoding, each variant has its own ETag, and a matching
// If-None-Match is answered 304 without a body.
func TestStaticAssetsServeTheirOneTimeGzip(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	set, _ := static.Load()
	a, _ := set.Lookup(set.URL("app.css"))
	gz := c.do("GET", a.URL, nil, map[string]string{"Accept-Encoding": "gzip, deflate, br, zstd"})
	plain := c.do("GET", a.URL, nil, map[string]string{"Accept-Encoding": "identity"})
	must(t, gz, 200)
	must(t, plain, 200)
	if gz.header.Get("Content-Encoding") != "gzip" || plain.header.Get("Content-Encoding") != "" {
		t.Fatalf("encodings %q and %q", gz.header.Get("Content-Encoding"), plain.header.Get("Content-Encoding"))
	}
	for _, r := range []resp{gz, plain} {
		if !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") || r.header.Get("ETag") == "" ||
			!strings.Contains(r.header.Get("Cache-Control"), "immutable") || r.header.Get("Content-Type") != a.ContentType {
			t.Fatalf("headers %v", r.header)
		}
	}
	if gz.header.Get("ETag") == plain.header.Get("ETag") {
		t.Fatal("both variants have one ETag")
	}
	zr, err := gzip.NewReader(strings.NewReader(gz.body))
	if err != nil {
		t.Fatal(err)
	}
	unpacked, _ := io.ReadAll(zr)
	if !bytes.Equal(unpacked, a.Body) || plain.body != string(a.Body) || gz.body != string(a.Gzip) {
		t.Fatalf("bodies: gzip %d bytes unpacking to %d, plain %d; the file has %d", len(gz.body), len(unpacked), len(plain.body), len(a.Body))
	}
	again := c.do("GET", a.URL, nil, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gz.header.Get("ETag")})
	if again.status != 304 || again.body != "" {
		t.Fatalf("revalidation: %d with %d bytes", again.status, len(again.body))
	}
	if r := c.do("GET", a.URL, nil, map[string]string{"If-None-Match": gz.header.Get("ETag")}); r.status != 200 || r.body != string(a.Body) {
		t.Fatalf("the gzip ETag revalidated the plain variant: %d", r.status)
	}
}
