package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// 证书发放 (issue 13): the admin's list of passed applications still without a
// certificate, and issuing all of them in one action.

// IssueFilter narrows the list of applications waiting for a certificate. Empty fields
// mean every agency or post; Page counts from 1.
type IssueFilter struct {
	AgencyID string
	PostCode string
	// SessionID keeps the candidates of one exam session (考试批次): 发证 for a whole
	// session.
	SessionID string
	Page      int
}

// IssueRow is one passed application waiting for its certificate.
type IssueRow struct {
	AppID, Number, Name, PostCode, AgencyID, AgencyName string
	PassedAt                                            time.Time // the last change: when the result was confirmed
}

// IssuePage is one page of the list with the total the filter matches and the digest of
// the whole list (which applications, in which order), which "issue all" checks.
type IssuePage struct {
	Rows   []IssueRow
	Total  int
	Page   int
	Pages  int
	Digest string
}

// IssuePageSize is how many applications a page of the list shows.
const IssuePageSize = 50

// issueBatch is how many certificates one transaction of IssueCertificates writes: few
// enough to stay far below Badger's transaction limit, many enough that 5,000 take
// seconds, not minutes (one synced commit per batch).
const issueBatch = 50

// IssuableApplications lists the passed (考试合格) applications that have no certificate
// yet, oldest result first, one page at a time (管理员 only).
//
// It reads every agency's list index (the summaries carry the status), so it costs one
// pass over the applications the agencies received; a status index would make it cheaper
// for very large stores.
func (s *Store) IssuableApplications(viewer domain.User, f IssueFilter) (IssuePage, error) {
	if viewer.Role != domain.RoleAdmin {
		return IssuePage{}, errNotFound
	}
	var rows []IssueRow
	err := s.view(func(txn *badger.Txn) error {
		var err error
		rows, err = issuableRows(txn, f)
		return err
	})
	if err != nil {
		return IssuePage{}, err
	}
	p := IssuePage{Total: len(rows), Pages: max(1, (len(rows)+IssuePageSize-1)/IssuePageSize), Digest: issueDigest(rows)}
	p.Page = min(max(f.Page, 1), p.Pages)
	from := (p.Page - 1) * IssuePageSize
	p.Rows = rows[from:min(from+IssuePageSize, len(rows))]
	return p, nil
}

// issuableRows is every application the filter matches, in list order.
func issuableRows(txn *badger.Txn, f IssueFilter) ([]IssueRow, error) {
	var agencies []domain.Agency
	err := scanJSON(txn, agencyPrefix(), false, 0, func(r *agencyRec) {
		if f.AgencyID == "" || r.ID == f.AgencyID {
			agencies = append(agencies, r.Agency)
		}
	})
	if err != nil {
		return nil, err
	}
	var inSession map[string]bool
	if f.SessionID != "" {
		sess, err := loadExam(txn, f.SessionID)
		if err != nil && err != errNotFound {
			return nil, err
		}
		inSession = make(map[string]bool, len(sess.Candidates))
		for _, c := range sess.Candidates {
			inSession[c.AppID] = true
		}
	}
	var rows []IssueRow
	for _, ag := range agencies {
		err := scanJSON(txn, appAgencyPrefix(ag.ID), false, 0, func(sm *appSummary) {
			if sm.Status == domain.AppPassed && (f.PostCode == "" || sm.PostCode == f.PostCode) && (inSession == nil || inSession[sm.ID]) {
				rows = append(rows, IssueRow{AppID: sm.ID, Number: sm.Number, Name: sm.Name, PostCode: sm.PostCode,
					AgencyID: ag.ID, AgencyName: ag.Name, PassedAt: sm.UpdatedAt})
			}
		})
		if err != nil {
			return nil, err
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if !rows[i].PassedAt.Equal(rows[j].PassedAt) {
			return rows[i].PassedAt.Before(rows[j].PassedAt)
		}
		return rows[i].Number < rows[j].Number
	})
	return rows, nil
}

