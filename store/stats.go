package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// Statistics (统计, issue 12). Counting a province's million applications record by record
// on every page view would decode every record; instead every change of an application's,
// an enrolment's or a certificate's status moves one counter (keys.go, "Statistics") in
// the same transaction as the record, and the page reads the counters. Applications and
// enrolments change through wizardRecords.save and their delete use cases (statsApp,
// statsEnrol), certificates through putNewCert (statsCert): every writer of those records
// must move the counters in its transaction, or the counts drift from the records. Data
// written before the counters existed is counted once when the store opens
// (rebuildStats, a migration).

// migStats is the migration that builds the counters from existing records.
const migStats = "stats-v2" // v2: application counters carry the exam session of a result

// appCounter is the counter an application adds to; drafts (and deleted applications,
// passed as the zero value) are not counted.
func appCounter(a domain.Application) []byte {
	if a.Status == "" || a.Status == domain.AppDraft {
		return nil
	}
	r, _ := a.ConfirmedResult()
	session := ""
	if r != "" && a.Exam != nil {
		session = a.Exam.SessionID
	}
	return statsAppKey(a.AgencyID, a.CityCode, a.PostCode, string(a.Status), string(r), session)
}

// enrolCounter is the counter an enrolment adds to; drafts are not counted.
func enrolCounter(e domain.Enrolment) []byte {
	if e.Status == "" || e.Status == domain.EnrolDraft {
		return nil
	}
	return statsCEKey(e.AgencyID, e.CityCode, e.PostCode, string(e.Status))
}

// certCounter is the counter a certificate adds to: its stored status and printed expiry,
// from which the page derives the status at the day it is read. The zero certificate
// (none: before a write that creates one, after a delete) adds to none.
func certCounter(c domain.Certificate) []byte {
	if c.ID == "" && c.Number == "" {
		return nil
	}
	until := ""
	if !c.ValidUntil.IsZero() {
		until = c.ValidUntil.Format("20060102")
	}
	return statsCertKey(c.PostCode, string(c.Status), until, c.AgencyName)
}

// statsApp moves an application's count from where old stood to where a stands.
func statsApp(txn *badger.Txn, old, a domain.Application) error {
	if k, name := sessionLabel(a); k != nil {
		if err := txn.Set(k, name); err != nil {
			return err
		}
	}
	return moveCounter(txn, appCounter(old), appCounter(a))
}

// statsCert moves a certificate's count from where old stood to where c stands. Every
// writer of certificate records calls it in its transaction: creating one (old is the
// zero value), changing its status, expiry, post or agency, or deleting it (c is zero).
func statsCert(txn *badger.Txn, old, c domain.Certificate) error {
	return moveCounter(txn, certCounter(old), certCounter(c))
}

// statsEnrol moves an enrolment's count and keeps its learning-hours summary.
func statsEnrol(txn *badger.Txn, old, e domain.Enrolment) error {
	if err := moveCounter(txn, enrolCounter(old), enrolCounter(e)); err != nil {
		return err
	}
	return syncCEHours(txn, old, e)
}

// moveCounter takes one from counter from and adds one to counter to (nil: none).
func moveCounter(txn *badger.Txn, from, to []byte) error {
	if bytes.Equal(from, to) {
		return nil
	}
	if from != nil {
		if err := addCount(txn, from, -1); err != nil {
			return err
		}
	}
	if to != nil {
		return addCount(txn, to, 1)
	}
	return nil
}

// addCount adds d to the counter at k; a counter that reaches zero is deleted, so the
// page reads only counters with something in them.
func addCount(txn *badger.Txn, k []byte, d int64) error {
	n, err := readCount(txn, k)
	if err != nil {
		return err
	}
	if n += d; n <= 0 {
		return txn.Delete(k)
	}
	return txn.Set(k, countBytes(n))
}

func readCount(txn *badger.Txn, k []byte) (int64, error) {
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var n int64
	err = item.Value(func(b []byte) error {
		n = countOf(b)
		return nil
	})
	return n, err
}

func countBytes(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

func countOf(b []byte) int64 {
	if len(b) != 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(b))
}

