package domain

import (
	"slices"
	"time"
)

// AuditAction names what an audit entry records. The English code is what is stored,
// filtered on and put in URLs; Label is the Chinese wording admins and trainees read.
// Entries written before actions were typed hold the Chinese label itself: UnmarshalText
// reads them back as codes, and text it does not know stays a legacy action shown as is.
type AuditAction string

// Audit actions. The staff decisions share the codes of their DecisionKind
// (DecisionKind.AuditAction), so a decision and its audit entry have one name.
const (
	AuditLogin         AuditAction = "login"
	AuditAccountCreate AuditAction = "account.create"
	AuditPasswordSet   AuditAction = "password.change"
	AuditPasswordReset AuditAction = "password.reset"
	AuditEmailChange   AuditAction = "email.change"
	AuditNoticeAgree   AuditAction = "notice.agree"

	AuditAppConfirm  = AuditAction(AppConfirmDecision)
	AuditAppReturn   = AuditAction(AppReturnDecision)
	AuditAppReject   = AuditAction(AppRejectDecision)
	AuditAppSchedule = AuditAction(AppScheduleDecision)
	AuditAppScores   = AuditAction(AppScoresDecision)
	AuditAppResult   = AuditAction(AppResultDecision)

	AuditAppDelete        AuditAction = "app.delete"
	AuditAppExport        AuditAction = "app.export"
	AuditDocumentView     AuditAction = "document.view"
	AuditPhoneReveal      AuditAction = "phone.reveal"
	AuditCertificateIssue AuditAction = "cert.issue"

	AuditPhotoConfirm             = AuditAction(PhotoConfirmDecision)
	AuditPhotoReturn              = AuditAction(PhotoReturnDecision)
	AuditPhotoView    AuditAction = "photo.view"

	AuditEnrolConfirm = AuditAction(EnrolConfirmDecision)
	AuditEnrolReturn  = AuditAction(EnrolReturnDecision)

	AuditEnrolDelete    AuditAction = "enrol.delete"
	AuditEnrolExport    AuditAction = "enrol.export"
	AuditCourseAdd      AuditAction = "ce.course.add"
	AuditLearningRecord AuditAction = "ce.record.add"
	AuditLearningImport AuditAction = "ce.record.import"

	AuditAgencyCreate  AuditAction = "agency.create"
	AuditAgencyUpdate  AuditAction = "agency.update"
	AuditAgencySuspend AuditAction = "agency.suspend"
	AuditAgencyResume  AuditAction = "agency.resume"

	// 账号管理 (staff accounts, issue 12).
	AuditAccountActivate AuditAction = "account.activate"
	AuditAccountDisable  AuditAction = "account.disable"
	AuditAccountEnable   AuditAction = "account.enable"
	AuditAccountMove     AuditAction = "account.move"
	AuditAccountResend   AuditAction = "account.resend"
	AuditAccountRole     AuditAction = "account.role"

	// 目录与规则设置 (settings with history and the catalog).
	AuditSettingsCE     AuditAction = "settings.ce"
	AuditSettingsExam   AuditAction = "settings.exam"
	AuditSettingsCert   AuditAction = "settings.cert"
	AuditSettingsNotice AuditAction = "settings.notice"
	AuditSettingsPledge AuditAction = "settings.pledge"
	AuditCatalogEnable  AuditAction = "catalog.enable"
	AuditCatalogDisable AuditAction = "catalog.disable"
	AuditCatalogAdd     AuditAction = "catalog.add"

	AuditOutboxView     AuditAction = "outbox.view"
	AuditBackupDownload AuditAction = "backup.download"

	// Statistics (issue 12).
	AuditStatsExport AuditAction = "stats.export"
	// 历史证书导入 (issue 12).
	AuditLegacyImport AuditAction = "cert.legacy.import"
	AuditLegacyAttach AuditAction = "cert.legacy.attach"
	// BEGIN CERTS (证书注销、撤销; issue 13)
	AuditCertificateCancel AuditAction = "cert.cancel"
	AuditCertificateRevoke AuditAction = "cert.revoke"
	// END CERTS
	// 考试批次 (issue 13): BEGIN EXAM AUDIT
	AuditExamCreate  AuditAction = "exam.create"
	AuditExamUpdate  AuditAction = "exam.update"
	AuditExamAssign  AuditAction = "exam.assign"
	AuditExamArrange AuditAction = "exam.arrange"
	AuditExamMove    AuditAction = "exam.move"
	AuditExamRemove  AuditAction = "exam.remove"
	AuditExamPublish AuditAction = "exam.publish"
	// END EXAM AUDIT
	// 考场签到 (issue 13, exam_checkin): BEGIN CHECKIN AUDIT
	AuditExamAttendCorrect AuditAction = "exam.attendance.correct"
	// END CHECKIN AUDIT
	// 成绩录入 / 成绩确认 (issue 13): BEGIN SCORES AUDIT
	AuditExamResults     AuditAction = "exam.results"
	AuditExamScoreImport AuditAction = "exam.scores.import"
	AuditScoreCorrect    AuditAction = "exam.scores.correct"
	// END SCORES AUDIT
	// Admin console (issue 12): a trainee looked up by their full ID number.
	AuditAdminIDSearch AuditAction = "admin.search.idno"
	// 更正、删除学习记录 (issue 14): BEGIN RECORDS AUDIT
	AuditLearningCorrect AuditAction = "ce.record.correct"
	AuditLearningRemove  AuditAction = "ce.record.remove"
	// END RECORDS AUDIT
)

