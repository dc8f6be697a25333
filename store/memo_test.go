package store

import (
	"testing"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// The signed-in user comes from the memo (memo.go); every change written by any use case
// must show on the very next read, with no invalidation anywhere.
func TestUserReadsEveryChangeThroughTheMemo(t *testing.T) {
	s, _ := openTemp(t)
	u, err := s.CreateTrainee(registration(t, validID), "hash", NewToken(), t0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // the same bytes: served from the memo, the same user
		got, err := s.User(u.ID)
		if err != nil || got != u {
			t.Fatalf("read %d = %+v, %v; want %+v", i, got, err, u)
		}
	}
	if _, ok := s.users.m[string(userKey(u.ID))]; !ok {
		t.Fatal("the user was not remembered")
	}
	changed, err := s.modifyUser(u.ID, t0, func(_ *badger.Txn, u *domain.User) error {
		u.Disabled, u.SessionEpoch, u.Name = true, u.SessionEpoch+1, "李四"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.User(u.ID)
	if err != nil || got != changed || !got.Disabled || got.Name != "李四" {
		t.Fatalf("after the change: %+v, %v; want %+v", got, err, changed)
	}
	// A value a caller changes is its own copy.
	got.Name = "王五"
	if again, _ := s.User(u.ID); again.Name != "李四" {
		t.Fatalf("a caller's change reached the memo: %q", again.Name)
	}
	if _, err := s.User("nobody"); err == nil {
		t.Fatal("an unknown user was found")
	}
}

// A full memo forgets some entries and stays correct.
func TestJSONMemoStaysBounded(t *testing.T) {
	s, _ := openTemp(t)
	m := &jsonMemo[domain.Event]{max: 16}
	for i := range 100 {
		k := []byte{'k', byte(i)}
		ev := domain.Event{What: string(rune('a' + i%26)), Note: string(k)}
		if err := s.db.Update(func(txn *badger.Txn) error { return putJSON(txn, k, ev) }); err != nil {
			t.Fatal(err)
		}
		err := s.db.View(func(txn *badger.Txn) error {
			got, err := m.get(txn, k)
			if err == nil && got != ev {
				t.Fatalf("read %+v, want %+v", got, ev)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.m) > 16 {
			t.Fatalf("memo holds %d entries, bound 16", len(m.m))
		}
	}
}
