package store

import (
	"cmp"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// 账号管理 (issue 12): the admin's staff-account use cases. Each is one transaction that
// reads the account as it is, writes the record (and the login index when it is new), the
// activation link and its mail when there is one, and the audit entry with what changed.
// Every change that can end or make an active admin rewrites the staff roster key, which
// the last-admin check reads, so two concurrent disables cannot both pass it.

// StaffFilter narrows the account list; empty fields match everything.
type StaffFilter struct {
	AgencyID string
	Role     domain.Role
}

// StaffAccounts lists the staff accounts that match f: admins first, then by agency and
// username. Staff are few (a province has hundreds), so the list reads them all.
func (s *Store) StaffAccounts(f StaffFilter) ([]domain.User, error) {
	var out []domain.User
	err := s.view(func(txn *badger.Txn) error {
		all, err := allStaff(txn)
		for _, u := range all {
			if (f.Role == "" || u.Role == f.Role) && (f.AgencyID == "" || u.AgencyID == f.AgencyID) {
				out = append(out, u)
			}
		}
		return err
	})
	slices.SortFunc(out, func(a, b domain.User) int {
		if a.Role != b.Role {
			if a.Role == domain.RoleAdmin {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.AgencyID, b.AgencyID), cmp.Compare(a.Username, b.Username))
	})
	return out, err
}

// allStaff loads every account of the login index.
func allStaff(txn *badger.Txn) ([]domain.User, error) {
	var ids []string
	err := scanItems(txn, span{prefix: userLoginPrefix(), values: true}, func(item *badger.Item) (bool, error) {
		v, err := item.ValueCopy(nil)
		ids = append(ids, string(v))
		return true, err
	})
	if err != nil {
		return nil, err
	}
	out := make([]domain.User, 0, len(ids))
	for _, id := range ids {
		u, err := loadUser(txn, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// StaffAccount returns one staff account; a trainee's or unknown ID is not found.
func (s *Store) StaffAccount(id string) (domain.User, error) {
	var u domain.User
	err := s.view(func(txn *badger.Txn) error {
		var err error
		u, err = loadStaff(txn, id)
		return err
	})
	return u, err
}

func loadStaff(txn *badger.Txn, id string) (domain.User, error) {
	u, err := loadUser(txn, id)
	if err == nil && u.Role == domain.RoleTrainee {
		return domain.User{}, errNotFound
	}
	return u, err
}

// CreateStaffAccount creates a reviewer or admin account from the admin's form, without a
// password: the new holder gets an activation link by mail (valid domain.ActivationTTL)
// and sets it. A username already taken is a field error; a reviewer's agency must exist.
func (s *Store) CreateStaffAccount(actor domain.User, cmd domain.CreateStaffCmd, tok Token, now time.Time) (domain.User, error) {
	u, err := cmd.Validate()
	if err != nil {
		return domain.User{}, err
	}
	u.ID, u.CreatedAt, u.UpdatedAt = newID(), now, now
	err = s.update(func(txn *badger.Txn) error {
		if u.AgencyID != "" {
			if _, ok := agencyIn(txn, u.AgencyID); !ok {
				return domain.FieldErrors{"agency": "请从列表中选择培训机构"}
			}
		}
		taken, err := exists(txn, userLoginKey(u.Username))
		if err != nil {
			return err
		}
		if taken {
			return domain.UsernameTaken()
		}
		if err := putJSON(txn, userKey(u.ID), userRec{V: 1, User: u}); err != nil {
			return err
		}
		if err := txn.Set(userLoginKey(u.Username), []byte(u.ID)); err != nil {
			return err
		}
		if err := sendActivation(txn, u, tok, now); err != nil {
			return err
		}
		return writeAudit(txn, staffAudit(actor, domain.AuditAccountCreate, u, domain.StaffSummary(u, agencyNamer(txn)), now))
	})
	return u, err
}

// sendActivation issues an activation link for u and records its mail.
func sendActivation(txn *badger.Txn, u domain.User, tok Token, now time.Time) error {
	if err := issueLink(txn, ActivationLink, u, tok, domain.ActivationTTL, now); err != nil {
		return err
	}
	return notify(txn, domain.Notification{Kind: domain.NotifyStaffActivation, UserID: u.ID, Token: tok.Raw}, u.Email, now)
}

// ResendActivation sends a new activation link to an account that is still waiting for
// activation; the earlier link dies (the epoch rises).
func (s *Store) ResendActivation(actor domain.User, id string, tok Token, now time.Time) (domain.User, error) {
	return s.modifyStaff(actor, id, domain.AuditAccountResend, now, func(txn *badger.Txn, u *domain.User) error {
		switch u.State() {
		case domain.AccountDisabled:
			return domain.Err(domain.CodeConflict, "这个账号已停用，不能发送激活邮件。请先恢复账号。")
		case domain.AccountActive:
			return domain.Err(domain.CodeConflict, "这个账号已经激活，无需再发送激活邮件。忘记密码请由本人使用“忘记密码”，或联系管理员。")
		}
		u.SessionEpoch++
		return sendActivation(txn, *u, tok, now)
	})
}

// SetStaffDisabled disables an account (its sessions end at once: the epoch rises, which
// also kills its reset and activation links) or re-enables it. The last active admin
// cannot be disabled.
func (s *Store) SetStaffDisabled(actor domain.User, id string, disabled bool, now time.Time) (domain.User, error) {
	action := domain.AuditAccountEnable
	if disabled {
		action = domain.AuditAccountDisable
	}
	return s.modifyStaff(actor, id, action, now, func(txn *badger.Txn, u *domain.User) error {
		if u.Disabled == disabled {
			return errUnchanged
		}
		if err := touchRoster(txn); err != nil {
			return err
		}
		if disabled && u.ActiveAdmin() {
			n, err := activeAdmins(txn)
			if err != nil {
				return err
			}
			if n <= 1 {
				return domain.ErrLastAdmin
			}
		}
		u.Disabled = disabled
		if disabled {
			u.SessionEpoch++
		}
		return nil
	})
}

// MoveReviewer moves a reviewer to another agency. Reviewers' access is read from their
// account on every request, so it follows at once: the old agency's queues and items are
// closed to them from the next request on.
func (s *Store) MoveReviewer(actor domain.User, id, agencyID string, now time.Time) (domain.User, error) {
	return s.modifyStaff(actor, id, domain.AuditAccountMove, now, func(txn *badger.Txn, u *domain.User) error {
		if u.Role != domain.RoleReviewer {
			return domain.Err(domain.CodeConflict, "只有培训机构审核员属于某个培训机构，管理员不需要调整。")
		}
		if _, ok := agencyIn(txn, agencyID); !ok {
			return domain.FieldErrors{"agency": "请从列表中选择培训机构"}
		}
		if u.AgencyID == agencyID {
			return errUnchanged
		}
		u.AgencyID = agencyID
		return nil
	})
}

// ChangeStaffRole makes a reviewer an admin or an admin a reviewer of agencyID. The
// account's sessions end (a privilege change: the holder signs in again with the new
// role; a pending account keeps its activation link), and the last active admin cannot
// be made a reviewer.
func (s *Store) ChangeStaffRole(actor domain.User, id string, role domain.Role, agencyID string, now time.Time) (domain.User, error) {
	return s.modifyStaff(actor, id, domain.AuditAccountRole, now, func(txn *badger.Txn, u *domain.User) error {
		switch role {
		case domain.RoleAdmin:
			agencyID = ""
		case domain.RoleReviewer:
			if _, ok := agencyIn(txn, agencyID); !ok {
				return domain.FieldErrors{"role_agency": "改为培训机构审核员时，请选择他所属的培训机构"}
			}
		default:
			return domain.FieldErrors{"role": "请选择账号类型：培训机构审核员或管理员"}
		}
		if u.Role == role {
			return errUnchanged
		}
		if err := touchRoster(txn); err != nil {
			return err
		}
		if u.ActiveAdmin() {
			n, err := activeAdmins(txn)
			if err != nil {
				return err
			}
			if n <= 1 {
				return domain.ErrLastAdminRole
			}
		}
		u.Role, u.AgencyID = role, agencyID
		if u.State() != domain.AccountPending { // a pending account has no session, and keeps its link
			u.SessionEpoch++
		}
		return nil
	})
}

// errUnchanged ends a use case that has nothing to do without writing anything.
var errUnchanged = domain.Err(domain.CodeConflict, "unchanged")

// modifyStaff loads a staff account, lets fn change it, and writes it with an audit entry
// saying what changed, in one transaction. fn returning errUnchanged writes nothing and is
// no error (a double-click).
func (s *Store) modifyStaff(actor domain.User, id string, action domain.AuditAction, now time.Time, fn func(txn *badger.Txn, u *domain.User) error) (domain.User, error) {
	var after domain.User
	err := s.update(func(txn *badger.Txn) error {
		before, err := loadStaff(txn, id)
		if err != nil {
			return err
		}
		after = before
		if err := fn(txn, &after); err != nil {
			if err == errUnchanged {
				after = before
				return nil
			}
			return err
		}
		after.UpdatedAt = now
		if err := putJSON(txn, userKey(after.ID), userRec{V: 1, User: after}); err != nil {
			return err
		}
		detail := domain.StaffChanges(before, after, agencyNamer(txn))
		if action == domain.AuditAccountResend {
			detail = "激活链接已重新发送到 " + after.Email + "，之前的链接作废"
		}
		return writeAudit(txn, staffAudit(actor, action, after, detail, now))
	})
	return after, err
}

// touchRoster reads and rewrites the staff roster key, so that transactions that change
// who is an active admin conflict with each other and one of them retries.
func touchRoster(txn *badger.Txn) error {
	if _, err := exists(txn, staffRosterKey()); err != nil {
		return err
	}
	return txn.Set(staffRosterKey(), nil)
}

// activeAdmins counts the admins who can sign in.
func activeAdmins(txn *badger.Txn) (int, error) {
	all, err := allStaff(txn)
	n := 0
	for _, u := range all {
		if u.ActiveAdmin() {
			n++
		}
	}
	return n, err
}

// agencyNamer names agencies for audit details, by ID when one is gone.
func agencyNamer(txn *badger.Txn) func(string) string {
	return func(id string) string {
		if a, ok := agencyIn(txn, id); ok {
			return a.Name
		}
		return id
	}
}

func staffAudit(actor domain.User, action domain.AuditAction, u domain.User, detail string, now time.Time) domain.AuditEntry {
	return domain.AuditEntry{At: now, ActorID: actor.ID, Actor: actor.AuditName(), Action: action, Object: u.ID,
		Detail: u.Name + "（" + u.Username + "）：" + detail}
}
