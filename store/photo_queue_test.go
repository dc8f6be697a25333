package store

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// assertPhotoIndex checks the per-agency photo index against what it stands for: exactly
// one entry per pending photo (at its upload time) and per agency its trainee is linked to.
func assertPhotoIndex(t *testing.T, s *Store) {
	t.Helper()
	var want, got []string
	err := s.view(func(txn *badger.Txn) error {
		err := scanKeys(txn, photoPendingPrefix(), func(k []byte) (bool, error) {
			at, userID := parsePhotoPendingKey(k)
			agencies, err := agenciesOf(txn, userID)
			for _, a := range agencies {
				want = append(want, string(photoAgencyKey(a, at, userID)))
			}
			return err == nil, err
		})
		if err != nil {
			return err
		}
		return scanKeys(txn, []byte(pPhotoAgency), func(k []byte) (bool, error) {
			got = append(got, string(k))
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("per-agency photo index has %d entries, want %d:\n got %q\nwant %q", len(got), len(want), got, want)
	}
}

func queueOwners(t *testing.T, s *Store, viewer domain.User) []string {
	t.Helper()
	page, err := s.PhotoQueue(viewer, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	rows := page.Rows
	_, n, err := s.QueueCounts(viewer)
	if err != nil || n != len(rows) || page.Total != n || page.Next != "" {
		t.Fatalf("QueueCounts = %d, %v; the queue has %d rows", n, err, len(rows))
	}
	// Walked two at a time with the cursors, the pages are the same queue, each with its
	// total, the last without a next page.
	var paged []PhotoRow
	for after := ""; ; {
		p, err := s.PhotoQueue(viewer, after, 2)
		if err != nil || p.Total != n || len(p.Rows) > 2 || (p.Next != "" && len(p.Rows) != 2) {
			t.Fatalf("page after %q: %d rows, total %d of %d, next %q, %v", after, len(p.Rows), p.Total, n, p.Next, err)
		}
		paged = append(paged, p.Rows...)
		if after = p.Next; after == "" {
			break
		}
	}
	if !slices.Equal(paged, rows) {
		t.Fatalf("paged queue %v, whole queue %v", paged, rows)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.UserID)
	}
	return out
}

// TestPhotoQueuePerAgency follows one trainee linked to two agencies through upload,
// decision, re-upload and links made while the photo waits: each agency's queue holds
// exactly the pending photos of its linked trainees, oldest first, as it did when the
// queue was the province's filtered by links.
func TestPhotoQueuePerAgency(t *testing.T) {
	s, _ := openTemp(t)
	agA, _ := s.PutAgency(domain.Agency{Name: "A"})
	agB, _ := s.PutAgency(domain.Agency{Name: "B"})
	revA := domain.User{ID: "ra", Role: domain.RoleReviewer, AgencyID: agA.ID, Name: "A审核员"}
	revB := domain.User{ID: "rb", Role: domain.RoleReviewer, AgencyID: agB.ID, Name: "B审核员"}
	admin := domain.User{ID: "ad", Role: domain.RoleAdmin, Name: "管理员"}
	ids := []string{validID, "440524188001010014", "410102199003071230"}
	var u []domain.User
	for _, id := range ids {
		x, err := s.CreateTrainee(registration(t, id), "h", NewToken(), t0)
		must(t, err)
		u = append(u, x)
	}
	must(t, s.LinkTraineeToAgency(agA.ID, u[0].ID))
	must(t, s.LinkTraineeToAgency(agB.ID, u[0].ID))
	must(t, s.LinkTraineeToAgency(agA.ID, u[1].ID))
	for i, x := range u {
		_, err := s.UploadPhoto(x.ID, []byte("jpeg"), 1, 1, t0.Add(time.Duration(i)*time.Minute))
		must(t, err)
	}
	assertPhotoIndex(t, s)
	check := func(step string, viewer domain.User, want ...string) {
		t.Helper()
		if got := queueOwners(t, s, viewer); !slices.Equal(got, want) {
			t.Fatalf("%s: %s's queue = %v, want %v", step, viewer.Name, got, want)
		}
	}
	check("uploaded", revA, u[0].ID, u[1].ID)
	check("uploaded", revB, u[0].ID)
	check("uploaded", admin, u[0].ID, u[1].ID, u[2].ID)
	check("uploaded", u[0])

	_, err := s.DecidePhoto(revA, u[0].ID, photoDecision(true, ""), t0)
	must(t, err)
	check("confirmed by A", revA, u[1].ID)
	check("confirmed by A", revB)
	_, err = s.UploadPhoto(u[0].ID, []byte("jpeg"), 1, 1, t0.Add(time.Hour))
	must(t, err)
	check("uploaded again", revA, u[1].ID, u[0].ID)
	check("uploaded again", revB, u[0].ID)
	must(t, s.LinkTraineeToAgency(agB.ID, u[2].ID)) // linked while the photo waits
	check("linked", revB, u[2].ID, u[0].ID)
	must(t, s.update(func(txn *badger.Txn) error { return unlinkTrainee(txn, agA.ID, u[1].ID) }))
	check("unlinked", revA, u[0].ID)
	assertPhotoIndex(t, s)

	s.photoIndexed = false // the province index filtered by links, used until migrated
	check("without the agency index", revA, u[0].ID)
	check("without the agency index", revB, u[2].ID, u[0].ID)
}

// TestConcurrentLinksAndPhotoChangesKeepTheIndexExact races links, unlinks, uploads and
// decisions of one trainee: whichever commits first, the loser retries, so the agency
// queues never keep a stale entry nor miss one.
func TestConcurrentLinksAndPhotoChangesKeepTheIndexExact(t *testing.T) {
	s, _ := openTemp(t)
	owner, err := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	must(t, err)
	admin := domain.User{ID: "ad", Role: domain.RoleAdmin, Name: "管理员"}
	var agencies []string
	for i := range 4 {
		a, err := s.PutAgency(domain.Agency{Name: fmt.Sprint("机构", i)})
		must(t, err)
		agencies = append(agencies, a.ID)
	}
	report := func(err error) { // t.Fatal may not be called from these goroutines
		if err != nil {
			t.Error(err)
		}
	}
	for round := range 20 {
		var wg sync.WaitGroup
		for i, a := range agencies {
			wg.Add(2)
			go func() {
				defer wg.Done()
				if (round+i)%3 == 0 {
					report(s.update(func(txn *badger.Txn) error { return unlinkTrainee(txn, a, owner.ID) }))
				} else {
					report(s.LinkTraineeToAgency(a, owner.ID))
				}
			}()
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					_, err := s.UploadPhoto(owner.ID, []byte("jpeg"), 1, 1, t0.Add(time.Duration(round*10+i)*time.Second))
					report(err)
				} else if _, err := s.DecidePhoto(admin, owner.ID, photoDecision(true, ""), t0); err != nil && domain.CodeOf(err) != domain.CodeConflict {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		assertPhotoIndex(t, s)
	}
}

// TestPhotoAgencyIndexIsBuiltForAnOldStore opens stores written before the per-agency
// index existed, directly and through a backup and restore: the first open builds the
// index (over several transactions) and marks it built, and every queue is as before.
func TestPhotoAgencyIndexIsBuiltForAnOldStore(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	must(t, err)
	var agencies []string
	for i := range 3 {
		a, err := s.PutAgency(domain.Agency{Name: fmt.Sprint("机构", i)})
		must(t, err)
		agencies = append(agencies, a.ID)
	}
	const n = 2*migratePage + 17
	seedPendingPhotos(t, s, agencies, n)
	var backup bytes.Buffer
	must(t, s.Backup(&backup))
	must(t, s.Close())

	restored := t.TempDir()
	must(t, Restore(restored, &backup, Options{}))
	for name, d := range map[string]string{"opened": dir, "restored": restored} {
		t.Run(name, func(t *testing.T) {
			s, err := Open(d, nil)
			must(t, err)
			defer s.Close()
			if _, ok, _ := s.Meta("migrated/" + migPhotoAgencyIndex); !ok || !s.photoIndexed {
				t.Fatal("the migration did not mark the index built")
			}
			assertPhotoIndex(t, s)
			for i, a := range agencies {
				rev := domain.User{ID: "r", Role: domain.RoleReviewer, AgencyID: a}
				got := queueOwners(t, s, rev)
				s.photoIndexed = false
				want := queueOwners(t, s, rev)
				s.photoIndexed = true
				if len(want) < n/len(agencies) || !slices.Equal(got, want) {
					t.Fatalf("agency %d: %d rows from the index, %d from the province index", i, len(got), len(want))
				}
			}
		})
	}
}
