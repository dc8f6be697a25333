package store

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// staffFixture is a store with a bootstrap admin (as create-admin makes it) and two agencies.
type staffFixture struct {
	s          *Store
	admin      domain.User
	agA, agB   domain.Agency
	lastTokens map[string]Token // by username: the raw link of the newest activation mail
}

func newStaffFixture(t *testing.T) *staffFixture {
	t.Helper()
	s, _ := openTemp(t)
	f := &staffFixture{s: s, lastTokens: map[string]Token{}}
	var err error
	if f.admin, err = s.CreateStaff(domain.User{Role: domain.RoleAdmin, Username: "boss", Name: "省厅管理员", PasswordHash: "h"}, t0); err != nil {
		t.Fatal(err)
	}
	f.agA, _ = s.PutAgency(domain.Agency{Name: "郑州中心", CityCode: "410100"})
	f.agB, _ = s.PutAgency(domain.Agency{Name: "洛阳中心", CityCode: "410300"})
	return f
}

func (f *staffFixture) create(t *testing.T, role domain.Role, username, agency string) domain.User {
	t.Helper()
	tok := NewToken()
	u, err := f.s.CreateStaffAccount(f.admin, domain.CreateStaffCmd{Role: string(role), Username: username, Name: "李审核",
		Email: username + "@example.com", AgencyID: agency}, tok, t0)
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	f.lastTokens[username] = tok
	return u
}

// activate sets the account's password through its newest activation link.
func (f *staffFixture) activate(t *testing.T, username string, at time.Time) (domain.User, error) {
	t.Helper()
	return f.s.SetPasswordByLink(ActivationLink, f.lastTokens[username].Hash, "pw-"+username, at)
}

// TestStaffAccountUsernameUnique: 20 concurrent creates of one username leave one account;
// the others get the field error, and nothing of theirs (record, link, mail) is written.
// A bootstrap account's username is taken too, and usernames are compared in lower case.
func TestStaffAccountUsernameUnique(t *testing.T) {
	f := newStaffFixture(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, refused := 0, 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.CreateStaffAccount(f.admin, domain.CreateStaffCmd{Role: "reviewer", Username: "zz-li", Name: "李审核",
				Email: "li@example.com", AgencyID: f.agA.ID}, NewToken(), t0)
			mu.Lock()
			defer mu.Unlock()
			var fe domain.FieldErrors
			switch {
			case err == nil:
				won++
			case errors.As(err, &fe) && strings.Contains(fe["username"], "已经有人使用"):
				refused++
			default:
				t.Errorf("create: %v", err)
			}
		}()
	}
	wg.Wait()
	all, _ := f.s.StaffAccounts(StaffFilter{})
	msgs, _ := f.s.RecentMessages(100)
	if won != 1 || refused != 19 || len(all) != 2 || len(msgs) != 1 {
		t.Fatalf("won %d, refused %d, accounts %d, mails %d", won, refused, len(all), len(msgs))
	}
	for _, name := range []string{"BOSS", " Zz-Li "} {
		_, err := f.s.CreateStaffAccount(f.admin, domain.CreateStaffCmd{Role: "admin", Username: name, Name: "王管理", Email: "w@example.com"}, NewToken(), t0)
		var fe domain.FieldErrors
		if !errors.As(err, &fe) || fe["username"] == "" {
			t.Errorf("username %q: %v", name, err)
		}
	}
	// Every error at once; a reviewer needs an existing agency.
	_, err := f.s.CreateStaffAccount(f.admin, domain.CreateStaffCmd{Role: "boss", Username: "4101", Name: "x", Email: "bad"}, NewToken(), t0)
	var fe domain.FieldErrors
	if !errors.As(err, &fe) || len(fe) != 4 {
		t.Errorf("bad form: %v", err)
	}
	_, err = f.s.CreateStaffAccount(f.admin, domain.CreateStaffCmd{Role: "reviewer", Username: "ghost", Name: "李审核", Email: "g@example.com", AgencyID: "nope"}, NewToken(), t0)
	if !errors.As(err, &fe) || fe["agency"] == "" {
		t.Errorf("unknown agency: %v", err)
	}
}

