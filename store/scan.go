package store

import (
	"bytes"
	"encoding/hex"
	"encoding/json"

	"github.com/dgraph-io/badger/v4"
)

// Every walk over keys in this package goes through scanItems, so the choices that make a
// scan cheap or expensive are made here once: key-only scans leave values in the value
// log (PrefetchValues false), decoding scans prefetch, and a keyset cursor seeks instead
// of skipping.

// span is the part of the key space a scan visits: every key under prefix, in key order
// (newest first when reverse), starting strictly after the key after when it is set.
type span struct {
	prefix  []byte
	after   []byte
	reverse bool
	values  bool // the caller reads every value: prefetch them
}

// scanItems hands fn each entry of the span until fn returns false or an error. The item
// is valid only during the call.
func scanItems(txn *badger.Txn, s span, fn func(*badger.Item) (bool, error)) error {
	opts := badger.IteratorOptions{Prefix: s.prefix, Reverse: s.reverse, PrefetchValues: s.values, PrefetchSize: 32}
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Seek(s.seek()); it.Valid(); it.Next() {
		if more, err := fn(it.Item()); err != nil || !more {
			return err
		}
	}
	return nil
}

// seek is where the iterator starts: the first key under the prefix, the last one when
// reverse, or the first key after the cursor (a cursor before the prefix, which only a
// forged one can be, starts at the beginning).
func (s span) seek() []byte {
	switch {
	case s.reverse:
		return append(append([]byte{}, s.prefix...), 0xff)
	case len(s.after) > 0 && bytes.Compare(s.after, s.prefix) > 0:
		return append(append([]byte{}, s.after...), 0)
	}
	return s.prefix
}

// scanKeys hands fn every key under prefix, oldest first, without reading any value, until
// fn returns false or an error. The key is valid only during the call.
func scanKeys(txn *badger.Txn, prefix []byte, fn func(k []byte) (bool, error)) error {
	return scanItems(txn, span{prefix: prefix}, func(item *badger.Item) (bool, error) { return fn(item.Key()) })
}

// countKeys counts the entries under prefix from their keys alone, which for an index is
// the number of records it points to.
func countKeys(txn *badger.Txn, prefix []byte) int {
	n := 0
	_ = scanKeys(txn, prefix, func([]byte) (bool, error) { // a key-only walk cannot fail
		n++
		return true, nil
	})
	return n
}

// scanJSON decodes up to limit records under prefix (newest first when reverse) and hands
// each to fn; a limit ≤ 0 means all.
func scanJSON[T any](txn *badger.Txn, prefix []byte, reverse bool, limit int, fn func(*T)) error {
	n := 0
	return scanUntil(txn, prefix, reverse, func(v *T) bool {
		fn(v)
		n++
		return limit <= 0 || n < limit
	})
}

// scanUntil decodes records under prefix and hands each to fn until fn returns false.
func scanUntil[T any](txn *badger.Txn, prefix []byte, reverse bool, fn func(*T) bool) error {
	return scanItems(txn, span{prefix: prefix, reverse: reverse, values: true}, func(item *badger.Item) (bool, error) {
		var v T
		if err := decodeItem(item, &v); err != nil {
			return false, err
		}
		return fn(&v), nil
	})
}

// page is one page of a keyset-paged index: the rows after the cursor, how many entries
// match the filter in all, and the cursor of the next page ("" on the last page).
type page[T any] struct {
	Rows  []T
	Total int
	Next  string
}

// pageAfter reads one page of up to limit entries under prefix that follow cursor (the
// opaque Next of the previous page) and match, decoding values as T. Keyset paging keeps
// pages stable while new entries arrive at the end. A nil match (no filter) counts the
// total from keys alone and decodes only the page; a filter must look at every entry.
func pageAfter[T any](txn *badger.Txn, prefix []byte, cursor string, limit int, match func(*T) bool) (page[T], error) {
	return pageCounted(txn, prefix, cursor, limit, match, nil)
}

// pageCounted is pageAfter whose unfiltered total, when count is set, comes from count
// (counters kept beside the index) instead of a walk over every key under the prefix.
func pageCounted[T any](txn *badger.Txn, prefix []byte, cursor string, limit int, match func(*T) bool,
	count func(*badger.Txn) (int, error)) (page[T], error) {
	after, _ := hex.DecodeString(cursor) // a damaged cursor starts at the beginning
	var p page[T]
	s := span{prefix: prefix, values: true}
	if match == nil {
		if count == nil {
			p.Total = countKeys(txn, prefix)
		} else if n, err := count(txn); err != nil {
			return p, err
		} else {
			p.Total = n
		}
		s.after = after
	}
	var last []byte
	more := false
	err := scanItems(txn, s, func(item *badger.Item) (bool, error) {
		if match == nil && len(p.Rows) == limit {
			more = true // the total is known: one more entry is all a next page needs
			return false, nil
		}
		var v T
		if err := decodeItem(item, &v); err != nil {
			return false, err
		}
		if match != nil {
			if !match(&v) {
				return true, nil
			}
			p.Total++
			if len(after) > 0 && bytes.Compare(item.Key(), after) <= 0 {
				return true, nil
			}
			if len(p.Rows) == limit {
				more = true
				return true, nil
			}
		}
		p.Rows = append(p.Rows, v)
		last = item.KeyCopy(last[:0])
		return true, nil
	})
	if more {
		p.Next = hex.EncodeToString(last)
	}
	return p, err
}

// decodeItem decodes a JSON value inside the item callback (the slice is not kept).
func decodeItem(item *badger.Item, v any) error {
	return item.Value(func(b []byte) error { return json.Unmarshal(b, v) })
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
