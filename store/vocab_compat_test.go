package store

import (
	"bytes"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// oldLabels are what records written before the typed vocabulary held instead of codes.
var oldLabels = [][2]string{
	{`"Status":"pending"`, `"Status":"待确认"`}, {`"Status":"valid"`, `"Status":"有效"`},
	{`"Category":"professional"`, `"Category":"专业"`}, {`"Category":"public"`, `"Category":"公共"`},
	{`"Employment":"unemployed"`, `"Employment":"待业"`},
}

// rewriteAsOld turns every stored record back into the old schema (Chinese labels).
func rewriteAsOld(t *testing.T, s *Store) {
	t.Helper()
	err := s.db.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		type kv struct{ k, v []byte }
		var changed []kv
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			old := v
			for _, p := range oldLabels {
				old = bytes.ReplaceAll(old, []byte(p[0]), []byte(p[1]))
			}
			if !bytes.Equal(old, v) {
				changed = append(changed, kv{it.Item().KeyCopy(nil), old})
			}
		}
		for _, c := range changed {
			if err := txn.Set(c.k, c.v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Records written with the Chinese labels are read as codes (tolerant decoding) and
// behave as before; writing them again stores the codes.
func TestRecordsOfTheOldSchemaAreRead(t *testing.T) {
	f := newCEFixture(t)
	e := f.confirmed(t, f.cert.Number)
	prof, err := f.s.AddCourse(f.revA, domain.CourseInput{Title: "建筑施工技术", Category: "专业", Hours: "8"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.RecordLearning(f.revA, e.ID, prof.ID, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), t0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UploadPhoto(f.u.ID, []byte("jpeg-1"), 358, 441, t0); err != nil {
		t.Fatal(err)
	}
	u, err := f.s.AgreeNotice(f.u.ID, domain.NoticeVersion, t0)
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.s.StartApplication(u, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SaveStep(f.u.ID, a.ID, domain.StepInput{Step: domain.StepEmployment, Employment: "待业"}, t0); err != nil {
		t.Fatal(err)
	}

	rewriteAsOld(t, f.s)
	found := 0
	_ = f.s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			_ = it.Item().Value(func(v []byte) error {
				if bytes.Contains(v, []byte(`"待确认"`)) || bytes.Contains(v, []byte(`"专业"`)) || bytes.Contains(v, []byte(`"待业"`)) {
					found++
				}
				return nil
			})
		}
		return nil
	})
	if found < 3 {
		t.Fatalf("the old schema was not written (%d records)", found)
	}

	if p, _ := f.s.PhotoOf(f.u.ID); p.Status != domain.PhotoPending {
		t.Errorf("old photo: %q", p.Status)
	}
	if cs, _ := f.s.CertificatesOf(f.u.ID); len(cs) == 0 || cs[0].Status != domain.CertValid {
		t.Errorf("old certificates: %+v", cs)
	}
	if cs, _ := f.s.Courses(f.revA); len(cs) != 1 || cs[0].Category != domain.CategoryProfessional {
		t.Errorf("old course: %+v", cs)
	}
	l, _ := f.s.LearningOf(f.u.ID)
	if rs := l.Records[f.cert.ID]; len(rs) != 1 || rs[0].Category != domain.CategoryProfessional {
		t.Errorf("old learning records: %+v", rs)
	}
	if st, _ := f.s.CertificateStatuses(f.u.ID, t0); st[f.cert.ID].Status != domain.CertValid {
		t.Errorf("old certificate's status: %+v", st[f.cert.ID])
	}
	got, err := f.s.ApplicationOf(f.u.ID, a.ID)
	if err != nil || got.Employment != domain.EmploymentUnemployed || got.Employed() {
		t.Fatalf("old application: %v %q", err, got.Employment)
	}

	// A decision on the old photo works and stores the code.
	admin := domain.User{ID: "ad", Role: domain.RoleAdmin, Name: "管理员"}
	if p, err := f.s.DecidePhoto(admin, f.u.ID, domain.Decision{Kind: domain.PhotoConfirmDecision}, t0); err != nil || p.Status != domain.PhotoConfirmed {
		t.Fatalf("confirming an old photo: %v %+v", err, p)
	}
	if _, err := f.s.SaveStep(f.u.ID, a.ID, domain.StepInput{Step: domain.StepCity, City: f.agA.CityCode}, t0); err != nil {
		t.Fatal(err)
	}
	_ = f.s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			_ = it.Item().Value(func(v []byte) error {
				if bytes.Contains(v, []byte(`"Employment":"待业"`)) || bytes.Contains(v, []byte(`"Status":"待确认"`)) {
					t.Errorf("rewritten record keeps a label: %s", it.Item().Key())
				}
				return nil
			})
		}
		return nil
	})
}
