package store

import (
	"errors"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// legacyVerdict is what the store makes of one good line of an import.
type legacyVerdict int

const (
	legacyNew     legacyVerdict = iota // not in the store: to be added
	legacySame                         // the same number, holder and data: nothing to do
	legacyRefused                      // cannot be imported; the message says why
)

// judgeLegacy compares one line with the store: its number (free, or held by whom with
// what data) and its holder's ID number (a registered trainee must have the same name).
// It returns the registered holder, if any, for the certificate to be attached to.
func judgeLegacy(txn *badger.Txn, c domain.LegacyCert) (legacyVerdict, domain.User, string, error) {
	id, err := getString(txn, certNumberKey(c.Number))
	if err != nil && err != errNotFound {
		return 0, domain.User{}, "", err
	}
	if err == nil {
		v, msg, err := judgeExisting(txn, id, c)
		return v, domain.User{}, msg, err
	}
	uid, err := getString(txn, userIDNoKey(c.IDNumber))
	if err == errNotFound {
		return legacyNew, domain.User{}, "", nil
	}
	if err != nil {
		return 0, domain.User{}, "", err
	}
	u, err := loadUser(txn, uid)
	if err != nil {
		return 0, domain.User{}, "", err
	}
	if u.Name != c.Name {
		return legacyRefused, u, "该身份证号的注册学员姓名与本行姓名“" + c.Name + "”不一致，请核对姓名或身份证号", nil
	}
	return legacyNew, u, "", nil
}

// judgeExisting compares a line with the certificate that already has its number.
func judgeExisting(txn *badger.Txn, certID string, c domain.LegacyCert) (legacyVerdict, string, error) {
	var r certRec
	if err := getJSON(txn, certKey(certID), &r); err != nil {
		return 0, "", err
	}
	if !r.Legacy {
		return legacyRefused, "证书编号" + c.Number + "是本系统发放的证书，不能作为历史证书导入", nil
	}
	idNo, name := r.HolderIDNo, r.HolderName
	if idNo == "" && r.HolderID != "" {
		u, err := loadUser(txn, r.HolderID)
		if err != nil && err != errNotFound {
			return 0, "", err
		}
		idNo, name = u.IDNumber, u.Name
	}
	if idNo != c.IDNumber {
		return legacyRefused, "证书编号" + c.Number + "已属于另一位持证人（身份证号 " + domain.MaskID(idNo) + "），请核对证书编号和身份证号", nil
	}
	if name != c.Name {
		return legacyRefused, "证书编号" + c.Number + "已导入，持证人姓名与本行“" + c.Name + "”不一致，请核对姓名", nil
	}
	if d := c.Differences(r.Certificate); len(d) > 0 {
		return legacyRefused, "证书编号" + c.Number + "已导入，但本行的" + strings.Join(d, "、") + "与已导入的不同；导入不会修改已有证书，请核对", nil
	}
	return legacySame, "", nil
}

// CheckLegacyCerts checks good lines against the store in one read-only transaction and
// returns the lines that cannot be imported, in line order. It writes nothing.
func (s *Store) CheckLegacyCerts(certs []domain.LegacyCert) ([]domain.LineError, error) {
	var errs []domain.LineError
	err := s.view(func(txn *badger.Txn) error {
		for _, c := range certs {
			v, _, msg, err := judgeLegacy(txn, c)
			if err != nil {
				return err
			}
			if v == legacyRefused {
				errs = append(errs, domain.LineError{Line: c.Line, Message: msg})
			}
		}
		return nil
	})
	return errs, err
}

// errBatchRefused aborts a batch transaction that met a line it cannot import.
var errBatchRefused = errors.New("legacy batch refused")

// LegacyBatchSize is how many lines one write transaction takes: with the field limits of
// domain.ParseLegacyLine a batch stays far below Badger's transaction size limit.
const LegacyBatchSize = 250

// WriteLegacyBatch writes checked lines of a writing job in one transaction, with the
// job's cursor (row of the last line) and counts. A line whose number is taken by now
// by someone else is returned as a line error and nothing of the batch is written; the
// caller then rolls the job back (RollbackLegacyStep).
func (s *Store) WriteLegacyBatch(jobID string, certs []domain.LegacyCert, now time.Time) ([]domain.LineError, error) {
	var refused []domain.LineError
	err := s.update(func(txn *badger.Txn) error {
		refused = nil
		var added, same, attached int
		for _, c := range certs {
			v, holder, msg, err := judgeLegacy(txn, c)
			switch {
			case err != nil:
				return err
			case v == legacyRefused:
				refused = append(refused, domain.LineError{Line: c.Line, Message: msg})
				continue
			case v == legacySame:
				same++
				continue
			}
			if err := putLegacyCert(txn, jobID, c, holder); err != nil {
				return err
			}
			added++
			if holder.ID != "" {
				attached++
			}
		}
		if len(refused) > 0 {
			return errBatchRefused
		}
		_, err := modifyJob(txn, jobID, now, func(r *legacyJobRec) error {
			if r.State != domain.LegacyWriting {
				return errJobState
			}
			r.Added, r.Unchanged, r.Attached = r.Added+added, r.Unchanged+same, r.Attached+attached
			r.Written += len(certs)
			if len(certs) > 0 {
				r.Cursor = certs[len(certs)-1].Line
			}
			return nil
		})
		return err
	})
	if errors.Is(err, errBatchRefused) {
		return refused, nil
	}
	return nil, err
}

// putLegacyCert adds one imported certificate: to the holder's 证书信息 when the holder is
// registered (holder.ID set), otherwise to the pending list of the ID number, which the
// registration of that person empties (attachLegacyCerts).
func putLegacyCert(txn *badger.Txn, jobID string, c domain.LegacyCert, holder domain.User) error {
	cert := c.Certificate()
	cert.ID, cert.VerifyToken, cert.HolderID = newID(), NewToken().Raw[:22], holder.ID
	rec := certRec{V: 1, Certificate: cert, legacyHolder: legacyHolder{HolderIDNo: c.IDNumber, HolderName: c.Name, ImportJob: jobID}}
	if err := txn.Set(certJobKey(jobID, cert.ID), nil); err != nil {
		return err
	}
	if holder.ID == "" {
		if err := editPending(txn, c.IDNumber, func(ids []string) []string { return append(ids, cert.ID) }); err != nil {
			return err
		}
	}
	return writeNewCert(txn, rec)
}

// editPending rewrites the pending list of an ID number (deleted when it becomes empty).
func editPending(txn *badger.Txn, idNumber string, fn func([]string) []string) error {
	var ids []string
	if err := getJSON(txn, certPendingKey(idNumber), &ids); err != nil && err != errNotFound {
		return err
	}
	if ids = fn(ids); len(ids) == 0 {
		return txn.Delete(certPendingKey(idNumber))
	}
	return putJSON(txn, certPendingKey(idNumber), ids)
}

// BeginLegacyRollback turns a writing job whose batch was refused to rollback, keeping
// the refused lines as the job's report.
func (s *Store) BeginLegacyRollback(id string, errs []domain.LineError, now time.Time) error {
	return s.update(func(txn *badger.Txn) error {
		_, err := modifyJob(txn, id, now, func(r *legacyJobRec) error {
			if r.State != domain.LegacyWriting {
				return errJobState
			}
			r.State, r.Errors, r.ErrorCount = domain.LegacyRollback, errs, len(errs)
			return nil
		})
		return err
	})
}

// RollbackLegacyStep deletes up to LegacyBatchSize certificates the job added (with their
// indexes and pending entries) and reports whether none are left; the caller then ends
// the job with RejectLegacyImport.
func (s *Store) RollbackLegacyStep(id string, now time.Time) (bool, error) {
	done := false
	err := s.update(func(txn *badger.Txn) error {
		var ids []string
		err := scanKeys(txn, certJobPrefix(id), func(k []byte) (bool, error) {
			ids = append(ids, parseCertJobKey(k))
			return len(ids) < LegacyBatchSize, nil
		})
		if err != nil {
			return err
		}
		done = len(ids) == 0
		for _, certID := range ids {
			if err := deleteLegacyCert(txn, id, certID); err != nil {
				return err
			}
		}
		_, err = modifyJob(txn, id, now, func(r *legacyJobRec) error {
			if r.State != domain.LegacyRollback {
				return errJobState
			}
			r.Written = max(0, r.Written-len(ids))
			return nil
		})
		return err
	})
	return done, err
}

func deleteLegacyCert(txn *badger.Txn, jobID, certID string) error {
	var r certRec
	if err := getJSON(txn, certKey(certID), &r); err != nil && err != errNotFound {
		return err
	}
	keys := [][]byte{certJobKey(jobID, certID), certKey(certID)}
	if r.ID != "" {
		if err := statsCert(txn, r.Certificate, domain.Certificate{}); err != nil { // statistics (stats.go)
			return err
		}
		keys = append(keys, certNumberKey(r.Number), certTokenKey(r.VerifyToken))
		if r.HolderID != "" {
			keys = append(keys, certHolderKey(r.HolderID, certID))
		} else if err := editPending(txn, r.HolderIDNo, func(ids []string) []string { return without(ids, certID) }); err != nil {
			return err
		}
	}
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func without(ids []string, id string) []string {
	out := ids[:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

// attachLegacyCerts gives a trainee registering now the imported certificates that wait
// for their ID number, when the file's name is the registered name too; a certificate
// with another name stays pending (someone typed a wrong ID number in the file, or in the
// registration). It runs in the registration's transaction and reads the pending list
// as one key, so an import writing to that list at the same moment makes one of the two
// transactions retry instead of losing the certificate.
func attachLegacyCerts(txn *badger.Txn, u domain.User, now time.Time) error {
	var ids, kept []string
	if err := getJSON(txn, certPendingKey(u.IDNumber), &ids); err == errNotFound {
		return nil
	} else if err != nil {
		return err
	}
	var numbers []string
	for _, certID := range ids {
		var r certRec
		if err := getJSON(txn, certKey(certID), &r); err == errNotFound {
			continue
		} else if err != nil {
			return err
		}
		if r.HolderName != u.Name || r.HolderID != "" {
			kept = append(kept, certID)
			continue
		}
		r.HolderID = u.ID
		if err := txn.Set(certHolderKey(u.ID, certID), nil); err != nil {
			return err
		}
		if err := putJSON(txn, certKey(certID), r); err != nil {
			return err
		}
		numbers = append(numbers, r.Number)
	}
	if err := editPending(txn, u.IDNumber, func([]string) []string { return kept }); err != nil || len(numbers) == 0 {
		return err
	}
	return writeAudit(txn, domain.AuditEntry{At: now, ActorID: u.ID, Actor: u.AuditName(), Action: domain.AuditLegacyAttach,
		Object: u.ID, Detail: strings.Join(numbers, "、")})
}

// CertificateHolder is the holder a public check shows (masked) for a certificate: the
// registered trainee, or, for an imported certificate whose holder has not registered
// yet, the name and ID number from the import (only those two fields are set).
func (s *Store) CertificateHolder(c domain.Certificate) (domain.User, error) {
	if c.HolderID != "" {
		return s.User(c.HolderID)
	}
	var r certRec
	err := s.view(func(txn *badger.Txn) error { return getJSON(txn, certKey(c.ID), &r) })
	if err != nil {
		return domain.User{}, err
	}
	if r.HolderName == "" {
		return domain.User{}, errNotFound
	}
	return domain.User{Role: domain.RoleTrainee, Name: r.HolderName, IDNumber: r.HolderIDNo}, nil
}
