package store

import (
	"crypto/rand"
	"errors"

	"github.com/dgraph-io/badger/v4"
)

// SecretKey returns the server's 256-bit secret of the given name, creating it on first
// use. It lives in the store so that what it signs (e.g. device cookies) survives a
// restart, and it travels with backups like the rest of the data.
func (s *Store) SecretKey(name string) ([]byte, error) {
	var out []byte
	err := s.view(func(txn *badger.Txn) error {
		var err error
		out, err = secret(txn, name)
		return err
	})
	if err == nil || !errors.Is(err, errNotFound) {
		return out, err
	}
	err = s.update(func(txn *badger.Txn) error {
		var err error
		if out, err = secret(txn, name); !errors.Is(err, errNotFound) {
			return err // created meanwhile, or a real error
		}
		out = make([]byte, 32)
		if _, err := rand.Read(out); err != nil {
			return err
		}
		return txn.Set(secretKey(name), out)
	})
	return out, err
}

func secret(txn *badger.Txn, name string) ([]byte, error) {
	item, err := txn.Get(secretKey(name))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}
