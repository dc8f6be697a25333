package domain

import (
	"regexp"
	"strings"
	"time"
)

// Staff accounts (账号管理, issue 12): the admin creates agency reviewers and other admins,
// who activate their account from a mailed link and set their own password; accounts are
// disabled and re-enabled, reviewers moved between agencies. The rules live here; the
// store applies them in one transaction per use case.

// ActivationTTL is how long an activation link stays valid. It is longer than a reset
// link's 30 minutes because the new colleague may not read mail on the day the account is
// made; the link is single-use and dies when a new one is sent or the account is disabled.
const ActivationTTL = 72 * time.Hour

// AccountState is where a staff account stands: 待激活 until its holder sets a password
// from the activation mail, then 正常, or 已停用 while disabled.
type AccountState string

// Account states. They are derived from the user record, never stored.
const (
	AccountPending  AccountState = "pending"
	AccountActive   AccountState = "active"
	AccountDisabled AccountState = "disabled"
)

var accountStates = vocab[AccountState]{
	{AccountPending, "待激活"}, {AccountActive, "正常"}, {AccountDisabled, "已停用"},
}

// Label is the state as the account list shows it.
func (s AccountState) Label() string { return accountStates.label(s) }

// AccountStates lists the states in display order.
func AccountStates() []AccountState { return accountStates.codes() }

// State is the account's state: disabled wins; an account without a password has not
// been activated yet.
func (u User) State() AccountState {
	switch {
	case u.Disabled:
		return AccountDisabled
	case u.PasswordHash == "":
		return AccountPending
	}
	return AccountActive
}

// ActiveAdmin reports whether the user is an admin who can sign in now; the province must
// always keep one.
func (u User) ActiveAdmin() bool { return u.Role == RoleAdmin && u.State() == AccountActive }

// StaffRoles are the roles an admin can give a new account.
func StaffRoles() []Role { return []Role{RoleReviewer, RoleAdmin} }

// usernamePattern: a letter first (so a username can never be read as an ID number), then
// letters, digits, '.', '_' or '-'.
var usernamePattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{2,31}$`)

// NormalizeUsername validates a staff login name and returns it in lower case, the form
// the login index and the login form use.
func NormalizeUsername(raw string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(raw))
	if v == "" {
		return "", Err(CodeInvalid, "请填写用户名，登录时使用")
	}
	if !usernamePattern.MatchString(v) {
		return "", Err(CodeInvalid, "用户名为3到32位，以英文字母开头，只能用英文字母、数字和“.”“_”“-”，如 zz-zhangsan")
	}
	return v, nil
}

// CreateStaffCmd is the admin's form for a new staff account, as typed; Validate checks it.
// AgencyID is required for a reviewer and ignored for an admin.
type CreateStaffCmd struct {
	Role     string
	Username string
	Name     string
	Email    string
	AgencyID string
}

// Validate checks every field at once (FieldErrors keyed "role", "username", "name",
// "email", "agency") and returns the new account without ID, password or times. Whether
// the username is free and the agency exists is the store's to check, in its transaction.
func (in CreateStaffCmd) Validate() (User, error) {
	fe := FieldErrors{}
	var u User
	var err error
	switch Role(in.Role) {
	case RoleReviewer, RoleAdmin:
		u.Role = Role(in.Role)
	default:
		fe.Add("role", "请选择账号类型：培训机构审核员或管理员")
	}
	if u.Username, err = NormalizeUsername(in.Username); err != nil {
		fe.Add("username", MessageOf(err))
	}
	if u.Name, err = NormalizeName(in.Name); err != nil {
		fe.Add("name", MessageOf(err))
	}
	if u.Email, err = NormalizeEmail(in.Email); err != nil {
		fe.Add("email", MessageOf(err))
	}
	if u.Role == RoleReviewer {
		u.AgencyID = strings.TrimSpace(in.AgencyID)
		if u.AgencyID == "" {
			fe.Add("agency", "请选择审核员所属的培训机构")
		}
	}
	return u, fe.Err()
}

// UsernameTaken is the error for a username another account already has (a new map each
// time: callers may add to it).
func UsernameTaken() FieldErrors {
	return FieldErrors{"username": "这个用户名已经有人使用，请换一个（例如在后面加上地市或数字）"}
}

// ErrLastAdmin refuses to disable the only admin who can still sign in.
var ErrLastAdmin = Err(CodeConflict, "不能停用最后一个正常使用的管理员账号，否则将没有人能管理系统。请先新增另一位管理员并等他激活账号，再停用这个账号。")

// ErrLastAdminRole refuses to make the only admin who can still sign in a reviewer.
var ErrLastAdminRole = Err(CodeConflict, "不能把最后一个正常使用的管理员改为审核员，否则将没有人能管理系统。请先新增另一位管理员并等他激活账号。")

// ErrAccountDisabled is what a disabled account's holder is told at login or on a link.
var ErrAccountDisabled = Err(CodeForbidden, "这个账号已被停用，不能登录，也不能通过邮件链接设置密码。如需恢复，请联系省住建厅管理员。")

// StaffChanges says in words what changed on a staff account, for the audit log
// ("状态：正常 → 已停用"); agency names the agencies by ID. Empty when nothing did.
func StaffChanges(before, after User, agency func(id string) string) string {
	var parts []string
	diff := func(label, b, a string) {
		if b != a {
			parts = append(parts, label+"："+orNone(b)+" → "+orNone(a))
		}
	}
	diff("账号类型", before.Role.Label(), after.Role.Label())
	diff("姓名", before.Name, after.Name)
	diff("邮箱", before.Email, after.Email)
	diff("培训机构", agencyName(before.AgencyID, agency), agencyName(after.AgencyID, agency))
	diff("状态", before.State().Label(), after.State().Label())
	return strings.Join(parts, "；")
}

// StaffSummary describes a new staff account for the audit log.
func StaffSummary(u User, agency func(id string) string) string {
	s := "账号类型：" + u.Role.Label() + "；姓名：" + u.Name + "；邮箱：" + u.Email
	if u.AgencyID != "" {
		s += "；培训机构：" + agencyName(u.AgencyID, agency)
	}
	return s + "；状态：" + u.State().Label()
}

func agencyName(id string, agency func(string) string) string {
	if id == "" {
		return ""
	}
	return agency(id)
}
