package store

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// The catalog of posts as data (settings.go): the store keeps the province's overrides
// of the national catalog — posts disabled for new applications and entries added —
// and both wizards read the resulting domain.Catalog in their own transaction.

// catalogRec is the stored overrides (V1).
type catalogRec struct {
	V int
	domain.CatalogOverrides
	SettingsRev
}

func catalogRecIn(txn *badger.Txn) (catalogRec, error) {
	var r catalogRec
	err := getJSON(txn, catalogSettingsKey(), &r)
	if err == errNotFound {
		return catalogRec{}, nil
	}
	return r, err
}

// catalogIn reads the catalog in force inside a transaction.
func catalogIn(txn *badger.Txn) (domain.Catalog, error) {
	r, err := catalogRecIn(txn)
	return r.Catalog(), err
}

// Catalog returns the catalog in force: the national posts with the province's overrides.
func (s *Store) Catalog() (domain.Catalog, error) {
	var c domain.Catalog
	err := s.view(func(txn *badger.Txn) (err error) { c, err = catalogIn(txn); return err })
	return c, err
}

// SetPostEnabled opens or stops new applications for a post (管理员). Applications and
// certificates of a stopped post keep it and still show its name.
func (s *Store) SetPostEnabled(actor domain.User, code string, enabled bool, now time.Time) (domain.Post, error) {
	if actor.Role != domain.RoleAdmin {
		return domain.Post{}, errNotAdmin
	}
	var p domain.Post
	err := s.update(func(txn *badger.Txn) error {
		r, err := catalogRecIn(txn)
		if err != nil {
			return err
		}
		cat := r.Catalog()
		if err := r.SetEnabled(cat, code, enabled); err != nil {
			return err
		}
		p, _ = r.Catalog().ByCode(code)
		if before, _ := cat.ByCode(code); before.Enabled == p.Enabled {
			return nil // already so: nothing to record
		}
		action, detail := domain.AuditCatalogDisable, p.Label()+"（"+code+"）：停止新报名"
		if enabled {
			action, detail = domain.AuditCatalogEnable, p.Label()+"（"+code+"）：开放新报名"
		}
		if r.SettingsRev, err = recordSettingsChange(txn, domain.SettingsCatalog, action, actor, r.SettingsRev, detail, now); err != nil {
			return err
		}
		r.V = 1
		return putJSON(txn, catalogSettingsKey(), r)
	})
	return p, err
}

// AddPost adds an entry to the catalog (管理员), open for new applications.
func (s *Store) AddPost(actor domain.User, in domain.PostInput, now time.Time) (domain.Post, error) {
	if actor.Role != domain.RoleAdmin {
		return domain.Post{}, errNotAdmin
	}
	var p domain.Post
	err := s.update(func(txn *badger.Txn) error {
		r, err := catalogRecIn(txn)
		if err != nil {
			return err
		}
		if p, err = r.AddPost(r.Catalog(), in); err != nil {
			return err
		}
		detail := "新增 " + p.Label() + "（" + p.Code + "）"
		if r.SettingsRev, err = recordSettingsChange(txn, domain.SettingsCatalog, domain.AuditCatalogAdd, actor, r.SettingsRev, detail, now); err != nil {
			return err
		}
		r.V = 1
		return putJSON(txn, catalogSettingsKey(), r)
	})
	return p, err
}