// syncCEHours keeps the learning-hours summary of an enrolment that takes learning: the
// hours recorded in its cycle, recomputed from the certificate's records (the records of
// this transaction included) whenever the enrolment is saved, which every recording does.
func syncCEHours(txn *badger.Txn, old, e domain.Enrolment) error {
	var from, to []byte
	if old.Status.Learning() {
		from = statsCEHoursKey(old.Cycle.End, old.ID)
	}
	if e.Status.Learning() {
		to = statsCEHoursKey(e.Cycle.End, e.ID)
	}
	if from != nil && !bytes.Equal(from, to) {
		if err := txn.Delete(from); err != nil {
			return err
		}
	}
	if to == nil {
		return nil
	}
	v, err := ceHoursValue(txn, e)
	if err != nil {
		return err
	}
	return txn.Set(to, v)
}

// ceHoursValue is the summary of e: cycle start, hours, professional hours, agency, post.
func ceHoursValue(txn *badger.Txn, e domain.Enrolment) ([]byte, error) {
	records, err := recordsOfCert(txn, e.CertID)
	if err != nil {
		return nil, err
	}
	p := domain.Progress(e.Cycle, records, domain.DefaultCESettings(), time.Time{})
	return []byte(e.Cycle.Start.Format("20060102") + "/" + strconv.Itoa(int(p.Total)) + "/" +
		strconv.Itoa(int(p.Professional)) + "/" + statsPart(e.AgencyID) + "/" + statsPart(e.PostCode)), nil
}

// parseCEHours reads a summary back; ok is false for a damaged one.
func parseCEHours(k, v []byte) (domain.CycleHours, bool) {
	end, err1 := time.Parse("20060102", string(bytes.SplitN(bytes.TrimPrefix(k, []byte(pStatsCEHours)), []byte("/"), 2)[0]))
	parts := strings.Split(string(v), "/")
	if err1 != nil || len(parts) != 5 {
		return domain.CycleHours{}, false
	}
	start, err2 := time.Parse("20060102", parts[0])
	total, err3 := strconv.Atoi(parts[1])
	prof, err4 := strconv.Atoi(parts[2])
	if err2 != nil || err3 != nil || err4 != nil {
		return domain.CycleHours{}, false
	}
	return domain.CycleHours{Agency: readPart(parts[3]), Post: readPart(parts[4]),
		Cycle: domain.Cycle{Start: start, End: end}, Total: domain.HalfHours(total), Professional: domain.HalfHours(prof)}, true
}

// StatsData is what the statistics page is built from: every counter (certificates with
// their status as of the day read and their agency matched by name), the learning hours
// of the cycles running that day, the continuing-education rules, and the agencies.
type StatsData struct {
	Cells    []domain.StatsCell
	Hours    []domain.CycleHours
	Settings domain.CESettings
	Agencies []domain.Agency
}

// Stats reads the statistics at now in one consistent view: counters and summaries only,
// never a whole record.
func (s *Store) Stats(viewer domain.User, now time.Time) (StatsData, error) {
	if viewer.Role != domain.RoleAdmin {
		return StatsData{}, errNotFound
	}
	var d StatsData
	err := s.view(func(txn *badger.Txn) error {
		var err error
		d, err = readStats(txn, now)
		return err
	})
	return d, err
}

// StatsExport is an admin's export of the statistics: what was asked for (in words, for
// the audit entry) and when.
type StatsExport struct {
	What string
	At   time.Time
}

// ExportStats reads the statistics like Stats and records the export in the audit log in
// the same transaction.
func (s *Store) ExportStats(viewer domain.User, x StatsExport) (StatsData, error) {
	if viewer.Role != domain.RoleAdmin {
		return StatsData{}, errNotFound
	}
	var d StatsData
	err := s.update(func(txn *badger.Txn) error {
		var err error
		if d, err = readStats(txn, x.At); err != nil {
			return err
		}
		return writeAudit(txn, domain.AuditEntry{At: x.At, ActorID: viewer.ID, Actor: viewer.AuditName(),
			Action: domain.AuditStatsExport, Detail: x.What})
	})
	return d, err
}

func readStats(txn *badger.Txn, now time.Time) (StatsData, error) {
	var d StatsData
	var err error
	if d.Settings, err = ceSettings(txn); err != nil {
		return d, err
	}
	err = scanJSON(txn, agencyPrefix(), false, 0, func(r *agencyRec) { d.Agencies = append(d.Agencies, r.Agency) })
	if err != nil {
		return d, err
	}
	if err := readCounters(txn, &d, now); err != nil {
		return d, err
	}
	today := domain.ChinaDay(now)
	err = scanItems(txn, span{prefix: []byte(pStatsCEHours), after: statsCEHoursFrom(today)}, func(item *badger.Item) (bool, error) {
		return true, item.Value(func(v []byte) error {
			if h, ok := parseCEHours(item.Key(), v); ok {
				d.Hours = append(d.Hours, h)
			}
			return nil
		})
	})
	return d, err
}

