package store

import (
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

// appRecords keeps applications the way wizardRecords describes; the summary lets the
// agency's queues filter without loading whole applications.
var appRecords = wizardRecords[domain.Application]{
	load: loadApp, key: appKey, places: appPlaces, summary: putSummary, stats: statsApp,
	traineeKey: appTraineeKey, traineePrefix: appTraineePrefix, parseTraineeKey: parseAppTraineeKey,
	record: func(a domain.Application) any { return appRec{V: 1, Application: a} },
	facts:  func(a domain.Application) docFacts { return docFacts{a.ID, a.TraineeID, a.Status == domain.AppDraft} },
	admin:  appAdminKeys,
}

// appPlaces is where an application stands in its agency's indexes (placesOf): it waits
// for the agency while submitted.
func appPlaces(a domain.Application) agencyPlaces {
	return placesOf(a.Status == domain.AppSubmitted, a.Status == domain.AppDraft, a.AgencyID,
		appQueueKey(a.AgencyID, a.SubmittedAt, a.ID), appAgencyKey(a.AgencyID, a.CreatedAt, a.ID))
}

// ApplicationsOf returns the trainee's applications, newest first.
func (s *Store) ApplicationsOf(traineeID string) ([]domain.Application, error) {
	return listOwned(s, s.appReads(), traineeID)
}

// ApplicationOf returns one application of the trainee.
func (s *Store) ApplicationOf(traineeID, appID string) (domain.Application, error) {
	return getOwned(s, s.appReads(), traineeID, appID)
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
		notice, err := textIn(txn, domain.TextNotice) // the version in force (settings)
		if err != nil {
			return err
		}
		if err := domain.CheckNotice(current, notice.Version); err != nil {
			return err
		}
		a, err = appRecords.draftOrNew(txn, trainee.ID, func() (domain.Application, error) {
			a := domain.Application{ID: newTimeID(now), TraineeID: trainee.ID, Status: domain.AppDraft,
				Info: domain.AppInfo{Profile: trainee.Profile, Phone: trainee.Mobile}, CreatedAt: now, UpdatedAt: now}
			a.Timeline = []domain.Event{{At: now, What: "开始填写报名", Actor: "本人"}}
			return a, nil
		})
		return err
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
		if !a.CanOpenStep(in.Step) {
			// The handler saves without loading the application first; it meets the
			// step gate here, in the same transaction, and redirects as its page would.
			return ErrStepNotOpen
		}
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
		if in.Step == domain.StepAgency && in.Info.KeepInProfile {
			return keepInProfile(txn, traineeID, y.Info.Profile, now)
		}
		return nil
	})
	if err == nil && fe != nil {
		return a, fe
	}
	return a, err
}

// CheckStep runs one step's checks on input without saving anything (read-only): the
// field errors the answers kept from an earlier, unsaved try would get now, so that the
// step page marks them when it is opened again. nil when they pass.
func (s *Store) CheckStep(traineeID string, a domain.Application, in domain.StepInput, now time.Time) (domain.FieldErrors, error) {
	var fe domain.FieldErrors
	err := s.view(func(txn *badger.Txn) error {
		r, err := stepRef(txn, traineeID, a, in, now)
		if err != nil {
			return err
		}
		y := a
		if e, ok := y.ApplyStep(in, r).(domain.FieldErrors); ok {
			fe = e
		}
		return nil
	})
	return fe, err
}

// ErrStepNotOpen refuses a step whose earlier steps are not done yet (the handler then
// sends the trainee to the first unfinished one).
var ErrStepNotOpen = domain.Err(domain.CodeConflict, "请先完成前面的步骤")

// stepRef reads what a step is checked against (domain.Application.ApplyStep), and only
// that, since a step save is the wizard's hot write (issue 15): the city step its chosen
// agency; the agency step the agency it names and the trainee's birth date; the post step
// the posts the agency offers; the résumé step the birth date; the pledge step the pledge
// in force and the trainee's name. The employment step reads nothing.
func stepRef(txn *badger.Txn, traineeID string, a domain.Application, in domain.StepInput, now time.Time) (domain.StepRef, error) {
	r := domain.StepRef{Now: now}
	var err error
	switch in.Step {
	case domain.StepCity:
		r.Agency, r.AgencyFound = agencyIn(txn, a.AgencyID)
	case domain.StepAgency:
		r.Agency, r.AgencyFound = agencyIn(txn, in.Info.AgencyID)
	case domain.StepPost:
		r.Posts, err = appPostChoices(txn, a.AgencyID)
	case domain.StepPledge:
		var pledge domain.VersionedText
		pledge, err = textIn(txn, domain.TextPledge)
		r.PledgeVersion = pledge.Version
	}
	if err != nil {
		return r, err
	}
	switch in.Step {
	case domain.StepAgency, domain.StepResume, domain.StepPledge:
		u, err := loadUser(txn, traineeID)
		if err != nil {
			return r, err
		}
		r.Holder = u.Name
		r.Birth, _ = u.Birth()
	}
	return r, nil
}

