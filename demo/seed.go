package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"strconv"
	"time"

	"sitepro/domain"
	"sitepro/password"
	"sitepro/store"
)

// Demo credentials. They exist only when the server runs with SITEPRO_DEMO=1, and the
// server says so on every page; the README lists them and the end-to-end tests log in
// with them.
const (
	AdminUser     = "admin"
	AdminPass     = "Demo-admin-2026"
	ReviewerPass  = "Demo-review-2026" // of every demo agency's reviewer (zz-reviewer, …)
	TraineeID     = "410102199003071230"
	TraineePass   = "Demo-trainee-2026" // also of the trainees with photos in review
	TraineeName   = "王建国"
	TraineeMail   = "wangjianguo@example.com"
	TraineeMobile = "13812345678"
	// CertNumber is the demo trainee's current certificate (施工员, valid), on which the
	// continuing-education demo runs.
	CertNumber = "412021101000123"
)

// Images normalises the seed's generated pictures as an upload would be; main hands it
// the server's supervised imaging pipeline.
type Images interface {
	Portrait(ctx context.Context, data []byte) ([]byte, int, int, error)
	Document(ctx context.Context, data []byte) ([]byte, int, int, error)
}

// agencies are the seeded training agencies, in different cities.
var agencies = []struct{ user, name, city, addr, phone string }{
	{"zz-reviewer", "郑州建设职业培训中心", "410100", "郑州市金水区纬五路12号", "0371-65550101"},
	{"ly-reviewer", "洛阳市建筑业协会培训部", "410300", "洛阳市西工区中州中路88号", "0379-63330202"},
	{"ny-reviewer", "南阳建设职业技术学校", "411300", "南阳市卧龙区工业南路66号", "0377-63160303"},
	{"xx-reviewer", "新乡市建设教育培训中心", "410700", "新乡市红旗区平原路210号", "0373-30450404"},
}

// Seed writes the demo data once, through the store's public use cases only, and prints
// the demo logins to w on every start.
func Seed(st *store.Store, h *password.Hasher, img Images, w io.Writer, now time.Time) error {
	if _, seeded, err := st.Meta("demo-seeded"); err != nil || seeded {
		if err == nil {
			printLogins(w)
		}
		return err
	}
	ctx := context.Background()
	adminHash, _ := h.Hash(ctx, AdminPass)
	if _, err := st.CreateStaff(domain.User{Role: domain.RoleAdmin, Username: AdminUser, Name: "省厅管理员", Email: "admin@example.com", PasswordHash: adminHash}, now); err != nil {
		return err
	}
	revHash, _ := h.Hash(ctx, ReviewerPass)
	var first domain.Agency
	for i, a := range agencies {
		ag, err := st.PutAgency(domain.Agency{Name: a.name, CityCode: a.city, Address: a.addr, Phone: a.phone})
		if err != nil {
			return err
		}
		if i == 0 {
			first = ag
		}
		u := domain.User{Role: domain.RoleReviewer, Username: a.user, Name: a.name + "审核员", AgencyID: ag.ID, PasswordHash: revHash}
		if _, err := st.CreateStaff(u, now); err != nil {
			return err
		}
	}
	if err := seedTrainee(st, h, first, now); err != nil {
		return err
	}
	if err := seedPhotos(st, h, img, first, now); err != nil {
		return err
	}
	if err := seedApplications(st, img, first, now); err != nil {
		return err
	}
	if err := seedCE(st, now); err != nil {
		return err
	}
	if err := st.SetMeta("demo-seeded", now.Format(time.RFC3339)); err != nil {
		return err
	}
	printLogins(w)
	return nil
}

// createTrainee creates a demo trainee whose e-mail address counts as confirmed: the
// confirmation mail the registration records carries a link that is already used.
// photoDecision is the reviewer's decision that gives a seeded photo its status.
func photoDecision(status domain.PhotoStatus, reason string) domain.Decision {
	if status == domain.PhotoConfirmed {
		return domain.Decision{Kind: domain.PhotoConfirmDecision}
	}
	return domain.Decision{Kind: domain.PhotoReturnDecision, Reason: reason}
}

func createTrainee(st *store.Store, reg domain.Registration, hash string, now time.Time) (domain.User, error) {
	tok := store.NewToken()
	if _, err := st.CreateTrainee(reg, hash, tok, now); err != nil {
		return domain.User{}, err
	}
	return st.ConfirmEmail(tok.Hash, now)
}

