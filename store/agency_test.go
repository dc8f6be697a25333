package store

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"sitepro/domain"
)

var agencyAdmin = domain.User{ID: "admin1", Username: "admin", Name: "张三", Role: domain.RoleAdmin}

func agencyInput(name, code string) domain.AgencyInput {
	return domain.AgencyInput{Name: name, City: "410100", Address: "郑州市金水区", Phone: "0371-65550101",
		CreditCode: code, Contact: "李老师", AppPosts: []string{"101"}, CEPosts: []string{"101", "111"}}
}

const (
	creditA = "91350100M000100Y43"
	creditB = "91410100MA3X00001B"
)

// TestAgencyCreditCodeUnique: 30 concurrent creates with one credit code leave exactly
// one agency; the losers get a field error naming the code's owner. An edit may keep its
// own code, may not take another agency's, and frees its old code when it changes.
func TestAgencyCreditCodeUnique(t *testing.T) {
	s, _ := openTemp(t)
	now := time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)
	if _, err := domain.NormalizeCreditCode(creditB); err != nil {
		t.Fatalf("fixture code B: %v", err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, refused := 0, 0
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.CreateAgency(agencyAdmin, agencyInput("中心"+string(rune('A'+i)), creditA), now)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				won++
			} else if fe, ok := err.(domain.FieldErrors); ok && fe["credit_code"] != "" {
				refused++
			} else {
				t.Errorf("create: %v", err)
			}
		}()
	}
	wg.Wait()
	ags, _ := s.Agencies()
	if won != 1 || refused != 29 || len(ags) != 1 {
		t.Fatalf("won %d, refused %d, agencies %d", won, refused, len(ags))
	}
	a := ags[0]
	b, err := s.CreateAgency(agencyAdmin, agencyInput("洛阳中心", creditB), now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAgency(agencyAdmin, b.ID, revOf(t, s, b.ID), agencyInput("洛阳中心", creditA), now); domain.CodeOf(err) != domain.CodeInvalid {
		t.Errorf("taking another agency's code: %v", err)
	}
	in := agencyInput(a.Name, creditA)
	in.Phone = "0371-65550109"
	if _, err := s.UpdateAgency(agencyAdmin, a.ID, revOf(t, s, a.ID), in, now); err != nil {
		t.Errorf("keeping its own code: %v", err)
	}
	// A hands its code over: first B may not have it, then A changes and B may.
	if _, err := s.UpdateAgency(agencyAdmin, a.ID, revOf(t, s, a.ID), agencyInput(a.Name, "91350100M000100Y43 "), now); err != nil {
		t.Error(err)
	}
	if _, err := s.UpdateAgency(agencyAdmin, b.ID, revOf(t, s, b.ID), agencyInput("洛阳中心", creditA), now); err == nil {
		t.Error("B took A's code")
	}
}

