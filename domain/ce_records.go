package domain

import (
	"strings"
	"time"
)

// 更正、删除学习记录 (issue 14): an agency reviewer corrects a learning record its agency
// recorded (course, hours, completion date) or removes it, always with a reason. Every
// change raises the record's revision, so that two reviewers editing the same record
// cannot silently overwrite each other (StaleRecord); the enrolment is recounted after
// (Recount), and the removed record is kept apart with who removed it, when and why.

// RecordCorrection is the typed form of a correction of a learning record: the revision
// the form was opened on, the course of the catalog, the hours, the day and the reason.
type RecordCorrection struct {
	Rev      int
	CourseID string
	Hours    string
	Date     string
	Reason   string
}

// MaxRecordReason bounds the reason of a correction or removal.
const MaxRecordReason = 200

// RecordReason checks the reason of a correction or removal: it is required.
func RecordReason(raw, what string) (string, error) {
	v, err := CleanText(raw, what+"原因", MaxRecordReason, false)
	if err != nil {
		return "", err
	}
	if v == "" {
		return "", Err(CodeInvalid, "请填写"+what+"原因（例如“完成日期录错”），原因会记入审计日志")
	}
	return v, nil
}

// StaleRecord refuses a change made on an older revision of a learning record: someone
// else corrected it after the form was opened. The form is shown again with what was
// typed and the record as it is now; saving once more is a conscious overwrite.
type StaleRecord struct {
	By string
	At time.Time
}

func (e StaleRecord) Error() string { return "conflict: " + e.Message() }

// Unwrap classifies the refusal as CodeConflict with its message.
func (e StaleRecord) Unwrap() error { return Err(CodeConflict, e.Message()) }

// Message says what happened and what to do.
func (e StaleRecord) Message() string {
	who := e.By
	if who == "" {
		who = "其他审核员"
	}
	return "您打开本页之后，" + who + "于" + e.At.In(chinaZone).Format("1月2日 15:04") +
		"更正了这条学习记录，您的修改还没有保存。下面显示的是记录现在的内容；核对后如仍要更正，请再提交一次。"
}

// CheckRev refuses a change of the record made on revision rev when it changed since.
func (r LearningRecord) CheckRev(rev int) error {
	if rev != r.Rev {
		return StaleRecord{By: r.UpdatedBy, At: r.UpdatedAt}
	}
	return nil
}

// Corrected is the record with the course, hours and day of a correction, checked like a
// new record against its enrolment (the day in the cycle and not in the future, the
// hours within the per-record limit). The id, who recorded it and when stay; the
// revision goes up.
func (r LearningRecord) Corrected(e Enrolment, c Course, hours HalfHours, day time.Time, s CESettings, by string, now time.Time) (LearningRecord, error) {
	c.Hours = hours
	next, err := NewLearningRecord(e, c, day, s, now)
	if fe, ok := err.(FieldErrors); ok && fe["course"] != "" && c.Category.Valid() {
		return r, FieldErrors{"hours": fe["course"]}
	}
	if err != nil {
		return r, err
	}
	next.ID, next.RecordedAt, next.RecordedBy = r.ID, r.RecordedAt, r.RecordedBy
	next.Rev, next.UpdatedBy, next.UpdatedAt = r.Rev+1, by, now
	return next, nil
}

// RecordChanges lists what a correction changed, "学时：2 → 3" and so on; empty when
// nothing changed.
func RecordChanges(before, after LearningRecord) string {
	var out []string
	if before.Course != after.Course {
		out = append(out, "课程：“"+before.Course+"” → “"+after.Course+"”")
	}
	if before.Category != after.Category {
		out = append(out, "类别："+before.Category.Label()+" → "+after.Category.Label())
	}
	if before.Hours != after.Hours {
		out = append(out, "学时："+before.Hours.String()+" → "+after.Hours.String())
	}
	if !before.CompletedOn.Equal(after.CompletedOn) {
		out = append(out, "完成日期："+before.CompletedOn.Format("2006-01-02")+" → "+after.CompletedOn.Format("2006-01-02"))
	}
	return strings.Join(out, "；")
}

// Summary is the record in one line for the audit log: course, category, hours and day.
func (r LearningRecord) Summary() string {
	return "“" + r.Course + "” " + r.Category.Label() + " " + r.Hours.String() + "学时 " + r.CompletedOn.Format("2006-01-02")
}

// RemovedRecord is a learning record taken out of the hours, kept with who removed it,
// when and why.
type RemovedRecord struct {
	LearningRecord
	RemovedBy string
	RemovedAt time.Time
	Reason    string
}

// Recount moves the enrolment after its learning was corrected or removed: the change
// goes into its timeline (what, with the note: the record, the change and the reason, so
// the trainee sees why the hours changed); a cycle that now reaches the hours completes it
// (completed reports that, so the trainee is told once, as with Learn); a completed
// enrolment whose hours no longer reach the minimum is 学习中 again.
func (e Enrolment) Recount(p CycleProgress, by, what, note string, now time.Time) (out Enrolment, completed bool, err error) {
	if !e.Status.Learning() {
		return e, false, enrolConflict(e, "更正学时")
	}
	e.log(now, what, by, note)
	if e.Status == EnrolCompleted && !p.Met() {
		e.Status, e.CompletedAt = EnrolLearning, time.Time{}
		e.log(now, "学时更正后未达标", by, "本周期现有"+p.Total.String()+"学时，其中专业课"+p.Professional.String()+"学时")
		return e, false, nil
	}
	return e.Learn(p, by, now)
}
