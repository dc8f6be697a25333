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

// agencies are the seeded training agencies, in different cities, each with its reviewer.
var agencies = []struct{ user, name, city, addr, phone, credit, contact string }{
	{"zz-reviewer", "郑州建设职业培训中心", "410100", "郑州市金水区纬五路12号", "0371-65550101", "52410100MJ12345674", "陈红梅"},
	{"ly-reviewer", "洛阳市建筑业协会培训部", "410300", "洛阳市西工区中州中路88号", "0379-63330202", "52410300MJ23456780", "赵志刚"},
	{"ny-reviewer", "南阳建设职业技术学校", "411300", "南阳市卧龙区工业南路66号", "0377-63160303", "52411300MJ3456789X", "孙丽"},
	{"xx-reviewer", "新乡市建设教育培训中心", "410700", "新乡市红旗区平原路210号", "0373-30450404", "52410700MJ4567890Q", "周建华"},
}

// Seed writes the demo data once, through the store's public use cases only, and prints
// the demo logins to w on every start. The meta key "demo-seeded", written last, marks a
// seeded store: a restart only prints the logins.
func Seed(st *store.Store, h *password.Hasher, img Images, w io.Writer, now time.Time) error {
	if _, seeded, err := st.Meta("demo-seeded"); err != nil || seeded {
		if err == nil {
			printLogins(w)
		}
		return err
	}
	admin, first, err := seedStaff(st, h, now)
	if err != nil {
		return err
	}
	if err := seedTrainee(st, h, img, admin, first, now); err != nil {
		return err
	}
	if err := seedPhotos(st, h, img, first, now); err != nil {
		return err
	}
	if err := seedApplications(st, img, first, now); err != nil {
		return err
	}
	if err := returnPhoto(st, img, now); err != nil {
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

// seedStaff creates the admin as create-admin does (the bootstrap: a username and a
// password), then, as that admin in 培训机构管理 and 账号管理, the agencies and one reviewer
// each; each reviewer sets the demo password through their activation link, as the
// activation page does. It returns the admin and the first agency.
func seedStaff(st *store.Store, h *password.Hasher, now time.Time) (admin domain.User, first domain.Agency, err error) {
	ctx := context.Background()
	adminHash, err := h.Hash(ctx, AdminPass)
	if err != nil {
		return admin, first, err
	}
	admin, err = st.CreateStaff(domain.User{Role: domain.RoleAdmin, Username: AdminUser, Name: "省厅管理员", Email: "admin@example.com", PasswordHash: adminHash}, now)
	if err != nil {
		return admin, first, err
	}
	cat, err := st.Catalog()
	if err != nil {
		return admin, first, err
	}
	var posts []string // every post open to applications, for both wizards
	for _, p := range cat.Posts {
		if p.Enabled {
			posts = append(posts, p.Code)
		}
	}
	revHash, err := h.Hash(ctx, ReviewerPass)
	if err != nil {
		return admin, first, err
	}
	for _, a := range agencies {
		ag, err := st.CreateAgency(admin, domain.AgencyInput{Name: a.name, City: a.city, Address: a.addr, Phone: a.phone,
			CreditCode: a.credit, Contact: a.contact, AppPosts: posts, CEPosts: posts, Catalog: cat.Posts}, now)
		if err != nil {
			return admin, first, fmt.Errorf("agency %s: %w", a.name, err)
		}
		if first.ID == "" {
			first = ag
		}
		tok := store.NewToken()
		if _, err := st.CreateStaffAccount(admin, domain.CreateStaffCmd{Role: string(domain.RoleReviewer), Username: a.user,
			Name: a.name + "审核员", Email: a.user + "@example.com", AgencyID: ag.ID}, tok, now); err != nil {
			return admin, first, fmt.Errorf("account %s: %w", a.user, err)
		}
		if _, err := st.SetPasswordByLink(store.ActivationLink, tok.Hash, revHash, now); err != nil {
			return admin, first, fmt.Errorf("activate %s: %w", a.user, err)
		}
	}
	return admin, first, nil
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

func seedTrainee(st *store.Store, h *password.Hasher, img Images, admin domain.User, ag domain.Agency, now time.Time) error {
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
	// A confirmed photo: the exam session seats only candidates whose photo is confirmed.
	if err := seedPhoto(st, img, ag, u, 0, domain.PhotoConfirmed, "", now); err != nil {
		return err
	}
	return importLegacy(st, admin, ag, p.Employer, now)
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

// seedPhotos registers the photoTrainees with their photos. 刘洋's photo is confirmed
// at first (he sat the past exam session with it); returnPhoto later has him upload a
// new one, which the reviewer returns.
func seedPhotos(st *store.Store, h *password.Hasher, img Images, ag domain.Agency, now time.Time) error {
	hash, _ := h.Hash(context.Background(), TraineePass)
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
		status := d.status
		if status == domain.PhotoReturned {
			status = domain.PhotoConfirmed
		}
		if err := seedPhoto(st, img, ag, u, i, status, d.reason, now); err != nil {
			return err
		}
	}
	return nil
}

// seedPhoto uploads a portrait for the trainee, links them to the agency and has its
// reviewer decide the photo (none for PhotoPending).
func seedPhoto(st *store.Store, img Images, ag domain.Agency, u domain.User, variant int, status domain.PhotoStatus, reason string, now time.Time) error {
	jpeg, w, hgt, err := img.Portrait(context.Background(), portrait(variant))
	if err != nil {
		return err
	}
	if _, err := st.UploadPhoto(u.ID, jpeg, w, hgt, now); err != nil {
		return err
	}
	if err := st.LinkTraineeToAgency(ag.ID, u.ID); err != nil {
		return err
	}
	if status == domain.PhotoPending {
		return nil
	}
	reviewer, err := st.UserByLogin(agencies[0].user, false)
	if err != nil {
		return err
	}
	_, err = st.DecidePhoto(reviewer, u.ID, photoDecision(status, reason), now)
	return err
}

// returnPhoto gives the photoTrainees whose photo is to be 已退回 a new upload, which the
// reviewer returns with the reason.
func returnPhoto(st *store.Store, img Images, now time.Time) error {
	var ag domain.Agency
	for i, d := range photoTrainees {
		if d.status != domain.PhotoReturned {
			continue
		}
		u, err := st.UserByLogin(d.id, true)
		if err != nil {
			return err
		}
		if ag.ID == "" {
			rev, err := st.UserByLogin(agencies[0].user, false)
			if err != nil {
				return err
			}
			ag.ID = rev.AgencyID
		}
		if err := seedPhoto(st, img, ag, u, i+1, d.status, d.reason, now); err != nil {
			return err
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

// printLogins is the demo banner: who can sign in with what, and where. All sign in on
// the one login page (/login of the address the server prints below); staff sign in with
// their username and land on their home page.
func printLogins(w io.Writer) {
	fmt.Fprintln(w, "==================== 演示模式 DEMO MODE ====================")
	fmt.Fprintln(w, "  These accounts have publicly known passwords. Never use demo mode in production.")
	fmt.Fprintln(w, "  登录 sign in: 所有账号都在登录页 /login 登录（完整地址见下方“sitepro 已启动”一行）")
	fmt.Fprintf(w, "  学员 trainee : 身份证号 %s  密码 %s\n", TraineeID, TraineePass)
	for _, d := range photoTrainees {
		fmt.Fprintf(w, "  学员 trainee : 身份证号 %s  密码 %s  (%s, 照片%s)\n", d.id, TraineePass, d.name, d.status.Label())
	}
	fmt.Fprintf(w, "  管理员 admin  : 用户名 %s  密码 %s  → 管理员工作台 /admin\n", AdminUser, AdminPass)
	fmt.Fprintln(w, "                 （考试管理 /admin/exams，证书发放 /admin/certificates/issue，账号管理 /admin/accounts，培训机构 /admin/agencies，历史证书导入 /admin/certificates/import）")
	for _, a := range agencies {
		fmt.Fprintf(w, "  审核员 reviewer: 用户名 %s  密码 %s  (%s)\n", a.user, ReviewerPass, a.name)
	}
	fmt.Fprintln(w, "                 审核员用上面的用户名登录 → 报名审核 /review，照片确认 /review/photos，继续教育 /review/ce")
	fmt.Fprintln(w, "  Mail is not sent without SITEPRO_SMTP_URL; admins read it at /admin/outbox.")
	fmt.Fprintln(w, "=============================================================")
}