// readCounters turns the three counter families into cells. A certificate's cell takes
// the status it has at now (an expired printed date is 失效; a stored 继续教育未达标 is
// recomputed from learning, which the compliance table shows, so it counts as 有效) and
// the agency whose name it carries, with that agency's city; a name no agency has stays
// a name ("name:" + name) without a city.
func readCounters(txn *badger.Txn, d *StatsData, now time.Time) error {
	byName := map[string]domain.Agency{}
	for _, a := range d.Agencies {
		byName[a.Name] = a
	}
	certs := map[domain.StatsCell]int{}
	sessions, err := examSessionLabels(txn)
	if err != nil {
		return err
	}
	// Counter values are 8 bytes, kept in the LSM tree beside their keys: reading them
	// without the iterator's prefetching halves the time of a page.
	for _, fam := range []struct {
		prefix string
		parts  int
	}{{pStatsApp, 6}, {pStatsCE, 4}, {pStatsCert, 4}} {
		err := scanItems(txn, span{prefix: []byte(fam.prefix)}, func(item *badger.Item) (bool, error) {
			var n int64
			_ = item.Value(func(b []byte) error { n = countOf(b); return nil })
			p, ok := parseStatsKey(item.Key(), fam.prefix, fam.parts)
			switch {
			case !ok:
			case fam.prefix == pStatsApp:
				d.Cells = append(d.Cells, domain.StatsCell{Kind: domain.StatsApps, Agency: p[0], City: p[1], Post: p[2],
					Status: p[3], Result: domain.ExamResult(p[4]), Session: sessions.label(p[5]), N: int(n)})
			case fam.prefix == pStatsCE:
				d.Cells = append(d.Cells, domain.StatsCell{Kind: domain.StatsCE, Agency: p[0], City: p[1], Post: p[2], Status: p[3], N: int(n)})
			default:
				certs[certCell(p, byName, now)] += int(n)
			}
			return true, nil
		})
		if err != nil {
			return err
		}
	}
	for c, n := range certs {
		c.N = n
		d.Cells = append(d.Cells, c)
	}
	return nil
}

// certCell is the cell (without its count) of a certificate counter's parts: post,
// stored status, printed expiry, agency name.
func certCell(p []string, byName map[string]domain.Agency, now time.Time) domain.StatsCell {
	c := domain.Certificate{PostCode: p[0], Status: domain.CertificateStatus(p[1])}
	if p[2] != "" {
		c.ValidUntil, _ = time.Parse("20060102", p[2])
	}
	st := c.EffectiveStatus(now)
	if st == domain.CertCENotMet {
		st = domain.CertValid
	}
	cell := domain.StatsCell{Kind: domain.StatsCerts, Post: p[0], Status: string(st)}
	if a, ok := byName[p[3]]; ok {
		cell.Agency, cell.City = a.ID, a.CityCode
	} else if p[3] != "" {
		cell.Agency = "name:" + p[3]
	}
	return cell
}

// sessionLabels name exam sessions by their ID for the pass rates per session.
type sessionLabels map[string]string

func (l sessionLabels) label(id string) string {
	if id == "" {
		return ""
	}
	if name, ok := l[id]; ok {
		return name
	}
	return id
}

// sessionLabel is the label key of the exam session of an application's confirmed result
// (nil when it has none) with the session's name as scheduled: the pass rates per session
// name sessions without reading the sessions, which hold every candidate.
func sessionLabel(a domain.Application) (k, name []byte) {
	if a.Exam == nil || a.Exam.SessionID == "" {
		return nil, nil
	}
	if r, _ := a.ConfirmedResult(); r == "" {
		return nil, nil
	}
	return statsSessionKey(a.Exam.SessionID), []byte(a.Exam.Session)
}

// examSessionLabels reads the names of the sessions that have confirmed results.
func examSessionLabels(txn *badger.Txn) (sessionLabels, error) {
	out := sessionLabels{}
	prefix := []byte(pStatsSession)
	err := scanItems(txn, span{prefix: prefix}, func(item *badger.Item) (bool, error) {
		id := string(item.Key()[len(prefix):])
		return true, item.Value(func(v []byte) error {
			if len(v) > 0 {
				out[id] = string(v)
			}
			return nil
		})
	})
	return out, err
}
