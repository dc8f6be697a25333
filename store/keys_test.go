package store

import (
	"testing"
	"time"
)

// TestKeyLayoutIsPinned spells out the bytes of every key family. Data directories written
// by earlier versions must keep opening, so a builder may never change its layout; a new
// layout is a new family (and a migration).
func TestKeyLayoutIsPinned(t *testing.T) {
	at := time.Unix(0, 0x0102030405060708)
	const ts = "\x01\x02\x03\x04\x05\x06\x07\x08"
	day := time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		got  []byte
		want string
	}{
		{metaKey("seeded"), "v1/meta/seeded"},
		{migratedKey("photo-agency-index"), "v1/meta/migrated/photo-agency-index"},
		{secretKey("device-cookie"), "v1/secret/device-cookie"},
		{ceSettingsKey(), "v1/settings/ce"},
		{userKey("u"), "v1/user/u"},
		{userIDNoKey("11010519491231002X"), "v1/idx/user/idno/11010519491231002X"},
		{userLoginKey("rev"), "v1/idx/user/login/rev"},
		{userLoginPrefix(), "v1/idx/user/login/"},
		{staffRosterKey(), "v1/meta/staff-roster"},
		{tokenKey(TokenActivate, "h"), "v1/token/activate/h"},
		{tokenKey("reset", "h"), "v1/token/reset/h"},
		{outboxKey("m"), "v1/outbox/m"},
		{outboxPrefix(), "v1/outbox/"},
		{outboxPendingKey("m"), "v1/idx/outbox/pending/m"},
		{outboxPendingPrefix(), "v1/idx/outbox/pending/"},
		{auditKey(at, "r"), "v1/audit/" + ts + "r"},
		{auditPrefix(), "v1/audit/"},
		{agencyKey("a"), "v1/agency/a"},
		{agencyPrefix(), "v1/agency/"},
		{agencyCreditKey("91350100M000100Y43"), "v1/idx/agency/credit/91350100M000100Y43"},
		{appAgencyPostsKey("a"), "v1/agency-app-posts/a"},
		{agencyTraineeKey("a", "u"), "v1/idx/agency-trainee/a/u"},
		{traineeAgencyKey("u", "a"), "v1/idx/trainee-agency/u/a"},
		{traineeAgencyPrefix("u"), "v1/idx/trainee-agency/u/"},
		{traineeLinksKey("u"), "v1/idx/trainee-links/u"},
		{certKey("c"), "v1/cert/c"},
		{certHolderKey("u", "c"), "v1/idx/cert/holder/u/c"},
		{certHolderPrefix("u"), "v1/idx/cert/holder/u/"},
		{certNumberKey("N1"), "v1/idx/cert/number/N1"},
		{certTokenKey("t"), "v1/idx/cert/token/t"},
		{certSeqKey(2026, "101"), "v1/meta/certseq/2026/101"},
		{certPendingKey("11010519491231002X"), "v1/idx/cert/pending/11010519491231002X"},
		{certJobKey("j", "c"), "v1/idx/cert/job/j/c"},
		{certJobPrefix("j"), "v1/idx/cert/job/j/"},
		{certImportKey("j"), "v1/cert-import/j"},
		{certImportPrefix(), "v1/cert-import/"},
		{certImportBlobKey("j"), "v1/blob/cert-import/j"},
		{certImportActiveKey(), "v1/meta/cert-import-active"},
		{photoKey("u"), "v1/photo/u"},
		{photoBlobKey("p"), "v1/blob/photo/p"},
		{photoOwnerKey("p"), "v1/idx/photo/owner/p"},
		{photoPendingKey(at, "u"), "v1/idx/photo/pending/" + ts + "u"},
		{photoPendingPrefix(), "v1/idx/photo/pending/"},
		{photoAgencyKey("a", at, "u"), "v1/idx/photo/agency-pending/a/" + ts + "u"},
		{photoAgencyPrefix("a"), "v1/idx/photo/agency-pending/a/"},
		{appKey("x"), "v1/app/x"},
		{appTraineeKey("u", "x"), "v1/idx/app/trainee/u/x"},
		{appTraineePrefix("u"), "v1/idx/app/trainee/u/"},
		{appQueueKey("a", at, "x"), "v1/idx/app/queue/a/" + ts + "x"},
		{appQueuePrefix("a"), "v1/idx/app/queue/a/"},
		{appAgencyKey("a", at, "x"), "v1/idx/app/agency/a/" + ts + "x"},
		{appAgencyPrefix("a"), "v1/idx/app/agency/a/"},
		{appNumberKey("XQ2026112600001"), "v1/idx/app/number/XQ2026112600001"},
		{appTicketKey("2026600001"), "v1/idx/app/ticket/2026600001"},
		{ceNumberKey("JX2026112600001"), "v1/idx/ce/number/JX2026112600001"},
		{userNameKey("张三", "u"), "v1/idx/user/name/张三/u"},
		{outboxFailedKey("m"), "v1/idx/outbox/failed/m"},
		{appTokenKey("t"), "v1/idx/app/token/t"},
		{appSeqKey("20260307"), "v1/meta/appseq/20260307"},
		{uploadKey("d"), "v1/upload/d"},
		{uploadBlobKey("d"), "v1/blob/upload/d"},
		{ceEnrolKey("e"), "v1/ce/enrol/e"},
		{ceTraineeKey("u", "e"), "v1/idx/ce/trainee/u/e"},
		{ceTraineePrefix("u"), "v1/idx/ce/trainee/u/"},
		{ceCycleKey("c", 3), "v1/idx/ce/cycle/c/0003"},
		{ceQueueKey("a", at, "e"), "v1/idx/ce/queue/a/" + ts + "e"},
		{ceQueuePrefix("a"), "v1/idx/ce/queue/a/"},
		{ceAgencyKey("a", at, "e"), "v1/idx/ce/agency/a/" + ts + "e"},
		{ceAgencyPrefix("a"), "v1/idx/ce/agency/a/"},
		{ceSeqKey("20260307"), "v1/meta/ceseq/20260307"},
		{ceAgencyPostsKey("a"), "v1/ce/agency-posts/a"},
		{ceCourseKey("a", "k"), "v1/ce/course/a/k"},
		{ceCoursePrefix("a"), "v1/ce/course/a/"},
		{ceCourseTitleKey("a", "安全"), "v1/idx/ce/course-title/a/安全"},
		{ceRecordKey("c", "r"), "v1/ce/record/c/r"},
		{ceRecordPrefix("c"), "v1/ce/record/c/"},
		{ceRecordDayKey("c", "k", day), "v1/idx/ce/record-key/c/k/20260307"},
		{ceRecordRemovedKey("c", "r"), "v1/ce/record-removed/c/r"}, // RECORDS
		// Statistics (stats.go).
		{statsAppKey("a", "410100", "111", "failed", "absent", "s1"), "v1/stats/app/a/410100/111/failed/absent/s1"},
		{statsAppKey("a", "", "111", "submitted", "", ""), "v1/stats/app/a/-/111/submitted/-/-"},
		{statsCEKey("a", "410100", "111", "learning"), "v1/stats/ce/a/410100/111/learning"},
		{statsCertKey("110", "valid", "20190519", "郑州/培训"), "v1/stats/cert/110/valid/20190519/郑州/培训"},
		{statsCEHoursKey(day, "e"), "v1/stats/ce-hours/20260307/e"},
		{statsCEHoursFrom(day), "v1/stats/ce-hours/20260307"},
		// BEGIN EXAM KEYS
		{examKey("s"), "v1/exam/s"},
		{examPrefix(), "v1/exam/"},
		{examAppKey("x"), "v1/idx/exam/app/x"},
		{examSeqKey(2027), "v1/meta/examseq/2027"},
		{examAttKey("s", "a"), "v1/exam-att/s/a"},
		{examAttPrefix("s"), "v1/exam-att/s/"},
		{appAgencyAllPrefix(), "v1/idx/app/agency/"},
		// END EXAM KEYS
	} {
		if string(c.got) != c.want {
			t.Errorf("key %q, want %q", c.got, c.want)
		}
	}
}