// TestAgencyEditAudited: create, edit, suspend and resume each write one audit entry with
// what changed, before and after; the post lists are stored where both wizards read them.
func TestAgencyEditAudited(t *testing.T) {
	s, _ := openTemp(t)
	now := time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)
	a, err := s.CreateAgency(agencyAdmin, agencyInput("郑州中心", creditA), now)
	if err != nil {
		t.Fatal(err)
	}
	in := agencyInput("郑州中心", creditA)
	in.Phone, in.CEPosts = "0371-65550102", []string{"111"}
	if _, err := s.UpdateAgency(agencyAdmin, a.ID, revOf(t, s, a.ID), in, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAgency(agencyAdmin, a.ID, revOf(t, s, a.ID), in, now.Add(2*time.Second)); err != nil {
		t.Fatal(err) // nothing changed: no entry
	}
	p, err := s.AgencyProfile(a.ID)
	if err != nil || p.Phone != "0371-65550102" || p.CEPosts.Trains("101") || !p.CEPosts.Trains("111") || !p.AppPosts.Trains("101") || p.AppPosts.Trains("111") {
		t.Fatalf("profile: %+v %v", p, err)
	}
	if _, err := s.SetAgencySuspended(agencyAdmin, a.ID, true, now.Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetAgencySuspended(agencyAdmin, a.ID, true, now.Add(4*time.Second)); err != nil {
		t.Fatal(err) // already suspended: no entry
	}
	if _, err := s.SetAgencySuspended(agencyAdmin, a.ID, false, now.Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	entries, _ := s.AuditLog(AuditFilter{}, 10)
	want := []struct {
		action domain.AuditAction
		detail string
	}{
		{domain.AuditAgencyResume, "“郑州中心”：状态：已暂停 → 在用"},
		{domain.AuditAgencySuspend, "“郑州中心”：状态：在用 → 已暂停"},
		{domain.AuditAgencyUpdate, "“郑州中心”：电话：0371-65550101 → 0371-65550102；继续教育岗位：施工员（土建施工）、材料员 → 材料员"},
	}
	if len(entries) != 4 || entries[3].Action != domain.AuditAgencyCreate || entries[3].Object != a.ID {
		t.Fatalf("entries: %+v", entries)
	}
	for i, w := range want {
		if e := entries[i]; e.Action != w.action || e.Detail != w.detail || e.Object != a.ID || e.Actor == "" {
			t.Errorf("entry %d: %s %q, want %s %q", i, e.Action, e.Detail, w.action, w.detail)
		}
	}
}

// TestSuspendedAgencyNotOffered: a suspended agency leaves both wizards' lists and comes
// back when re-enabled; an agency from before the post lists trains every enabled post.
func TestSuspendedAgencyNotOffered(t *testing.T) {
	s, _ := openTemp(t)
	now := time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)
	legacy, _ := s.PutAgency(domain.Agency{Name: "旧中心", CityCode: "410100"})
	a, err := s.CreateAgency(agencyAdmin, agencyInput("郑州中心", creditA), now)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(f domain.AgencyFor) []string {
		ags, err := s.EligibleAgencies(f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, ag := range ags {
			out = append(out, ag.ID)
		}
		return out
	}
	app := domain.AgencyFor{City: "410100"}
	ce := domain.AgencyFor{City: "410100", CE: true, Post: "101"}
	if len(ids(app)) != 2 || len(ids(ce)) != 2 {
		t.Fatalf("before: %v %v", ids(app), ids(ce))
	}
	if _, err := s.SetAgencySuspended(agencyAdmin, a.ID, true, now); err != nil {
		t.Fatal(err)
	}
	for _, f := range []domain.AgencyFor{app, ce} {
		if got := ids(f); len(got) != 1 || got[0] != legacy.ID {
			t.Errorf("suspended still offered: %v", got)
		}
	}
	if got, _ := s.Agency(a.ID); !got.Suspended || got.CreditCode != creditA {
		t.Errorf("stored: %+v", got)
	}
	if p, _ := s.AgencyProfile(legacy.ID); p.AppPosts.Configured || !p.CEPosts.Trains("115") {
		t.Errorf("legacy agency: %+v", p)
	}
	if _, err := s.SetAgencySuspended(agencyAdmin, a.ID, false, now); err != nil {
		t.Fatal(err)
	}
	if len(ids(ce)) != 2 {
		t.Error("re-enabled agency not offered")
	}
}

// revOf is the agency's revision as an edit form opened now would carry it.
func revOf(t *testing.T, s *Store, id string) int {
	t.Helper()
	ag, err := s.Agency(id)
	if err != nil {
		t.Fatal(err)
	}
	return ag.Rev
}

// TestAgencyConcurrentEdit: two admins open the same agency; the first save wins, the
// second is refused as a StaleEdit naming who saved and changes nothing, and saving again
// on the new revision (a conscious overwrite) goes through.
func TestAgencyConcurrentEdit(t *testing.T) {
	s, _ := openTemp(t)
	now := time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)
	a, err := s.CreateAgency(agencyAdmin, agencyInput("郑州中心", creditA), now)
	if err != nil {
		t.Fatal(err)
	}
	opened := revOf(t, s, a.ID)
	other := domain.User{ID: "admin-2", Role: domain.RoleAdmin, Username: "zhang", Name: "张科长"}
	first := agencyInput("郑州中心", creditA)
	first.Phone = "0371-65550111"
	if _, err := s.UpdateAgency(other, a.ID, opened, first, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	second := agencyInput("郑州中心", creditA)
	second.Address = "郑州市二七区"
	_, err = s.UpdateAgency(agencyAdmin, a.ID, opened, second, now.Add(2*time.Minute))
	var stale domain.StaleEdit
	if !errors.As(err, &stale) || domain.CodeOf(err) != domain.CodeConflict || !strings.Contains(stale.Message(), other.AuditName()) {
		t.Fatalf("second save on the old revision: %v", err)
	}
	p, _ := s.AgencyProfile(a.ID)
	if p.Phone != "0371-65550111" || p.Address == "郑州市二七区" {
		t.Fatalf("the stale save changed something: %+v", p)
	}
	if _, err := s.UpdateAgency(agencyAdmin, a.ID, revOf(t, s, a.ID), second, now.Add(3*time.Minute)); err != nil {
		t.Fatalf("overwrite on the current revision: %v", err)
	}
	if p, _ := s.AgencyProfile(a.ID); p.Address != "郑州市二七区" || p.UpdatedBy != agencyAdmin.AuditName() {
		t.Fatalf("after overwrite: %+v", p)
	}
}
