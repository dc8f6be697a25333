package domain

import (
	"strings"
	"testing"
)

func TestNormalizeUsername(t *testing.T) {
	for raw, want := range map[string]string{" ZZ-Li ": "zz-li", "admin": "admin", "a.b_c-1": "a.b_c-1"} {
		if got, err := NormalizeUsername(raw); err != nil || got != want {
			t.Errorf("%q: %q %v", raw, got, err)
		}
	}
	for _, raw := range []string{"", "ab", "1abc", "410102199003071230", "张三", "a b", strings.Repeat("a", 33), "a@b"} {
		if _, err := NormalizeUsername(raw); CodeOf(err) != CodeInvalid {
			t.Errorf("%q accepted", raw)
		}
	}
}

func TestCreateStaffCmdValidate(t *testing.T) {
	u, err := CreateStaffCmd{Role: "reviewer", Username: "ZZ-li", Name: "李审核", Email: "li@Example.COM", AgencyID: " a1 "}.Validate()
	if err != nil || u.Role != RoleReviewer || u.Username != "zz-li" || u.Email != "li@example.com" || u.AgencyID != "a1" || u.State() != AccountPending {
		t.Fatalf("%+v %v", u, err)
	}
	u, err = CreateStaffCmd{Role: "admin", Username: "boss2", Name: "王管理", Email: "w@example.com", AgencyID: "a1"}.Validate()
	if err != nil || u.AgencyID != "" {
		t.Fatalf("an admin keeps an agency: %+v %v", u, err)
	}
	_, err = CreateStaffCmd{Role: "trainee", Username: "x", Name: "", Email: "no"}.Validate()
	fe, _ := err.(FieldErrors)
	for _, k := range []string{"role", "username", "name", "email"} {
		if fe[k] == "" {
			t.Errorf("no error for %s: %v", k, err)
		}
	}
	_, err = CreateStaffCmd{Role: "reviewer", Username: "abc", Name: "李审核", Email: "li@example.com"}.Validate()
	if fe, _ := err.(FieldErrors); fe["agency"] == "" {
		t.Errorf("a reviewer without agency: %v", err)
	}
}

func TestAccountStateAndChanges(t *testing.T) {
	pending := User{Role: RoleAdmin, Name: "王管理", Username: "w"}
	active := pending
	active.PasswordHash = "h"
	disabled := active
	disabled.Disabled = true
	for u, want := range map[*User]AccountState{&pending: AccountPending, &active: AccountActive, &disabled: AccountDisabled} {
		if u.State() != want || u.State().Label() == string(want) {
			t.Errorf("%+v: %s", *u, u.State())
		}
	}
	if !active.ActiveAdmin() || pending.ActiveAdmin() || disabled.ActiveAdmin() {
		t.Error("ActiveAdmin")
	}
	names := func(id string) string { return map[string]string{"a": "郑州中心", "b": "洛阳中心"}[id] }
	r1 := User{Role: RoleReviewer, AgencyID: "a", PasswordHash: "h"}
	r2 := r1
	r2.AgencyID = "b"
	if got := StaffChanges(r1, r2, names); got != "培训机构：郑州中心 → 洛阳中心" {
		t.Errorf("move: %q", got)
	}
	if got := StaffChanges(active, disabled, names); got != "状态：正常 → 已停用" {
		t.Errorf("disable: %q", got)
	}
	if StaffChanges(active, active, names) != "" {
		t.Error("no change described as a change")
	}
	if got := StaffSummary(r1, names); !strings.Contains(got, "培训机构：郑州中心") || !strings.Contains(got, "培训机构审核员") {
		t.Errorf("summary: %q", got)
	}
}