// TestKeyParsersInvertBuilders reads IDs back out of built keys, including times whose
// bytes contain a slash.
func TestKeyParsersInvertBuilders(t *testing.T) {
	at := time.Unix(0, 0x2f2f2f2f2f2f2f2f) // every byte is '/'
	if got := parseOutboxPendingKey(outboxPendingKey("m1")); got != "m1" {
		t.Errorf("outbox pending: %q", got)
	}
	if got := parseTraineeAgencyKey(traineeAgencyKey("u1", "a1")); got != "a1" {
		t.Errorf("trainee agency: %q", got)
	}
	if got := parseCertHolderKey(certHolderKey("u1", "c1")); got != "c1" {
		t.Errorf("cert holder: %q", got)
	}
	if got := parseCertJobKey(certJobKey("j1", "c1")); got != "c1" {
		t.Errorf("cert job: %q", got)
	}
	if got := parseAppTraineeKey(appTraineeKey("u1", "x1")); got != "x1" {
		t.Errorf("app trainee: %q", got)
	}
	if got := parseCETraineeKey(ceTraineeKey("u1", "e1")); got != "e1" {
		t.Errorf("ce trainee: %q", got)
	}
	if got := parseAppAgencyKey(appAgencyKey("a1", at, "x1")); got != "a1" {
		t.Errorf("app agency: %q", got)
	}
	if ts, u := parsePhotoPendingKey(photoPendingKey(at, "u1")); !ts.Equal(at) || u != "u1" {
		t.Errorf("photo pending: %v %q", ts, u)
	}
	if ts, u := parsePhotoAgencyKey(photoAgencyKey("a1", at, "u1")); !ts.Equal(at) || u != "u1" {
		t.Errorf("photo agency: %v %q", ts, u)
	}
	if p, ok := parseStatsKey(statsCertKey("110", "", "", "郑州/培训"), pStatsCert, 4); !ok || p[0] != "110" || p[1] != "" || p[3] != "郑州/培训" {
		t.Errorf("stats cert: %q %v", p, ok)
	}
	if _, ok := parseStatsKey(statsCEKey("a", "c", "p", "s"), pStatsApp, 5); ok {
		t.Error("a CE counter parsed as an application counter")
	}
}
