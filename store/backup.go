package store

import (
	"fmt"
	"io"
	"os"
)

// Backup writes a full, consistent snapshot of the database to w while it keeps serving.
func (s *Store) Backup(w io.Writer) error {
	_, err := s.db.Backup(w, 0)
	return err
}

// Restore loads a backup into an empty data directory. It refuses a directory that
// already holds data, so a restore never silently merges two databases.
func Restore(dir string, r io.Reader) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("restore: %s is not empty; restore into a new, empty directory", dir)
	}
	s, err := Open(dir, nil)
	if err != nil {
		return err
	}
	if err := s.db.Load(r, 256); err != nil {
		s.Close()
		return fmt.Errorf("restore: %w", err)
	}
	return s.Close()
}
