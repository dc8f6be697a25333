package domain

import (
	"fmt"
	"time"
)

// CertSettings are the province's rules for issuing certificates (DOMAIN.md §5,
// *configurable*): who issues them and how their numbers begin.
type CertSettings struct {
	// Issuer is the 发证单位 printed on every new certificate.
	Issuer string
	// NumberPrefix starts every new certificate number: the province's code, 41 for Henan.
	NumberPrefix string
}

// DefaultCertSettings are Henan's: the provincial housing department issues, numbers start
// with 41.
func DefaultCertSettings() CertSettings {
	return CertSettings{Issuer: "河南省住房和城乡建设厅", NumberPrefix: "41"}
}

// NewCertNumber is the number of a new certificate: prefix + issue year + post code + a
// 6-digit sequence per year and post (DOMAIN.md §5), e.g. 412026101000001.
func NewCertNumber(s CertSettings, year int, postCode string, seq int) string {
	return fmt.Sprintf("%s%04d%s%06d", s.NumberPrefix, year, postCode, seq)
}

// Issue turns a passed application into its certificate: the application records the
// number in its timeline, and the certificate carries the holder, post, agency and
// employer of the application. Both are written together, so an application that says
// 证书已发放 always has its certificate.
func (a Application) Issue(number string, s CertSettings, agencyName, by string, now time.Time) (Application, Certificate, error) {
	if err := a.CanIssue(); err != nil {
		return a, Certificate{}, err
	}
	out, err := a.Certify(number, by, now)
	if err != nil {
		return a, Certificate{}, err
	}
	c := Certificate{Number: number, HolderID: a.TraineeID, PostCode: a.PostCode, Issuer: s.Issuer,
		IssuedOn: ChinaDay(now), AgencyName: agencyName, Employer: a.Info.Employer, Status: CertValid}
	return out, c, nil
}

// CanIssue says, in words an admin can act on, why a certificate cannot be issued for the
// application, or nil when it can: only a 考试合格 application gets one, and only once.
func (a Application) CanIssue() error {
	switch a.Status {
	case AppPassed:
		return nil
	case AppCertified:
		return Err(CodeConflict, "报名 "+a.Number+" 已经发证（证书编号 "+a.CertNumber+"），不能重复发证")
	case AppFailed:
		return Err(CodeConflict, "报名 "+a.Number+" 考试不合格，不能发证。学员可以重新报名参加考试")
	}
	return Err(CodeConflict, "报名 "+a.Number+" 当前状态是“"+a.Status.Label()+"”，只有考试合格的报名才能发证")
}
