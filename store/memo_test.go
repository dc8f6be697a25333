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

// The trainee's pages read applications through the memo (appReads): each reader gets
// its own copy, and every saved change shows on the next read.
func TestApplicationReadsThroughTheMemo(t *testing.T) {
	s, _ := openTemp(t)
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	ag, _ := s.PutAgency(domain.Agency{Name: "郑州", CityCode: "410100"})
	a := fillApp(t, s, u, ag)
	first, err := s.ApplicationOf(u.ID, a.ID)
	if err != nil || len(first.Timeline) == 0 {
		t.Fatalf("%+v, %v", first, err)
	}
	if _, ok := s.apps.m[string(appKey(a.ID))]; !ok {
		t.Fatal("the application was not remembered")
	}
	first.Timeline[0].What, first.Resume = "改过", nil // a reader's changes stay its own
	second, _ := s.ApplicationOf(u.ID, a.ID)
	list, _ := s.ApplicationsOf(u.ID)
	if second.Timeline[0].What == "改过" || len(list) != 1 || list[0].Timeline[0].What == "改过" {
		t.Fatal("a reader's change reached the memo")
	}
	if _, err := s.SubmitApplication(u, a.ID, t0); err != nil {
		t.Fatal(err)
	}
	after, _ := s.ApplicationOf(u.ID, a.ID)
	list, _ = s.ApplicationsOf(u.ID)
	if after.Status != domain.AppSubmitted || after.Number == "" || list[0].Status != domain.AppSubmitted {
		t.Fatalf("after submit: %s %q, list %s", after.Status, after.Number, list[0].Status)
	}
}
