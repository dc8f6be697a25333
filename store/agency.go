package store

import (
	"sort"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

type agencyRec struct {
	V int
	domain.Agency
}

// PutAgency creates or replaces an agency.
func (s *Store) PutAgency(a domain.Agency) (domain.Agency, error) {
	if a.ID == "" {
		a.ID = newID()
	}
	err := s.update(func(txn *badger.Txn) error { return putJSON(txn, agencyKey(a.ID), agencyRec{V: 1, Agency: a}) })
	return a, err
}

// Agency returns one agency.
func (s *Store) Agency(id string) (domain.Agency, error) {
	var r agencyRec
	err := s.view(func(txn *badger.Txn) error { return getJSON(txn, agencyKey(id), &r) })
	return r.Agency, err
}

// Agencies returns all agencies, ordered by city code and name.
func (s *Store) Agencies() ([]domain.Agency, error) {
	var out []domain.Agency
	err := s.view(func(txn *badger.Txn) error {
		return scanJSON(txn, agencyPrefix(), false, 0, func(r *agencyRec) { out = append(out, r.Agency) })
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].CityCode != out[j].CityCode {
			return out[i].CityCode < out[j].CityCode
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}

// Meta reads a small setting; ok is false when it was never set.
func (s *Store) Meta(name string) (string, bool, error) {
	var v string
	err := s.view(func(txn *badger.Txn) error {
		var err error
		v, err = getString(txn, metaKey(name))
		return err
	})
	if err == errNotFound {
		return "", false, nil
	}
	return v, err == nil, err
}

// SetMeta writes a small setting.
func (s *Store) SetMeta(name, value string) error {
	return s.update(func(txn *badger.Txn) error { return txn.Set(metaKey(name), []byte(value)) })
}
