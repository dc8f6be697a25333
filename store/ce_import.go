package store

import (
	"sort"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// ImportReport is the outcome of an import of learning records. The rule is all or
// nothing: when Errors is not empty nothing was written, and every line's errors are
// listed so that the file can be corrected and imported again.
type ImportReport struct {
	Lines     int
	Errors    []domain.LineError // sorted by line
	Added     int
	Completed []string // numbers of the enrolments whose cycle reached the hours
}

// importCtx resolves import lines against the store within one transaction.
type importCtx struct {
	txn      *badger.Txn
	agency   string
	cs       domain.CESettings
	now      time.Time
	courses  map[string]domain.Course    // by domain.CourseKey of the title
	enrols   map[string]domain.Enrolment // by certificate number, for this agency's current cycle
	problems map[string]string           // certificate number → why it cannot take records
}

// ImportLearning imports learning records for enrolments of the reviewer's agency in the
// current cycle of each certificate. Lines are parsed by domain.ParseImport first; here
// every line is resolved — certificate, holder's name, enrolment at this agency, course of
// the catalog, date within the cycle, not already recorded — and only when no line of the
// file has an error are all of them written, in one transaction with the enrolments'
// progress, completion mails and an audit entry.
func (s *Store) ImportLearning(actor domain.User, lines []domain.ImportLine, parseErrs []domain.LineError, now time.Time) (ImportReport, error) {
	agency, err := staffAgency(actor)
	if err != nil {
		return ImportReport{}, err
	}
	var rep ImportReport
	err = s.update(func(txn *badger.Txn) error {
		rep = ImportReport{Lines: len(lines)}
		ctx, err := newImportCtx(txn, agency, now)
		if err != nil {
			return err
		}
		work, errs, err := ctx.check(lines, parseErrs)
		if err != nil || len(errs) > 0 {
			rep.Errors = errs
			return err // with errors nothing is written: all or nothing
		}
		if rep.Added, rep.Completed, err = ctx.write(work, actor.Name); err != nil {
			return err
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: domain.AuditLearningImport,
			Detail: strconv.Itoa(rep.Added) + " 条"})
	})
	if err == nil && rep.Added > 0 {
		s.Events.Publish(agency, domain.QueueCE)
	}
	return rep, err
}

// importWork is one checked line: the record to add.
type importWork struct {
	e   domain.Enrolment
	c   domain.Course
	day time.Time
}

