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
func (s *Store) ImportLearning(actor domain.User, lines []domain.ImportLine, parseErrs []domain.LineError, mk CompletionMail, now time.Time) (ImportReport, error) {
	agency, err := staffAgency(actor)
	if err != nil {
		return ImportReport{}, err
	}
	var rep ImportReport
	err = s.update(func(txn *badger.Txn) error {
		rep = ImportReport{Lines: len(lines), Errors: append([]domain.LineError(nil), parseErrs...)}
		ctx, err := newImportCtx(txn, agency, now)
		if err != nil {
			return err
		}
		bad := map[int]bool{}
		for _, e := range parseErrs {
			bad[e.Line] = true
		}
		type todo struct {
			e   domain.Enrolment
			c   domain.Course
			day time.Time
		}
		var work []todo
		for _, l := range lines {
			if bad[l.Line] {
				continue
			}
			e, c, msg, err := ctx.resolve(l)
			if err != nil {
				return err
			}
			if msg != "" {
				rep.Errors = append(rep.Errors, domain.LineError{Line: l.Line, Message: msg})
				continue
			}
			work = append(work, todo{e, c, l.Date})
		}
		if len(rep.Errors) > 0 {
			sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Line < rep.Errors[j].Line })
			return nil // nothing was written: all or nothing
		}
		touched := map[string]domain.Enrolment{}
		for _, w := range work {
			if _, err := addRecord(txn, w.e, w.c, w.day, ctx.cs, actor.Name, now); err != nil {
				return err
			}
			touched[w.e.ID] = w.e
			rep.Added++
		}
		for _, e := range touched {
			_, completed, err := advance(txn, e, ctx.cs, actor.Name, mk, now)
			if err != nil {
				return err
			}
			if completed {
				rep.Completed = append(rep.Completed, e.Number)
			}
		}
		sort.Strings(rep.Completed)
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.Name, Action: "导入学习记录",
			Detail: strconv.Itoa(rep.Added) + " 条"})
	})
	if err == nil && rep.Added > 0 {
		s.Events.Publish(agency, "ce")
	}
	return rep, err
}

func newImportCtx(txn *badger.Txn, agency string, now time.Time) (*importCtx, error) {
	cs, err := ceSettings(txn)
	if err != nil {
		return nil, err
	}
	ctx := &importCtx{txn: txn, agency: agency, cs: cs, now: now, courses: map[string]domain.Course{},
		enrols: map[string]domain.Enrolment{}, problems: map[string]string{}}
	err = scanJSON(txn, pCECourse+agency+"/", false, 0, func(r *courseRec) { ctx.courses[domain.CourseKey(r.Title)] = r.Course })
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
	id, err := getString(x.txn, key(pCertNumber, number))
	if err == errNotFound {
		return domain.Enrolment{}, msgNotEnrolledHere, nil
	}
	if err != nil {
		return domain.Enrolment{}, "", err
	}
	var c certRec
	if err := getJSON(x.txn, key(pCert, id), &c); err != nil {
		return domain.Enrolment{}, "", err
	}
	cur, ok := domain.CurrentCycle(c.IssuedOn, x.now)
	if !ok {
		return domain.Enrolment{}, msgNotEnrolledHere, nil
	}
	enrolID, err := getString(x.txn, cycleKey(c.ID, cur.No))
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
// records, or the message of what is wrong with it.
func (x *importCtx) resolve(l domain.ImportLine) (domain.Enrolment, domain.Course, string, error) {
	e, msg, err := x.enrolmentFor(l.CertNumber)
	if err != nil || msg != "" {
		return e, domain.Course{}, msg, err
	}
	u, err := loadUser(x.txn, e.TraineeID)
	if err != nil {
		return e, domain.Course{}, "", err
	}
	if u.Name != l.Name {
		return e, domain.Course{}, "姓名“" + l.Name + "”与该证书的持证人不一致", nil
	}
	c, ok := x.courses[domain.CourseKey(l.Course)]
	if !ok {
		return e, c, "课程“" + l.Course + "”不在本机构的课程目录中，请先在课程目录中添加，或核对课程名称", nil
	}
	r, err := domain.NewLearningRecord(e, c, l.Date, x.cs, x.now)
	if err != nil {
		var fe domain.FieldErrors
		if ok := asFieldErrors(err, &fe); ok {
			for _, m := range fe {
				return e, c, m, nil
			}
		}
		return e, c, "", err
	}
	if dup, err := exists(x.txn, recordKey(r)); err != nil || dup {
		return e, c, "这门课程在" + l.Date.Format("2006年1月2日") + "已有记录（重复导入）", err
	}
	return e, c, "", nil
}

func asFieldErrors(err error, fe *domain.FieldErrors) bool {
	f, ok := err.(domain.FieldErrors)
	if ok {
		*fe = f
	}
	return ok
}
