package store

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// 目录与规则设置 (issue 12): the province's rules as data, each group saved by an admin
// in one transaction with its history entry and its audit entry. Every group has a
// revision: a save names the revision its form showed, so an admin who saves over a
// change made a moment ago by someone else is told instead of silently winning.

// SettingsRev is where a group of settings stands: its revision (0 while the defaults
// are in force) and who changed it last, when.
type SettingsRev struct {
	Rev   int       `json:",omitempty"`
	At    time.Time `json:",omitempty"`
	Actor string    `json:",omitempty"`
}

// examSettingsRec and certSettingsRec are the stored pass marks and certificate settings
// (V1). ceSettingsRec (ce_settings.go) carries the same SettingsRev since V2; its V1
// records have none and read as revision 0.
type examSettingsRec struct {
	V int
	domain.ExamSettings
	SettingsRev
}

type certSettingsRec struct {
	V int
	domain.CertSettings
	SettingsRev
}

// settingsHistRec is one history entry as stored.
type settingsHistRec struct {
	V int
	domain.SettingsChange
}

// errNotAdmin refuses a settings change by anyone but an admin; the routes already
// refuse them, the store does not rely on it.
var errNotAdmin = domain.Err(domain.CodeForbidden, "只有管理员可以修改目录与规则设置")

// checkRev refuses a save made from a form that showed an older revision.
func checkRev(kind domain.SettingsKind, stored SettingsRev, rev int) error {
	if stored.Rev == rev {
		return nil
	}
	when := ""
	if !stored.At.IsZero() {
		when = "于" + stored.At.In(chinaTZ).Format("2006-01-02 15:04")
	}
	return domain.Err(domain.CodeConflict, "“"+kind.Label()+"”刚被"+orSomeone(stored.Actor)+when+
		"修改过，表单中显示的是您填写的值。请对照修改记录核对后重新保存")
}

// recordSettingsChange writes the history entry and the audit entry of a change and
// returns the group's new revision.
func recordSettingsChange(txn *badger.Txn, kind domain.SettingsKind, action domain.AuditAction, actor domain.User, prev SettingsRev, detail string, now time.Time) (SettingsRev, error) {
	ch := domain.SettingsChange{Kind: kind, At: now, ActorID: actor.ID, Actor: actor.AuditName(), Detail: detail}
	if err := putJSON(txn, settingsHistKey(string(kind), now, newID()[:8]), settingsHistRec{V: 1, SettingsChange: ch}); err != nil {
		return prev, err
	}
	if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(),
		Action: action, Object: kind.Label(), Detail: detail}); err != nil {
		return prev, err
	}
	return SettingsRev{Rev: prev.Rev + 1, At: now, Actor: actor.AuditName()}, nil
}

// SettingsHistory returns the changes of a group, newest first, at most limit.
func (s *Store) SettingsHistory(kind domain.SettingsKind, limit int) ([]domain.SettingsChange, error) {
	var out []domain.SettingsChange
	err := s.view(func(txn *badger.Txn) error {
		return scanJSON(txn, settingsHistPrefix(string(kind)), true, limit, func(r *settingsHistRec) {
			out = append(out, r.SettingsChange)
		})
	})
	return out, err
}

// noChange is the message for a save that changes nothing: no history entry is written.
var noChange = domain.Err(domain.CodeInvalid, "没有修改任何内容，无需保存")

// --- continuing-education rules -------------------------------------------------------

// CESettingsRev returns the continuing-education rules in force with their revision.
func (s *Store) CESettingsRev() (domain.CESettings, SettingsRev, error) {
	var r ceSettingsRec
	err := s.view(func(txn *badger.Txn) error {
		var err error
		r, err = ceSettingsRecIn(txn)
		return err
	})
	return r.CESettings, r.SettingsRev, err
}

// SaveCESettings replaces the continuing-education rules (管理员), recording who and when
// and what changed. rev is the revision the admin's form showed.
func (s *Store) SaveCESettings(actor domain.User, cs domain.CESettings, rev int, now time.Time) (domain.CESettings, error) {
	return cs, saveSettings(s, ceSettingsGroup, actor, cs, rev, now)
}

// settingsGroup is one group of settings as the generic save (saveSettings) handles it:
// where it is read and written, how it is checked and how a change reads.
type settingsGroup[T any] struct {
	kind     domain.SettingsKind
	action   domain.AuditAction
	validate func(T) error
	changes  func(old, cur T) string
	load     func(txn *badger.Txn) (T, SettingsRev, error)
	put      func(txn *badger.Txn, v T, r SettingsRev) error
}

