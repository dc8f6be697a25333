package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Key schema, version 1. Every key starts with "v1/" so that a later schema can live
// beside this one during a migration. Values are JSON records private to this package.
//
//	v1/meta/<name>                               small settings, e.g. "seeded"
//	v1/meta/migrated/<name>                      → "" once a one-off migration of existing data has finished, e.g.
//	                                             "photo-agency-index" (migrate.go)
//	v1/secret/<name>                             32 random bytes: a server key, e.g. "device-cookie" (HMAC of device cookies)
//	v1/user/<userID>                             userRec
//	v1/idx/user/idno/<IDNUMBER>                  → userID (unique; trainees)
//	v1/idx/user/login/<username>                 → userID (unique; staff)
//	v1/token/<kind>/<sha256 hex of raw token>    tokenRec (reset, confirm, activate); raw tokens are never stored; reset and
//	                                             activation records carry a TTL
//	v1/meta/staff-roster                         → "" rewritten by every change that can end or make an active admin (账号管理),
//	                                             and read by the last-admin check: Badger detects conflicts on keys, so two
//	                                             concurrent disables of the last two admins cannot both commit
//	v1/outbox/<msgID>                            msgRec (V1 rendered text, V2 a notification with the raw token of its link, if any);
//	                                             msgID starts with the big-endian creation time
//	v1/idx/outbox/pending/<msgID>                → "" while the message is unsent and not given up
//	v1/audit/<8-byte big-endian unix nanos><rand> auditRec (time ordered; V1 holds the action as its Chinese label, V2 as its code)
//	v1/agency/<agencyID>                         agencyRec (V1; CreditCode, Contact and Suspended are absent on agencies from before issue 12)
//	v1/idx/agency/credit/<creditCode>            → agencyID (unique 统一社会信用代码, normalised; written with the record)
//	v1/agency-app-posts/<agencyID>               → JSON list of post codes the agency trains for 新取证 (absent: every enabled post)
//	v1/cert/<certID>                             certRec
//	v1/idx/cert/holder/<userID>/<certID>         → ""
//	v1/idx/cert/number/<number>                  → certID (unique)
//	v1/idx/cert/token/<verifyToken>              → certID
//	v1/meta/certseq/<yyyy>/<postCode>            → last sequence number of certificates issued that year for that post
//	--- 历史证书导入 (cert_legacy*.go) ---
//	v1/idx/cert/pending/<IDNUMBER>               → JSON list of certIDs of imported certificates whose holder has not
//	                                             registered yet; read (one exact key, so Badger sees the conflict) and
//	                                             emptied by the registration of that ID number and name
//	v1/idx/cert/job/<jobID>/<certID>             → "" certificates an import job added (what undoing it deletes)
//	v1/cert-import/<jobID>                       legacyJobRec (an import job; jobID sorts by creation time)
//	v1/blob/cert-import/<jobID>                  the uploaded file, kept until the job has finished
//	v1/meta/cert-import-active                   → jobID of the unfinished import (at most one at a time)
//	v1/photo/<userID>                            photoRec (metadata and review state)
//	v1/blob/photo/<photoID>                      normalised JPEG bytes (served only through an authorised handler)
//	v1/idx/photo/owner/<photoID>                 → userID of the current photo
//	v1/idx/photo/pending/<8-byte time><userID>   → "" while the photo waits for review (reviewer queue, oldest first)
//	v1/idx/photo/agency-pending/<agencyID>/<8-byte time><userID> → "" while the photo waits for review and the trainee is
//	                                             linked to the agency: the agency's photo queue, oldest first (a trainee
//	                                             linked to several agencies has an entry in each)
//	v1/idx/agency-trainee/<agencyID>/<userID>    → "" once the trainee applied to the agency; scopes reviewers' access
//	v1/idx/trainee-agency/<userID>/<agencyID>    → "" the reverse of agency-trainee
//	v1/idx/trainee-links/<userID>                → "" rewritten by every link and unlink of the trainee, and read by every
//	                                             photo change: Badger detects conflicts on keys, not ranges, so this is
//	                                             what makes a photo change and a concurrent new link retry
//	v1/app/<appID>                               appRec (a new-certificate application with its timeline)
//	v1/idx/app/trainee/<userID>/<appID>          → "" (the trainee's applications)
//	v1/idx/app/queue/<agencyID>/<8-byte time><appID> → appSummary while submitted (the agency's queue, oldest first)
//	v1/idx/app/agency/<agencyID>/<8-byte created><appID> → appSummary of every non-draft application of the agency
//	v1/idx/app/token/<verifyToken>               → appID (public verification of print-outs)
//	v1/meta/appseq/<yyyymmdd>                    → last application number of the day
//	v1/upload/<uploadID>                         uploadRec (owner, application, kind) of a document image
//	v1/blob/upload/<uploadID>                    normalised JPEG bytes of the document
//	v1/settings/ce                               ceSettingsRec: the province's continuing-education rules (absent: domain defaults)
//	v1/ce/enrol/<enrolID>                        enrolRec (a continuing-education enrolment with its timeline)
//	v1/idx/ce/trainee/<userID>/<enrolID>         → "" (the trainee's enrolments)
//	v1/idx/ce/cycle/<certID>/<4-digit cycle no>  → enrolID (unique: one submitted enrolment per certificate and cycle)
//	v1/idx/ce/queue/<agencyID>/<8-byte time><enrolID> → enrolSummary while pending (the agency's CE queue, oldest first)
//	v1/idx/ce/agency/<agencyID>/<8-byte created><enrolID> → enrolSummary of every submitted enrolment of the agency
//	v1/meta/ceseq/<yyyymmdd>                     → last enrolment number of the day
//	v1/ce/agency-posts/<agencyID>                → JSON list of post codes the agency trains (absent: every enabled post)
//	v1/ce/course/<agencyID>/<courseID>           courseRec (the agency's course catalog)
//	v1/idx/ce/course-title/<agencyID>/<CourseKey> → courseID (unique title per agency; imports name courses by title)
//	v1/ce/record/<certID>/<recordID>             learningRec; recordID sorts by recording time
//	v1/idx/ce/record-key/<certID>/<courseID>/<yyyymmdd> → recordID (one record per certificate, course and day)
//	v1/exam/<sessionID>                          examRec (an exam session, 考试批次, with its candidates and their seats)
//	v1/idx/exam/app/<appID>                      → sessionID while the application is in an open session (at most one)
//	v1/meta/examseq/<yyyy>                       → last session number of that exam year (the ticket numbers' session part)
//	v1/exam-att/<sessionID>/<appID>              attendRec (考场签到: one candidate's check-ins and corrections per subject;
//	                                             not under v1/exam/, which the session scan reads)
//
// Statistics (issue 12, stats.go): counters kept in the same transaction as the records they
// count, so the statistics page reads a few thousand small keys instead of every record.
// Empty parts are written as "-"; the value of a counter is an 8-byte big-endian count
// (a counter that reaches zero is deleted).
//
//	v1/stats/app/<agencyID>/<city>/<post>/<status>/<result> → count of non-draft applications
//	v1/stats/ce/<agencyID>/<city>/<post>/<status>  → count of non-draft enrolments
//	v1/stats/cert/<post>/<status>/<validUntil yyyymmdd>/<agency name> → count of certificates
//	                                             (the agency as the certificate names it; the name may hold "/")
//	v1/stats/ce-hours/<cycle end yyyymmdd>/<enrolID> → "<start yyyymmdd>/<total>/<professional>/<agencyID>/<post>"
//	                                             for every enrolment taking learning (half hours in its cycle)
//	v1/meta/migrated/stats-v1                    → "" once the counters were built from existing data
//
// Admin console (issue 12; admin_index.go), written in the same transaction as the record:
//
//	v1/idx/app/number/<number>                   → appID (the reference people quote: XQ…)
//	v1/idx/app/ticket/<准考证号>                  → appID once the exam is scheduled
//	v1/idx/ce/number/<number>                    → enrolID (JX…)
//	v1/idx/user/name/<name>/<userID>             → "" trainees by name (admin search by name or its start)
//	v1/idx/outbox/failed/<msgID>                 → "" a message that was given up (no more retries) unsent
//
// IDs that reach URLs are 128-bit random values (newID); ID numbers appear only in the
// idno and pending-certificate index keys, which never leave the process.
//
// Only this file knows the layout: every other file builds keys with the functions below
// and reads IDs back out of scanned keys with the parse functions, so each layout is
// written down once, next to its documentation. keys_test.go pins the bytes of every
// family, because existing data directories must keep opening.
const (
	pMeta           = "v1/meta/"
	pMigrated       = "v1/meta/migrated/"
	pSecret         = "v1/secret/"
	pUser           = "v1/user/"
	pUserIDNo       = "v1/idx/user/idno/"
	pUserLogin      = "v1/idx/user/login/"
	pToken          = "v1/token/"
	pOutbox         = "v1/outbox/"
	pOutboxPending  = "v1/idx/outbox/pending/"
	pAudit          = "v1/audit/"
	pAgency         = "v1/agency/"
	pAgencyCredit   = "v1/idx/agency/credit/"
	pAppAgencyPosts = "v1/agency-app-posts/"
	pCert           = "v1/cert/"
	pCertHolder     = "v1/idx/cert/holder/"
	pCertNumber     = "v1/idx/cert/number/"
	pCertToken      = "v1/idx/cert/token/"
	pCertSeq        = "v1/meta/certseq/"
	pCertPending    = "v1/idx/cert/pending/"
	pCertJob        = "v1/idx/cert/job/"
	pCertImport     = "v1/cert-import/"
	pCertImportBlob = "v1/blob/cert-import/"
	pCertImportLive = "v1/meta/cert-import-active"
	pPhoto          = "v1/photo/"
	pPhotoBlob      = "v1/blob/photo/"
	pPhotoPending   = "v1/idx/photo/pending/"
	pPhotoOwner     = "v1/idx/photo/owner/"
	pPhotoAgency    = "v1/idx/photo/agency-pending/"
	pTraineeLinks   = "v1/idx/trainee-links/"
	pAgencyTrainee  = "v1/idx/agency-trainee/"
	pTraineeAgency  = "v1/idx/trainee-agency/"
	pApp            = "v1/app/"
	pAppTrainee     = "v1/idx/app/trainee/"
	pAppQueue       = "v1/idx/app/queue/"
	pAppAgency      = "v1/idx/app/agency/"
	pAppSeq         = "v1/meta/appseq/"
	pAppToken       = "v1/idx/app/token/"
	pUpload         = "v1/upload/"
	pUploadBlob     = "v1/blob/upload/"
	pCESettings     = "v1/settings/ce"
	pCEEnrol        = "v1/ce/enrol/"
	pCETrainee      = "v1/idx/ce/trainee/"
	pCECycle        = "v1/idx/ce/cycle/"
	pCEQueue        = "v1/idx/ce/queue/"
	pCEAgency       = "v1/idx/ce/agency/"
	pCESeq          = "v1/meta/ceseq/"
	pCEAgencyPosts  = "v1/ce/agency-posts/"
	pCECourse       = "v1/ce/course/"
	pCECourseTitle  = "v1/idx/ce/course-title/"
	pCERecord       = "v1/ce/record/"
	pCERecordKey    = "v1/idx/ce/record-key/"

	// 账号管理 (staff accounts, store/staff.go).
	pStaffRoster = "v1/meta/staff-roster"

	// 目录与规则设置: settings with history, versioned texts, the catalog overrides.
	pSettingsExam    = "v1/settings/exam"
	pSettingsCert    = "v1/settings/cert"
	pSettingsCatalog = "v1/settings/catalog"
	pSettingsText    = "v1/settings/text/"     // <kind>: the current version of a text
	pSettingsTextVer = "v1/settings/text-ver/" // <kind>/<version>: every version of a text
	pSettingsHist    = "v1/settings-hist/"     // <kind>/<8-byte time><id>: the history
	pExam            = "v1/exam/"
	pExamApp         = "v1/idx/exam/app/"
	pExamSeq         = "v1/meta/examseq/"
	pExamAtt         = "v1/exam-att/" // 考场签到 (exam_checkin.go)
	// Admin console (issue 12; admin_index.go).
	pAppNumber    = "v1/idx/app/number/"
	pAppTicket    = "v1/idx/app/ticket/"
	pCENumber     = "v1/idx/ce/number/"
	pUserName     = "v1/idx/user/name/"
	pOutboxFailed = "v1/idx/outbox/failed/"
)

