package store

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// The 告知承诺制告知书 and the 个人报名承诺 as versioned texts (settings.go). The current
// version of each is kept under its kind, and every version ever in force under its
// version, so that a print-out shows the very text its trainee signed.

// textRec is one version of a text as stored (V1).
type textRec struct {
	V int
	domain.VersionedText
}

// textIn reads the text of a kind in force; without a stored one it is the built-in text.
func textIn(txn *badger.Txn, kind domain.TextKind) (domain.VersionedText, error) {
	var r textRec
	err := getJSON(txn, settingsTextKey(string(kind)), &r)
	if err == errNotFound {
		return domain.DefaultText(kind), nil
	}
	return r.VersionedText, err
}

// CurrentText returns the text of a kind in force.
func (s *Store) CurrentText(kind domain.TextKind) (domain.VersionedText, error) {
	var t domain.VersionedText
	err := s.view(func(txn *badger.Txn) (err error) { t, err = textIn(txn, kind); return err })
	return t, err
}

// TextVersion returns one version of a text, the built-in one included; found is false
// for a version that never existed.
func (s *Store) TextVersion(kind domain.TextKind, version string) (t domain.VersionedText, found bool, err error) {
	if d := domain.DefaultText(kind); version == d.Version {
		return d, true, nil
	}
	err = s.view(func(txn *badger.Txn) error {
		var r textRec
		switch err := getJSON(txn, settingsTextVersionKey(string(kind), version), &r); err {
		case nil:
			t, found = r.VersionedText, true
		case errNotFound:
		default:
			return err
		}
		return nil
	})
	return t, found, err
}

// SaveText makes the typed text the new version of a kind (管理员). prev is the version
// the admin's form showed: a text changed meanwhile by someone else is a conflict. An
// unchanged text makes no new version. From now on a trainee who agreed to an older
// 告知书 is asked again before a new application; a new 承诺 is signed in new applications.
func (s *Store) SaveText(actor domain.User, kind domain.TextKind, raw, prev string, now time.Time) (domain.VersionedText, error) {
	if actor.Role != domain.RoleAdmin {
		return domain.VersionedText{}, errNotAdmin
	}
	paras, err := domain.ParseText(kind, raw)
	if err != nil {
		return domain.VersionedText{}, err
	}
	var t domain.VersionedText
	err = s.update(func(txn *badger.Txn) error {
		old, err := textIn(txn, kind)
		if err != nil {
			return err
		}
		sk, action := domain.SettingsNotice, domain.AuditSettingsNotice
		if kind == domain.TextPledge {
			sk, action = domain.SettingsPledge, domain.AuditSettingsPledge
		}
		if old.Version != prev {
			return domain.Err(domain.CodeConflict, "“"+kind.Label()+"”刚被"+orSomeone(old.Actor)+"修改为版本 "+old.Version+
				"。请查看下方的修改记录，核对后重新保存")
		}
		if domain.SameParagraphs(old.Paragraphs, paras) {
			return noChange
		}
		t = domain.VersionedText{Kind: kind, Version: domain.NextTextVersion(old.Version, now), Paragraphs: paras,
			At: now, ActorID: actor.ID, Actor: actor.AuditName()}
		for { // a version taken already (an earlier save of the same day): the next one
			taken, err := exists(txn, settingsTextVersionKey(string(kind), t.Version))
			if err != nil {
				return err
			}
			if !taken {
				break
			}
			t.Version = domain.NextTextVersion(t.Version, now)
		}
		if _, err := recordSettingsChange(txn, sk, action, actor, SettingsRev{}, "版本 "+old.Version+" → "+t.Version, now); err != nil {
			return err
		}
		rec := textRec{V: 1, VersionedText: t}
		if err := putJSON(txn, settingsTextVersionKey(string(kind), t.Version), rec); err != nil {
			return err
		}
		return putJSON(txn, settingsTextKey(string(kind)), rec)
	})
	return t, err
}

func orSomeone(name string) string {
	if name == "" {
		return "其他管理员"
	}
	return name
}