// saveSettings is the use case of every settings group: an admin replaces the group's
// values after they were checked, on the revision the form showed, with the history and
// audit entries of what changed, in one transaction; a save that changes nothing is
// refused and leaves no trace.
func saveSettings[T any](s *Store, g settingsGroup[T], actor domain.User, v T, rev int, now time.Time) error {
	if actor.Role != domain.RoleAdmin {
		return errNotAdmin
	}
	if err := g.validate(v); err != nil {
		return err
	}
	return s.update(func(txn *badger.Txn) error {
		old, stored, err := g.load(txn)
		if err != nil {
			return err
		}
		if err := checkRev(g.kind, stored, rev); err != nil {
			return err
		}
		detail := g.changes(old, v)
		if detail == "" {
			return noChange
		}
		r, err := recordSettingsChange(txn, g.kind, g.action, actor, stored, detail, now)
		if err != nil {
			return err
		}
		return g.put(txn, v, r)
	})
}

var ceSettingsGroup = settingsGroup[domain.CESettings]{
	kind: domain.SettingsCE, action: domain.AuditSettingsCE, validate: domain.CESettings.Validate, changes: domain.CEChanges,
	load: func(txn *badger.Txn) (domain.CESettings, SettingsRev, error) {
		r, err := ceSettingsRecIn(txn)
		return r.CESettings, r.SettingsRev, err
	},
	put: func(txn *badger.Txn, v domain.CESettings, r SettingsRev) error {
		return putJSON(txn, ceSettingsKey(), ceSettingsRec{V: 2, CESettings: v, SettingsRev: r})
	},
}

// --- exam pass marks ------------------------------------------------------------------

func examSettingsIn(txn *badger.Txn) (examSettingsRec, error) {
	var r examSettingsRec
	err := getJSON(txn, examSettingsKey(), &r)
	if err == errNotFound {
		return examSettingsRec{ExamSettings: domain.DefaultExamSettings()}, nil
	}
	return r, err
}

// ExamSettings returns the pass marks in force with their revision.
func (s *Store) ExamSettings() (domain.ExamSettings, SettingsRev, error) {
	var r examSettingsRec
	err := s.view(func(txn *badger.Txn) (err error) { r, err = examSettingsIn(txn); return err })
	return r.ExamSettings, r.SettingsRev, err
}

// SaveExamSettings replaces the pass marks (管理员).
func (s *Store) SaveExamSettings(actor domain.User, es domain.ExamSettings, rev int, now time.Time) (domain.ExamSettings, error) {
	return es, saveSettings(s, examSettingsGroup, actor, es, rev, now)
}

var examSettingsGroup = settingsGroup[domain.ExamSettings]{
	kind: domain.SettingsExam, action: domain.AuditSettingsExam, validate: domain.ExamSettings.Validate, changes: domain.ExamChanges,
	load: func(txn *badger.Txn) (domain.ExamSettings, SettingsRev, error) {
		r, err := examSettingsIn(txn)
		return r.ExamSettings, r.SettingsRev, err
	},
	put: func(txn *badger.Txn, v domain.ExamSettings, r SettingsRev) error {
		return putJSON(txn, examSettingsKey(), examSettingsRec{V: 1, ExamSettings: v, SettingsRev: r})
	},
}

// --- 发证单位 and the certificate-number prefix ----------------------------------------

func certSettingsIn(txn *badger.Txn) (certSettingsRec, error) {
	var r certSettingsRec
	err := getJSON(txn, certSettingsKey(), &r)
	if err == errNotFound {
		return certSettingsRec{CertSettings: domain.DefaultCertSettings()}, nil
	}
	return r, err
}

// CertSettings returns the certificate settings in force with their revision.
func (s *Store) CertSettings() (domain.CertSettings, SettingsRev, error) {
	var r certSettingsRec
	err := s.view(func(txn *badger.Txn) (err error) { r, err = certSettingsIn(txn); return err })
	return r.CertSettings, r.SettingsRev, err
}

// SaveCertSettings replaces the 发证单位 and the number prefix of new certificates (管理员);
// certificates already issued keep theirs.
func (s *Store) SaveCertSettings(actor domain.User, cs domain.CertSettings, rev int, now time.Time) (domain.CertSettings, error) {
	cs = cs.Clean()
	return cs, saveSettings(s, certSettingsGroup, actor, cs, rev, now)
}

var certSettingsGroup = settingsGroup[domain.CertSettings]{
	kind: domain.SettingsCert, action: domain.AuditSettingsCert, validate: domain.CertSettings.Validate, changes: domain.CertChanges,
	load: func(txn *badger.Txn) (domain.CertSettings, SettingsRev, error) {
		r, err := certSettingsIn(txn)
		return r.CertSettings, r.SettingsRev, err
	},
	put: func(txn *badger.Txn, v domain.CertSettings, r SettingsRev) error {
		return putJSON(txn, certSettingsKey(), certSettingsRec{V: 1, CertSettings: v, SettingsRev: r})
	},
}
