package store

import (
	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// PersonalData is everything the store holds about one trainee, for "download my data".
type PersonalData struct {
	User         domain.User
	Photo        domain.Photo
	Certificates []domain.Certificate
	Audit        []domain.AuditEntry                // who did what with the trainee's data
	Enrolments   []domain.Enrolment                 // continuing-education enrolments
	Learning     map[string][]domain.LearningRecord // learning records by certificate ID
}

// PersonalDataOf collects a trainee's data in one consistent read.
func (s *Store) PersonalDataOf(userID string) (PersonalData, error) {
	var d PersonalData
	err := s.view(func(txn *badger.Txn) error {
		var err error
		if d.User, err = loadUser(txn, userID); err != nil {
			return err
		}
		d.User.PasswordHash = ""
		if d.Photo, err = loadPhoto(txn, userID); err != nil {
			return err
		}
		if d.Certificates, err = s.holderCertificates(txn, userID); err != nil {
			return err
		}
		d.Learning = map[string][]domain.LearningRecord{}
		for _, c := range d.Certificates {
			if d.Learning[c.ID], err = recordsOfCert(txn, c.ID); err != nil {
				return err
			}
		}
		if d.Enrolments, err = enrolRecords.of(txn, userID); err != nil {
			return err
		}
		return scanJSON(txn, auditPrefix(), true, 0, func(r *auditRec) {
			if r.Object == userID || r.ActorID == userID {
				d.Audit = append(d.Audit, r.AuditEntry)
			}
		})
	})
	return d, err
}

// holderCertificates reads the certificates of one holder through the holder index.
func (s *Store) holderCertificates(txn *badger.Txn, userID string) ([]domain.Certificate, error) {
	var out []domain.Certificate
	err := scanKeys(txn, certHolderPrefix(userID), func(k []byte) (bool, error) {
		r, err := s.certs.get(txn, certKey(parseCertHolderKey(k))) // decoded once per stored version (memo.go)
		if err != nil {
			return false, err
		}
		out = append(out, r.Certificate.Clone())
		return true, nil
	})
	return out, err
}