// key concatenates the parts of a key; only the builders below call it.
func key(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// timeKey encodes t as 8 big-endian bytes so that byte order is time order.
func timeKey(t time.Time) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(t.UnixNano()))
	return string(b[:])
}

// Settings, secrets and one-off migrations.

func metaKey(name string) []byte     { return key(pMeta, name) }
func migratedKey(name string) []byte { return key(pMigrated, name) }
func secretKey(name string) []byte   { return key(pSecret, name) }
func ceSettingsKey() []byte          { return key(pCESettings) }

// 目录与规则设置 (store/settings*.go).

func examSettingsKey() []byte            { return key(pSettingsExam) }
func certSettingsKey() []byte            { return key(pSettingsCert) }
func catalogSettingsKey() []byte         { return key(pSettingsCatalog) }
func settingsTextKey(kind string) []byte { return key(pSettingsText, kind) }
func settingsTextVersionKey(kind, version string) []byte {
	return key(pSettingsTextVer, kind, "/", version)
}
func settingsHistKey(kind string, at time.Time, id string) []byte {
	return key(pSettingsHist, kind, "/", timeKey(at), id)
}
func settingsHistPrefix(kind string) []byte { return key(pSettingsHist, kind, "/") }

// Users and their one-time tokens.

func userKey(userID string) []byte           { return key(pUser, userID) }
func userIDNoKey(idNumber string) []byte     { return key(pUserIDNo, idNumber) }
func userLoginKey(username string) []byte    { return key(pUserLogin, username) }
func tokenKey(kind, tokenHash string) []byte { return key(pToken, kind, "/", tokenHash) }

