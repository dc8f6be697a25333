package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
)

//go:embed *.css *.js *.svg vendor/*.js
var files embed.FS

// Asset is one embedded file with its hashed URL.
type Asset struct {
	Name        string
	URL         string
	ContentType string
	Body        []byte
}

// Set maps logical names (e.g. "app.css") and hashed URLs to assets.
type Set struct {
	byName map[string]*Asset
	byURL  map[string]*Asset
}

// Prefix is where assets are served.
const Prefix = "/static/"

// Load reads and hashes every embedded asset.
func Load() (*Set, error) {
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
		a := &Asset{Name: p, URL: url, ContentType: contentType(ext), Body: b}
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
