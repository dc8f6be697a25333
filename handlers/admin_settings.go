package handlers

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sitepro/domain"
	"sitepro/views"
)

// 目录与规则设置 (issue 12): the admin changes the continuing-education rules, the exam
// pass marks, the 发证单位 and number prefix, the texts of the 告知书 and the 承诺 and the
// catalog of posts. One page with a section per group; each form posts to its own route,
// calls one store use case (history and audit entry in its transaction) and comes back
// to the page, or shows the page again with what was typed and the message.

func (s *Server) settingsRoutes() []Route {
	get, post := fiber.MethodGet, fiber.MethodPost
	return []Route{
		{get, "/admin/settings", Admin, s.settingsPage},
		{post, "/admin/settings/ce", Admin, s.saveCESettings},
		{post, "/admin/settings/exam", Admin, s.saveExamSettings},
		{post, "/admin/settings/cert", Admin, s.saveCertSettings},
		{post, "/admin/settings/text/:kind", Admin, s.saveSettingsText},
		{post, "/admin/settings/posts", Admin, s.addPost},
		{post, "/admin/settings/posts/:code/enable", Admin, s.enablePost},
		{post, "/admin/settings/posts/:code/disable", Admin, s.disablePost},
	}
}

// settingsHistoryShown is how many changes each section lists.
const settingsHistoryShown = 20

// settingsModel reads every group in force with its history.
func (s *Server) settingsModel() (views.SettingsModel, error) {
	var m views.SettingsModel
	st := s.d.Store
	hist := func(k domain.SettingsKind, sec *views.SettingsSection) error {
		h, err := st.SettingsHistory(k, settingsHistoryShown)
		sec.History = h
		return err
	}
	ce, ceRev, err := st.CESettingsRev()
	if err != nil {
		return m, err
	}
	m.CE = views.SettingsSection{Form: views.Form{Values: ceValues(ce)}, Rev: ceRev.Rev}
	exam, examRev, err := st.ExamSettings()
	if err != nil {
		return m, err
	}
	m.Exam = views.SettingsSection{Form: views.Form{Values: map[string]string{
		"pass_basic": strconv.Itoa(exam.PassBasic), "pass_practice": strconv.Itoa(exam.PassPractice)}}, Rev: examRev.Rev}
	cert, certRev, err := st.CertSettings()
	if err != nil {
		return m, err
	}
	m.Cert = views.SettingsSection{Form: views.Form{Values: map[string]string{
		"issuer": cert.Issuer, "number_prefix": cert.NumberPrefix}}, Rev: certRev.Rev}
	if m.NoticeText, err = st.CurrentText(domain.TextNotice); err != nil {
		return m, err
	}
	if m.PledgeText, err = st.CurrentText(domain.TextPledge); err != nil {
		return m, err
	}
	m.Notice = views.SettingsSection{Form: textForm(m.NoticeText)}
	m.Pledge = views.SettingsSection{Form: textForm(m.PledgeText)}
	if m.Catalog, err = st.Catalog(); err != nil {
		return m, err
	}
	m.Posts = views.SettingsSection{Form: views.Form{Values: map[string]string{}}}
	for k, sec := range map[domain.SettingsKind]*views.SettingsSection{domain.SettingsCE: &m.CE, domain.SettingsExam: &m.Exam,
		domain.SettingsCert: &m.Cert, domain.SettingsNotice: &m.Notice, domain.SettingsPledge: &m.Pledge, domain.SettingsCatalog: &m.Posts} {
		if err := hist(k, sec); err != nil {
			return m, err
		}
	}
	return m, nil
}

func textForm(t domain.VersionedText) views.Form {
	return views.Form{Values: map[string]string{"text": t.Body(), "version": t.Version}}
}

