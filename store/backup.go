package store

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Backup writes a full, consistent snapshot of the database to w while it keeps serving.
// The snapshot is plain even when the store is encrypted at rest: callers seal it.
func (s *Store) Backup(w io.Writer) error {
	_, err := s.db.Backup(w, 0)
	return err
}

// Restore loads a backup into an empty data directory, encrypted at rest with o's key if
// it has one. It refuses a directory that already holds data, so a restore never silently
// merges two databases.
func Restore(dir string, r io.Reader, o Options) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("restore: %s is not empty; restore into a new, empty directory", dir)
	}
	s, err := openDB(dir, nil, o) // not migrated: the next Open migrates what was loaded
	if err != nil {
		return err
	}
	if err := s.db.Load(r, 256); err != nil {
		s.Close()
		return fmt.Errorf("restore: %w", err)
	}
	return s.Close()
}

// ReadKeyFile reads an encryption key for Options.EncryptionKey: 64 hexadecimal digits
// (a 256-bit AES key, e.g. from `openssl rand -hex 32`), surrounded by white space or not.
// A key file readable by other users is refused, because it opens every record.
func ReadKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s can be read by other users (mode %v); run: chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("key file %s must hold 64 hexadecimal digits (a 256-bit key; make one with: openssl rand -hex 32)", path)
	}
	return key, nil
}

// RotateKey re-encrypts the store's key registry from oldKey to newKey, with the server
// stopped. The registry holds the data keys that encrypt every file, so this is quick and
// needs no copy of the data; an empty oldKey is refused because the files of a store that
// was created without encryption would stay plain (restore a backup into a new directory
// with the key set instead).
func RotateKey(dir string, oldKey, newKey []byte) error {
	if len(oldKey) == 0 || len(newKey) == 0 {
		return errors.New("rotate-key needs the current and the new key file; to encrypt a store created without a key, restore a backup into a new directory with SITEPRO_KEY_FILE set")
	}
	opt := badger.KeyRegistryOptions{Dir: dir, ReadOnly: true, EncryptionKey: oldKey,
		EncryptionKeyRotationDuration: 10 * 24 * time.Hour}
	kr, err := badger.OpenKeyRegistry(opt)
	if err != nil {
		return openError(err)
	}
	defer kr.Close()
	opt.EncryptionKey = newKey
	return badger.WriteKeyRegistry(kr, opt)
}