func seedTrainee(st *store.Store, h *password.Hasher, ag domain.Agency, now time.Time) error {
	reg, err := domain.RegistrationInput{IDNumber: TraineeID, Name: TraineeName, Mobile: TraineeMobile,
		Email: TraineeMail, Password: TraineePass, Password2: TraineePass, Agree: true}.Validate(now)
	if err != nil {
		return err
	}
	hash, _ := h.Hash(context.Background(), TraineePass)
	u, err := createTrainee(st, reg, hash, now)
	if err != nil {
		return err
	}
	p, err := domain.ProfileInput{Education: "大学专科", School: "河南建筑职业技术学院", Major: "建筑工程技术",
		Graduation: "2011-07", Employer: "河南省第一建筑工程集团有限责任公司", CreditCode: "91350100M000100Y43",
		WorkStart: "2011-08", Address: "郑州市二七区大学路1号"}.Validate(time.Date(1990, 3, 7, 0, 0, 0, 0, time.UTC), now)
	if err != nil {
		return err
	}
	if _, err := st.UpdateProfile(u.ID, p, now); err != nil {
		return err
	}
	certs := []domain.Certificate{
		{Number: "豫建安C(2016)0012345", HolderID: u.ID, PostCode: "110", Issuer: "河南省住房和城乡建设厅",
			IssuedOn: time.Date(2016, 5, 20, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2019, 5, 19, 0, 0, 0, 0, time.UTC),
			AgencyName: ag.Name, Employer: p.Employer, Status: domain.CertExpired, Legacy: true},
		{Number: CertNumber, HolderID: u.ID, PostCode: "101", Issuer: "河南省住房和城乡建设厅",
			IssuedOn: time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC), AgencyName: ag.Name, Employer: p.Employer, Status: domain.CertValid},
	}
	for _, c := range certs {
		if _, err := st.AddCertificate(c); err != nil {
			return err
		}
	}
	return nil
}

// photoTrainees have photos in each review state, for the 照片确认 screens.
var photoTrainees = []struct {
	id, name string
	status   domain.PhotoStatus
	reason   string
}{
	{"410305198511120049", "李秀英", domain.PhotoPending, ""},
	{"411302198806200013", "张伟", domain.PhotoConfirmed, ""},
	{"410702199309150030", "刘洋", domain.PhotoReturned, "背景不是纯色，请在白色墙壁前重新拍摄正面免冠照片"},
}

func seedPhotos(st *store.Store, h *password.Hasher, img Images, ag domain.Agency, now time.Time) error {
	hash, _ := h.Hash(context.Background(), TraineePass)
	reviewer, err := st.UserByLogin(agencies[0].user, false)
	if err != nil {
		return err
	}
	for i, d := range photoTrainees {
		reg, err := domain.RegistrationInput{IDNumber: d.id, Name: d.name, Mobile: "1390000000" + strconv.Itoa(i+1),
			Email: fmt.Sprintf("demo%d@example.com", i+1), Password: TraineePass, Password2: TraineePass, Agree: true}.Validate(now)
		if err != nil {
			return err
		}
		u, err := createTrainee(st, reg, hash, now)
		if err != nil {
			return err
		}
		jpeg, w, hgt, err := img.Portrait(context.Background(), portrait(i))
		if err != nil {
			return err
		}
		if _, err := st.UploadPhoto(u.ID, jpeg, w, hgt, now); err != nil {
			return err
		}
		if err := st.LinkTraineeToAgency(ag.ID, u.ID); err != nil {
			return err
		}
		if d.status != domain.PhotoPending {
			if _, err := st.DecidePhoto(reviewer, u.ID, photoDecision(d.status, d.reason), now); err != nil {
				return err
			}
		}
	}
	return nil
}

// portrait draws a simple colourful head-and-shoulders placeholder.
func portrait(variant int) []byte {
	const w, h = 600, 740
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	bg := []color.RGBA{{235, 242, 250, 255}, {250, 250, 245, 255}, {200, 220, 200, 255}}[variant%3]
	shirt := []color.RGBA{{40, 80, 160, 255}, {160, 40, 50, 255}, {60, 120, 70, 255}}[variant%3]
	skin := color.RGBA{230, 190, 160, 255}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x-w/2), float64(y-300)
			switch {
			case dx*dx/(130*130)+dy*dy/(170*170) <= 1:
				m.Set(x, y, skin)
			case y > 500 && dx*dx/(280*280)+float64(y-760)*float64(y-760)/(280*280) <= 1:
				m.Set(x, y, shirt)
			default:
				m.Set(x, y, bg)
			}
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, m, &jpeg.Options{Quality: 90})
	return b.Bytes()
}

func printLogins(w io.Writer) {
	fmt.Fprintln(w, "==================== 演示模式 DEMO MODE ====================")
	fmt.Fprintln(w, "  These accounts have publicly known passwords. Never use demo mode in production.")
	fmt.Fprintf(w, "  学员 trainee : 身份证号 %s  密码 %s\n", TraineeID, TraineePass)
	for _, d := range photoTrainees {
		fmt.Fprintf(w, "  学员 trainee : 身份证号 %s  密码 %s  (%s, 照片%s)\n", d.id, TraineePass, d.name, d.status.Label())
	}
	fmt.Fprintf(w, "  管理员 admin  : 用户名 %s  密码 %s\n", AdminUser, AdminPass)
	for _, a := range agencies {
		fmt.Fprintf(w, "  审核员 reviewer: 用户名 %s  密码 %s  (%s)\n", a.user, ReviewerPass, a.name)
	}
	fmt.Fprintln(w, "  Mail is not sent without SITEPRO_SMTP_URL; admins read it at /admin/outbox.")
	fmt.Fprintln(w, "=============================================================")
}