func ceValues(cs domain.CESettings) map[string]string {
	n := strconv.Itoa
	return map[string]string{"hours_per_year": n(cs.HoursPerYear), "professional_min": n(cs.ProfessionalMin),
		"two_year_min": n(cs.TwoYearMin), "max_record_hours": n(cs.MaxRecordHours), "min_age": n(cs.MinAge),
		"max_age": n(cs.MaxAge), "assess_from": cs.AssessFrom.Format("2006-01-02")}
}

func (s *Server) settingsPage(c *fiber.Ctx) error {
	m, err := s.settingsModel()
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, views.AdminSettings(s.page(c, "目录与规则设置"), m))
}

// settingsAnswer answers a save: back to the page with a flash, or the page again (422,
// or 409 when someone else saved first) with the section showing what was typed, its
// field errors or its message. The section keeps the revision now in force, so that
// saving again after reading the message is taken.
func (s *Server) settingsAnswer(c *fiber.Ctx, err error, f views.Form, pick func(*views.SettingsModel) *views.SettingsSection, anchor, done string) error {
	if err == nil {
		flash(c, done)
		return redirect(c, "/admin/settings#"+anchor)
	}
	status, msg := fiber.StatusUnprocessableEntity, ""
	if !withErrors(&f, err) {
		switch domain.CodeOf(err) {
		case domain.CodeConflict:
			status, msg = fiber.StatusConflict, domain.MessageOf(err)
		case domain.CodeInvalid, domain.CodeNotFound:
			msg = domain.MessageOf(err)
		default:
			return err
		}
	}
	m, err := s.settingsModel()
	if err != nil {
		return err
	}
	sec := pick(&m)
	if v, ok := sec.Form.Values["version"]; ok {
		f.Values["version"] = v
	}
	sec.Form, sec.Msg = f, msg
	return render(c, status, views.AdminSettings(s.page(c, "目录与规则设置"), m))
}

// intField reads a whole number typed into the form, or records the field's error.
func intField(f views.Form, fe domain.FieldErrors, name, label string) int {
	v := strings.TrimSpace(f.V(name))
	n, err := strconv.Atoi(v)
	if err != nil {
		if v == "" {
			fe.Add(name, "请填写"+label)
		} else {
			fe.Add(name, label+"请填写整数，例如 32")
		}
	}
	return n
}

func revOf(c *fiber.Ctx) int {
	n, _ := strconv.Atoi(c.FormValue("rev"))
	return n
}

func (s *Server) saveCESettings(c *fiber.Ctx) error {
	f := formOf(c, "hours_per_year", "professional_min", "two_year_min", "max_record_hours", "min_age", "max_age", "assess_from")
	fe := domain.FieldErrors{}
	cs := domain.CESettings{
		HoursPerYear:    intField(f, fe, "hours_per_year", "每年学时要求"),
		ProfessionalMin: intField(f, fe, "professional_min", "专业课学时"),
		TwoYearMin:      intField(f, fe, "two_year_min", "两年学时要求"),
		MaxRecordHours:  intField(f, fe, "max_record_hours", "每条记录的学时上限"),
		MinAge:          intField(f, fe, "min_age", "最低年龄"),
		MaxAge:          intField(f, fe, "max_age", "最高年龄"),
	}
	if v := strings.TrimSpace(f.V("assess_from")); v == "" {
		fe.Add("assess_from", "请填写开始考核学时的日期")
	} else if d, err := time.Parse("2006-01-02", v); err != nil {
		fe.Add("assess_from", "日期格式不正确，请按“年-月-日”填写，例如 2026-01-01")
	} else {
		cs.AssessFrom = d
	}
	var err error = fe.Err()
	if err == nil {
		_, err = s.d.Store.SaveCESettings(*currentUser(c), cs, revOf(c), s.d.Now())
	}
	return s.settingsAnswer(c, err, f, func(m *views.SettingsModel) *views.SettingsSection { return &m.CE }, "ce", "已保存继续教育规则。")
}

