package domain

import (
	"slices"
	"strings"
)

// The catalog of positions and specialties as data (目录与规则设置, issue 12): the national
// posts of DefaultPosts, with the province's overrides — posts disabled for new
// applications and entries it added. The store keeps the overrides; the rules here take
// the resulting Catalog as an argument, so this package stays free of storage.

// CatalogOverrides are what the province changed in the catalog.
type CatalogOverrides struct {
	Disabled []string // codes of posts not offered for new applications
	Added    []Post   // entries the province added, in the order added
}

// Catalog is the catalog in force: every post, enabled or not, national ones first.
type Catalog struct {
	Posts []Post
}

// DefaultCatalog is the catalog with no overrides.
func DefaultCatalog() Catalog { return CatalogOverrides{}.Catalog() }

// Catalog applies the overrides to the national catalog: every national post but the
// legacy import-only one, and every added entry, is enabled unless disabled.
func (o CatalogOverrides) Catalog() Catalog {
	posts := append(DefaultPosts(), o.Added...)
	for i := range posts {
		p := &posts[i]
		switch {
		case p.ImportOnly:
			p.Enabled = false
		case slices.Contains(o.Disabled, p.Code):
			p.Enabled = false
		case p.Added:
			p.Enabled = true
		}
	}
	return Catalog{Posts: posts}
}

// Enabled lists the posts offered for new applications, in catalog order.
func (c Catalog) Enabled() []Post {
	var out []Post
	for _, p := range c.Posts {
		if p.Enabled {
			out = append(out, p)
		}
	}
	return out
}

// EnabledCodes are the codes of Enabled.
func (c Catalog) EnabledCodes() []string {
	out := []string{}
	for _, p := range c.Enabled() {
		out = append(out, p.Code)
	}
	return out
}

// ByCode looks a post up by its code, disabled and legacy ones included, so that old
// records keep showing the post's name.
func (c Catalog) ByCode(code string) (Post, bool) {
	for _, p := range c.Posts {
		if p.Code == code {
			return p, true
		}
	}
	return Post{}, false
}

// Label is the name shown for a post code, as PostLabel but with the added entries.
func (c Catalog) Label(code string) string {
	if p, ok := c.ByCode(code); ok {
		return p.Label()
	}
	return PostLabel(code)
}

// SetEnabled enables or disables a post for new applications. An unknown code is not
// found; a legacy import-only post cannot be enabled.
func (o *CatalogOverrides) SetEnabled(cat Catalog, code string, enabled bool) error {
	p, ok := cat.ByCode(code)
	if !ok {
		return Err(CodeNotFound, "岗位目录中没有这个岗位")
	}
	if p.ImportOnly && enabled {
		return Err(CodeInvalid, "“"+p.Label()+"”是历史岗位，只用于导入已有证书，不能开放新报名")
	}
	o.Disabled = slices.DeleteFunc(o.Disabled, func(c string) bool { return c == code })
	if !enabled {
		o.Disabled = append(o.Disabled, code)
	}
	return nil
}

// PostInput is a new catalog entry as typed.
type PostInput struct {
	Code, Position, Specialty string
}

// AddPost checks a new entry against the catalog and adds it, enabled: the code is three
// digits (it is the 7th to 9th digit of a certificate number) and unique, the position is
// required, and no entry may have the same name.
func (o *CatalogOverrides) AddPost(cat Catalog, in PostInput) (Post, error) {
	fe := FieldErrors{}
	code := strings.TrimSpace(in.Code)
	if len(code) != 3 || !allDigits(code) {
		fe.Add("code", "岗位代码应为3位数字，例如 116（证书编号第7到9位）")
	} else if p, ok := cat.ByCode(code); ok {
		fe.Add("code", "岗位代码 "+code+" 已是“"+p.Label()+"”的代码，请换一个")
	}
	pos, err := CleanText(in.Position, "岗位名称", 20, true)
	if err != nil {
		fe.Add("position", MessageOf(err))
	}
	spec, err := CleanText(in.Specialty, "专业名称", 20, false)
	if err != nil {
		fe.Add("specialty", MessageOf(err))
	}
	np := Post{Code: code, Slug: "post-" + code, Position: pos, Specialty: spec, Enabled: true, Added: true}
	if len(fe) == 0 {
		for _, p := range cat.Posts {
			if p.Label() == np.Label() {
				fe.Add("position", "目录中已有“"+p.Label()+"”（代码 "+p.Code+"），不能重复添加")
				break
			}
		}
	}
	if len(fe) > 0 {
		return Post{}, fe
	}
	o.Added = append(o.Added, np)
	return np, nil
}

// Resolve is the posts an agency trains in continuing education against the catalog in
// force: a list the admin never configured means every post enabled now.
func (p CEPosts) Resolve(cat Catalog) CEPosts {
	if p.Configured {
		return p
	}
	return CEPosts{Codes: cat.EnabledCodes(), Configured: true}
}