// 账号管理 (staff accounts): every staff account is in the login index; the roster key
// serialises the last-admin check (see the schema above).

func userLoginPrefix() []byte { return key(pUserLogin) }
func staffRosterKey() []byte  { return key(pStaffRoster) }

// Outbox and audit log; both sort by time.

func outboxKey(msgID string) []byte        { return key(pOutbox, msgID) }
func outboxPrefix() []byte                 { return key(pOutbox) }
func outboxPendingKey(msgID string) []byte { return key(pOutboxPending, msgID) }
func outboxPendingPrefix() []byte          { return key(pOutboxPending) }
func parseOutboxPendingKey(k []byte) (msgID string) {
	return string(bytes.TrimPrefix(k, []byte(pOutboxPending)))
}
func auditKey(at time.Time, suffix string) []byte { return key(pAudit, timeKey(at), suffix) }
func auditPrefix() []byte                         { return key(pAudit) }

// Agencies and the trainees linked to them.

func agencyKey(agencyID string) []byte         { return key(pAgency, agencyID) }
func agencyPrefix() []byte                     { return key(pAgency) }
func agencyCreditKey(code string) []byte       { return key(pAgencyCredit, code) }
func appAgencyPostsKey(agencyID string) []byte { return key(pAppAgencyPosts, agencyID) }
func agencyTraineeKey(agencyID, userID string) []byte {
	return key(pAgencyTrainee, agencyID, "/", userID)
}
func traineeAgencyKey(userID, agencyID string) []byte {
	return key(pTraineeAgency, userID, "/", agencyID)
}
func traineeAgencyPrefix(userID string) []byte { return key(pTraineeAgency, userID, "/") }
func parseTraineeAgencyKey(k []byte) (agencyID string) {
	return childID(k, pTraineeAgency)
}
func traineeLinksKey(userID string) []byte { return key(pTraineeLinks, userID) }