// issueDigest names a list by its applications: two lists of the same length with
// different people differ.
func issueDigest(rows []IssueRow) string {
	h := sha256.New()
	for _, r := range rows {
		h.Write([]byte(r.AppID + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// IssueReport says what one "issue all" action did.
type IssueReport struct {
	Issued      int
	First, Last string   // the first and last certificate numbers issued (in issue order)
	Skipped     []string // why an application of the list got no certificate (issued meanwhile, …)
}

// IssueCertificates issues a certificate to every application the filter lists (管理员
// only). expect and digest are the size and the digest (IssuePage.Digest) of the list the
// admin saw; when the list has changed since, nothing is issued and the answer says so, so
// an action never covers people the admin did not see. An empty digest is not checked.
// Certificates are written a batch per transaction, each exactly as IssueCertificate
// writes one (number, application, audit entry, mail), so a failure leaves whole
// certificates only; an application that stopped being issuable meanwhile is skipped with
// the reason.
func (s *Store) IssueCertificates(actor domain.User, f IssueFilter, expect int, digest string, now time.Time) (IssueReport, error) {
	if actor.Role != domain.RoleAdmin {
		return IssueReport{}, errNotFound
	}
	var rows []IssueRow
	if err := s.view(func(txn *badger.Txn) error {
		var err error
		rows, err = issuableRows(txn, f)
		return err
	}); err != nil {
		return IssueReport{}, err
	}
	if len(rows) == 0 {
		return IssueReport{}, domain.Err(domain.CodeConflict, "没有待发证的报名：符合条件的报名都已发证，或成绩还没有确认")
	}
	if expect >= 0 && len(rows) != expect {
		return IssueReport{}, domain.Err(domain.CodeConflict, fmt.Sprintf(
			"待发证名单已经变化：您看到的是 %d 人，现在是 %d 人。没有发放任何证书，请核对名单后再操作", expect, len(rows)))
	}
	if digest != "" && digest != issueDigest(rows) {
		return IssueReport{}, domain.Err(domain.CodeConflict,
			"待发证名单中的人员已经变化（人数相同，但有人已发证、有人新近合格）。没有发放任何证书，请核对名单后再操作")
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.AppID
	}
	var rep IssueReport
	agencies := map[string]bool{}
	err := s.issueChunks(actor, ids, now, &rep, agencies)
	for ag := range agencies {
		s.Events.Publish(ag, domain.QueueApps)
	}
	return rep, err
}

// issueChunks issues ids a batch per transaction; a batch too big for one transaction is
// split in two.
func (s *Store) issueChunks(actor domain.User, ids []string, now time.Time, rep *IssueReport, agencies map[string]bool) error {
	for len(ids) > 0 {
		n := min(issueBatch, len(ids))
		if err := s.issueBatch(actor, ids[:n], now, rep, agencies); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func (s *Store) issueBatch(actor domain.User, ids []string, now time.Time, rep *IssueReport, agencies map[string]bool) error {
	var issued []domain.Certificate
	var skipped []string
	var touched []string
	err := s.update(func(txn *badger.Txn) error {
		issued, skipped, touched = issued[:0], skipped[:0], touched[:0] // a retried attempt starts over
		for _, id := range ids {
			a, c, err := issueIn(txn, actor, id, now)
			if domain.CodeOf(err) == domain.CodeConflict {
				skipped = append(skipped, domain.MessageOf(err))
				continue
			}
			if err != nil {
				return err
			}
			issued, touched = append(issued, c), append(touched, a.AgencyID)
		}
		return nil
	})
	if errors.Is(err, badger.ErrTxnTooBig) && len(ids) > 1 {
		if err := s.issueBatch(actor, ids[:len(ids)/2], now, rep, agencies); err != nil {
			return err
		}
		return s.issueBatch(actor, ids[len(ids)/2:], now, rep, agencies)
	}
	if err != nil {
		return err
	}
	for i, c := range issued {
		if rep.Issued == 0 {
			rep.First = c.Number
		}
		rep.Issued, rep.Last = rep.Issued+1, c.Number
		agencies[touched[i]] = true
	}
	rep.Skipped = append(rep.Skipped, skipped...)
	return nil
}