// TestActivationLinkRules: a new account is 待激活 with no password and one activation
// mail; its link sets the password once (正常), a replay and an expired link get the
// activation message, a resend kills the earlier link, and a disabled account's link
// says the account is disabled, even after it is re-enabled it stays dead.
func TestActivationLinkRules(t *testing.T) {
	f := newStaffFixture(t)
	u := f.create(t, domain.RoleReviewer, "zz-li", f.agA.ID)
	if u.State() != domain.AccountPending || u.PasswordHash != "" {
		t.Fatalf("new account: %+v", u)
	}
	msgs, _ := f.s.RecentMessages(10)
	if len(msgs) != 1 || msgs[0].Kind != string(domain.NotifyStaffActivation) || msgs[0].To != "zz-li@example.com" ||
		msgs[0].Notification.Token != f.lastTokens["zz-li"].Raw {
		t.Fatalf("activation mail: %+v", msgs)
	}
	facts, err := f.s.MailFacts(*msgs[0].Notification)
	if err != nil || facts.Agency.Name != "郑州中心" || facts.User.PasswordHash != "" {
		t.Fatalf("mail facts: %+v %v", facts, err)
	}

	// Expiry: the link is dead at the TTL.
	if _, err := f.s.LinkUser(ActivationLink, f.lastTokens["zz-li"].Hash, t0.Add(domain.ActivationTTL)); !errors.Is(err, ErrActivationInvalid) {
		t.Fatalf("expired link: %v", err)
	}
	// A reset link is not an activation link and the other way round.
	if _, err := f.s.LinkUser(ResetLink, f.lastTokens["zz-li"].Hash, t0); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("activation token as a reset token: %v", err)
	}
	// Resend: the old link dies, the new one works.
	old := f.lastTokens["zz-li"]
	tok := NewToken()
	if _, err := f.s.ResendActivation(f.admin, u.ID, tok, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.lastTokens["zz-li"] = tok
	if _, err := f.s.LinkUser(ActivationLink, old.Hash, t0.Add(time.Hour)); !errors.Is(err, ErrActivationInvalid) {
		t.Fatalf("the replaced link still works: %v", err)
	}
	got, err := f.s.LinkUser(ActivationLink, tok.Hash, t0.Add(2*time.Hour))
	if err != nil || got.ID != u.ID {
		t.Fatalf("new link: %+v %v", got, err)
	}
	act, err := f.activate(t, "zz-li", t0.Add(2*time.Hour))
	if err != nil || act.State() != domain.AccountActive || act.PasswordHash != "pw-zz-li" {
		t.Fatalf("activate: %+v %v", act, err)
	}
	if _, err := f.activate(t, "zz-li", t0.Add(2*time.Hour)); !errors.Is(err, ErrActivationInvalid) {
		t.Fatalf("a link used twice: %v", err)
	}
	if _, err := f.s.ResendActivation(f.admin, u.ID, NewToken(), t0.Add(3*time.Hour)); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("resend to an active account: %v", err)
	}

	// Disabled before activation: the link says so, and stays dead after re-enabling.
	v := f.create(t, domain.RoleReviewer, "ly-wang", f.agB.ID)
	if _, err := f.s.SetStaffDisabled(f.admin, v.ID, true, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.activate(t, "ly-wang", t0.Add(2*time.Minute)); !errors.Is(err, domain.ErrAccountDisabled) {
		t.Fatalf("activation of a disabled account: %v", err)
	}
	if _, err := f.s.ResendActivation(f.admin, v.ID, NewToken(), t0.Add(3*time.Minute)); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("resend to a disabled account: %v", err)
	}
	if _, err := f.s.SetStaffDisabled(f.admin, v.ID, false, t0.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.activate(t, "ly-wang", t0.Add(5*time.Minute)); !errors.Is(err, ErrActivationInvalid) {
		t.Fatalf("a link from before the disable works after re-enabling: %v", err)
	}
	if got, _ := f.s.User(v.ID); got.State() != domain.AccountPending {
		t.Fatalf("state: %s", got.State())
	}
	// Audit: create, resend, activate, disable, enable, each with what changed.
	log, _ := f.s.AuditLog(AuditFilter{}, 50)
	want := map[domain.AuditAction]string{
		domain.AuditAccountCreate: "培训机构：郑州中心", domain.AuditAccountResend: "之前的链接作废",
		domain.AuditAccountActivate: "", domain.AuditAccountDisable: "状态：待激活 → 已停用",
		domain.AuditAccountEnable: "状态：已停用 → 待激活",
	}
	for action, detail := range want {
		found := false
		for _, e := range log {
			if e.Action == action && strings.Contains(e.Detail, detail) {
				found = true
			}
		}
		if !found {
			t.Errorf("no audit %s with %q in %+v", action, detail, log)
		}
	}
}

