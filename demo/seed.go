package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"sitepro/domain"
	"sitepro/handlers"
	"sitepro/password"
	"sitepro/store"
)

// Demo credentials. They exist only when the server runs with SITEPRO_DEMO=1, and the
// server says so on every page.
const (
	demoAdminUser     = "admin"
	demoAdminPass     = "Demo-admin-2026"
	demoReviewerPass  = "Demo-review-2026"
	demoTraineeID     = "410102199003071230"
	demoTraineePass   = "Demo-trainee-2026"
	demoTraineeName   = "王建国"
	demoTraineeMail   = "wangjianguo@example.com"
	demoTraineeMobile = "13812345678"
)

// demoAgencies are the seeded training agencies, in different cities.
var demoAgencies = []struct{ user, name, city, addr, phone string }{
	{"zz-reviewer", "郑州建设职业培训中心", "410100", "郑州市金水区纬五路12号", "0371-65550101"},
	{"ly-reviewer", "洛阳市建筑业协会培训部", "410300", "洛阳市西工区中州中路88号", "0379-63330202"},
	{"ny-reviewer", "南阳建设职业技术学校", "411300", "南阳市卧龙区工业南路66号", "0377-63160303"},
	{"xx-reviewer", "新乡市建设教育培训中心", "410700", "新乡市红旗区平原路210号", "0373-30450404"},
}

// seedDemo writes the demo data once and prints the demo logins every start.
func seedDemo(st *store.Store, h *password.Hasher, img handlers.Images, w io.Writer, now time.Time) error {
	if _, seeded, err := st.Meta("demo-seeded"); err != nil || seeded {
		if err == nil {
			printDemoLogins(w)
		}
		return err
	}
	ctx := context.Background()
	adminHash, _ := h.Hash(ctx, demoAdminPass)
	if _, err := st.CreateStaff(domain.User{Role: domain.RoleAdmin, Username: demoAdminUser, Name: "省厅管理员", Email: "admin@example.com", PasswordHash: adminHash}, now); err != nil {
		return err
	}
	revHash, _ := h.Hash(ctx, demoReviewerPass)
	var first domain.Agency
	for i, a := range demoAgencies {
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
	if err := seedDemoTrainee(st, h, first, now); err != nil {
		return err
	}
	if err := seedDemoPhotos(st, h, img, first, now); err != nil {
		return err
	}
	if err := seedDemoApplications(st, img, first, now); err != nil {
		return err
	}
	if err := seedDemoCE(st, now); err != nil {
		return err
	}
	if err := st.SetMeta("demo-seeded", now.Format(time.RFC3339)); err != nil {
		return err
	}
	printDemoLogins(w)
	return nil
}

// createDemoTrainee creates a demo trainee whose e-mail address counts as confirmed (demo
// addresses receive nothing; the outbox keeps a placeholder instead of a confirmation link).
func createDemoTrainee(st *store.Store, reg domain.Registration, hash string, now time.Time) (domain.User, error) {
	noMail := func(u domain.User, _ string) domain.Message {
		return domain.Message{To: u.Email, Subject: "演示账号已创建", Body: "演示数据：邮箱已视为确认，无需操作。", Kind: "demo"}
	}
	tok := store.NewToken()
	if _, err := st.CreateTrainee(reg, hash, tok, noMail, now); err != nil {
		return domain.User{}, err
	}
	return st.ConfirmEmail(tok.Hash, now)
}

func seedDemoTrainee(st *store.Store, h *password.Hasher, ag domain.Agency, now time.Time) error {
	reg, err := domain.RegistrationInput{IDNumber: demoTraineeID, Name: demoTraineeName, Mobile: demoTraineeMobile,
		Email: demoTraineeMail, Password: demoTraineePass, Password2: demoTraineePass, Agree: true}.Validate(now)
	if err != nil {
		return err
	}
	hash, _ := h.Hash(context.Background(), demoTraineePass)
	u, err := createDemoTrainee(st, reg, hash, now)
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
		{Number: "412021101000123", HolderID: u.ID, PostCode: "101", Issuer: "河南省住房和城乡建设厅",
			IssuedOn: time.Date(2021, 9, 15, 0, 0, 0, 0, time.UTC), AgencyName: ag.Name, Employer: p.Employer, Status: domain.CertValid},
	}
	for _, c := range certs {
		if _, err := st.AddCertificate(c); err != nil {
			return err
		}
	}
	return nil
}

