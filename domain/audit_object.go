package domain

// 审计日志的“对象” (issue 14): an audit entry names its object by internal id; the log
// shows what it is instead — the application's number and trainee, the enrolment's
// number, the certificate's number, the agency's name, the account's name and login —
// resolved when the log is read, so that old entries read the same as new ones. An ID
// number (身份证号) is never part of it: trainees are named by name only.

// AuditObjectKind says what kind of record an audit entry's object is.
type AuditObjectKind string

// Object kinds. Empty: the object is not a record (a settings name, nothing at all).
const (
	ObjectApplication  AuditObjectKind = "app"
	ObjectEnrolment    AuditObjectKind = "enrol"
	ObjectCertificate  AuditObjectKind = "cert"
	ObjectTrainee      AuditObjectKind = "trainee"
	ObjectStaff        AuditObjectKind = "staff"
	ObjectAgency       AuditObjectKind = "agency"
	ObjectExam         AuditObjectKind = "exam"
	ObjectCourse       AuditObjectKind = "course"
	ObjectLegacyImport AuditObjectKind = "legacy-import"
	ObjectGone         AuditObjectKind = "gone" // an id that no longer names a record (a deleted application)
)

// Label is the kind's Chinese name, as the log prefixes the object with it.
func (k AuditObjectKind) Label() string {
	return map[AuditObjectKind]string{ObjectApplication: "报名", ObjectEnrolment: "继续教育报名", ObjectCertificate: "证书",
		ObjectTrainee: "学员", ObjectStaff: "账号", ObjectAgency: "培训机构", ObjectExam: "考试批次", ObjectCourse: "课程",
		ObjectLegacyImport: "历史证书导入文件"}[k]
}

// AuditObject is the object of an audit entry as the log shows it.
type AuditObject struct {
	Kind   AuditObjectKind
	ID     string // the record's id, for a link; never shown
	Number string // application, enrolment or certificate number; login of a staff account
	Name   string // trainee's or staff member's name, agency's, session's or course's name
	Text   string // an object that is not a record id (a settings name), shown as is
}

// String is the object in words: "报名 2026110100001 · 王建国", "培训机构 郑州中心".
func (o AuditObject) String() string {
	switch o.Kind {
	case "":
		return o.Text
	case ObjectGone:
		return "（已删除）"
	case ObjectStaff:
		return o.Kind.Label() + " " + o.Name + "（" + o.Number + "）"
	}
	s := o.Kind.Label()
	if o.Number != "" {
		s += " " + o.Number
	}
	if o.Name != "" {
		if o.Number != "" {
			s += " ·"
		}
		s += " " + o.Name
	}
	return s
}

// AuditRow is an audit entry with its object resolved.
type AuditRow struct {
	AuditEntry
	Obj AuditObject
}
