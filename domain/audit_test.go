package domain

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestAuditActions: every action has its own code and label; a label (as stored before
// actions were typed) reads back as its code, a code as itself, other text as a legacy
// action shown as it is; a decision's audit action is the decision's code and wording.
func TestAuditActions(t *testing.T) {
	codes, labels := map[AuditAction]bool{}, map[string]bool{}
	for _, a := range AuditActions() {
		l := a.Label()
		if codes[a] || labels[l] || l == string(a) || !a.Known() {
			t.Errorf("%q: duplicate or unlabelled (%q)", a, l)
		}
		codes[a], labels[l] = true, true
		if AuditActionOf(l) != a || AuditActionOf(string(a)) != a {
			t.Errorf("%q: read back as %q from its label", a, AuditActionOf(l))
		}
	}
	if a := AuditActionOf("旧的操作"); a.Known() || a.Label() != "旧的操作" {
		t.Errorf("legacy text: %q %q", a, a.Label())
	}
	if AuditActionOf("") != "" {
		t.Error("empty text is no action")
	}
	for _, k := range []DecisionKind{AppConfirmDecision, AppReturnDecision, AppRejectDecision, AppScheduleDecision,
		AppScoresDecision, AppResultDecision, EnrolConfirmDecision, EnrolReturnDecision, PhotoConfirmDecision, PhotoReturnDecision} {
		if !k.AuditAction().Known() || string(k.AuditAction()) != string(k) || k.Label() != k.AuditAction().Label() {
			t.Errorf("decision %q: audit action %q %q", k, k.AuditAction(), k.Label())
		}
	}
}

// TestAuditEntryDecodesOldAndNewActions: an entry stored with the Chinese label (before
// actions were typed) decodes to the code; a code stays itself; unknown text is kept.
func TestAuditEntryDecodesOldAndNewActions(t *testing.T) {
	for stored, want := range map[string]AuditAction{"下载备份": AuditBackupDownload, "backup.download": AuditBackupDownload,
		"确认报名": AuditAppConfirm, "已停用的操作": "已停用的操作"} {
		var e AuditEntry
		if err := json.Unmarshal([]byte(`{"Action":"`+stored+`"}`), &e); err != nil || e.Action != want {
			t.Errorf("%q decoded as %q (%v)", stored, e.Action, err)
		}
	}
	b, _ := json.Marshal(AuditEntry{Action: AuditBackupDownload})
	if !json.Valid(b) || !strings.Contains(string(b), `"Action":"backup.download"`) {
		t.Errorf("stored as %s", b)
	}
}
