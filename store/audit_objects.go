package store

import (
	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// 审计日志的“对象” (issue 14): the audit page reads its entries and names their objects
// in one read transaction. Each distinct object id is looked up once (entries of one
// application or account share it), with direct key reads in the order of how often
// each kind is an audit object; the trainees named by applications and enrolments are
// read once each too. Trainees are named by name only, never by ID number.

// AuditPage returns matching entries, newest first, with their objects resolved.
func (s *Store) AuditPage(f AuditFilter, limit int) ([]domain.AuditRow, error) {
	var out []domain.AuditRow
	err := s.view(func(txn *badger.Txn) error {
		entries, err := auditEntries(txn, f, limit)
		if err != nil {
			return err
		}
		r := objectResolver{txn: txn, objects: map[string]domain.AuditObject{}, names: map[string]string{}}
		out = make([]domain.AuditRow, len(entries))
		for i, e := range entries {
			if out[i].Obj, err = r.resolve(e); err != nil {
				return err
			}
			out[i].AuditEntry = e
		}
		return nil
	})
	return out, err
}

type objectResolver struct {
	txn     *badger.Txn
	objects map[string]domain.AuditObject // by object id
	names   map[string]string             // trainee names by user id
}

// idLike reports whether an object is a record id (hex or a slug), not a text such as the
// name of a setting that some entries hold.
func idLike(s string) bool {
	if len(s) < 6 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (r *objectResolver) resolve(e domain.AuditEntry) (domain.AuditObject, error) {
	if !idLike(e.Object) {
		return domain.AuditObject{Text: e.Object}, nil
	}
	if o, ok := r.objects[e.Object]; ok {
		return o, nil
	}
	o, err := r.lookup(e)
	if err == nil {
		r.objects[e.Object] = o
	}
	return o, err
}

// found maps a lookup's result: not found is "try the next kind".
func found(err error) (bool, error) {
	if err == errNotFound {
		return false, nil
	}
	return err == nil, err
}

func (r *objectResolver) lookup(e domain.AuditEntry) (domain.AuditObject, error) {
	id := e.Object
	o := domain.AuditObject{ID: id}
	a, err := loadApp(r.txn, id)
	if ok, err := found(err); err != nil || ok {
		o.Kind, o.Number = domain.ObjectApplication, a.Number
		o.Name, err = r.traineeName(a.TraineeID, err)
		return o, err
	}
	x, err := loadEnrol(r.txn, id)
	if ok, err := found(err); err != nil || ok {
		o.Kind, o.Number = domain.ObjectEnrolment, x.Number
		o.Name, err = r.traineeName(x.TraineeID, err)
		return o, err
	}
	u, err := loadUser(r.txn, id)
	if ok, err := found(err); err != nil || ok {
		o.Kind, o.Name = domain.ObjectTrainee, u.Name
		if u.Role != domain.RoleTrainee {
			o.Kind, o.Number = domain.ObjectStaff, u.Username
		}
		return o, err
	}
	var c certRec
	if ok, err := found(getJSON(r.txn, certKey(id), &c)); err != nil || ok {
		o.Kind, o.Number = domain.ObjectCertificate, c.Number
		o.Name, err = r.traineeName(c.HolderID, err)
		return o, err
	}
	var ag agencyRec
	if ok, err := found(getJSON(r.txn, agencyKey(id), &ag)); err != nil || ok {
		o.Kind, o.Name = domain.ObjectAgency, ag.Name
		return o, err
	}
	ex, err := loadExam(r.txn, id)
	if ok, err := found(err); err != nil || ok {
		o.Kind, o.Name = domain.ObjectExam, ex.Name
		return o, err
	}
	var job legacyJobRec
	if ok, err := found(getJSON(r.txn, certImportKey(id), &job)); err != nil || ok {
		o.Kind, o.Name = domain.ObjectLegacyImport, job.FileName
		return o, err
	}
	// A course is kept under its agency: the agency of the reviewer who added it.
	if actor, err := loadUser(r.txn, e.ActorID); err == nil && actor.AgencyID != "" {
		cs, err := loadCourse(r.txn, actor.AgencyID, id)
		if ok, err := found(err); err != nil || ok {
			o.Kind, o.Name = domain.ObjectCourse, cs.Title
			return o, err
		}
	}
	return domain.AuditObject{Kind: domain.ObjectGone, ID: id}, nil
}

// traineeName is the name of a trainee, read once per trainee.
func (r *objectResolver) traineeName(id string, err error) (string, error) {
	if err != nil || id == "" {
		return "", err
	}
	if n, ok := r.names[id]; ok {
		return n, nil
	}
	u, err := loadUser(r.txn, id)
	if ok, err := found(err); err != nil || !ok {
		return "", err
	}
	r.names[id] = u.Name
	return u.Name, nil
}
