package store

import (
	"sort"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// certRec is the stored certificate. An imported (legacy) certificate also keeps its
// holder as the file named them (cert_legacy*.go), so that it can wait for that person
// to register and a re-import can be compared.
type certRec struct {
	V int
	domain.Certificate
	legacyHolder
}

// maxTokenLen bounds what a verification token from a URL may be before it is looked up;
// anything longer cannot be one of ours.
const maxTokenLen = 64

// AddCertificate stores a certificate with its holder, number and token indexes. The
// number is normalised (domain.NormalizeCertNumber) so that lookups typed on a phone
// find it; a number already in use is a conflict.
func (s *Store) AddCertificate(c domain.Certificate) (domain.Certificate, error) {
	c.Number = domain.NormalizeCertNumber(c.Number)
	if c.Number == "" || c.HolderID == "" {
		return domain.Certificate{}, domain.Err(domain.CodeInvalid, "证书编号和持证人不能为空")
	}
	c.ID = newID()
	if c.VerifyToken == "" {
		c.VerifyToken = NewToken().Raw[:22] // 132 random bits
	}
	err := s.update(func(txn *badger.Txn) error { return putNewCert(txn, c) })
	if err != nil {
		return domain.Certificate{}, err
	}
	return c, nil
}

// putNewCert writes a new certificate with its holder, number and token indexes; a number
// already in use is a conflict. c has its ID, normalised number and token.
func putNewCert(txn *badger.Txn, c domain.Certificate) error {
	taken, err := exists(txn, certNumberKey(c.Number))
	if err != nil {
		return err
	}
	if taken {
		return domain.Err(domain.CodeConflict, "证书编号已存在")
	}
	return writeNewCert(txn, certRec{V: 1, Certificate: c})
}

// writeNewCert writes a certificate whose number is known to be free, with its number and
// token indexes, its holder's index when it has a holder (an imported certificate may wait
// for its holder's registration) and its statistics: every new certificate, issued,
// added or imported, is written here.
func writeNewCert(txn *badger.Txn, r certRec) error {
	c := r.Certificate
	kvs := []struct{ k, v []byte }{
		{certNumberKey(c.Number), []byte(c.ID)},
		{certTokenKey(c.VerifyToken), []byte(c.ID)},
	}
	if c.HolderID != "" {
		kvs = append(kvs, struct{ k, v []byte }{certHolderKey(c.HolderID, c.ID), nil})
	}
	for _, kv := range kvs {
		if err := txn.Set(kv.k, kv.v); err != nil {
			return err
		}
	}
	if err := statsCert(txn, domain.Certificate{}, c); err != nil { // statistics (stats.go)
		return err
	}
	return putJSON(txn, certKey(c.ID), r)
}

// CertificatesOf returns the certificates held by a user, most recently issued first.
func (s *Store) CertificatesOf(userID string) ([]domain.Certificate, error) {
	var out []domain.Certificate
	err := s.view(func(txn *badger.Txn) error {
		var err error
		out, err = s.holderCertificates(txn, userID)
		return err
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].IssuedOn.After(out[j].IssuedOn) })
	return out, err
}

// CertificateOf returns one certificate of a user. The holder index is the access check:
// a certificate of anyone else is reported as not found, exactly like one that does not
// exist, so its existence is never confirmed.
func (s *Store) CertificateOf(userID, certID string) (domain.Certificate, error) {
	var r certRec
	err := s.view(func(txn *badger.Txn) error {
		if userID == "" || certID == "" {
			return errNotFound
		}
		held, err := exists(txn, certHolderKey(userID, certID))
		if err != nil {
			return err
		}
		if !held {
			return errNotFound
		}
		if err := getJSON(txn, certKey(certID), &r); err != nil {
			return err
		}
		if r.HolderID != userID {
			return errNotFound
		}
		return nil
	})
	return r.Certificate, err
}

// CertificateByToken finds the certificate a QR code points to, for the public
// verification page.
func (s *Store) CertificateByToken(token string) (domain.Certificate, error) {
	if token == "" || len(token) > maxTokenLen {
		return domain.Certificate{}, errNotFound
	}
	return s.certificateVia(certTokenKey(token))
}

// CertificateByNumber finds a certificate by its number (normalised as on storage), for
// the public verification form; the caller must still match the holder's name.
func (s *Store) CertificateByNumber(number string) (domain.Certificate, error) {
	number = domain.NormalizeCertNumber(number)
	if number == "" {
		return domain.Certificate{}, errNotFound
	}
	return s.certificateVia(certNumberKey(number))
}

// certificateVia loads the certificate whose ID is stored at an index key.
func (s *Store) certificateVia(idx []byte) (domain.Certificate, error) {
	var r certRec
	err := s.view(func(txn *badger.Txn) error {
		id, err := getString(txn, idx)
		if err != nil {
			return err
		}
		return getJSON(txn, certKey(id), &r)
	})
	return r.Certificate, err
}
