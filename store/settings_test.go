package store

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

var settingsAdmin = domain.User{ID: "adm-s", Username: "admin", Name: "李管理", Role: domain.RoleAdmin}

// Without anything stored every group is the built-in default at revision 0, with no
// history.
func TestSettingsDefaultsWhenNothingStored(t *testing.T) {
	s, _ := openTemp(t)
	if cs, rev, err := s.CESettingsRev(); err != nil || cs != domain.DefaultCESettings() || rev.Rev != 0 {
		t.Fatalf("CE %+v rev %+v, %v", cs, rev, err)
	}
	if es, rev, err := s.ExamSettings(); err != nil || es != domain.DefaultExamSettings() || rev.Rev != 0 {
		t.Fatalf("exam %+v rev %+v, %v", es, rev, err)
	}
	if cs, _, err := s.CertSettings(); err != nil || cs != domain.DefaultCertSettings() {
		t.Fatalf("cert %+v, %v", cs, err)
	}
	if n, err := s.CurrentText(domain.TextNotice); err != nil || n.Version != domain.NoticeVersion || !n.Builtin() || len(n.Paragraphs) != 4 {
		t.Fatalf("notice %+v, %v", n, err)
	}
	if p, err := s.CurrentText(domain.TextPledge); err != nil || p.Version != domain.PledgeVersion || len(p.Paragraphs) != 5 {
		t.Fatalf("pledge %+v, %v", p, err)
	}
	cat, err := s.Catalog()
	if err != nil || len(cat.Posts) != 14 || len(cat.Enabled()) != 13 {
		t.Fatalf("catalog %d posts, %d enabled, %v", len(cat.Posts), len(cat.Enabled()), err)
	}
	for _, k := range domain.SettingsKinds() {
		if h, err := s.SettingsHistory(k, 10); err != nil || len(h) != 0 {
			t.Fatalf("%s history %v, %v", k, h, err)
		}
	}
}

// Each save records who and when and what changed, newest first, with its audit entry;
// invalid, unchanged, stale and non-admin saves change nothing.
func TestSettingsHistoryKept(t *testing.T) {
	s, _ := openTemp(t)
	t1 := t0.Add(time.Hour)
	if _, err := s.SaveExamSettings(settingsAdmin, domain.ExamSettings{PassBasic: 70, PassPractice: 60}, 0, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveExamSettings(settingsAdmin, domain.ExamSettings{PassBasic: 70, PassPractice: 65}, 1, t1); err != nil {
		t.Fatal(err)
	}
	h, err := s.SettingsHistory(domain.SettingsExam, 10)
	if err != nil || len(h) != 2 {
		t.Fatalf("history %+v, %v", h, err)
	}
	if !h[0].At.Equal(t1) || h[0].Actor != settingsAdmin.AuditName() || h[0].Detail != "专业管理实务合格分：60 → 65" {
		t.Fatalf("newest entry %+v", h[0])
	}
	if h[1].Detail != "专业基础知识合格分：60 → 70" {
		t.Fatalf("first entry %+v", h[1])
	}
	es, rev, _ := s.ExamSettings()
	if es.PassPractice != 65 || rev.Rev != 2 || rev.Actor != settingsAdmin.AuditName() {
		t.Fatalf("stored %+v rev %+v", es, rev)
	}
	log, _ := s.AuditLog(AuditFilter{Action: domain.AuditSettingsExam}, 10)
	if len(log) != 2 || log[0].Detail != h[0].Detail {
		t.Fatalf("audit %+v", log)
	}

	// Refused, each without a change.
	if _, err := s.SaveExamSettings(settingsAdmin, domain.ExamSettings{PassBasic: 0, PassPractice: 101}, 2, t1); len(asFields(err)) != 2 {
		t.Fatalf("invalid marks: %v", err)
	}
	if _, err := s.SaveExamSettings(settingsAdmin, domain.ExamSettings{PassBasic: 50, PassPractice: 50}, 1, t1); domain.CodeOf(err) != domain.CodeConflict ||
		!strings.Contains(domain.MessageOf(err), "李管理") {
		t.Fatalf("stale revision: %v", err)
	}
	if _, err := s.SaveExamSettings(settingsAdmin, es, 2, t1); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("unchanged: %v", err)
	}
	reviewer := domain.User{ID: "r", Role: domain.RoleReviewer, Name: "审核员"}
	if _, err := s.SaveExamSettings(reviewer, domain.ExamSettings{PassBasic: 50, PassPractice: 50}, 2, t1); domain.CodeOf(err) != domain.CodeForbidden {
		t.Fatalf("reviewer: %v", err)
	}
	if h, _ := s.SettingsHistory(domain.SettingsExam, 10); len(h) != 2 {
		t.Fatalf("a refused save left history: %+v", h)
	}
	if got, _, _ := s.ExamSettings(); got != es {
		t.Fatalf("a refused save changed the marks: %+v", got)
	}

	// The certificate settings: trimmed, validated, history kept.
	if _, err := s.SaveCertSettings(settingsAdmin, domain.CertSettings{Issuer: " ", NumberPrefix: "4a"}, 0, t0); len(asFields(err)) != 2 {
		t.Fatalf("invalid cert settings: %v", err)
	}
	if _, err := s.SaveCertSettings(settingsAdmin, domain.CertSettings{Issuer: " 河南省住建厅 ", NumberPrefix: "41"}, 0, t0); err != nil {
		t.Fatal(err)
	}
	if cs, _, _ := s.CertSettings(); cs.Issuer != "河南省住建厅" {
		t.Fatalf("cert settings %+v", cs)
	}
	if h, _ := s.SettingsHistory(domain.SettingsCert, 10); len(h) != 1 || !strings.Contains(h[0].Detail, "发证单位") {
		t.Fatalf("cert history %+v", h)
	}
}