// demoPhotoTrainees have photos in each review state, for the 照片确认 screens.
var demoPhotoTrainees = []struct {
	id, name string
	status   domain.PhotoStatus
	reason   string
}{
	{"410305198511120049", "李秀英", domain.PhotoPending, ""},
	{"411302198806200013", "张伟", domain.PhotoConfirmed, ""},
	{"410702199309150030", "刘洋", domain.PhotoReturned, "背景不是纯色，请在白色墙壁前重新拍摄正面免冠照片"},
}

func seedDemoPhotos(st *store.Store, h *password.Hasher, img handlers.Images, ag domain.Agency, now time.Time) error {
	hash, _ := h.Hash(context.Background(), demoTraineePass)
	reviewer, err := st.UserByLogin(demoAgencies[0].user, false)
	if err != nil {
		return err
	}
	for i, d := range demoPhotoTrainees {
		reg, err := domain.RegistrationInput{IDNumber: d.id, Name: d.name, Mobile: "1390000000" + strconv.Itoa(i+1),
			Email: fmt.Sprintf("demo%d@example.com", i+1), Password: demoTraineePass, Password2: demoTraineePass, Agree: true}.Validate(now)
		if err != nil {
			return err
		}
		u, err := createDemoTrainee(st, reg, hash, now)
		if err != nil {
			return err
		}
		jpeg, w, hgt, err := img.Portrait(context.Background(), demoPortrait(i))
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
			if _, err := st.DecidePhoto(reviewer, u.ID, d.status == domain.PhotoConfirmed, d.reason, now, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoPortrait draws a simple colourful head-and-shoulders placeholder.
func demoPortrait(variant int) []byte {
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

func printDemoLogins(w io.Writer) {
	fmt.Fprintln(w, "==================== 演示模式 DEMO MODE ====================")
	fmt.Fprintln(w, "  These accounts have publicly known passwords. Never use demo mode in production.")
	fmt.Fprintf(w, "  学员 trainee : 身份证号 %s  密码 %s\n", demoTraineeID, demoTraineePass)
	for _, d := range demoPhotoTrainees {
		fmt.Fprintf(w, "  学员 trainee : 身份证号 %s  密码 %s  (%s, 照片%s)\n", d.id, demoTraineePass, d.name, d.status)
	}
	fmt.Fprintf(w, "  管理员 admin  : 用户名 %s  密码 %s\n", demoAdminUser, demoAdminPass)
	for _, a := range demoAgencies {
		fmt.Fprintf(w, "  审核员 reviewer: 用户名 %s  密码 %s  (%s)\n", a.user, demoReviewerPass, a.name)
	}
	fmt.Fprintln(w, "  Mail is not sent without SITEPRO_SMTP_URL; admins read it at /admin/outbox.")
	fmt.Fprintln(w, "=============================================================")
}

// createAdmin is the one-time bootstrap of the first admin (SECURITY.md 11); it reads the
// password from stdin so that it never appears in the shell history.
func createAdmin(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("create-admin", flag.ContinueOnError)
	data := fs.String("data", env("SITEPRO_DATA", "./data"), "data directory (the server must be stopped)")
	user := fs.String("username", "", "login name of the admin (required)")
	name := fs.String("name", "管理员", "display name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	username := strings.ToLower(strings.TrimSpace(*user))
	if username == "" {
		return errors.New("create-admin: -username is required")
	}
	fmt.Fprintln(out, "Password for", username, "(min. 8 characters), then Enter:")
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("create-admin: no password given on stdin")
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := domain.CheckPassword(pw, domain.IDNumber{}); err != nil {
		return fmt.Errorf("create-admin: %v", err)
	}
	st, err := store.Open(*data, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer st.Close()
	hash, err := password.NewHasher(1).Hash(context.Background(), pw)
	if err != nil {
		return err
	}
	_, err = st.CreateStaff(domain.User{Role: domain.RoleAdmin, Username: username, Name: *name, PasswordHash: hash}, time.Now())
	if err == nil {
		fmt.Fprintln(out, "Admin", username, "created.")
	}
	return err
}
