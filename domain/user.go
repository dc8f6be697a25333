package domain

import "time"

// User is an account of any role. Trainees log in with their ID number, staff with a
// username; AgencyID scopes a reviewer to exactly one agency.
type User struct {
	ID             string
	Role           Role
	IDNumber       string // trainees only; never in a URL or a log line
	Username       string // staff only
	Name           string
	Mobile         string
	Email          string
	EmailConfirmed bool
	PasswordHash   string
	Profile        Profile
	AgencyID       string
	// SessionEpoch is raised whenever the password changes; sessions carry the epoch
	// they were created in, so raising it ends every session of the user at once.
	SessionEpoch int
	// Disabled is set by an admin (账号管理): the account cannot sign in or use a mailed
	// link, and its sessions ended when it was set (the epoch was raised with it).
	Disabled bool `json:",omitempty"`
	// NoticeAgreedAt and NoticeVersion record the 告知承诺制告知书 the trainee agreed to.
	NoticeAgreedAt time.Time
	NoticeVersion  string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// LoginName is what the user types to log in.
func (u User) LoginName() string {
	if u.Role == RoleTrainee {
		return u.IDNumber
	}
	return u.Username
}

// Birth and Gender are derived from the ID number, never asked.
func (u User) Birth() (time.Time, Gender) {
	if len(u.IDNumber) != 18 {
		return time.Time{}, ""
	}
	b, err := time.Parse("20060102", u.IDNumber[6:14])
	if err != nil {
		return time.Time{}, ""
	}
	g := GenderFemale
	if (u.IDNumber[16]-'0')%2 == 1 {
		g = GenderMale
	}
	return b, g
}

// RoleLabel is the Chinese name of a role.
func (r Role) Label() string {
	switch r {
	case RoleTrainee:
		return "学员"
	case RoleReviewer:
		return "培训机构审核员"
	case RoleAdmin:
		return "管理员"
	}
	return string(r)
}

// Agency is a training agency (培训机构) in one city.
type Agency struct {
	ID         string
	Name       string
	CityCode   string
	Address    string
	Phone      string
	CreditCode string // 统一社会信用代码, unique across agencies (empty on agencies from before it was asked)
	Contact    string // contact person
	Suspended  bool   // 已暂停: not offered in either wizard; its open items stay visible
	// Rev is raised by every edit of the agency's data, so that an edit made on an older
	// revision is noticed instead of silently overwriting the newer one (StaleEdit);
	// UpdatedBy and UpdatedAt say whose edit that was.
	Rev       int       `json:",omitempty"`
	UpdatedBy string    `json:",omitempty"`
	UpdatedAt time.Time `json:",omitempty"`
}

// CertificateStatus is the status shown on a certificate (DOMAIN.md §5).
type CertificateStatus string

// Certificate statuses. The codes are stored; the labels are the manual's words.
const (
	CertValid     CertificateStatus = "valid"
	CertCENotMet  CertificateStatus = "ce_unmet"
	CertExpired   CertificateStatus = "expired"
	CertCancelled CertificateStatus = "cancelled"
	CertRevoked   CertificateStatus = "revoked"
)

var certStatuses = vocab[CertificateStatus]{
	{CertValid, "有效"}, {CertCENotMet, "继续教育未达标"}, {CertExpired, "失效"}, {CertCancelled, "注销"}, {CertRevoked, "撤销"},
}

// Label is the status as the certificate, the holder and the public check show it.
func (s CertificateStatus) Label() string { return certStatuses.label(s) }

// UnmarshalText reads a stored status: a code, or the Chinese label that records written
// before the codes hold (see vocab.decode).
func (s *CertificateStatus) UnmarshalText(b []byte) error {
	*s = certStatuses.decode(b)
	return nil
}

// Certificate is a training certificate held by a trainee.
type Certificate struct {
	ID          string
	Number      string
	HolderID    string
	PostCode    string
	Issuer      string
	IssuedOn    time.Time
	ValidUntil  time.Time // zero: 长期有效
	AgencyName  string
	Employer    string
	Status      CertificateStatus
	VerifyToken string // random; never derived from the ID number
	Legacy      bool
	// Withdrawal is set when the certificate was 注销 or 撤销 (cert_withdraw.go).
	Withdrawal *CertWithdrawal `json:",omitempty"`
}

// AuditName is how the audit log names the user as an actor, the same for every entry:
// staff by name and login, trainees by name (never by ID number).
func (u User) AuditName() string {
	if u.Role == RoleTrainee {
		return u.Name + "（学员）"
	}
	return u.Name + "（" + u.Username + "）"
}