// Certificates.

func certKey(certID string) []byte { return key(pCert, certID) }
func certHolderKey(userID, certID string) []byte {
	return key(pCertHolder, userID, "/", certID)
}
func certHolderPrefix(userID string) []byte       { return key(pCertHolder, userID, "/") }
func parseCertHolderKey(k []byte) (certID string) { return childID(k, pCertHolder) }
func certNumberKey(number string) []byte          { return key(pCertNumber, number) }
func certTokenKey(token string) []byte            { return key(pCertToken, token) }
func certSeqKey(year int, postCode string) []byte {
	return key(pCertSeq, strconv.Itoa(year), "/", postCode)
}

// 历史证书导入: pending certificates by the holder's ID number, import jobs and their files.

func certPendingKey(idNumber string) []byte    { return key(pCertPending, idNumber) }
func certJobKey(jobID, certID string) []byte   { return key(pCertJob, jobID, "/", certID) }
func certJobPrefix(jobID string) []byte        { return key(pCertJob, jobID, "/") }
func parseCertJobKey(k []byte) (certID string) { return childID(k, pCertJob) }
func certImportKey(jobID string) []byte        { return key(pCertImport, jobID) }
func certImportPrefix() []byte                 { return key(pCertImport) }
func certImportBlobKey(jobID string) []byte    { return key(pCertImportBlob, jobID) }
func certImportActiveKey() []byte              { return key(pCertImportLive) }

