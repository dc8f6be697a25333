package store

import (
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// Continuing education (继续教育): the rules as data, enrolments from draft to submission,
// and the checks that tie an enrolment to the trainee's own certificate and cycle.

type enrolRec struct {
	V int
	domain.Enrolment
}

func loadEnrol(txn *badger.Txn, id string) (domain.Enrolment, error) {
	var r enrolRec
	err := getJSON(txn, ceEnrolKey(id), &r)
	return r.Enrolment, err
}

// enrolRecords keeps enrolments the way wizardRecords describes.
var enrolRecords = wizardRecords[domain.Enrolment]{
	load: loadEnrol, key: ceEnrolKey, places: enrolPlaces, summary: putEnrolSummary, stats: statsEnrol,
	traineeKey: ceTraineeKey, traineePrefix: ceTraineePrefix, parseTraineeKey: parseCETraineeKey,
	record: func(e domain.Enrolment) any { return enrolRec{V: 1, Enrolment: e} },
	facts:  func(e domain.Enrolment) docFacts { return docFacts{e.ID, e.TraineeID, e.Status == domain.EnrolDraft} },
	admin:  enrolAdminKeys,
}

// takenBy returns the number of another submitted enrolment of the certificate's cycle.
// The index entry is trusted only when the enrolment it names still is for that
// certificate and cycle: a returned enrolment may have moved on, leaving a stale entry.
func takenBy(txn *badger.Txn, certID string, no int, self string) (string, error) {
	id, err := getString(txn, ceCycleKey(certID, no))
	if err == errNotFound || id == self {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	other, err := loadEnrol(txn, id)
	if err == errNotFound || other.CertID != certID || other.Cycle.No != no || other.Status == domain.EnrolDraft {
		return "", nil
	}
	return other.Number, err
}

// certCheck looks up a certificate number among the trainee's own certificates with its
// status and whether its current cycle is already enrolled. A number of someone else's
// certificate is "not found", exactly like one that does not exist.
func certCheck(txn *badger.Txn, trainee domain.User, number, self string, now time.Time) (domain.CertCheck, error) {
	cs, err := ceSettings(txn)
	if err != nil {
		return domain.CertCheck{}, err
	}
	birth, _ := trainee.Birth()
	k := domain.CertCheck{Birth: birth, Now: now, Settings: cs}
	number = domain.NormalizeCertNumber(number)
	id, err := getString(txn, certNumberKey(number))
	if err == errNotFound || number == "" {
		return k, nil
	}
	if err != nil {
		return k, err
	}
	var r certRec
	if err := getJSON(txn, certKey(id), &r); err != nil || r.HolderID != trainee.ID {
		return k, err
	}
	records, err := recordsOfCert(txn, r.ID)
	if err != nil {
		return k, err
	}
	k.Cert, k.Found, k.Status = r.Certificate, true, r.Compliance(records, cs, now).Status
	if cur, ok := domain.CurrentCycle(r.IssuedOn, now); ok {
		k.Taken, err = takenBy(txn, r.ID, cur.No, self)
	}
	return k, err
}

// enrolPlaces is where an enrolment stands in its agency's indexes (placesOf): it waits
// for the agency while pending.
func enrolPlaces(e domain.Enrolment) agencyPlaces {
	return placesOf(e.Status == domain.EnrolPending, e.Status == domain.EnrolDraft, e.AgencyID,
		ceQueueKey(e.AgencyID, e.SubmittedAt, e.ID), ceAgencyKey(e.AgencyID, e.CreatedAt, e.ID))
}

// EnrolmentsOf returns the trainee's enrolments, newest first.
func (s *Store) EnrolmentsOf(traineeID string) ([]domain.Enrolment, error) {
	return listOwned(s, enrolRecords, traineeID)
}

// EnrolmentOf returns one enrolment of the trainee.
func (s *Store) EnrolmentOf(traineeID, id string) (domain.Enrolment, error) {
	return getOwned(s, enrolRecords, traineeID, id)
}

// EnrolOpeningOf is whether the trainee may start an enrolment now, with why not for each
// of their certificates (the 继续教育 page shows it instead of the start button).
func (s *Store) EnrolOpeningOf(trainee domain.User, now time.Time) (domain.EnrolOpening, error) {
	var o domain.EnrolOpening
	err := s.view(func(txn *badger.Txn) error {
		var err error
		o, err = s.enrolOpening(txn, trainee, now)
		return err
	})
	return o, err
}

// enrolOpening checks each of the trainee's certificates as step 1 would (certCheck).
func (s *Store) enrolOpening(txn *badger.Txn, trainee domain.User, now time.Time) (domain.EnrolOpening, error) {
	certs, err := s.holderCertificates(txn, trainee.ID)
	if err != nil {
		return domain.EnrolOpening{}, err
	}
	sort.SliceStable(certs, func(i, j int) bool { return certs[i].IssuedOn.After(certs[j].IssuedOn) })
	o := domain.EnrolOpening{Checks: make([]domain.CertCheck, 0, len(certs))}
	for _, c := range certs {
		k, err := certCheck(txn, trainee, c.Number, "", now)
		if err != nil {
			return o, err
		}
		o.Checks = append(o.Checks, k)
	}
	return o, nil
}

// StartEnrolment resumes the trainee's open draft or creates one (refused with
// domain.ErrCENotOpen when no certificate can be enrolled now), with the work résumé
// prefilled from their most recent application that has one.
func (s *Store) StartEnrolment(trainee domain.User, now time.Time) (domain.Enrolment, error) {
	var e domain.Enrolment
	err := s.update(func(txn *badger.Txn) error {
		var err error
		e, err = enrolRecords.draftOrNew(txn, trainee.ID, func() (domain.Enrolment, error) {
			// No draft for someone who cannot enrol now: no certificate, or none due.
			o, err := s.enrolOpening(txn, trainee, now)
			if err != nil {
				return domain.Enrolment{}, err
			}
			if err := o.Err(); err != nil {
				return domain.Enrolment{}, err
			}
			apps, err := appRecords.of(txn, trainee.ID)
			if err != nil {
				return domain.Enrolment{}, err
			}
			e := domain.Enrolment{ID: newTimeID(now), TraineeID: trainee.ID, Status: domain.EnrolDraft, CreatedAt: now, UpdatedAt: now}
			for i := len(apps) - 1; i >= 0 && e.Resume == nil; i-- {
				e.Resume = apps[i].Resume
			}
			e.Timeline = []domain.Event{{At: now, What: "开始填写继续教育报名", Actor: "本人"}}
			return e, nil
		})
		return err
	})
	return e, err
}

// SaveEnrolStep applies one step's typed answers to an editable enrolment and saves the
// draft, checking them against the certificate, agency and trainee read in the same
// transaction. Answers that fail their checks change no answer but, when the input
// carries what was typed, that is kept in the draft; the field errors are returned
// either way. KeepOnly only keeps what was typed. A step whose earlier steps are not done
// is refused with ErrStepNotOpen, one the enrolment can no longer take with a conflict.
func (s *Store) SaveEnrolStep(trainee domain.User, id string, in domain.EnrolStepInput, now time.Time) (domain.Enrolment, error) {
	var e domain.Enrolment
	var fe domain.FieldErrors
	err := s.update(func(txn *badger.Txn) error {
		old, err := enrolRecords.own(txn, trainee.ID, id)
		if err != nil {
			return err
		}
		if !old.Editable() {
			return domain.Err(domain.CodeConflict, "这份继续教育报名已提交，不能再修改")
		}
		if !old.CanOpenStep(in.Step) {
			// The handler saves without loading the enrolment first; it meets the step
			// gate here, in the same transaction, and redirects as its page would.
			return ErrStepNotOpen
		}
		e, fe = old, nil
		slug := in.Step.Slug()
		if in.KeepOnly {
			e.KeepTyped(slug, in.Typed)
			return enrolRecords.save(txn, old, e)
		}
		r, err := enrolStepRef(txn, trainee, old, in, now)
		if err != nil {
			return err
		}
		if err := e.ApplyStep(in, r); err != nil {
			if errFE, ok := err.(domain.FieldErrors); ok && in.Typed != nil {
				// Nothing is saved as an answer, but what was typed is kept in the draft.
				e, fe = old, errFE
				e.KeepTyped(slug, in.Typed)
				return enrolRecords.save(txn, old, e)
			}
			return err
		}
		e.ForgetTyped(slug)
		if old.Status != domain.EnrolDraft && old.AgencyID != e.AgencyID {
			// A returned enrolment moved to another agency: the old one loses access.
			if err := unlinkUnlessTied(txn, old.AgencyID, trainee.ID, leaving{enrol: e.ID}); err != nil {
				return err
			}
		}
		e.UpdatedAt = now
		return enrolRecords.save(txn, old, e)
	})
	if err == nil && fe != nil {
		return e, fe
	}
	return e, err
}

// CheckEnrolStep runs one step's checks on input without saving anything (read-only):
// the field errors that input kept from an earlier, unsaved try would get now, for the
// step page to mark when it is opened again (as CheckStep does for 新取证).
func (s *Store) CheckEnrolStep(trainee domain.User, e domain.Enrolment, in domain.EnrolStepInput, now time.Time) (domain.FieldErrors, error) {
	var fe domain.FieldErrors
	err := s.view(func(txn *badger.Txn) error {
		r, err := enrolStepRef(txn, trainee, e, in, now)
		if err != nil {
			return err
		}
		y := e
		if errFE, ok := y.ApplyStep(in, r).(domain.FieldErrors); ok {
			fe = errFE
		}
		return nil
	})
	return fe, err
}

// enrolStepRef reads what an enrolment step is checked against: the certificate it names
// among the trainee's own, the agencies (chosen so far and named) with whether the named
// one trains the post, and the trainee's own record.
func enrolStepRef(txn *badger.Txn, trainee domain.User, e domain.Enrolment, in domain.EnrolStepInput, now time.Time) (domain.EnrolStepRef, error) {
	r := domain.EnrolStepRef{Now: now}
	var err error
	switch in.Step {
	case domain.CEStepCert:
		r.Cert, err = certCheck(txn, trainee, in.Cert, e.ID, now)
	case domain.CEStepAgency:
		r.Current, _ = agencyIn(txn, e.AgencyID)
		r.Agency, r.AgencyFound, err = agencyOfferIn(txn, in.Agency)
	case domain.CEStepResume:
		var u domain.User
		if u, err = loadUser(txn, trainee.ID); err == nil {
			r.Birth, _ = u.Birth()
		}
	}
	return r, err
}

// SubmitEnrolment submits a complete enrolment once (确认报名). The certificate is checked
// again and the cycle index claimed in the same transaction, so two drafts for the same
// certificate and cycle, or 50 concurrent clicks, give one enrolment and conflicts.
func (s *Store) SubmitEnrolment(trainee domain.User, id string, now time.Time) (domain.Enrolment, error) {
	var e domain.Enrolment
	err := s.update(func(txn *badger.Txn) error {
		old, err := enrolRecords.own(txn, trainee.ID, id)
		if err != nil {
			return err
		}
		if e, err = submitChecked(txn, trainee, old, now); err != nil {
			return err // nothing is committed, so a new number is not used up
		}
		if err := txn.Set(ceCycleKey(e.CertID, e.Cycle.No), []byte(e.ID)); err != nil {
			return err
		}
		if err := linkTrainee(txn, e.AgencyID, trainee.ID); err != nil {
			return err
		}
		return enrolRecords.saveNotified(txn, old, e, domain.NotifyCESubmitted, now)
	})
	if err == nil {
		s.Events.Publish(e.AgencyID, domain.QueueCE)
	}
	return e, err
}

// submitChecked applies the domain's Submit with the certificate checked again, a
// number assigned on the first submission, and the agency still one the enrolment may
// choose (domain.AgencyFor: of its city, training the post).
func submitChecked(txn *badger.Txn, trainee domain.User, old domain.Enrolment, now time.Time) (domain.Enrolment, error) {
	k, err := certCheck(txn, trainee, old.CertNumber, old.ID, now)
	if err != nil {
		return old, err
	}
	number := old.Number
	if number == "" {
		if number, err = nextDailyNumber(txn, "JX", ceSeqKey, now); err != nil {
			return old, err
		}
	}
	e, err := old.Submit(number, k)
	if err != nil {
		return old, err
	}
	o, found, err := agencyOfferIn(txn, e.AgencyID)
	if err == nil && e.AgencyFor().Check(o, found) != domain.AgencyEligible {
		err = domain.Err(domain.CodeConflict, "所选培训机构已不承担这个岗位的继续教育，请回到第 3 步重新选择")
	}
	return e, err
}

// DeleteEnrolment removes an enrolment the agency has not confirmed yet, frees its cycle
// and ends the agency's access when nothing else ties the trainee to it.
func (s *Store) DeleteEnrolment(traineeID, id string, now time.Time) error {
	var agency string
	err := s.update(func(txn *badger.Txn) error {
		e, err := enrolRecords.own(txn, traineeID, id)
		if err != nil {
			return err
		}
		if !e.CanDelete() {
			return domain.Err(domain.CodeConflict, "培训机构已确认这份继续教育报名，不能删除。如需撤回请联系培训机构")
		}
		if err := dropEnrol(txn, e); err != nil {
			return err
		}
		if e.Status != domain.EnrolDraft {
			agency = e.AgencyID
			if err := unlinkUnlessTied(txn, e.AgencyID, traineeID, leaving{enrol: e.ID}); err != nil {
				return err
			}
		}
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: traineeID, Actor: "学员本人", Action: domain.AuditEnrolDelete, Object: e.ID, Detail: e.Number})
	})
	if err == nil && agency != "" {
		s.Events.Publish(agency, domain.QueueCE)
	}
	return err
}