// auditActions holds the wording of every action, in the order the audit filter lists
// them. The labels are the texts stored before actions were typed: keep them unchanged,
// or old entries are no longer recognised.
var auditActions = vocab[AuditAction]{
	{AuditLogin, "登录"},
	{AuditAccountCreate, "创建账号"},
	{AuditPasswordSet, "修改密码"},
	{AuditPasswordReset, "重置密码"},
	{AuditEmailChange, "修改邮箱"},
	{AuditNoticeAgree, "同意告知承诺书"},
	{AuditDocumentView, "查看证件图片"},
	{AuditPhoneReveal, "查看完整手机号"},
	{AuditAppConfirm, "确认报名"},
	{AuditAppReturn, "退回报名"},
	{AuditAppReject, "不予确认"},
	{AuditAppDelete, "删除报名"},
	{AuditAppExport, "导出报名队列"},
	{AuditAppSchedule, "安排考试"},
	{AuditAppScores, "录入成绩"},
	{AuditAppResult, "确认成绩"},
	{AuditCertificateIssue, "发放证书"},
	{AuditPhotoView, "查看照片"},
	{AuditPhotoConfirm, "确认照片"},
	{AuditPhotoReturn, "退回照片"},
	{AuditEnrolConfirm, "确认继续教育报名"},
	{AuditEnrolReturn, "退回继续教育报名"},
	{AuditEnrolDelete, "删除继续教育报名"},
	{AuditEnrolExport, "导出继续教育队列"},
	{AuditCourseAdd, "添加继续教育课程"},
	{AuditLearningRecord, "记录学时"},
	{AuditLearningImport, "导入学习记录"},
	{AuditAgencyCreate, "新增培训机构"},
	{AuditAgencyUpdate, "修改培训机构"},
	{AuditAgencySuspend, "暂停培训机构"},
	{AuditAgencyResume, "恢复培训机构"},
	{AuditAccountActivate, "激活账号"},
	{AuditAccountDisable, "停用账号"},
	{AuditAccountEnable, "恢复账号"},
	{AuditAccountMove, "调整审核员所属机构"},
	{AuditAccountResend, "重发激活邮件"},
	{AuditAccountRole, "修改账号类型"},
	{AuditSettingsCE, "修改继续教育规则"},
	{AuditSettingsExam, "修改考试合格分数线"},
	{AuditSettingsCert, "修改发证单位和证书编号"},
	{AuditSettingsNotice, "修改告知承诺制告知书"},
	{AuditSettingsPledge, "修改个人报名承诺"},
	{AuditCatalogEnable, "开放岗位报名"},
	{AuditCatalogDisable, "停止岗位报名"},
	{AuditCatalogAdd, "新增岗位"},
	{AuditOutboxView, "查看发件箱"},
	{AuditBackupDownload, "下载备份"},
	{AuditStatsExport, "导出统计"},
	{AuditLegacyImport, "导入历史证书"},
	{AuditLegacyAttach, "历史证书归入学员"},
	// BEGIN CERTS
	{AuditCertificateCancel, "注销证书"},
	{AuditCertificateRevoke, "撤销证书"},
	// END CERTS
	// BEGIN EXAM AUDIT
	{AuditExamCreate, "新增考试批次"},
	{AuditExamUpdate, "修改考试批次"},
	{AuditExamAssign, "安排考生"},
	{AuditExamArrange, "考场编排"},
	{AuditExamMove, "调整考生座位"},
	{AuditExamRemove, "移出考生"},
	{AuditExamPublish, "发布考试批次"},
	// END EXAM AUDIT
	// BEGIN CHECKIN AUDIT
	{AuditExamAttendCorrect, "更正考场签到"},
	// END CHECKIN AUDIT
	// BEGIN SCORES AUDIT
	{AuditExamResults, "确认考试批次成绩"},
	{AuditExamScoreImport, "导入成绩"},
	{AuditScoreCorrect, "成绩复核"},
	// END SCORES AUDIT
	{AuditAdminIDSearch, "按身份证号查找学员"},
	// BEGIN RECORDS AUDIT
	{AuditLearningCorrect, "更正学习记录"},
	{AuditLearningRemove, "删除学习记录"},
	// END RECORDS AUDIT
}

// AuditActions lists every action, in the order the audit filter offers them.
func AuditActions() []AuditAction { return auditActions.codes() }

// Label is the Chinese wording of the action; a legacy action it does not know is its
// own text.
func (a AuditAction) Label() string { return auditActions.label(a) }

// Known reports whether the action is one of the constants above.
func (a AuditAction) Known() bool { return slices.Contains(auditActions.codes(), a) }

// AuditActionOf reads an action from text: a code stays itself, a label (as in an old
// bookmarked filter URL) becomes its code, and any other text is kept as a legacy action.
func AuditActionOf(s string) AuditAction {
	a, _ := auditActions.parse(s)
	return a
}

// UnmarshalText reads a stored action: a code, or the Chinese label that entries written
// before actions were typed hold (see vocab.decode).
func (a *AuditAction) UnmarshalText(b []byte) error {
	*a = auditActions.decode(b)
	return nil
}

// AuditAction is the audit action of the decision: the same code.
func (k DecisionKind) AuditAction() AuditAction { return AuditAction(k) }

// AuditEntry records who did what to which object, for admins (SECURITY.md 19).
type AuditEntry struct {
	At      time.Time
	ActorID string
	Actor   string // display name or login of the actor (never an ID number)
	Action  AuditAction
	Object  string
	Detail  string
}