// check resolves every line and returns the records to add, or every line's errors (the
// parse errors included), sorted by line. A line with a parse error is still checked
// against the store as far as its fields allow, so one report lists all of its problems.
func (x *importCtx) check(lines []domain.ImportLine, parseErrs []domain.LineError) ([]importWork, []domain.LineError, error) {
	errs := append([]domain.LineError(nil), parseErrs...)
	bad := map[int]bool{}
	for _, e := range parseErrs {
		bad[e.Line] = true
	}
	var work []importWork
	for _, l := range lines {
		if bad[l.Line] && (l.CertNumber == "" || l.Name == "" || l.Course == "") {
			continue // the missing field is the whole story
		}
		e, c, msgs, err := x.resolve(l)
		if err != nil {
			return nil, nil, err
		}
		for _, m := range msgs {
			errs = append(errs, domain.LineError{Line: l.Line, Message: m})
		}
		if len(msgs) == 0 && !bad[l.Line] {
			work = append(work, importWork{e, c, l.Date})
		}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
	return work, errs, nil
}

// write adds the checked records and moves each touched enrolment on, returning how many
// records were added and which enrolments completed their cycle.
func (x *importCtx) write(work []importWork, by string) (int, []string, error) {
	var touched []domain.Enrolment
	seen := map[string]bool{}
	for _, w := range work {
		if _, err := addRecord(x.txn, w.e, w.c, w.day, x.cs, by, x.now); err != nil {
			return 0, nil, err
		}
		if !seen[w.e.ID] {
			seen[w.e.ID] = true
			touched = append(touched, w.e)
		}
	}
	var completed []string
	for _, e := range touched {
		_, done, err := advance(x.txn, e, x.cs, by, x.now)
		if err != nil {
			return 0, nil, err
		}
		if done {
			completed = append(completed, e.Number)
		}
	}
	sort.Strings(completed)
	return len(work), completed, nil
}

func newImportCtx(txn *badger.Txn, agency string, now time.Time) (*importCtx, error) {
	cs, err := ceSettings(txn)
	if err != nil {
		return nil, err
	}
	ctx := &importCtx{txn: txn, agency: agency, cs: cs, now: now, courses: map[string]domain.Course{},
		enrols: map[string]domain.Enrolment{}, problems: map[string]string{}}
	err = scanJSON(txn, ceCoursePrefix(agency), false, 0, func(r *courseRec) { ctx.courses[domain.CourseKey(r.Title)] = r.Course })
	return ctx, err
}

// msgNotEnrolledHere is the one answer for a certificate number that does not exist or is
// not enrolled at this agency for its current cycle: an agency learns nothing about
// certificates outside its own enrolments.
const msgNotEnrolledHere = "证书编号没有在本机构报名当前周期的继续教育（编号有误，或该证书未在本机构报名）"

// enrolmentFor finds the enrolment of a certificate number at this agency in the
// certificate's current cycle, or why records cannot be added to it.
func (x *importCtx) enrolmentFor(number string) (domain.Enrolment, string, error) {
	if e, ok := x.enrols[number]; ok {
		return e, "", nil
	}
	if msg, ok := x.problems[number]; ok {
		return domain.Enrolment{}, msg, nil
	}
	e, msg, err := x.lookup(number)
	if err != nil {
		return e, "", err
	}
	if msg != "" {
		x.problems[number] = msg
	} else {
		x.enrols[number] = e
	}
	return e, msg, nil
}

func (x *importCtx) lookup(number string) (domain.Enrolment, string, error) {
	id, err := getString(x.txn, certNumberKey(number))
	if err == errNotFound {
		return domain.Enrolment{}, msgNotEnrolledHere, nil
	}
	if err != nil {
		return domain.Enrolment{}, "", err
	}
	var c certRec
	if err := getJSON(x.txn, certKey(id), &c); err != nil {
		return domain.Enrolment{}, "", err
	}
	cur, ok := domain.CurrentCycle(c.IssuedOn, x.now)
	if !ok {
		return domain.Enrolment{}, msgNotEnrolledHere, nil
	}
	enrolID, err := getString(x.txn, ceCycleKey(c.ID, cur.No))
	if err == errNotFound {
		return domain.Enrolment{}, msgNotEnrolledHere, nil
	}
	if err != nil {
		return domain.Enrolment{}, "", err
	}
	e, err := loadEnrol(x.txn, enrolID)
	if err == errNotFound || (err == nil && (e.AgencyID != x.agency || e.CertID != c.ID || e.Cycle.No != cur.No)) {
		return domain.Enrolment{}, msgNotEnrolledHere, nil
	}
	if err == nil && !e.Status.Learning() {
		return e, "该证书在本机构的继续教育报名尚未确认（" + e.Status.Label() + "），请先确认报名", nil
	}
	return e, "", err
}

// resolve checks one line against the store and returns the enrolment and course it
// records, or the messages of what is wrong with it. The date is checked only when it
// parsed (Date not zero) and the certificate, name and course are right.
func (x *importCtx) resolve(l domain.ImportLine) (domain.Enrolment, domain.Course, []string, error) {
	e, msg, err := x.enrolmentFor(l.CertNumber)
	if err != nil || msg != "" {
		return e, domain.Course{}, nonEmpty(msg), err
	}
	u, err := loadUser(x.txn, e.TraineeID)
	if err != nil {
		return e, domain.Course{}, nil, err
	}
	var msgs []string
	if u.Name != l.Name {
		msgs = append(msgs, "姓名“"+l.Name+"”与该证书的持证人不一致")
	}
	c, ok := x.courses[domain.CourseKey(l.Course)]
	if !ok {
		msgs = append(msgs, "课程“"+l.Course+"”不在本机构的课程目录中，请先在课程目录中添加，或核对课程名称")
	}
	if len(msgs) > 0 || l.Date.IsZero() {
		return e, c, msgs, nil
	}
	r, err := domain.NewLearningRecord(e, c, l.Date, x.cs, x.now)
	var fe domain.FieldErrors
	if asFieldErrors(err, &fe) {
		for _, m := range fe {
			msgs = append(msgs, m)
		}
		return e, c, msgs, nil
	}
	if err != nil {
		return e, c, nil, err
	}
	if dup, err := exists(x.txn, ceRecordDayKey(r.CertID, r.CourseID, r.CompletedOn)); err != nil || dup {
		return e, c, nonEmpty("这门课程在" + l.Date.Format("2006年1月2日") + "已有记录（重复导入）"), err
	}
	return e, c, nil, nil
}

func nonEmpty(msg string) []string {
	if msg == "" {
		return nil
	}
	return []string{msg}
}

func asFieldErrors(err error, fe *domain.FieldErrors) bool {
	f, ok := err.(domain.FieldErrors)
	if ok {
		*fe = f
	}
	return ok
}