// dropEnrol deletes an enrolment with its index entries; the cycle entry only when it
// still names this enrolment.
func dropEnrol(txn *badger.Txn, e domain.Enrolment) error {
	keys := [][]byte{ceEnrolKey(e.ID), ceTraineeKey(e.TraineeID, e.ID)}
	if e.Status == domain.EnrolPending {
		keys = append(keys, ceQueueKey(e.AgencyID, e.SubmittedAt, e.ID))
	}
	if e.Status != domain.EnrolDraft {
		keys = append(keys, ceAgencyKey(e.AgencyID, e.CreatedAt, e.ID))
	}
	if holder, _ := getString(txn, ceCycleKey(e.CertID, e.Cycle.No)); holder == e.ID {
		keys = append(keys, ceCycleKey(e.CertID, e.Cycle.No))
	}
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	if err := moveAdminKeys(txn, enrolAdminKeys(e), adminKeys{}); err != nil {
		return err
	}
	return statsEnrol(txn, e, domain.Enrolment{})
}

// enrolledAt reports whether a submitted enrolment of the trainee other than except ties
// them to the agency (which then keeps its access to the trainee's photo).
func enrolledAt(txn *badger.Txn, agencyID, userID, except string) (bool, error) {
	es, err := enrolRecords.of(txn, userID)
	for _, e := range es {
		if e.ID != except && e.AgencyID == agencyID && e.Status != domain.EnrolDraft {
			return true, err
		}
	}
	return false, err
}