func asFields(err error) domain.FieldErrors {
	fe, _ := err.(domain.FieldErrors)
	return fe
}

// A rules record written before the settings had history (V1: the rules alone) reads as
// revision 0 and is saved over with a history entry.
func TestCESettingsReadsOlderRecord(t *testing.T) {
	s, _ := openTemp(t)
	old := domain.DefaultCESettings()
	old.HoursPerYear, old.ProfessionalMin, old.TwoYearMin = 24, 12, 48
	if err := s.update(func(txn *badger.Txn) error {
		return putJSON(txn, ceSettingsKey(), struct {
			V int
			domain.CESettings
		}{1, old})
	}); err != nil {
		t.Fatal(err)
	}
	cs, rev, err := s.CESettingsRev()
	if err != nil || cs != old || rev.Rev != 0 {
		t.Fatalf("read %+v rev %+v, %v", cs, rev, err)
	}
	next := old
	next.MaxAge = 60
	if _, err := s.SaveCESettings(settingsAdmin, next, 0, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.CESettings(); got != next {
		t.Fatalf("rules in force %+v", got)
	}
	h, _ := s.SettingsHistory(domain.SettingsCE, 10)
	if len(h) != 1 || h[0].Detail != "最高年龄：65 → 60" {
		t.Fatalf("history %+v", h)
	}
	bad := next
	bad.ProfessionalMin = 40
	if _, err := s.SaveCESettings(settingsAdmin, bad, 1, t0); asFields(err)["professional_min"] == "" {
		t.Fatalf("invalid rules: %v", err)
	}
}

// The stored pass marks decide the result, whatever the caller passes; the stored
// 发证单位 and prefix are used by the next certificate.
func TestStoredExamAndCertSettingsDecide(t *testing.T) {
	s, _ := openTemp(t)
	if _, err := s.SaveExamSettings(settingsAdmin, domain.ExamSettings{PassBasic: 85, PassPractice: 60}, 0, t0); err != nil {
		t.Fatal(err)
	}
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州建设职业培训中心", CityCode: "410100"})
	a := fillApp(t, s, u, ag)
	a, err := s.SubmitApplication(u, a.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	reviewer := domain.User{ID: "r1", Role: domain.RoleReviewer, AgencyID: ag.ID, Name: "审核员"}
	exam := domain.Exam{TicketNumber: "20260001", Venue: "考点", Room: "1", Seat: "1",
		Subjects: []domain.ExamSubject{{Name: "专业基础知识", Start: t0, End: t0.Add(2 * time.Hour)}}}
	for _, st := range []struct {
		who domain.User
		d   domain.Decision
	}{
		{reviewer, domain.Decision{Kind: domain.AppConfirmDecision}},
		{settingsAdmin, domain.Decision{Kind: domain.AppScheduleDecision, Exam: &exam}},
		{settingsAdmin, domain.Decision{Kind: domain.AppScoresDecision, Scores: &domain.Scores{Basic: domain.Points(80), Practice: domain.Points(75)}}},
		{settingsAdmin, domain.Decision{Kind: domain.AppResultDecision, PassMarks: domain.DefaultExamSettings()}},
	} {
		if a, err = s.DecideApplication(st.who, a.ID, st.d, t0); err != nil {
			t.Fatal(err)
		}
	}
	if a.Status != domain.AppFailed {
		t.Fatalf("80 under a stored pass mark of 85: %s", a.Status)
	}

	s2, _ := openTemp(t) // a fresh store for the certificate
	_, _, passed := passedApplication(t, s2, t0)
	if _, err := s2.SaveCertSettings(settingsAdmin, domain.CertSettings{Issuer: "某省住房和城乡建设厅", NumberPrefix: "42"}, 0, t0); err != nil {
		t.Fatal(err)
	}
	_, c, err := s2.IssueCertificate(settingsAdmin, passed.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != "某省住房和城乡建设厅" || !strings.HasPrefix(c.Number, "422026"+passed.PostCode) {
		t.Fatalf("certificate %s by %s", c.Number, c.Issuer)
	}
}

// A trainee who agreed to an older 告知书 is asked again before a new application; the
// pledge signed records the version in force, and older versions stay readable.
func TestNoticeAskedAgainAfterNewVersion(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州", CityCode: "410100"})
	a := fillApp(t, s, u, ag) // agrees to the built-in notice and signs the built-in pledge
	if a.PledgeVersion != domain.PledgeVersion {
		t.Fatalf("pledge version %q", a.PledgeVersion)
	}
	if _, err := s.SubmitApplication(u, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	cur, _ := s.CurrentText(domain.TextNotice)
	if _, err := s.SaveText(settingsAdmin, domain.TextNotice, cur.Body(), cur.Version, t0); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("unchanged text made a version: %v", err)
	}
	if _, err := s.SaveText(settingsAdmin, domain.TextNotice, "  \n ", cur.Version, t0); asFields(err)["text"] == "" {
		t.Fatalf("empty text: %v", err)
	}
	n, err := s.SaveText(settingsAdmin, domain.TextNotice, cur.Body()+"\n\n新增的一段。", cur.Version, t0)
	if err != nil || n.Version != "2026-11-26" || len(n.Paragraphs) != 5 {
		t.Fatalf("new notice %+v, %v", n, err)
	}
	if _, err := s.SaveText(settingsAdmin, domain.TextNotice, "另一个文本", cur.Version, t0); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("save over a newer version: %v", err)
	}
	n2, err := s.SaveText(settingsAdmin, domain.TextNotice, n.Body()+"\n再加一段。", n.Version, t0.Add(time.Minute))
	if err != nil || n2.Version != "2026-11-26.2" {
		t.Fatalf("second version of the day %+v, %v", n2, err)
	}
	if _, err := s.StartApplication(u, t0); domain.CodeOf(err) != domain.CodeForbidden {
		t.Fatalf("started under an older notice: %v", err)
	}
	if _, err := s.AgreeNotice(u.ID, n2.Version, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartApplication(u, t0); err != nil {
		t.Fatalf("after agreeing again: %v", err)
	}
	for _, v := range []string{domain.NoticeVersion, n.Version, n2.Version} {
		if _, found, err := s.TextVersion(domain.TextNotice, v); !found || err != nil {
			t.Fatalf("version %s not readable: %v", v, err)
		}
	}
	if _, found, _ := s.TextVersion(domain.TextNotice, "1999-01-01"); found {
		t.Fatal("an unknown version was found")
	}
	if h, _ := s.SettingsHistory(domain.SettingsNotice, 10); len(h) != 2 || h[0].Detail != "版本 2026-11-26 → 2026-11-26.2" {
		t.Fatalf("notice history %+v", h)
	}

	// A new pledge is what the next application signs.
	pc, _ := s.CurrentText(domain.TextPledge)
	p, err := s.SaveText(settingsAdmin, domain.TextPledge, "本人承诺如实填写。\n本人遵守考试纪律。", pc.Version, t0)
	if err != nil {
		t.Fatal(err)
	}
	u2, _ := s.CreateTrainee(registration(t, "440524188001010014"), "h", NewToken(), t0)
	a2 := fillAppAs(t, s, u2, ag)
	if a2.PledgeVersion != p.Version {
		t.Fatalf("signed pledge %q, want %q", a2.PledgeVersion, p.Version)
	}
	if old, _ := s.ApplicationOf(u.ID, a.ID); old.PledgeVersion != domain.PledgeVersion {
		t.Fatalf("an earlier signature changed: %q", old.PledgeVersion)
	}
}

// fillAppAs fills a complete application for 材料员 after agreeing to the notice in
// force; the pledge is signed with the trainee's own name.
func fillAppAs(t *testing.T, s *Store, u domain.User, ag domain.Agency) domain.Application {
	t.Helper()
	n, _ := s.CurrentText(domain.TextNotice)
	if _, err := s.AgreeNotice(u.ID, n.Version, t0); err != nil {
		t.Fatal(err)
	}
	a, err := s.StartApplication(u, t0)
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range []domain.StepInput{
		{Step: domain.StepEmployment, Employment: "待业"},
		{Step: domain.StepCity, City: ag.CityCode},
		{Step: domain.StepAgency, Info: domain.AppInfoInput{AgencyID: ag.ID, Phone: "13812345678",
			Profile: domain.ProfileInput{Education: "大学本科"}}},
		{Step: domain.StepPost, Post: "111"},
		{Step: domain.StepResume},
		{Step: domain.StepPledge, Signature: u.Name, Agreed: true},
	} {
		if a, err = s.SaveStep(u.ID, a.ID, st, t0); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
	for _, step := range []domain.Step{domain.StepIDFront, domain.StepIDBack, domain.StepDiploma} {
		if a, err = s.SaveDocument(u.ID, a.ID, step, []byte("jpeg"), 10, 10, t0); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// A disabled post is offered neither in 新取证 nor, by agencies that never configured
// their posts, in 继续教育; records that have it keep its name. An added post is offered.
func TestCatalogOverridesInBothWizards(t *testing.T) {
	f := newCEFixture(t)
	s := f.s
	agD, _ := s.PutAgency(domain.Agency{Name: "郑州第三中心", CityCode: "410100"})
	_ = s.SetAgencyPosts(agD.ID, []string{"101"}) // configured explicitly with the post

	if _, err := s.SetPostEnabled(settingsAdmin, "110", true, t0); domain.CodeOf(err) != domain.CodeInvalid {
		t.Fatalf("legacy 安全员 enabled: %v", err)
	}
	if _, err := s.SetPostEnabled(settingsAdmin, "999", false, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("unknown post: %v", err)
	}
	// 新取证: an application for 111 submitted before, then 111 disabled.
	before := fillAppAs(t, s, f.other, f.agA)
	if _, err := s.SubmitApplication(f.other, before.ID, t0); err != nil {
		t.Fatal(err)
	}
	if p, err := s.SetPostEnabled(settingsAdmin, "111", false, t0); err != nil || p.Enabled {
		t.Fatalf("disable: %+v, %v", p, err)
	}
	if _, err := s.SetPostEnabled(settingsAdmin, "111", false, t0); err != nil {
		t.Fatalf("disabling again: %v", err)
	}
	if h, _ := s.SettingsHistory(domain.SettingsCatalog, 10); len(h) != 1 {
		t.Fatalf("a no-op was recorded: %+v", h)
	}
	cat, _ := s.Catalog()
	if slices.Contains(cat.EnabledCodes(), "111") || cat.Label("111") != "材料员" {
		t.Fatalf("catalog after disabling: %v, %q", cat.EnabledCodes(), cat.Label("111"))
	}
	if old, _ := s.ApplicationOf(f.other.ID, before.ID); old.PostCode != "111" {
		t.Fatalf("the earlier application lost its post: %q", old.PostCode)
	}
	n, _ := s.CurrentText(domain.TextNotice)
	u3, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	u3, _ = s.AgreeNotice(u3.ID, n.Version, t0)
	a, err := s.StartApplication(u3, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []domain.StepInput{ // the steps before the post (SaveStep gates, issue 15)
		{Step: domain.StepEmployment, Employment: "待业"},
		{Step: domain.StepCity, City: f.agA.CityCode},
		{Step: domain.StepAgency, Info: domain.AppInfoInput{AgencyID: f.agA.ID, Phone: "13812345678",
			Profile: domain.ProfileInput{Education: "大学本科"}}},
	} {
		if _, err := s.SaveStep(u3.ID, a.ID, st, t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SaveStep(u3.ID, a.ID, domain.StepInput{Step: domain.StepPost, Post: "111"}, t0); asFields(err)["post"] == "" {
		t.Fatalf("disabled post accepted: %v", err)
	}

	// An added post: validated, unique, then offered.
	if _, err := s.AddPost(settingsAdmin, domain.PostInput{Code: "111", Position: "测量员"}, t0); asFields(err)["code"] == "" {
		t.Fatalf("duplicate code: %v", err)
	}
	if _, err := s.AddPost(settingsAdmin, domain.PostInput{Code: "12", Position: ""}, t0); len(asFields(err)) != 2 {
		t.Fatalf("bad entry: %v", err)
	}
	added, err := s.AddPost(settingsAdmin, domain.PostInput{Code: "116", Position: "测量员"}, t0.Add(time.Minute))
	if err != nil || !added.Enabled {
		t.Fatalf("add: %+v, %v", added, err)
	}
	if _, err := s.AddPost(settingsAdmin, domain.PostInput{Code: "117", Position: "测量员"}, t0); asFields(err)["position"] == "" {
		t.Fatalf("duplicate name: %v", err)
	}
	if a, err = s.SaveStep(u3.ID, a.ID, domain.StepInput{Step: domain.StepPost, Post: "116"}, t0); err != nil || a.PostCode != "116" {
		t.Fatalf("added post refused: %v", err)
	}
	if h, _ := s.SettingsHistory(domain.SettingsCatalog, 10); len(h) != 2 || h[0].Detail != "新增 测量员（116）" {
		t.Fatalf("catalog history %+v", h)
	}

	// 继续教育 for a certificate of 101: agA trains every enabled post, agD 101 explicitly.
	e, _ := s.StartEnrolment(f.u, t0)
	for _, st := range []domain.EnrolStepInput{{Step: domain.CEStepCert, Cert: f.cert.Number}, {Step: domain.CEStepPost, Confirmed: true},
		{Step: domain.CEStepAgency, City: "410100", CityOnly: true}} {
		if e, err = s.SaveEnrolStep(f.u, e.ID, st, t0); err != nil {
			t.Fatal(err)
		}
	}
	names := func() []string {
		ags, err := s.EligibleAgencies(e.AgencyFor())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, ag := range ags {
			out = append(out, ag.Name)
		}
		return sorted(out)
	}
	if got := names(); !slices.Equal(got, sorted([]string{f.agA.Name, agD.Name})) {
		t.Fatalf("before disabling 101: %v", got)
	}
	if _, err := s.SetPostEnabled(settingsAdmin, "101", false, t0); err != nil {
		t.Fatal(err)
	}
	if got := names(); !slices.Equal(got, []string{agD.Name}) {
		t.Fatalf("after disabling 101: %v", got)
	}
	if _, err := s.SaveEnrolStep(f.u, e.ID, domain.EnrolStepInput{Step: domain.CEStepAgency, City: "410100", Agency: f.agA.ID}, t0); err == nil {
		t.Fatal("an agency that no longer trains the disabled post was accepted")
	}
	if p, err := s.SetPostEnabled(settingsAdmin, "101", true, t0); err != nil || !p.Enabled {
		t.Fatalf("enable again: %+v, %v", p, err)
	}
	if got := names(); len(got) != 2 {
		t.Fatalf("after enabling 101 again: %v", got)
	}
	log, _ := s.AuditLog(AuditFilter{Action: domain.AuditCatalogEnable}, 10)
	if len(log) != 1 || !strings.Contains(log[0].Detail, "101") {
		t.Fatalf("audit %+v", log)
	}
}

// Admins saving at once from pages of the same revision: exactly one wins, the others
// are told someone changed the settings first, and the history holds one entry.
func TestSettingsConcurrentSaves(t *testing.T) {
	s, _ := openTemp(t)
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := s.SaveExamSettings(settingsAdmin, domain.ExamSettings{PassBasic: 61 + i, PassPractice: 60}, 0, t0)
			errs <- err
		}()
	}
	won, lost := 0, 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			won++
		case domain.CodeOf(err) == domain.CodeConflict:
			lost++
		default:
			t.Fatalf("unexpected: %v", err)
		}
	}
	if won != 1 || lost != n-1 {
		t.Fatalf("%d saves won, %d lost", won, lost)
	}
	if h, _ := s.SettingsHistory(domain.SettingsExam, 20); len(h) != 1 {
		t.Fatalf("history %+v", h)
	}
}
