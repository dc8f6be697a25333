package store

import (
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// AdminQuery is what an admin typed into the cross-agency search: a full ID number
// (already checked by domain.ParseIDNumber) or a text that may be a reference number or
// a name (or its start).
type AdminQuery struct {
	IDNumber string
	Text     string
}

// AdminHits are the search's results in four lists; each record is read once.
type AdminHits struct {
	Trainees     []domain.User // without password hashes
	Apps         []domain.Application
	Enrolments   []domain.Enrolment
	Certificates []domain.Certificate
	Agencies     map[string]string // agency id → name, for the rows
	// Unclaimed holds, for an imported certificate whose holder has not registered yet
	// (no HolderID), the holder as the import file named them (Name, IDNumber).
	Unclaimed map[string]domain.User
	More      bool // more trainees matched the name than are listed
}

// adminSearchTrainees bounds the trainees one name search lists (with all their records).
const adminSearchTrainees = 20

// AdminSearch looks across every agency: an ID number finds its trainee through the ID
// index; a text is tried as an application, enrolment and certificate number (each one
// index lookup; an application also by its 准考证号) and as the start of trainees' names (the name index). The trainees found
// come with their applications, enrolments and certificates; an ID number also finds the
// imported certificates waiting for that person to register. A search by ID number is
// audit-logged, with the number masked.
func (s *Store) AdminSearch(viewer domain.User, q AdminQuery, now time.Time) (AdminHits, error) {
	h := AdminHits{Agencies: map[string]string{}, Unclaimed: map[string]domain.User{}}
	if viewer.Role != domain.RoleAdmin {
		return h, errNotFound
	}
	search := func(txn *badger.Txn) error {
		h = AdminHits{Agencies: map[string]string{}, Unclaimed: map[string]domain.User{}}
		x := hitCollector{txn: txn, h: &h, seen: map[string]bool{}}
		if q.IDNumber != "" {
			if err := x.byIndex(userIDNoKey(q.IDNumber), x.trainee); err != nil {
				return err
			}
			if err := x.unclaimed(q.IDNumber); err != nil {
				return err
			}
			return writeAudit(txn, domain.AuditEntry{At: now, ActorID: viewer.ID, Actor: viewer.AuditName(),
				Action: domain.AuditAdminIDSearch, Detail: domain.MaskID(q.IDNumber) + fmtFound(len(h.Trainees))})
		}
		return x.text(strings.TrimSpace(q.Text))
	}
	var err error
	if q.IDNumber != "" {
		err = s.update(search)
	} else {
		err = s.view(search)
	}
	return h, err
}

func fmtFound(n int) string {
	if n == 0 {
		return "（未找到）"
	}
	return "（找到）"
}

// hitCollector gathers search hits inside one transaction, each record once.
type hitCollector struct {
	txn  *badger.Txn
	h    *AdminHits
	seen map[string]bool
}

// text runs a text search: the three number indexes, then the names.
func (x hitCollector) text(t string) error {
	if t == "" {
		return nil
	}
	upper := strings.ToUpper(t)
	for _, lookup := range []struct {
		k   []byte
		add func(id string) error
	}{
		{appNumberKey(upper), x.app},
		{appTicketKey(upper), x.app},
		{ceNumberKey(upper), x.enrol},
		{certNumberKey(domain.NormalizeCertNumber(t)), x.cert},
	} {
		if err := x.byIndex(lookup.k, lookup.add); err != nil {
			return err
		}
	}
	n := 0
	return scanKeys(x.txn, userNamePrefix(t), func(k []byte) (bool, error) {
		if n == adminSearchTrainees {
			x.h.More = true
			return false, nil
		}
		n++
		return true, x.trainee(parseUserNameKey(k))
	})
}

// byIndex follows an index key holding a record id to add; an absent key adds nothing.
func (x hitCollector) byIndex(k []byte, add func(id string) error) error {
	id, err := getString(x.txn, k)
	if err == errNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	return add(id)
}

// trainee adds a trainee with every application, enrolment and certificate of theirs.
func (x hitCollector) trainee(id string) error {
	if x.seen["u"+id] {
		return nil
	}
	x.seen["u"+id] = true
	u, err := loadUser(x.txn, id)
	if err != nil {
		return err
	}
	u.PasswordHash = ""
	x.h.Trainees = append(x.h.Trainees, u)
	for _, k := range []struct {
		prefix []byte
		parse  func([]byte) string
		add    func(string) error
	}{
		{appTraineePrefix(id), parseAppTraineeKey, x.app},
		{ceTraineePrefix(id), parseCETraineeKey, x.enrol},
		{certHolderPrefix(id), parseCertHolderKey, x.cert},
	} {
		if err := scanKeys(x.txn, k.prefix, func(key []byte) (bool, error) { return true, k.add(k.parse(key)) }); err != nil {
			return err
		}
	}
	return nil
}

func (x hitCollector) app(id string) error {
	if x.seen["a"+id] {
		return nil
	}
	x.seen["a"+id] = true
	a, err := loadApp(x.txn, id)
	if err != nil || a.Status == domain.AppDraft {
		return err
	}
	x.h.Apps = append(x.h.Apps, a)
	return x.agency(a.AgencyID)
}

func (x hitCollector) enrol(id string) error {
	if x.seen["e"+id] {
		return nil
	}
	x.seen["e"+id] = true
	e, err := loadEnrol(x.txn, id)
	if err != nil || e.Status == domain.EnrolDraft {
		return err
	}
	x.h.Enrolments = append(x.h.Enrolments, e)
	return x.agency(e.AgencyID)
}

func (x hitCollector) cert(id string) error {
	if x.seen["c"+id] {
		return nil
	}
	x.seen["c"+id] = true
	var r certRec
	if err := getJSON(x.txn, certKey(id), &r); err != nil {
		return err
	}
	x.h.Certificates = append(x.h.Certificates, r.Certificate)
	if r.HolderID == "" {
		x.h.Unclaimed[r.ID] = domain.User{Name: r.HolderName, IDNumber: r.HolderIDNo}
	}
	return nil
}

// unclaimed adds the imported certificates waiting for the holder of idNumber to register
// (历史证书导入's pending index).
func (x hitCollector) unclaimed(idNumber string) error {
	var ids []string
	if err := getJSON(x.txn, certPendingKey(idNumber), &ids); err != nil && err != errNotFound {
		return err
	}
	for _, id := range ids {
		if err := x.cert(id); err != nil {
			return err
		}
	}
	return nil
}

func (x hitCollector) agency(id string) error {
	if _, ok := x.h.Agencies[id]; ok || id == "" {
		return nil
	}
	ag, found := agencyIn(x.txn, id)
	if found {
		x.h.Agencies[id] = ag.Name
	}
	return nil
}

// AdminTraineeView is one trainee as the admin reads it: identity (no secrets), photo and
// every application, enrolment and certificate.
type AdminTraineeView struct {
	User         domain.User
	Photo        domain.Photo
	Apps         []domain.Application
	Enrolments   []domain.Enrolment
	Certificates []domain.Certificate
}

// AdminTrainee reads a trainee for an admin; anyone else, or a staff account's id, finds
// nothing.
func (s *Store) AdminTrainee(viewer domain.User, id string) (AdminTraineeView, error) {
	var v AdminTraineeView
	if viewer.Role != domain.RoleAdmin {
		return v, errNotFound
	}
	err := s.view(func(txn *badger.Txn) error {
		var err error
		if v.User, err = loadUser(txn, id); err != nil {
			return err
		}
		if v.User.Role != domain.RoleTrainee {
			return errNotFound
		}
		if v.Photo, err = loadPhoto(txn, id); err != nil {
			return err
		}
		if v.Apps, err = appRecords.of(txn, id); err != nil {
			return err
		}
		if v.Enrolments, err = enrolRecords.of(txn, id); err != nil {
			return err
		}
		v.Certificates, err = s.holderCertificates(txn, id)
		return err
	})
	v.User.PasswordHash = ""
	return v, err
}

// AdminEnrolment reads any submitted enrolment for an admin, as its reviewer sees it.
func (s *Store) AdminEnrolment(viewer domain.User, id string) (CEReview, error) {
	var r CEReview
	if viewer.Role != domain.RoleAdmin {
		return r, errNotFound
	}
	err := s.view(func(txn *badger.Txn) error {
		e, err := loadEnrol(txn, id)
		if err != nil {
			return err
		}
		if e.Status == domain.EnrolDraft {
			return errNotFound
		}
		r, err = ceReviewOf(txn, e)
		return err
	})
	return r, err
}
