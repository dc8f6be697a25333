package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// jsonMemo remembers the decoded form of records read often, keyed by their Badger key and
// checked against the exact stored bytes: a read whose bytes equal the remembered ones
// gets the remembered value without decoding JSON, anything else is decoded and
// remembered. It needs no invalidation, so no write path knows about it: whatever a
// transaction reads is what it gets. The signed-in user is loaded on every request
// (issue 15), and decoding it cost as much as a small page's rendering.
//
// Every caller gets a copy of the same remembered T: a T with slices, maps or pointers
// must be cloned by the caller before it is handed out (see appReads). The zero value is
// ready to use and holds at most memoMax records.
type jsonMemo[T any] struct {
	mu  sync.RWMutex
	m   map[string]memoEntry[T]
	max int // memoMax when 0
}

// memoMax bounds a memo: 8,192 users or applications are a few MB each.
const memoMax = 8192

type memoEntry[T any] struct {
	raw []byte
	v   T
}

// get reads key k in txn like getJSON.
func (m *jsonMemo[T]) get(txn *badger.Txn, k []byte) (T, error) {
	var v T
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return v, errNotFound
	}
	if err != nil {
		return v, err
	}
	err = item.Value(func(b []byte) error {
		m.mu.RLock()
		e, ok := m.m[string(k)]
		m.mu.RUnlock()
		if ok && bytes.Equal(e.raw, b) {
			v = e.v
			return nil
		}
		var d T // decoded apart from v, so that only a miss allocates it
		if err := json.Unmarshal(b, &d); err != nil {
			return err
		}
		v = d
		m.mu.Lock()
		if m.m == nil {
			m.m = make(map[string]memoEntry[T])
		}
		if max := cmp.Or(m.max, memoMax); len(m.m) >= max { // full: forget an eighth, in map order (random enough)
			n := max / 8
			for key := range m.m {
				if n--; n < 0 {
					break
				}
				delete(m.m, key)
			}
		}
		m.m[string(k)] = memoEntry[T]{raw: bytes.Clone(b), v: v}
		m.mu.Unlock()
		return nil
	})
	return v, err
}

// appReads is appRecords reading through the store's application memo, for the trainee's
// own pages (报名记录, the wizard's steps): each application is decoded once per stored
// version and every reader gets its own clone. Use cases that write keep appRecords.
func (s *Store) appReads() wizardRecords[domain.Application] {
	r := appRecords
	r.load = func(txn *badger.Txn, id string) (domain.Application, error) {
		rec, err := s.apps.get(txn, appKey(id))
		return rec.Application.Clone(), err
	}
	return r
}
