package store

import (
	"encoding/binary"
	"time"
)

// Key schema, version 1. Every key starts with "v1/" so that a later schema can live
// beside this one during a migration. Values are JSON records private to this package.
//
//	v1/meta/<name>                               small settings, e.g. "seeded"
//	v1/secret/<name>                             32 random bytes: a server key, e.g. "device-cookie" (HMAC of device cookies)
//	v1/user/<userID>                             userRec
//	v1/idx/user/idno/<IDNUMBER>                  → userID (unique; trainees)
//	v1/idx/user/login/<username>                 → userID (unique; staff)
//	v1/token/<kind>/<sha256 hex of raw token>    tokenRec (reset, confirm); raw tokens are never stored; reset records carry a TTL
//	v1/outbox/<msgID>                            msgRec; msgID starts with the big-endian creation time
//	v1/idx/outbox/pending/<msgID>                → "" while the message is unsent and not given up
//	v1/audit/<8-byte big-endian unix nanos><rand> auditRec (time ordered)
//	v1/agency/<agencyID>                         agencyRec
//	v1/cert/<certID>                             certRec
//	v1/idx/cert/holder/<userID>/<certID>         → ""
//	v1/idx/cert/number/<number>                  → certID (unique)
//	v1/idx/cert/token/<verifyToken>              → certID
//	v1/meta/certseq/<yyyy>/<postCode>            → last sequence number of certificates issued that year for that post
//	v1/photo/<userID>                            photoRec (metadata and review state)
//	v1/blob/photo/<photoID>                      normalised JPEG bytes (served only through an authorised handler)
//	v1/idx/photo/owner/<photoID>                 → userID of the current photo
//	v1/idx/photo/pending/<8-byte time><userID>   → "" while the photo waits for review (reviewer queue, oldest first)
//	v1/idx/agency-trainee/<agencyID>/<userID>    → "" once the trainee applied to the agency; scopes reviewers' access
//	v1/idx/trainee-agency/<userID>/<agencyID>    → "" the reverse of agency-trainee
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
//
// IDs that reach URLs are 128-bit random values (newID); ID numbers appear only in the
// idno index key, which never leaves the process.
const (
	pMeta          = "v1/meta/"
	pSecret        = "v1/secret/"
	pUser          = "v1/user/"
	pUserIDNo      = "v1/idx/user/idno/"
	pUserLogin     = "v1/idx/user/login/"
	pToken         = "v1/token/"
	pOutbox        = "v1/outbox/"
	pOutboxPending = "v1/idx/outbox/pending/"
	pAudit         = "v1/audit/"
	pAgency        = "v1/agency/"
	pCert          = "v1/cert/"
	pCertHolder    = "v1/idx/cert/holder/"
	pCertNumber    = "v1/idx/cert/number/"
	pCertToken     = "v1/idx/cert/token/"
	pCertSeq       = "v1/meta/certseq/"
	pPhoto         = "v1/photo/"
	pPhotoBlob     = "v1/blob/photo/"
	pPhotoPending  = "v1/idx/photo/pending/"
	pPhotoOwner    = "v1/idx/photo/owner/"
	pAgencyTrainee = "v1/idx/agency-trainee/"
	pTraineeAgency = "v1/idx/trainee-agency/"
	pApp           = "v1/app/"
	pAppTrainee    = "v1/idx/app/trainee/"
	pAppQueue      = "v1/idx/app/queue/"
	pAppAgency     = "v1/idx/app/agency/"
	pAppSeq        = "v1/meta/appseq/"
	pAppToken      = "v1/idx/app/token/"
	pUpload        = "v1/upload/"
	pUploadBlob    = "v1/blob/upload/"
	pCESettings    = "v1/settings/ce"
	pCEEnrol       = "v1/ce/enrol/"
	pCETrainee     = "v1/idx/ce/trainee/"
	pCECycle       = "v1/idx/ce/cycle/"
	pCEQueue       = "v1/idx/ce/queue/"
	pCEAgency      = "v1/idx/ce/agency/"
	pCESeq         = "v1/meta/ceseq/"
	pCEAgencyPosts = "v1/ce/agency-posts/"
	pCECourse      = "v1/ce/course/"
	pCECourseTitle = "v1/idx/ce/course-title/"
	pCERecord      = "v1/ce/record/"
	pCERecordKey   = "v1/idx/ce/record-key/"
)

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
