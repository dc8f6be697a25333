package domain

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The province's training agencies (培训机构) as the admin keeps them (issue 12): what an
// agency is, which posts it trains for 新取证 and for 继续教育, and what changed.

// AgencyInput is the admin's agency form as typed; Validate turns it into an AgencyProfile.
type AgencyInput struct {
	Name, City, Address, Phone, CreditCode, Contact string
	AppPosts, CEPosts                               []string // post codes ticked for 新取证 / 继续教育
	// Catalog is the catalog in force (目录与规则设置) the ticked posts are checked
	// against; nil means the national catalog (DefaultPosts).
	Catalog []Post
}

// AgencyProfile is an agency with the posts it trains. Both lists have the CEPosts form:
// an agency from before the lists were kept (not Configured) trains every enabled post.
type AgencyProfile struct {
	Agency
	AppPosts CEPosts
	CEPosts  CEPosts
}

var agencyPhone = regexp.MustCompile(`^[0-9][0-9\-]{6,19}$`)

// Validate checks every field at once (FieldErrors) and returns the agency's data, with
// the credit code normalised. ID and Suspended are the store's to set.
func (in AgencyInput) Validate() (AgencyProfile, error) {
	fe := FieldErrors{}
	text := func(field, v string, max int, msg string) string {
		v = strings.TrimSpace(v)
		if v == "" || utf8.RuneCountInString(v) > max {
			fe.Add(field, msg)
		}
		return v
	}
	var p AgencyProfile
	p.Name = text("name", in.Name, 60, "请填写培训机构的全称（不超过60个字）")
	if _, ok := CityByCode(in.City); !ok {
		fe.Add("city", "请选择培训机构所在的省辖市")
	}
	p.CityCode = in.City
	p.Address = text("address", in.Address, 100, "请填写培训机构的地址（不超过100个字）")
	p.Phone = strings.TrimSpace(in.Phone)
	if !agencyPhone.MatchString(p.Phone) {
		fe.Add("phone", "请填写联系电话，只用数字和“-”，如 0371-12345678 或 13812345678")
	}
	if strings.TrimSpace(in.CreditCode) == "" {
		fe.Add("credit_code", "请填写统一社会信用代码（18位，见营业执照）")
	} else if code, err := NormalizeCreditCode(in.CreditCode); err != nil {
		fe.Add("credit_code", MessageOf(err))
	} else {
		p.CreditCode = code
	}
	p.Contact = text("contact", in.Contact, 30, "请填写联系人姓名（不超过30个字）")
	cat := in.Catalog
	if cat == nil {
		cat = DefaultPosts()
	}
	p.AppPosts = postList(cat, in.AppPosts, true, "app_posts", fe)
	p.CEPosts = postList(cat, in.CEPosts, false, "ce_posts", fe)
	return p, fe.Err()
}

// postList checks ticked post codes against the catalog, in catalog order; new
// certificates are only issued for enabled posts.
func postList(catalog []Post, codes []string, enabledOnly bool, field string, fe FieldErrors) CEPosts {
	out := CEPosts{Codes: []string{}, Configured: true}
	for _, p := range catalog {
		if slices.Contains(codes, p.Code) && (p.Enabled || !enabledOnly) {
			out.Codes = append(out.Codes, p.Code)
		}
	}
	if len(out.Codes) != len(slices.Compact(slices.Sorted(slices.Values(codes)))) {
		fe.Add(field, "请只勾选列表中的岗位")
	}
	return out
}

// StaleEdit refuses an edit made on an older revision of an agency: someone else saved it
// after the form was opened, and the last writer must not silently win. It is a conflict
// (errors.As finds the coded *Error); the form is shown again with what was typed, next to
// what changed, and saving it once more is a conscious overwrite.
type StaleEdit struct {
	By string    // who saved the newer revision
	At time.Time // when
}

func (e StaleEdit) Error() string { return "conflict: " + e.Message() }

// Unwrap classifies the refusal as CodeConflict with its message.
func (e StaleEdit) Unwrap() error { return Err(CodeConflict, e.Message()) }

// Message says what happened and what to do, in the admin's words.
func (e StaleEdit) Message() string {
	who := e.By
	if who == "" {
		who = "其他管理员"
	}
	return "您打开本页之后，" + who + "于" + e.At.Format("1月2日 15:04") +
		"修改了这家培训机构的资料，您的修改还没有保存。请核对下面列出的差异；确认要用您填写的内容覆盖时，再点一次“保存”。"
}

// CheckRev refuses an edit of the agency made on revision rev when it has been saved since.
func (a Agency) CheckRev(rev int) error {
	if rev != a.Rev {
		return StaleEdit{By: a.UpdatedBy, At: a.UpdatedAt}
	}
	return nil
}

// Status is how the agency is shown in lists: 在用 or 已暂停.
func (a Agency) Status() string {
	if a.Suspended {
		return "已暂停"
	}
	return "在用"
}

// AgencyChanges says in words what changed between two versions of an agency, for the
// audit log ("电话：0371-1 → 0371-2；…"); empty when nothing did.
func AgencyChanges(before, after AgencyProfile) string {
	return strings.Join(AgencyChangeList(before, after), "；")
}

// AgencyChangeList is AgencyChanges as a list, one "字段：before → after" per field.
func AgencyChangeList(before, after AgencyProfile) []string {
	var parts []string
	diff := func(label, b, a string) {
		if b != a {
			parts = append(parts, label+"："+orNone(b)+" → "+orNone(a))
		}
	}
	diff("名称", before.Name, after.Name)
	diff("所在地市", cityName(before.CityCode), cityName(after.CityCode))
	diff("地址", before.Address, after.Address)
	diff("电话", before.Phone, after.Phone)
	diff("统一社会信用代码", before.CreditCode, after.CreditCode)
	diff("联系人", before.Contact, after.Contact)
	diff("新取证岗位", postNames(before.AppPosts), postNames(after.AppPosts))
	diff("继续教育岗位", postNames(before.CEPosts), postNames(after.CEPosts))
	diff("状态", before.Status(), after.Status())
	return parts
}

// AgencySummary describes a new agency for the audit log.
func AgencySummary(p AgencyProfile) string {
	return AgencyChanges(AgencyProfile{Agency: Agency{Suspended: p.Suspended},
		AppPosts: CEPosts{Configured: true}, CEPosts: CEPosts{Configured: true}}, p)
}

// TrainedPosts are the catalog posts the list trains, for the edit form: every enabled
// post when the list was never configured.
func (p CEPosts) TrainedPosts() []string { return p.TrainedPostsOf(DefaultPosts()) }

// TrainedPostsOf is TrainedPosts against the catalog in force (目录与规则设置).
func (p CEPosts) TrainedPostsOf(catalog []Post) []string {
	p = p.Resolve(Catalog{Posts: catalog})
	var out []string
	for _, post := range catalog {
		if p.Trains(post.Code) {
			out = append(out, post.Code)
		}
	}
	return out
}

func postNames(p CEPosts) string {
	if !p.Configured {
		return "全部在用岗位"
	}
	var names []string
	for _, c := range p.Codes {
		names = append(names, PostLabel(c))
	}
	return strings.Join(names, "、")
}

func cityName(code string) string {
	c, _ := CityByCode(code)
	return c.Name
}

func orNone(s string) string {
	if s == "" {
		return "（空）"
	}
	return s
}
