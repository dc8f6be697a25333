package handlers

import (
	"slices"

	"github.com/gofiber/fiber/v2"
)

// Access says who may call a route; the guard middleware enforces it before the handler.
type Access int

// Access levels.
const (
	Public   Access = iota // anyone, signed in or not
	Signed                 // any signed-in user
	Trainee                // signed-in trainees
	Reviewer               // signed-in agency reviewers (scoped to their agency in the store)
	Admin                  // signed-in admins
)

// Route is one entry of the routes table.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Handler fiber.Handler
}

// Routes is the whole routes table; tests walk it so that no route escapes classification.
func (s *Server) Routes() []Route {
	get, post := fiber.MethodGet, fiber.MethodPost
	return slices.Concat([]Route{
		{get, "/", Public, s.home},
		{get, "/login", Public, s.loginPage},
		{post, "/login", Public, s.login},
		{post, "/logout", Public, s.logout},
		{get, "/register", Public, s.registerPage},
		{post, "/register", Public, s.register},
		{post, "/register/id-preview", Public, s.idPreview},
		{get, "/register/profile", Trainee, s.registerProfilePage},
		{post, "/register/profile", Trainee, s.registerProfile},
		{get, "/confirm-email/:token", Public, s.confirmLink},
		{get, "/confirm-email", Public, s.confirmEmailPage},
		{post, "/confirm-email", Public, s.confirmEmail},
		{post, "/confirm-email/resend", Trainee, s.resendConfirmation},
		{get, "/forgot", Public, s.forgotPage},
		{post, "/forgot", Public, s.forgot},
		{get, "/reset/:token", Public, s.resetLink},
		{get, "/reset", Public, s.resetPage},
		{post, "/reset", Public, s.reset},
		{get, "/password", Signed, s.passwordPage},
		{post, "/password", Signed, s.changePassword},
		{get, "/profile", Trainee, s.profilePage},
		{post, "/profile", Trainee, s.saveProfile},
		{get, "/profile/photo", Trainee, s.photoPage},
		{post, "/profile/photo", Trainee, s.uploadPhoto},
		{get, "/photos/:id", Signed, s.photoImage},
		{get, "/profile/email", Trainee, s.emailPage},
		{post, "/profile/email", Trainee, s.changeEmail},
		{get, "/profile/data", Trainee, s.myDataPage},
		{get, "/profile/data.json", Trainee, s.myDataJSON},
		// 新取证: notice, records, the nine-step wizard, check, submit (app.go, app_steps.go);
		// the record routes (new, detail, check, submit, done, delete) are the wizard kit's.
		{get, "/apply", Trainee, s.applyEntry},
		{post, "/apply/agree", Trainee, s.agreeNotice},
	}, s.app.routes(), s.staffRoutes(), []Route{
		{get, "/apply/:id/print/:doc", Trainee, s.printPage},
		{get, "/d/:token", Public, s.verifyDocument},
		{get, "/apply/:id/:step", Trainee, s.applyStepPage},
		{post, "/apply/:id/:step", Trainee, s.applyStep},
		{get, "/documents/:id", Signed, s.documentImage},
		// 证书信息 and public verification (cert.go).
		{get, "/certificates", Trainee, s.certificatesPage},
		{get, "/certificates/:id", Trainee, s.certificatePage},
		{get, "/verify", Public, s.verifyPage},
		{post, "/verify", Public, s.verifyLookup},
		{get, "/v/:token", Public, s.verifyToken},
		// 继续教育 (ce*.go), record routes from the wizard kit as for 新取证: BEGIN CE ROUTES
		{get, "/ce", Trainee, s.ceHome},
		{get, "/ce/learning", Trainee, s.ceLearning},
	}, s.ce.routes(), []Route{
		{get, "/ce/:id/print", Trainee, s.cePrintPage},
		{get, "/ce/:id/:step", Trainee, s.ceStepPage},
		{post, "/ce/:id/:step", Trainee, s.ceStep},
		{get, "/review/ce", Reviewer, s.ceQueue},
		{get, "/review/ce/rows", Reviewer, s.ceRows},
		{get, "/review/ce/courses", Reviewer, s.ceCourses},
		{post, "/review/ce/courses", Reviewer, s.addCourse},
		{get, "/review/ce/import", Reviewer, s.ceImportPage},
		{post, "/review/ce/import", Reviewer, s.ceImport},
		{get, "/review/ce/export.csv", Reviewer, s.ceExport},
		{get, "/review/ce/export.xlsx", Reviewer, s.ceExport},
		{get, "/review/ce/import/template.xlsx", Reviewer, s.ceImportTemplate},
		{get, "/review/ce/import/template.csv", Reviewer, s.ceImportTemplate},
		{get, "/review/ce/:id", Reviewer, s.ceReviewDetail},
		{post, "/review/ce/:id/confirm", Reviewer, s.ceConfirm},
		{post, "/review/ce/:id/return", Reviewer, s.ceReturn},
		{post, "/review/ce/:id/records", Reviewer, s.ceRecord},
		// END CE ROUTES
		// Agency reviewer console (review.go, review_decide.go).
		{get, "/review", Reviewer, s.reviewQueue},
		{get, "/review/photos", Reviewer, s.reviewPhotos},
		{get, "/review/apps/rows", Reviewer, s.appRows},
		{get, "/review/photos/rows", Reviewer, s.photoRows},
		{get, "/review/events", Reviewer, s.events},
		{get, "/review/apps/export.csv", Reviewer, s.exportQueue},
		{get, "/review/apps/export.xlsx", Reviewer, s.exportQueue},
		{post, "/review/apps/bulk-confirm", Reviewer, s.bulkConfirm},
		{get, "/review/apps/:id", Reviewer, s.reviewDetail},
		{post, "/review/apps/:id/confirm", Reviewer, s.confirmApp},
		{post, "/review/apps/:id/return", Reviewer, s.returnApp},
		{post, "/review/apps/:id/reject", Reviewer, s.rejectApp},
		{post, "/review/apps/:id/phone", Reviewer, s.revealPhone},
		{post, "/review/photos/:uid/confirm", Reviewer, s.confirmPhoto},
		{post, "/review/photos/:uid/return", Reviewer, s.returnPhoto},
		// 培训机构管理 (admin_agency.go).
		{get, "/admin/agencies", Admin, s.agenciesPage},
		{post, "/admin/agencies", Admin, s.createAgency},
		{get, "/admin/agencies/new", Admin, s.newAgencyPage},
		{get, "/admin/agencies/:id", Admin, s.agencyPage},
		{post, "/admin/agencies/:id", Admin, s.updateAgency},
		{post, "/admin/agencies/:id/suspend", Admin, s.suspendAgency},
		{post, "/admin/agencies/:id/resume", Admin, s.resumeAgency},
		{get, "/admin/outbox", Admin, s.outboxPage},
		{get, "/admin/audit", Admin, s.auditPage},
		{get, "/admin/backup", Admin, s.backupPage},
		{post, "/admin/backup", Admin, s.backup},
	}, s.statsRoutes(), // 统计 (admin_stats.go)
		s.settingsRoutes(),     // 目录与规则设置 (admin_settings.go)
		s.legacyRoutes(),       // 历史证书导入 (cert_legacy.go)
		s.certRoutes(),         // 证书发放, 注销, 撤销 (cert_admin.go, cert_print.go)
		s.examRoutes(),         // 考试管理 (admin_exam.go)
		s.examDayRoutes(),      // 考场签到 (exam_checkin.go)
		s.scoreRoutes(),        // 成绩录入, 成绩确认 (exam_score.go)
		s.adminConsoleRoutes(), // 管理员 console (admin_console.go)
		s.reviewTabsRoutes(),   // reviewer console tab counts (review_tabs.go)
		s.recordRoutes())       // 更正、删除学习记录 (ce_records.go)
}
