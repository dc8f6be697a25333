package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
	"sync"
)

//go:embed *.css *.js *.svg vendor/*.js
var files embed.FS

// Asset is one embedded file with its hashed URL. Text assets are also kept gzipped,
// compressed once at the best level when the set is loaded, so serving them compressed
// costs no more than serving them plain (issue 15).
type Asset struct {
	Name        string
	URL         string
	ContentType string
	Body        []byte
	Gzip        []byte // nil when gzip would not make it smaller
	etag        string // of Body; the gzipped variant's is etag+"-gzip"
}

// Variant returns what to send a client whose Accept-Encoding header is acceptEncoding:
// the body, its Content-Encoding ("" for none) and its ETag.
func (a *Asset) Variant(acceptEncoding string) (body []byte, encoding, etag string) {
	if a.Gzip != nil && AcceptsGzip(acceptEncoding) {
		return a.Gzip, "gzip", `"` + a.etag + `-gzip"`
	}
	return a.Body, "", `"` + a.etag + `"`
}

// AcceptsGzip reads an Accept-Encoding header: gzip (or x-gzip, or *) listed and not
// refused with q=0.
func AcceptsGzip(h string) bool {
	for part := range strings.SplitSeq(h, ",") {
		name, params, _ := strings.Cut(part, ";")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip", "*":
			q, ok := strings.CutPrefix(strings.ReplaceAll(strings.TrimSpace(params), " ", ""), "q=")
			return !ok || strings.Trim(q, "0.") != ""
		}
	}
	return false
}

// compressible says which assets are text worth gzipping.
func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || contentType == "image/svg+xml"
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	if buf.Len() >= len(b)*9/10 {
		return nil
	}
	return buf.Bytes()
}

// Set maps logical names (e.g. "app.css") and hashed URLs to assets.
type Set struct {
	byName map[string]*Asset
	byURL  map[string]*Asset
}

// Prefix is where assets are served.
const Prefix = "/static/"

// Load returns every embedded asset, hashed and compressed. The work is done once per
// process (tests build many servers); the set never changes after.
func Load() (*Set, error) { return loaded() }

var loaded = sync.OnceValues(load)

func load() (*Set, error) {
	s := &Set{byName: map[string]*Asset{}, byURL: map[string]*Asset{}}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		url := Prefix + strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		a := &Asset{Name: p, URL: url, ContentType: contentType(ext), Body: b, etag: hex.EncodeToString(sum[:12])}
		if compressible(a.ContentType) {
			a.Gzip = gzipped(b)
		}
		s.byName[p], s.byURL[url] = a, a
		return nil
	})
	return s, err
}

// URL returns the hashed URL of a logical asset name, or "" when there is none.
func (s *Set) URL(name string) string {
	if a := s.byName[name]; a != nil {
		return a.URL
	}
	return ""
}

// Lookup finds the asset for a requested hashed URL.
func (s *Set) Lookup(url string) (*Asset, bool) {
	a, ok := s.byURL[url]
	return a, ok
}

func contentType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	return "application/octet-stream"
}