func (s *Server) saveExamSettings(c *fiber.Ctx) error {
	f := formOf(c, "pass_basic", "pass_practice")
	fe := domain.FieldErrors{}
	es := domain.ExamSettings{PassBasic: intField(f, fe, "pass_basic", "专业基础知识合格分数"),
		PassPractice: intField(f, fe, "pass_practice", "专业管理实务合格分数")}
	if err, ok := es.Validate().(domain.FieldErrors); ok {
		for k, v := range err { // the two marks are independent: every message at once
			fe.Add(k, v)
		}
	}
	var err error = fe.Err()
	if err == nil {
		_, err = s.d.Store.SaveExamSettings(*currentUser(c), es, revOf(c), s.d.Now())
	}
	return s.settingsAnswer(c, err, f, func(m *views.SettingsModel) *views.SettingsSection { return &m.Exam }, "exam", "已保存考试合格分数线，以后确认的成绩按新的分数线判定。")
}

func (s *Server) saveCertSettings(c *fiber.Ctx) error {
	f := formOf(c, "issuer", "number_prefix")
	_, err := s.d.Store.SaveCertSettings(*currentUser(c), domain.CertSettings{Issuer: f.V("issuer"), NumberPrefix: f.V("number_prefix")}, revOf(c), s.d.Now())
	return s.settingsAnswer(c, err, f, func(m *views.SettingsModel) *views.SettingsSection { return &m.Cert }, "cert", "已保存发证设置，以后发放的证书使用新的发证单位和编号前缀。")
}

func (s *Server) saveSettingsText(c *fiber.Ctx) error {
	kind, ok := domain.TextKindOf(c.Params("kind"))
	if !ok {
		return domain.Err(domain.CodeNotFound, "没有这项设置")
	}
	f := formOf(c, "text", "version")
	t, err := s.d.Store.SaveText(*currentUser(c), kind, f.V("text"), f.V("version"), s.d.Now())
	pick := func(m *views.SettingsModel) *views.SettingsSection { return &m.Notice }
	if kind == domain.TextPledge {
		pick = func(m *views.SettingsModel) *views.SettingsSection { return &m.Pledge }
	}
	return s.settingsAnswer(c, err, f, pick, string(kind), "已保存"+kind.Label()+"，新版本为 "+t.Version+"。")
}

func postsSection(m *views.SettingsModel) *views.SettingsSection { return &m.Posts }

func (s *Server) addPost(c *fiber.Ctx) error {
	f := formOf(c, "code", "position", "specialty")
	p, err := s.d.Store.AddPost(*currentUser(c), domain.PostInput{Code: f.V("code"), Position: f.V("position"), Specialty: f.V("specialty")}, s.d.Now())
	if err == nil {
		s.knowPosts()
	}
	return s.settingsAnswer(c, err, f, postsSection, "posts", "已新增岗位“"+p.Label()+"”，学员新取证报名时可以选择它。")
}

func (s *Server) enablePost(c *fiber.Ctx) error  { return s.setPostEnabled(c, true) }
func (s *Server) disablePost(c *fiber.Ctx) error { return s.setPostEnabled(c, false) }

func (s *Server) setPostEnabled(c *fiber.Ctx, enabled bool) error {
	p, err := s.d.Store.SetPostEnabled(*currentUser(c), c.Params("code"), enabled, s.d.Now())
	done := "已停止“" + p.Label() + "”的新报名，已有的报名和证书不受影响。"
	if enabled {
		done = "已开放“" + p.Label() + "”的新报名。"
	}
	return s.settingsAnswer(c, err, views.Form{Values: map[string]string{}, Errors: domain.FieldErrors{}}, postsSection, "posts", done)
}

// knowPosts tells the views the names of the catalog's added entries (views.KnowPosts).
func (s *Server) knowPosts() {
	if cat, err := s.d.Store.Catalog(); err == nil {
		views.KnowPosts(cat)
	}
}