// Photos and their review queues.

func photoKey(userID string) []byte       { return key(pPhoto, userID) }
func photoBlobKey(photoID string) []byte  { return key(pPhotoBlob, photoID) }
func photoOwnerKey(photoID string) []byte { return key(pPhotoOwner, photoID) }
func photoPendingKey(uploaded time.Time, userID string) []byte {
	return key(pPhotoPending, timeKey(uploaded), userID)
}
func photoPendingPrefix() []byte { return key(pPhotoPending) }
func parsePhotoPendingKey(k []byte) (uploaded time.Time, userID string) {
	return timeAndID(bytes.TrimPrefix(k, []byte(pPhotoPending)))
}
func photoAgencyKey(agencyID string, uploaded time.Time, userID string) []byte {
	return key(pPhotoAgency, agencyID, "/", timeKey(uploaded), userID)
}
func photoAgencyPrefix(agencyID string) []byte { return key(pPhotoAgency, agencyID, "/") }
func parsePhotoAgencyKey(k []byte) (uploaded time.Time, userID string) {
	return timeAndID([]byte(childID(k, pPhotoAgency)))
}

// Applications, their queues and document uploads.

func appKey(appID string) []byte                 { return key(pApp, appID) }
func appTraineeKey(userID, appID string) []byte  { return key(pAppTrainee, userID, "/", appID) }
func appTraineePrefix(userID string) []byte      { return key(pAppTrainee, userID, "/") }
func parseAppTraineeKey(k []byte) (appID string) { return childID(k, pAppTrainee) }
func appQueueKey(agencyID string, submitted time.Time, appID string) []byte {
	return key(pAppQueue, agencyID, "/", timeKey(submitted), appID)
}
func appQueuePrefix(agencyID string) []byte { return key(pAppQueue, agencyID, "/") }

// appAgencyKey orders an agency's applications by their first submission (CreatedAt never
// changes, so a resubmission does not move it).
func appAgencyKey(agencyID string, created time.Time, appID string) []byte {
	return key(pAppAgency, agencyID, "/", timeKey(created), appID)
}
func appAgencyPrefix(agencyID string) []byte { return key(pAppAgency, agencyID, "/") }
func appTokenKey(token string) []byte        { return key(pAppToken, token) }
func appSeqKey(day string) []byte            { return key(pAppSeq, day) }
func uploadKey(uploadID string) []byte       { return key(pUpload, uploadID) }
func uploadBlobKey(uploadID string) []byte   { return key(pUploadBlob, uploadID) }

