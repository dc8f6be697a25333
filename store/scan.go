package store

import (
	"encoding/json"

	"github.com/dgraph-io/badger/v4"
)

// scanJSON decodes up to limit records under prefix (newest first when reverse) and hands
// each to fn; a limit ≤ 0 means all.
func scanJSON[T any](txn *badger.Txn, prefix string, reverse bool, limit int, fn func(*T)) error {
	n := 0
	return scanUntil(txn, prefix, reverse, func(v *T) bool {
		fn(v)
		n++
		return limit <= 0 || n < limit
	})
}

// scanUntil decodes records under prefix and hands each to fn until fn returns false.
func scanUntil[T any](txn *badger.Txn, prefix string, reverse bool, fn func(*T) bool) error {
	opts := badger.IteratorOptions{Prefix: []byte(prefix), Reverse: reverse, PrefetchValues: true, PrefetchSize: 32}
	it := txn.NewIterator(opts)
	defer it.Close()
	seek := []byte(prefix)
	if reverse {
		seek = append([]byte(prefix), 0xff)
	}
	for it.Seek(seek); it.Valid(); it.Next() {
		var v T
		if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &v) }); err != nil {
			return err
		}
		if !fn(&v) {
			return nil
		}
	}
	return nil
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
