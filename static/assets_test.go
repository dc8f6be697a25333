package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"
)

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "identity": false, "br": false, "gzip": true, "GZIP": true, "gzip, deflate, br, zstd": true,
		"br;q=1.0, gzip;q=0.8": true, "gzip;q=0": false, "gzip; q=0.000": false, "gzip;q=0.5": true,
		"x-gzip": true, "*": true, "deflate, *;q=0": false, "gzipx": false,
	} {
		if got := AcceptsGzip(h); got != want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

// Every text asset is kept gzipped, smaller, and unpacks to the very same bytes; the two
// variants have different ETags.
func TestTextAssetsArePrecompressed(t *testing.T) {
	set, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app.css", "app.js", "vendor/htmx-2.0.11.min.js", "print.css"} {
		a, ok := set.Lookup(set.URL(name))
		if !ok || a.Gzip == nil || len(a.Gzip) >= len(a.Body) {
			t.Fatalf("%s: found %v, gzip %d bytes of %d", name, ok, len(a.Gzip), len(a.Body))
		}
		zr, err := gzip.NewReader(bytes.NewReader(a.Gzip))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(plain, a.Body) {
			t.Fatalf("%s: gzip unpacks to %d bytes (%v), want the %d of the file", name, len(plain), err, len(a.Body))
		}
		gz, enc, etagGz := a.Variant("gzip, deflate, br")
		body, none, etag := a.Variant("")
		if !bytes.Equal(gz, a.Gzip) || enc != "gzip" || !bytes.Equal(body, a.Body) || none != "" || etag == etagGz {
			t.Fatalf("%s: variants %q %q, etags %s %s", name, enc, none, etag, etagGz)
		}
	}
	if again, _ := Load(); again != set {
		t.Fatal("the assets were compressed a second time")
	}
}