// TestDisableEndsSessionsAndResets: disabling raises the epoch (sessions end), kills a
// reset link, and a reset request for a disabled account sends nothing.
func TestDisableEndsSessionsAndResets(t *testing.T) {
	s, _ := openTemp(t)
	admin, _ := s.CreateStaff(domain.User{Role: domain.RoleAdmin, Username: "boss", Name: "省厅管理员", PasswordHash: "h"}, t0)
	u, _ := s.CreateTrainee(registration(t, validID), "h", NewToken(), t0)
	tok := NewToken()
	if found, err := s.RequestReset(validID, "zs@example.com", tok, 30*time.Minute, t0); err != nil || !found {
		t.Fatal(found, err)
	}
	// A trainee is not a staff account: 账号管理 does not find it.
	if _, err := s.SetStaffDisabled(admin, u.ID, true, t0); domain.CodeOf(err) != domain.CodeNotFound {
		t.Fatalf("disable a trainee through 账号管理: %v", err)
	}
	// Staff accounts have no ID number, so reset is tested on the token rule itself: a
	// disabled account (set directly here) gets the disabled message and no new mail.
	if _, err := s.modifyUser(u.ID, t0, func(_ *badger.Txn, u *domain.User) error { u.Disabled = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResetPassword(tok.Hash, "x", t0.Add(time.Minute)); !errors.Is(err, domain.ErrAccountDisabled) {
		t.Fatalf("reset of a disabled account: %v", err)
	}
	before, _ := s.RecentMessages(100)
	if found, err := s.RequestReset(validID, "zs@example.com", NewToken(), 30*time.Minute, t0); err != nil || found {
		t.Fatalf("reset request of a disabled account: found=%v %v", found, err)
	}
	if after, _ := s.RecentMessages(100); len(after) != len(before) {
		t.Fatal("a reset request of a disabled account sent mail")
	}

	rev, _ := s.CreateStaff(domain.User{Role: domain.RoleReviewer, Username: "rev", Name: "审核员", PasswordHash: "h"}, t0)
	got, err := s.SetStaffDisabled(admin, rev.ID, true, t0)
	if err != nil || !got.Disabled || got.SessionEpoch != rev.SessionEpoch+1 || got.State() != domain.AccountDisabled {
		t.Fatalf("disable: %+v %v", got, err)
	}
	again, err := s.SetStaffDisabled(admin, rev.ID, true, t0)
	if err != nil || again.SessionEpoch != got.SessionEpoch {
		t.Fatalf("a second disable (double-click) changed something: %+v %v", again, err)
	}
	if n, _ := s.AuditLog(AuditFilter{Action: domain.AuditAccountDisable}, 10); len(n) != 1 {
		t.Fatalf("disable audited %d times", len(n))
	}
}

// TestLastAdminCannotBeDisabled: the only active admin is refused; a pending admin does not
// count; with two active admins, 20 rounds of two concurrent disables (each of the other)
// leave exactly one active admin every time.
func TestLastAdminCannotBeDisabled(t *testing.T) {
	f := newStaffFixture(t)
	if _, err := f.s.SetStaffDisabled(f.admin, f.admin.ID, true, t0); !errors.Is(err, domain.ErrLastAdmin) {
		t.Fatalf("disable the only admin: %v", err)
	}
	f.create(t, domain.RoleAdmin, "second", "")
	if _, err := f.s.SetStaffDisabled(f.admin, f.admin.ID, true, t0); !errors.Is(err, domain.ErrLastAdmin) {
		t.Fatalf("a pending admin counted as active: %v", err)
	}
	second, err := f.activate(t, "second", t0)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 20 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, pair := range [][2]domain.User{{f.admin, second}, {second, f.admin}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.s.SetStaffDisabled(pair[0], pair[1].ID, true, t0)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, domain.ErrLastAdmin):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if n, _ := f.activeAdmins(); ok != 1 || n != 1 {
			t.Fatalf("round %d: %d disables passed, %d active admins", round, ok, n)
		}
		for _, u := range []domain.User{f.admin, second} {
			if _, err := f.s.SetStaffDisabled(f.admin, u.ID, false, t0); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func (f *staffFixture) activeAdmins() (int, error) {
	all, err := f.s.StaffAccounts(StaffFilter{Role: domain.RoleAdmin})
	n := 0
	for _, u := range all {
		if u.ActiveAdmin() {
			n++
		}
	}
	return n, err
}

// TestMoveReviewerAndFilter: a move changes the reviewer's agency (audited with both
// names), a move to the same agency writes nothing, an admin cannot be moved, an unknown
// agency is refused; the list filters by agency and role.
func TestMoveReviewerAndFilter(t *testing.T) {
	f := newStaffFixture(t)
	u := f.create(t, domain.RoleReviewer, "zz-li", f.agA.ID)
	f.create(t, domain.RoleReviewer, "ly-wang", f.agB.ID)
	moved, err := f.s.MoveReviewer(f.admin, u.ID, f.agB.ID, t0)
	if err != nil || moved.AgencyID != f.agB.ID {
		t.Fatalf("move: %+v %v", moved, err)
	}
	if _, err := f.s.MoveReviewer(f.admin, u.ID, f.agB.ID, t0); err != nil {
		t.Fatal(err)
	}
	log, _ := f.s.AuditLog(AuditFilter{Action: domain.AuditAccountMove}, 10)
	if len(log) != 1 || !strings.Contains(log[0].Detail, "培训机构：郑州中心 → 洛阳中心") || log[0].ActorID != f.admin.ID {
		t.Fatalf("move audit: %+v", log)
	}
	if _, err := f.s.MoveReviewer(f.admin, f.admin.ID, f.agB.ID, t0); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("move an admin: %v", err)
	}
	var fe domain.FieldErrors
	if _, err := f.s.MoveReviewer(f.admin, u.ID, "nope", t0); !errors.As(err, &fe) {
		t.Fatalf("move to an unknown agency: %v", err)
	}
	inB, _ := f.s.StaffAccounts(StaffFilter{AgencyID: f.agB.ID})
	inA, _ := f.s.StaffAccounts(StaffFilter{AgencyID: f.agA.ID})
	admins, _ := f.s.StaffAccounts(StaffFilter{Role: domain.RoleAdmin})
	all, _ := f.s.StaffAccounts(StaffFilter{})
	if len(inB) != 2 || len(inA) != 0 || len(admins) != 1 || len(all) != 3 || all[0].Role != domain.RoleAdmin {
		t.Fatalf("filters: B %d, A %d, admins %d, all %+v", len(inB), len(inA), len(admins), all)
	}
}

// TestChangeStaffRole: a reviewer becomes an admin (agency cleared, sessions end), an admin
// becomes a reviewer of an existing agency; the last active admin cannot be demoted, also
// not by two concurrent demotions of the last two admins; a pending account keeps its link.
func TestChangeStaffRole(t *testing.T) {
	f := newStaffFixture(t)
	if _, err := f.s.ChangeStaffRole(f.admin, f.admin.ID, domain.RoleReviewer, f.agA.ID, t0); !errors.Is(err, domain.ErrLastAdminRole) {
		t.Fatalf("demote the only admin: %v", err)
	}
	f.create(t, domain.RoleReviewer, "zz-li", f.agA.ID)
	li, err := f.activate(t, "zz-li", t0)
	if err != nil {
		t.Fatal(err)
	}
	up, err := f.s.ChangeStaffRole(f.admin, li.ID, domain.RoleAdmin, f.agB.ID, t0)
	if err != nil || up.Role != domain.RoleAdmin || up.AgencyID != "" || up.SessionEpoch != li.SessionEpoch+1 || !up.ActiveAdmin() {
		t.Fatalf("promote: %+v %v", up, err)
	}
	var fe domain.FieldErrors
	if _, err := f.s.ChangeStaffRole(f.admin, li.ID, domain.RoleReviewer, "", t0); !errors.As(err, &fe) || fe["role_agency"] == "" {
		t.Fatalf("demote without agency: %v", err)
	}
	// Two active admins demoting each other at once: one wins, one admin stays.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, pair := range [][2]domain.User{{f.admin, up}, {up, f.admin}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.s.ChangeStaffRole(pair[0], pair[1].ID, domain.RoleReviewer, f.agA.ID, t0)
		}()
	}
	wg.Wait()
	if n, _ := f.activeAdmins(); n != 1 || (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("concurrent demotions: %v / %v, %d active admins", errs[0], errs[1], n)
	}
	// A pending account changes role and keeps its activation link.
	p := f.create(t, domain.RoleAdmin, "boss2", "")
	if _, err := f.s.ChangeStaffRole(f.admin, p.ID, domain.RoleReviewer, f.agB.ID, t0); err != nil {
		t.Fatal(err)
	}
	if got, err := f.activate(t, "boss2", t0); err != nil || got.Role != domain.RoleReviewer || got.AgencyID != f.agB.ID {
		t.Fatalf("pending account after a role change: %+v %v", got, err)
	}
	log, _ := f.s.AuditLog(AuditFilter{Action: domain.AuditAccountRole}, 10)
	promoted := false
	for _, e := range log {
		promoted = promoted || strings.Contains(e.Detail, "李审核（zz-li）：账号类型：培训机构审核员 → 管理员；培训机构：郑州中心 → （空）")
	}
	if len(log) != 3 || !promoted {
		t.Fatalf("role audit: %+v", log)
	}
}
