package store

import (
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// TestQueueSizeFromCountersMatchesTheIndex: the queue's size read from the statistics
// counters (pendingApps) is the number of entries in the queue index after every kind of
// change — submit, confirm, return, resubmit, reject, delete — in two agencies, and the
// reviewer's counts and unfiltered queue page say the same.
func TestQueueSizeFromCountersMatchesTheIndex(t *testing.T) {
	s, _ := openTemp(t)
	agA, _ := s.PutAgency(domain.Agency{Name: "郑州", CityCode: "410100"})
	agB, _ := s.PutAgency(domain.Agency{Name: "开封", CityCode: "410200"})
	ids := []string{"11010519491231002X", "440524188001010014", "410102199003071230", "410305198511120049"}
	type app struct {
		u domain.User
		a domain.Application
	}
	var apps []app
	check := func(step string) {
		t.Helper()
		for _, ag := range []domain.Agency{agA, agB} {
			rev := domain.User{Role: domain.RoleReviewer, AgencyID: ag.ID}
			var counted, walked int
			must(t, s.view(func(txn *badger.Txn) (err error) {
				walked = countKeys(txn, appQueuePrefix(ag.ID))
				counted, err = pendingApps(txn, ag.ID)
				return err
			}))
			n, _, err := s.QueueCounts(rev)
			must(t, err)
			p, err := s.AppQueue(rev, "", QueueFilter{})
			must(t, err)
			if counted != walked || n != walked || p.Total != walked || len(p.Rows) != walked {
				t.Fatalf("%s, %s: counters %d, counts %d, page total %d with %d rows; the index has %d",
					step, ag.Name, counted, n, p.Total, len(p.Rows), walked)
			}
		}
	}
	check("empty")
	for i, id := range ids {
		u, err := s.CreateTrainee(registration(t, id), "h", NewToken(), t0)
		must(t, err)
		ag := agA
		if i == 3 {
			ag = agB
		}
		a := fillApp(t, s, u, ag)
		a, err = s.SubmitApplication(u, a.ID, t0.Add(time.Duration(i)*time.Minute))
		must(t, err)
		apps = append(apps, app{u, a})
	}
	check("submitted")
	revA := domain.User{ID: "r1", Role: domain.RoleReviewer, AgencyID: agA.ID, Name: "审核员"}
	_, err := s.DecideApplication(revA, apps[0].a.ID, domain.Decision{Kind: domain.AppConfirmDecision}, t0)
	must(t, err)
	check("confirmed")
	_, err = s.DecideApplication(revA, apps[1].a.ID, domain.Decision{Kind: domain.AppReturnDecision, Reasons: []string{domain.ReturnReasonsList[0]}, Note: "请重新上传"}, t0)
	must(t, err)
	check("returned")
	_, err = s.SubmitApplication(apps[1].u, apps[1].a.ID, t0.Add(time.Hour))
	must(t, err)
	check("resubmitted")
	_, err = s.DecideApplication(revA, apps[2].a.ID, domain.Decision{Kind: domain.AppRejectDecision, Reason: "不符合报考条件"}, t0)
	must(t, err)
	check("rejected")
	must(t, s.DeleteApplication(apps[3].u.ID, apps[3].a.ID, t0))
	check("deleted")
}