// Continuing education.

func ceEnrolKey(enrolID string) []byte            { return key(pCEEnrol, enrolID) }
func ceTraineeKey(userID, enrolID string) []byte  { return key(pCETrainee, userID, "/", enrolID) }
func ceTraineePrefix(userID string) []byte        { return key(pCETrainee, userID, "/") }
func parseCETraineeKey(k []byte) (enrolID string) { return childID(k, pCETrainee) }
func ceCycleKey(certID string, cycleNo int) []byte {
	return key(pCECycle, certID, "/", fmt.Sprintf("%04d", cycleNo))
}
func ceQueueKey(agencyID string, submitted time.Time, enrolID string) []byte {
	return key(pCEQueue, agencyID, "/", timeKey(submitted), enrolID)
}
func ceQueuePrefix(agencyID string) []byte { return key(pCEQueue, agencyID, "/") }
func ceAgencyKey(agencyID string, created time.Time, enrolID string) []byte {
	return key(pCEAgency, agencyID, "/", timeKey(created), enrolID)
}
func ceAgencyPrefix(agencyID string) []byte        { return key(pCEAgency, agencyID, "/") }
func ceSeqKey(day string) []byte                   { return key(pCESeq, day) }
func ceAgencyPostsKey(agencyID string) []byte      { return key(pCEAgencyPosts, agencyID) }
func ceCourseKey(agencyID, courseID string) []byte { return key(pCECourse, agencyID, "/", courseID) }
func ceCoursePrefix(agencyID string) []byte        { return key(pCECourse, agencyID, "/") }
func ceCourseTitleKey(agencyID, titleKey string) []byte {
	return key(pCECourseTitle, agencyID, "/", titleKey)
}
func ceRecordKey(certID, recordID string) []byte { return key(pCERecord, certID, "/", recordID) }
func ceRecordPrefix(certID string) []byte        { return key(pCERecord, certID, "/") }
func ceRecordDayKey(certID, courseID string, day time.Time) []byte {
	return key(pCERecordKey, certID, "/", courseID, "/", day.Format("20060102"))
}

// Exam sessions (考试批次, issue 13): BEGIN EXAM KEYS

func examKey(sessionID string) []byte { return key(pExam, sessionID) }
func examPrefix() []byte              { return key(pExam) }
func examAppKey(appID string) []byte  { return key(pExamApp, appID) }
func examSeqKey(year int) []byte      { return key(pExamSeq, fmt.Sprintf("%04d", year)) }
func appAgencyAllPrefix() []byte      { return key(pAppAgency) }
func parseAppAgencyKey(k []byte) (agencyID string) {
	rest, _ := bytes.CutPrefix(k, []byte(pAppAgency))
	if i := bytes.IndexByte(rest, '/'); i >= 0 {
		return string(rest[:i])
	}
	return ""
}

// END EXAM KEYS

// 考场签到 (issue 13, exam_checkin.go): BEGIN CHECKIN KEYS

func examAttKey(sessionID, appID string) []byte { return key(pExamAtt, sessionID, "/", appID) }
func examAttPrefix(sessionID string) []byte     { return key(pExamAtt, sessionID, "/") }

// END CHECKIN KEYS

// Admin console (issue 12): number indexes of both wizards' documents, trainees by name,
// messages given up.

func appNumberKey(number string) []byte      { return key(pAppNumber, number) }
func appTicketKey(ticket string) []byte      { return key(pAppTicket, ticket) }
func ceNumberKey(number string) []byte       { return key(pCENumber, number) }
func userNameKey(name, userID string) []byte { return key(pUserName, name, "/", userID) }
func userNamePrefix(start string) []byte     { return key(pUserName, start) }

// parseUserNameKey reads the user of a name index key; names may hold any character, the
// user id (hex) never a slash, so it is everything after the last one.
func parseUserNameKey(k []byte) (userID string) {
	return string(k[bytes.LastIndexByte(k, '/')+1:])
}
func outboxFailedKey(msgID string) []byte { return key(pOutboxFailed, msgID) }
func outboxFailedPrefix() []byte          { return key(pOutboxFailed) }
func parseOutboxFailedKey(k []byte) (msgID string) {
	return string(bytes.TrimPrefix(k, []byte(pOutboxFailed)))
}

