//go:build benchseed

package store

// Bulk seeding for the scale benchmarks of issue 15 (handlers/scale_bench_test.go), built
// only with -tags benchseed: the production binary has none of it. Going through every use
// case would take hours for a million applications (a synced commit each, audit, mail), so
// these write many records per transaction, but through the same functions the use cases
// write with (the trainee–agency link, the records' save with its agency queue index,
// summaries, admin indexes and counters; savePhoto with its province and agency queues).
// Audit entries and notifications, which the measured pages never read, are left out.

import (
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// seedBatch is how many records one seeding transaction writes (well under Badger's
// transaction size limit with the store's memtable).
const seedBatch = 100

// SeedSubmitted writes trainees with perTrainee submitted applications each, application k
// of every trainee to agencies[k % len(agencies)], submitted a second apart from first on;
// trainee numbers start at from (so that calls can add more).
func (s *Store) SeedSubmitted(agencies []domain.Agency, from, trainees, perTrainee int, first time.Time) error {
	batch := max(1, seedBatch/max(perTrainee, 1)) // about seedBatch applications a transaction
	for lo := 0; lo < trainees; lo += batch {
		err := s.update(func(txn *badger.Txn) error {
			for t := from + lo; t < from+min(lo+batch, trainees); t++ {
				u := domain.User{ID: newID(), Role: domain.RoleTrainee, Name: "王芳",
					IDNumber: fmt.Sprintf("4101021990%08d", t), CreatedAt: first, UpdatedAt: first}
				if err := putJSON(txn, userKey(u.ID), userRec{V: 1, User: u}); err != nil {
					return err
				}
				for k := range perTrainee {
					ag := agencies[k%len(agencies)]
					at := first.Add(time.Duration(t*perTrainee+k) * time.Second)
					a := domain.Application{ID: newTimeID(at), Number: fmt.Sprintf("XQ%09d", t*perTrainee+k), TraineeID: u.ID,
						Status: domain.AppSubmitted, AgencyID: ag.ID, PostCode: "111", CityCode: ag.CityCode,
						Employment: "待业", CreatedAt: at, SubmittedAt: at, UpdatedAt: at,
						Timeline: []domain.Event{{At: at, What: "提交报名", Actor: "本人"}}}
					if err := txn.Set(appTraineeKey(u.ID, a.ID), nil); err != nil {
						return err
					}
					if err := linkTrainee(txn, ag.ID, u.ID); err != nil {
						return err
					}
					if err := appRecords.save(txn, domain.Application{}, a); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// SeedPendingPhotos writes n trainees with a photo waiting for review, trainee i linked to
// agencies[i % len(agencies)] (every tenth to a second agency too), uploaded a second apart.
func (s *Store) SeedPendingPhotos(agencies []string, n int, first time.Time) error {
	blob := []byte{0xFF, 0xD8, 0xFF, 0xD9}
	for lo := 0; lo < n; lo += seedBatch {
		err := s.update(func(txn *badger.Txn) error {
			for i := lo; i < min(lo+seedBatch, n); i++ {
				u := domain.User{ID: newID(), Role: domain.RoleTrainee, Name: "王芳",
					IDNumber: fmt.Sprintf("4101021991%08d", i), CreatedAt: first, UpdatedAt: first}
				if err := putJSON(txn, userKey(u.ID), userRec{V: 1, User: u}); err != nil {
					return err
				}
				links := []string{agencies[i%len(agencies)]}
				if i%10 == 0 {
					links = append(links, agencies[(i/10+1)%len(agencies)])
				}
				for _, a := range links {
					if err := linkTrainee(txn, a, u.ID); err != nil {
						return err
					}
				}
				p := domain.Photo{}.Uploaded(u.ID, newID(), 358, 441, len(blob), first.Add(time.Duration(i)*time.Second))
				if err := txn.Set(photoBlobKey(p.ID), blob); err != nil {
					return err
				}
				if err := txn.Set(photoOwnerKey(p.ID), []byte(u.ID)); err != nil {
					return err
				}
				if _, err := savePhoto(txn, domain.Photo{OwnerID: u.ID, Status: domain.PhotoNone}, p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Flatten compacts what the bulk seeding wrote into Badger's lower levels, as a store
// that grew to this size over months has been compacted as it went; without it the
// reopened store spends its first minutes (and hundreds of MB of table builders)
// compacting, which is the seeding's cost, not the page's.
func (s *Store) Flatten() error { return s.db.Flatten(2) }