// editDraft loads an editable application of the trainee, lets edit change it and saves
// it; a returned application that moved to another agency is unlinked from the old one.
func (s *Store) editDraft(traineeID, appID string, now time.Time, edit func(txn *badger.Txn, a *domain.Application) error) (domain.Application, error) {
	var a domain.Application
	err := s.update(func(txn *badger.Txn) error {
		// Through the memo: the step page the trainee just saw decoded this version already.
		old, err := s.appReads().own(txn, traineeID, appID)
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
			if err := unlinkUnlessTied(txn, old.AgencyID, traineeID, leaving{app: a.ID}); err != nil {
				return err
			}
		}
		a.UpdatedAt = now
		return appRecords.save(txn, old, a)
	})
	return a, err
}

// agencyIn reads an agency in a transaction; found is false for an unknown id.
// keepInProfile saves the checked information of step 3 into the trainee's profile, in
// the step's transaction.
func keepInProfile(txn *badger.Txn, traineeID string, p domain.Profile, now time.Time) error {
	u, err := loadUser(txn, traineeID)
	if err != nil {
		return err
	}
	u.Profile, u.UpdatedAt = p, now
	return putJSON(txn, userKey(u.ID), userRec{V: 1, User: u})
}

// appPostChoices reads the posts step 4 offers for an application at the agency: the
// catalog in force (目录与规则设置) filtered by what the agency trains for 新取证.
func appPostChoices(txn *badger.Txn, agencyID string) ([]domain.Post, error) {
	cat, err := catalogIn(txn)
	if err != nil {
		return nil, err
	}
	posts, err := postsAt(txn, appAgencyPostsKey(agencyID))
	return domain.AppPostChoices(cat.Posts, posts), err
}

// AppPostChoices lists the posts a 新取证 application with the agency may choose, as the
// post step shows them; saving the step checks the choice by the same rule.
func (s *Store) AppPostChoices(agencyID string) ([]domain.Post, error) {
	var out []domain.Post
	err := s.view(func(txn *badger.Txn) error {
		var err error
		out, err = appPostChoices(txn, agencyID)
		return err
	})
	return out, err
}

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

var chinaTZ = time.FixedZone("CST", 8*3600)

// SubmitApplication submits a complete application once: a double click or 50 concurrent
// submits give one submission and conflicts. The agency link, queue entry, timeline and
// confirmation mail are written in the same transaction.
func (s *Store) SubmitApplication(trainee domain.User, appID string, now time.Time) (domain.Application, error) {
	var a domain.Application
	err := s.update(func(txn *badger.Txn) error {
		old, err := appRecords.own(txn, trainee.ID, appID)
		if err != nil {
			return err
		}
		apps, err := appRecords.of(txn, trainee.ID)
		if err != nil {
			return err
		}
		for _, x := range apps {
			if x.ID != old.ID && x.PostCode == old.PostCode && x.Status.Open() && x.Status != domain.AppDraft {
				return domain.Err(domain.CodeConflict, "您已有一份同一岗位（专业）的报名正在办理（"+x.Number+"），办结前不能重复报名")
			}
		}
		if ag, found := agencyIn(txn, old.AgencyID); found && old.MustChooseAgencyAgain(ag) {
			return domain.Err(domain.CodeConflict, domain.SuspendedAgencyAdvice(ag, true))
		}
		number := old.Number
		if number == "" {
			if number, err = nextDailyNumber(txn, "XQ", appSeqKey, now); err != nil {
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
		return appRecords.saveNotified(txn, old, a, domain.NotifyAppSubmitted, now)
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
		a, err := appRecords.own(txn, traineeID, appID)
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
		if err := moveAdminKeys(txn, appAdminKeys(a), adminKeys{}); err != nil {
			return err
		}
		for _, k := range [][]byte{appKey(a.ID), appTraineeKey(traineeID, a.ID)} {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		agency = a.AgencyID
		if err := statsApp(txn, a, domain.Application{}); err != nil {
			return err
		}
		if err := unlinkUnlessTied(txn, a.AgencyID, traineeID, leaving{app: a.ID}); err != nil {
			return err
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: traineeID, Actor: "学员本人", Action: domain.AuditAppDelete, Object: a.ID, Detail: a.Number})
	})
	if err == nil && agency != "" {
		s.Events.Publish(agency, domain.QueueApps)
	}
	return err
}