// childID returns the last segment of an index key "<family><owner>/<child>": owner IDs
// never contain a slash, so the child is everything after the first one.
func childID(k []byte, family string) string {
	rest, _ := bytes.CutPrefix(k, []byte(family))
	if i := bytes.IndexByte(rest, '/'); i >= 0 {
		rest = rest[i+1:]
	}
	return string(rest)
}

// timeAndID splits "<8-byte time><id>", the tail of the keys of time-ordered queues.
func timeAndID(b []byte) (time.Time, string) {
	if len(b) < 8 {
		return time.Time{}, ""
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[:8]))), string(b[8:])
}

// Statistics counters and the learning-hours summary (stats.go). Only this block knows
// their layout.

const (
	pStats        = "v1/stats/"
	pStatsApp     = "v1/stats/app/"
	pStatsSession = "v1/stats/session/" // exam session ID → its name, for the pass rates per session
	pStatsCE      = "v1/stats/ce/"
	pStatsCert    = "v1/stats/cert/"
	pStatsCEHours = "v1/stats/ce-hours/"
)

// statsPart writes an empty part as "-" so that every counter key has all its parts.
func statsPart(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// readPart is statsPart undone.
func readPart(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

// statsAppKey is an application counter; session is the exam session of a confirmed
// result (empty otherwise), for the pass rates per session.
func statsAppKey(agency, city, post, status, result, session string) []byte {
	return key(pStatsApp, statsPart(agency), "/", statsPart(city), "/", statsPart(post), "/", statsPart(status), "/",
		statsPart(result), "/", statsPart(session))
}
func statsSessionKey(sessionID string) []byte { return key(pStatsSession, sessionID) }
func statsCEKey(agency, city, post, status string) []byte {
	return key(pStatsCE, statsPart(agency), "/", statsPart(city), "/", statsPart(post), "/", statsPart(status))
}
func statsCertKey(post, status, validUntil, agencyName string) []byte {
	return key(pStatsCert, statsPart(post), "/", statsPart(status), "/", statsPart(validUntil), "/", statsPart(agencyName))
}

// parseStatsKey splits a counter key of family into its n parts (the last one keeps any
// slash it contains); ok is false for a key of another shape.
func parseStatsKey(k []byte, family string, n int) (parts []string, ok bool) {
	rest, found := bytes.CutPrefix(k, []byte(family))
	if !found {
		return nil, false
	}
	parts = strings.SplitN(string(rest), "/", n)
	if len(parts) != n {
		return nil, false
	}
	for i, p := range parts {
		parts[i] = readPart(p)
	}
	return parts, true
}

func statsCEHoursKey(cycleEnd time.Time, enrolID string) []byte {
	return key(pStatsCEHours, cycleEnd.Format("20060102"), "/", enrolID)
}

// statsCEHoursFrom is where the cycles that have not ended by day start: the keys sort by
// cycle end, so a scan from here skips every finished cycle.
func statsCEHoursFrom(day time.Time) []byte { return key(pStatsCEHours, day.Format("20060102")) }

// 更正、删除学习记录 (issue 14, ce_records.go): BEGIN RECORDS KEYS. A removed learning
// record is moved here, under its certificate, with who removed it, when and why; it no
// longer counts anywhere (recordsOfCert reads only pCERecord).
const pCERecordRemoved = "v1/ce/record-removed/"

func ceRecordRemovedKey(certID, recordID string) []byte {
	return key(pCERecordRemoved, certID, "/", recordID)
}

// END RECORDS KEYS

// Queue sizes from the counters (issue 15, app_queue.go): every application counter of
// one agency, whatever its city, post, status and result.
func statsAppAgencyPrefix(agency string) []byte { return key(pStatsApp, statsPart(agency), "/") }
