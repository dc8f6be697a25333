package store

import (
	"fmt"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

type appRec struct {
	V int
	domain.Application
}

type uploadRec struct {
	V       int
	ID      string
	OwnerID string
	AppID   string
	Step    int
	Width   int
	Height  int
	At      time.Time
}

func loadApp(txn *badger.Txn, id string) (domain.Application, error) {
	var r appRec
	err := getJSON(txn, appKey(id), &r)
	return r.Application, err
}

// ownApp loads an application of the trainee; someone else's looks like not-found.
func ownApp(txn *badger.Txn, traineeID, appID string) (domain.Application, error) {
	a, err := loadApp(txn, appID)
	if err == nil && a.TraineeID != traineeID {
		return domain.Application{}, errNotFound
	}
	return a, err
}

// saveApp writes the record and keeps the agency indexes in step with the status: the
// pending queue (submitted only) and the agency's list of everything it received, both
// with a small summary value so queues filter without loading whole applications.
func saveApp(txn *badger.Txn, old, a domain.Application) error {
	err := moveAgencyPlaces(txn, appPlaces(old), appPlaces(a), func(k []byte) error { return putSummary(txn, k, a) })
	if err != nil {
		return err
	}
	return putJSON(txn, appKey(a.ID), appRec{V: 1, Application: a})
}

// appPlaces is where an application stands in its agency's indexes: queued while
// submitted, listed once it has left the draft state with an agency.
func appPlaces(a domain.Application) agencyPlaces {
	var p agencyPlaces
	if a.Status == domain.AppSubmitted {
		p.queue = appQueueKey(a.AgencyID, a.SubmittedAt, a.ID)
	}
	if a.Status != domain.AppDraft && a.AgencyID != "" {
		p.list = appAgencyKey(a.AgencyID, a.CreatedAt, a.ID)
	}
	return p
}

func appsOf(txn *badger.Txn, traineeID string) ([]domain.Application, error) {
	var out []domain.Application
	err := scanKeys(txn, appTraineePrefix(traineeID), func(k []byte) (bool, error) {
		a, err := loadApp(txn, parseAppTraineeKey(k))
		if err != nil {
			return false, err
		}
		out = append(out, a)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ApplicationsOf returns the trainee's applications, newest first.
func (s *Store) ApplicationsOf(traineeID string) ([]domain.Application, error) {
	var out []domain.Application
	err := s.view(func(txn *badger.Txn) error {
		var err error
		out, err = appsOf(txn, traineeID)
		return err
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// ApplicationOf returns one application of the trainee.
func (s *Store) ApplicationOf(traineeID, appID string) (domain.Application, error) {
	var a domain.Application
	err := s.view(func(txn *badger.Txn) error {
		var err error
		a, err = ownApp(txn, traineeID, appID)
		return err
	})
	return a, err
}

// StartApplication resumes the trainee's open draft or creates one prefilled from the
// profile, so the wizard can be left and resumed on any device.
func (s *Store) StartApplication(trainee domain.User, now time.Time) (domain.Application, error) {
	var a domain.Application
	err := s.update(func(txn *badger.Txn) error {
		current, err := loadUser(txn, trainee.ID) // the gate reads the stored agreement, not the caller's copy
		if err != nil {
			return err
		}
		if err := domain.CheckNotice(current); err != nil {
			return err
		}
		apps, err := appsOf(txn, trainee.ID)
		if err != nil {
			return err
		}
		for _, x := range apps {
			if x.Status == domain.AppDraft {
				a = x
				return nil
			}
		}
		a = domain.Application{ID: newTimeID(now), TraineeID: trainee.ID, Status: domain.AppDraft,
			Info: domain.AppInfo{Profile: trainee.Profile, Phone: trainee.Mobile}, CreatedAt: now, UpdatedAt: now}
		a.Timeline = []domain.Event{{At: now, What: "开始填写报名", Actor: "本人"}}
		if err := txn.Set(appTraineeKey(trainee.ID, a.ID), nil); err != nil {
			return err
		}
		return saveApp(txn, domain.Application{}, a)
	})
	return a, err
}

// SaveStep applies one form step's typed answers to an editable application and saves
// the draft, checking them against the agency, catalog and trainee read in the same
// transaction. Answers that fail their checks change nothing but, when the input carries
// what was typed, that is kept in the draft; the field errors are returned either way.
func (s *Store) SaveStep(traineeID, appID string, in domain.StepInput, now time.Time) (domain.Application, error) {
	var fe domain.FieldErrors
	a, err := s.editDraft(traineeID, appID, now, func(txn *badger.Txn, a *domain.Application) error {
		fe = nil
		slug := in.Step.Slug()
		if in.KeepOnly {
			a.KeepTyped(slug, in.Typed)
			return nil
		}
		r, err := stepRef(txn, traineeID, *a, in, now)
		if err != nil {
			return err
		}
		y := *a
		err = y.ApplyStep(in, r)
		if e, ok := err.(domain.FieldErrors); ok && in.Typed != nil {
			fe = e
			a.KeepTyped(slug, in.Typed)
			return nil
		}
		if err != nil {
			return err
		}
		*a = y
		a.ForgetTyped(slug)
		return nil
	})
	if err == nil && fe != nil {
		return a, fe
	}
	return a, err
}

// stepRef reads what a step is checked against: the agency it names (for the city step,
// the one already chosen), the catalog and the trainee's own record.
func stepRef(txn *badger.Txn, traineeID string, a domain.Application, in domain.StepInput, now time.Time) (domain.StepRef, error) {
	r := domain.StepRef{Posts: domain.DefaultPosts(), Now: now}
	agencyID := in.Info.AgencyID
	if in.Step == domain.StepCity {
		agencyID = a.AgencyID
	}
	r.Agency, r.AgencyFound = agencyIn(txn, agencyID)
	u, err := loadUser(txn, traineeID)
	if err != nil {
		return r, err
	}
	r.Holder = u.Name
	r.Birth, _ = u.Birth()
	return r, nil
}

// editDraft loads an editable application of the trainee, lets edit change it and saves
// it; a returned application that moved to another agency is unlinked from the old one.
func (s *Store) editDraft(traineeID, appID string, now time.Time, edit func(txn *badger.Txn, a *domain.Application) error) (domain.Application, error) {
	var a domain.Application
	err := s.update(func(txn *badger.Txn) error {
		old, err := ownApp(txn, traineeID, appID)
		if err != nil {
			return err
		}
		if !old.Editable() {
			return domain.Err(domain.CodeConflict, "这份报名已提交，不能再修改")
		}
		a = old
		if err := edit(txn, &a); err != nil {
			return err
		}
		if old.Status != domain.AppDraft && old.AgencyID != a.AgencyID {
			// A returned application moved to another agency: the old one loses access.
			if err := unlinkIfUnused(txn, old.AgencyID, traineeID, a.ID); err != nil {
				return err
			}
		}
		a.UpdatedAt = now
		return saveApp(txn, old, a)
	})
	return a, err
}

// agencyIn reads an agency in a transaction; found is false for an unknown id.
func agencyIn(txn *badger.Txn, id string) (domain.Agency, bool) {
	var rec agencyRec
	err := getJSON(txn, agencyKey(id), &rec)
	return rec.Agency, err == nil
}

// SaveDocument stores a normalised document image of a document step, replacing the
// previous one.
func (s *Store) SaveDocument(traineeID, appID string, step domain.Step, jpeg []byte, w, h int, now time.Time) (domain.Application, error) {
	return s.editDraft(traineeID, appID, now, func(txn *badger.Txn, a *domain.Application) error {
		if !step.IsDocument() || !a.CanOpenStep(step) {
			return domain.Err(domain.CodeInvalid, "请先完成前面的步骤")
		}
		if old := a.Document(step); old != "" {
			if err := txn.Delete(uploadKey(old)); err != nil {
				return err
			}
			if err := txn.Delete(uploadBlobKey(old)); err != nil {
				return err
			}
		}
		u := uploadRec{V: 1, ID: newID(), OwnerID: traineeID, AppID: appID, Step: int(step), Width: w, Height: h, At: now}
		if err := putJSON(txn, uploadKey(u.ID), u); err != nil {
			return err
		}
		if err := txn.Set(uploadBlobKey(u.ID), jpeg); err != nil {
			return err
		}
		a.SetDocument(step, u.ID)
		return nil
	})
}

// nextNumber assigns the application reference: XQ + date + 5-digit daily sequence.
func nextNumber(txn *badger.Txn, now time.Time) (string, error) {
	day := now.In(chinaTZ).Format("20060102")
	last, err := getString(txn, appSeqKey(day))
	if err != nil && err != errNotFound {
		return "", err
	}
	n, _ := strconv.Atoi(last)
	n++
	if err := txn.Set(appSeqKey(day), []byte(strconv.Itoa(n))); err != nil {
		return "", err
	}
	return fmt.Sprintf("XQ%s%05d", day, n), nil
}

var chinaTZ = time.FixedZone("CST", 8*3600)

// SubmitApplication submits a complete application once: a double click or 50 concurrent
// submits give one submission and conflicts. The agency link, queue entry, timeline and
// confirmation mail are written in the same transaction.
func (s *Store) SubmitApplication(trainee domain.User, appID string, now time.Time) (domain.Application, error) {
	var a domain.Application
	err := s.update(func(txn *badger.Txn) error {
		old, err := ownApp(txn, trainee.ID, appID)
		if err != nil {
			return err
		}
		apps, err := appsOf(txn, trainee.ID)
		if err != nil {
			return err
		}
		for _, x := range apps {
			if x.ID != old.ID && x.PostCode == old.PostCode && x.Status.Open() && x.Status != domain.AppDraft {
				return domain.Err(domain.CodeConflict, "您已有一份同一岗位（专业）的报名正在办理（"+x.Number+"），办结前不能重复报名")
			}
		}
		number := old.Number
		if number == "" {
			if number, err = nextNumber(txn, now); err != nil {
				return err
			}
		}
		if a, err = old.Submit(number, now); err != nil {
			return err
		}
		if a.VerifyToken == "" {
			a.VerifyToken = NewToken().Raw[:22]
			if err := txn.Set(appTokenKey(a.VerifyToken), []byte(a.ID)); err != nil {
				return err
			}
		}
		if err := linkTrainee(txn, a.AgencyID, trainee.ID); err != nil {
			return err
		}
		n := domain.Notification{Kind: domain.NotifyAppSubmitted, UserID: trainee.ID, Subject: a.ID}
		if err := notifyUser(txn, n, now); err != nil {
			return err
		}
		return saveApp(txn, old, a)
	})
	if err == nil {
		s.Events.Publish(a.AgencyID, domain.QueueApps)
	}
	return a, err
}

// DeleteApplication removes an application the agency has not confirmed yet, with its
// document images.
func (s *Store) DeleteApplication(traineeID, appID string, now time.Time) error {
	var agency string
	err := s.update(func(txn *badger.Txn) error {
		a, err := ownApp(txn, traineeID, appID)
		if err != nil {
			return err
		}
		if !a.CanDelete() {
			return domain.Err(domain.CodeConflict, "培训机构已确认这份报名，不能删除。如需撤回请联系培训机构")
		}
		if a.Status == domain.AppSubmitted {
			if err := txn.Delete(appQueueKey(a.AgencyID, a.SubmittedAt, a.ID)); err != nil {
				return err
			}
		}
		if a.Status != domain.AppDraft {
			if err := txn.Delete(appAgencyKey(a.AgencyID, a.CreatedAt, a.ID)); err != nil {
				return err
			}
		}
		for _, id := range []string{a.IDFront, a.IDBack, a.Diploma} {
			if id != "" {
				_ = txn.Delete(uploadKey(id))
				_ = txn.Delete(uploadBlobKey(id))
			}
		}
		if a.VerifyToken != "" {
			if err := txn.Delete(appTokenKey(a.VerifyToken)); err != nil {
				return err
			}
		}
		for _, k := range [][]byte{appKey(a.ID), appTraineeKey(traineeID, a.ID)} {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		agency = a.AgencyID
		if err := unlinkIfUnused(txn, a.AgencyID, traineeID, a.ID); err != nil {
			return err
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: traineeID, Actor: "学员本人", Action: domain.AuditAppDelete, Object: a.ID, Detail: a.Number})
	})
	if err == nil && agency != "" {
		s.Events.Publish(agency, domain.QueueApps)
	}
	return err
}
