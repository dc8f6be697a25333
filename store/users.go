package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"sitepro/domain"
)

// userRec is the stored form of a user; V is the record version for later migrations.
type userRec struct {
	V int
	domain.User
}

// tokenRec is a pending one-time token; only the SHA-256 of the raw token is in its key.
// Epoch is the user's SessionEpoch when a reset token was issued: a password change or
// reset raises the epoch, so every reset token issued before it dies in that transaction
// (SECURITY.md 10). A reset request that matched no account writes a record without
// UserID, so that both answers cost the same (SECURITY.md 7); it can never be used.
type tokenRec struct {
	UserID  string
	Email   string
	Expires time.Time
	Epoch   int `json:",omitempty"`
}

// Token kinds.
const (
	TokenReset    = "reset"
	TokenConfirm  = "confirm"
	TokenActivate = "activate"
)

// Token is a fresh 256-bit secret: Raw goes into a link, Hash into the store.
type Token struct{ Raw, Hash string }

// NewToken returns a random URL-safe token and its SHA-256.
func NewToken() Token {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	raw := base64.RawURLEncoding.EncodeToString(b[:])
	return Token{Raw: raw, Hash: HashToken(raw)}
}

// HashToken returns the stored form of a raw token.
func HashToken(raw string) string {
	h := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(h[:])
}

// ErrIDTaken is returned when an ID number is already registered.
var ErrIDTaken = domain.Err(domain.CodeConflict, "该身份证号已注册")

// CreateTrainee registers a trainee, with the e-mail confirmation token and mail, in one
// transaction. The ID number index makes a second registration of the same person fail.
// Imported certificates waiting for this ID number and name join the trainee's 证书信息
// in the same transaction (attachLegacyCerts).
func (s *Store) CreateTrainee(reg domain.Registration, hash string, tok Token, now time.Time) (domain.User, error) {
	u := domain.User{
		ID: newID(), Role: domain.RoleTrainee, IDNumber: reg.ID.Value, Name: reg.Name,
		Mobile: reg.Mobile, Email: reg.Email, PasswordHash: hash, CreatedAt: now, UpdatedAt: now,
	}
	err := s.update(func(txn *badger.Txn) error {
		taken, err := exists(txn, userIDNoKey(u.IDNumber))
		if err != nil {
			return err
		}
		if taken {
			return ErrIDTaken
		}
		if err := putJSON(txn, userKey(u.ID), userRec{V: 1, User: u}); err != nil {
			return err
		}
		if err := txn.Set(userIDNoKey(u.IDNumber), []byte(u.ID)); err != nil {
			return err
		}
		if err := indexUserName(txn, u); err != nil {
			return err
		}
		if err := attachLegacyCerts(txn, u, now); err != nil { // imported certificates waiting for this person
			return err
		}
		if err := putToken(txn, TokenConfirm, tok, tokenRec{UserID: u.ID, Email: u.Email, Expires: now.Add(7 * 24 * time.Hour)}); err != nil {
			return err
		}
		return notify(txn, confirmNotice(u, tok), u.Email, now)
	})
	return u, err
}

// confirmNotice is the confirmation mail of the user's current address.
func confirmNotice(u domain.User, tok Token) domain.Notification {
	return domain.Notification{Kind: domain.NotifyConfirmEmail, UserID: u.ID, Token: tok.Raw}
}

// CreateStaff creates a reviewer or admin account with a unique username and a password
// hash already set: the bootstrap of the first admin (create-admin) and the demo seed. The
// admin's 账号管理 uses CreateStaffAccount (staff.go), where the holder sets the password.
func (s *Store) CreateStaff(u domain.User, now time.Time) (domain.User, error) {
	u.ID, u.CreatedAt, u.UpdatedAt = newID(), now, now
	err := s.update(func(txn *badger.Txn) error {
		taken, err := exists(txn, userLoginKey(u.Username))
		if err != nil {
			return err
		}
		if taken {
			return domain.Err(domain.CodeConflict, "该用户名已存在")
		}
		if err := touchRoster(txn); err != nil { // it may be a new active admin (staff.go)
			return err
		}
		if err := putJSON(txn, userKey(u.ID), userRec{V: 1, User: u}); err != nil {
			return err
		}
		if err := txn.Set(userLoginKey(u.Username), []byte(u.ID)); err != nil {
			return err
		}
		return writeAudit(txn, domain.AuditEntry{At: now, Actor: "系统", Action: domain.AuditAccountCreate, Object: u.ID, Detail: string(u.Role)})
	})
	return u, err
}

// User returns the user with the given id.
func (s *Store) User(id string) (domain.User, error) {
	var r userRec
	err := s.view(func(txn *badger.Txn) error {
		var err error
		r, err = s.users.get(txn, userKey(id)) // decoded once per stored version (memo.go)
		return err
	})
	return r.User, err
}

// UserByLogin finds a user by ID number (trainees) or username (staff). An ID number
// must already be normalised by domain.ParseIDNumber.
func (s *Store) UserByLogin(login string, isIDNumber bool) (domain.User, error) {
	var u domain.User
	err := s.view(func(txn *badger.Txn) error {
		idx := userLoginKey(login)
		if isIDNumber {
			idx = userIDNoKey(login)
		}
		id, err := getString(txn, idx)
		if err != nil {
			return err
		}
		u, err = loadUser(txn, id)
		return err
	})
	return u, err
}

func loadUser(txn *badger.Txn, id string) (domain.User, error) {
	var r userRec
	if err := getJSON(txn, userKey(id), &r); err != nil {
		return domain.User{}, err
	}
	return r.User, nil
}

// modifyUser loads, changes and stores one user in a transaction of its own.
func (s *Store) modifyUser(id string, now time.Time, fn func(txn *badger.Txn, u *domain.User) error) (domain.User, error) {
	var u domain.User
	err := s.update(func(txn *badger.Txn) error {
		var err error
		if u, err = loadUser(txn, id); err != nil {
			return err
		}
		if err := fn(txn, &u); err != nil {
			return err
		}
		u.UpdatedAt = now
		return putJSON(txn, userKey(u.ID), userRec{V: 1, User: u})
	})
	return u, err
}

// UpdateProfile saves the trainee's profile (registration step 2 or 个人信息).
func (s *Store) UpdateProfile(userID string, p domain.Profile, now time.Time) (domain.User, error) {
	return s.SaveProfile(userID, domain.ProfileUpdate{Profile: p}, now)
}

// SaveProfile stores the 个人信息 form in one transaction: the profile and, when given, a
// new mobile number, so the page never saves one half of what was submitted.
func (s *Store) SaveProfile(userID string, upd domain.ProfileUpdate, now time.Time) (domain.User, error) {
	return s.modifyUser(userID, now, func(_ *badger.Txn, u *domain.User) error {
		u.Profile = upd.Profile
		if upd.Mobile != "" {
			u.Mobile = upd.Mobile
		}
		return nil
	})
}

// SetPassword stores a new password hash and ends all sessions of the user by raising
// the session epoch, which also kills every outstanding reset token (see tokenRec).
func (s *Store) SetPassword(userID, hash string, now time.Time) (domain.User, error) {
	return s.modifyUser(userID, now, func(txn *badger.Txn, u *domain.User) error {
		u.PasswordHash = hash
		u.SessionEpoch++
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: u.ID, Actor: u.AuditName(), Action: domain.AuditPasswordSet, Object: u.ID})
	})
}

func putToken(txn *badger.Txn, kind string, tok Token, r tokenRec) error {
	return putJSON(txn, tokenKey(kind, tok.Hash), r)
}

// ErrTokenInvalid is returned for an unknown, used or expired link.
var ErrTokenInvalid = domain.Err(domain.CodeInvalid, "链接已失效或已被使用，请重新申请")

func liveToken(txn *badger.Txn, kind, hash string, now time.Time) (tokenRec, error) {
	var r tokenRec
	err := getJSON(txn, tokenKey(kind, hash), &r)
	if errors.Is(err, errNotFound) || (err == nil && !now.Before(r.Expires)) {
		return r, ErrTokenInvalid
	}
	return r, err
}

// RequestReset creates a reset token and mail when the ID number and e-mail belong to one
// account. It reports whether they did, for the caller's metrics only: the user must see
// the same answer either way, so both paths do the same work (encode the notification,
// commit one synced write); an unknown account gets an unusable token record instead of
// the real one and its mail. Reset records expire from the store after ttl.
func (s *Store) RequestReset(idNumber, email string, tok Token, ttl time.Duration, now time.Time) (bool, error) {
	found := false
	err := s.update(func(txn *badger.Txn) error {
		u, err := resetCandidate(txn, idNumber, email)
		if err != nil {
			return err
		}
		found = u.ID != ""
		if err := issueLink(txn, ResetLink, u, tok, ttl, now); err != nil {
			return err
		}
		m := notification(domain.Notification{Kind: domain.NotifyPasswordReset, UserID: u.ID, Token: tok.Raw}, u.Email)
		if !found {
			_, err := json.Marshal(msgRecord(m)) // the encoding work of enqueue
			return err
		}
		return enqueue(txn, m, now)
	})
	return found, err
}

// resetCandidate returns the account an ID number and e-mail address name together, or a
// user with no ID (and the address typed, for the unused mail) when they name none. A
// disabled account names none: 找回密码 cannot reopen it, and the answer stays the same.
func resetCandidate(txn *badger.Txn, idNumber, email string) (domain.User, error) {
	none := domain.User{Email: email}
	id, err := getString(txn, userIDNoKey(idNumber))
	if errors.Is(err, errNotFound) {
		return none, nil
	}
	if err != nil {
		return none, err
	}
	u, err := loadUser(txn, id)
	if err != nil || !strings.EqualFold(u.Email, email) || u.Disabled {
		return none, err
	}
	return u, nil
}

func putTokenTTL(txn *badger.Txn, kind string, tok Token, r tokenRec, ttl time.Duration) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return txn.SetEntry(badger.NewEntry(tokenKey(kind, tok.Hash), b).WithTTL(ttl))
}

// PasswordLink is a kind of mailed one-time link that lets its holder set the account's
// password: 找回密码 (ResetLink) and the activation of a new staff account
// (ActivationLink). Both follow one set of rules (SECURITY.md 10), implemented once
// below: only the SHA-256 of the token is stored, with a TTL; the record carries the
// user's SessionEpoch when it was issued, so a newer link, a password change or a
// disable (each raises the epoch) kills it; it is deleted when used; a disabled account's
// link does nothing. The kinds differ only in their names and in the message for a dead
// link.
type PasswordLink struct {
	kind    string
	audit   domain.AuditAction
	invalid error
	roster  bool // using it can make an active admin: it rewrites the staff roster key (staff.go)
}

// ErrActivationInvalid is returned for an unknown, used, expired or replaced activation link.
var ErrActivationInvalid = domain.Err(domain.CodeInvalid, "激活链接已失效或已被使用。如果您已经设置过密码，请直接用用户名登录；否则请联系管理员重新发送激活邮件。")

// The password links.
var (
	ResetLink      = PasswordLink{kind: TokenReset, audit: domain.AuditPasswordReset, invalid: ErrTokenInvalid}
	ActivationLink = PasswordLink{kind: TokenActivate, audit: domain.AuditAccountActivate, invalid: ErrActivationInvalid, roster: true}
)

// Invalid is the error of a dead link of this kind.
func (l PasswordLink) Invalid() error { return l.invalid }

// issueLink stores a new link of kind l for u, valid for ttl from now, in the caller's
// transaction; the caller raised u's epoch first when older links must die.
func issueLink(txn *badger.Txn, l PasswordLink, u domain.User, tok Token, ttl time.Duration, now time.Time) error {
	return putTokenTTL(txn, l.kind, tok, tokenRec{UserID: u.ID, Email: u.Email, Epoch: u.SessionEpoch, Expires: now.Add(ttl)}, ttl)
}

// liveLink returns the user of a live link. A link issued before the user's last password
// change, reset, disable or newer link (an older epoch) is as dead as a used one; the link
// of a disabled account says so.
func liveLink(txn *badger.Txn, l PasswordLink, hash string, now time.Time) (domain.User, error) {
	r, err := liveToken(txn, l.kind, hash, now)
	if errors.Is(err, ErrTokenInvalid) || (err == nil && r.UserID == "") {
		return domain.User{}, l.invalid
	}
	if err != nil {
		return domain.User{}, err
	}
	u, err := loadUser(txn, r.UserID)
	if err != nil {
		return domain.User{}, err
	}
	if u.Disabled {
		return domain.User{}, domain.ErrAccountDisabled
	}
	if u.SessionEpoch != r.Epoch {
		return domain.User{}, l.invalid
	}
	return u, nil
}

// LinkUser returns the user a live link of kind l belongs to.
func (s *Store) LinkUser(l PasswordLink, hash string, now time.Time) (domain.User, error) {
	var u domain.User
	err := s.view(func(txn *badger.Txn) error {
		var err error
		u, err = liveLink(txn, l, hash, now)
		return err
	})
	return u, err
}

// SetPasswordByLink consumes a link of kind l and sets the new password hash; every
// session of the user ends, and so does every other link (the epoch rises). A replayed
// link fails with l's invalid error.
func (s *Store) SetPasswordByLink(l PasswordLink, hash, newHash string, now time.Time) (domain.User, error) {
	var u domain.User
	err := s.update(func(txn *badger.Txn) error {
		var err error
		if u, err = liveLink(txn, l, hash, now); err != nil {
			return err
		}
		if l.roster {
			if err := touchRoster(txn); err != nil {
				return err
			}
		}
		u.PasswordHash, u.UpdatedAt = newHash, now
		u.SessionEpoch++
		if err := txn.Delete(tokenKey(l.kind, hash)); err != nil {
			return err
		}
		if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: u.ID, Actor: u.AuditName(), Action: l.audit, Object: u.ID}); err != nil {
			return err
		}
		return putJSON(txn, userKey(u.ID), userRec{V: 1, User: u})
	})
	return u, err
}

// ResetTokenUser returns the user a live reset token belongs to.
func (s *Store) ResetTokenUser(hash string, now time.Time) (domain.User, error) {
	return s.LinkUser(ResetLink, hash, now)
}

// ResetPassword consumes a reset token and sets the new password hash (SetPasswordByLink).
func (s *Store) ResetPassword(hash, newHash string, now time.Time) (domain.User, error) {
	return s.SetPasswordByLink(ResetLink, hash, newHash, now)
}

// ConfirmEmail marks the address the token was sent to as confirmed, if it is still the
// user's address, and consumes the token.
// ConfirmationAddress is the address a live confirmation link confirms, for the page that
// asks to press the button; a dead link is ErrTokenInvalid already there.
func (s *Store) ConfirmationAddress(hash string, now time.Time) (string, error) {
	var email string
	err := s.view(func(txn *badger.Txn) error {
		r, err := liveToken(txn, TokenConfirm, hash, now)
		email = r.Email
		return err
	})
	return email, err
}

func (s *Store) ConfirmEmail(hash string, now time.Time) (domain.User, error) {
	var u domain.User
	err := s.update(func(txn *badger.Txn) error {
		r, err := liveToken(txn, TokenConfirm, hash, now)
		if err != nil {
			return err
		}
		if u, err = loadUser(txn, r.UserID); err != nil {
			return err
		}
		if u.Email != r.Email {
			return ErrTokenInvalid
		}
		u.EmailConfirmed, u.UpdatedAt = true, now
		if err := txn.Delete(tokenKey(TokenConfirm, hash)); err != nil {
			return err
		}
		return putJSON(txn, userKey(u.ID), userRec{V: 1, User: u})
	})
	return u, err
}

// ResendConfirmation issues a new confirmation token and mail for an unconfirmed address.
func (s *Store) ResendConfirmation(userID string, tok Token, now time.Time) error {
	return s.update(func(txn *badger.Txn) error {
		u, err := loadUser(txn, userID)
		if err != nil {
			return err
		}
		if u.EmailConfirmed {
			return domain.Err(domain.CodeConflict, "您的邮箱已经确认，无需重复发送")
		}
		if err := putToken(txn, TokenConfirm, tok, tokenRec{UserID: u.ID, Email: u.Email, Expires: now.Add(7 * 24 * time.Hour)}); err != nil {
			return err
		}
		return notify(txn, confirmNotice(u, tok), u.Email, now)
	})
}

// ChangeEmail sets a new, unconfirmed address, sends the confirmation to it and a notice
// to the old address, in one transaction.
func (s *Store) ChangeEmail(userID, email string, tok Token, now time.Time) (domain.User, error) {
	return s.modifyUser(userID, now, func(txn *badger.Txn, u *domain.User) error {
		if u.Email == email {
			return domain.FieldErrors{"email": "新邮箱与当前邮箱相同"}
		}
		old := *u
		u.Email, u.EmailConfirmed = email, false
		if old.Email != "" {
			n := domain.Notification{Kind: domain.NotifyEmailChanged, UserID: u.ID, NewEmail: email}
			if err := notify(txn, n, old.Email, now); err != nil {
				return err
			}
		}
		if err := putToken(txn, TokenConfirm, tok, tokenRec{UserID: u.ID, Email: email, Expires: now.Add(7 * 24 * time.Hour)}); err != nil {
			return err
		}
		if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: u.ID, Actor: u.AuditName(), Action: domain.AuditEmailChange, Object: u.ID}); err != nil {
			return err
		}
		return notify(txn, confirmNotice(*u, tok), email, now)
	})
}

// AgreeNotice records that the trainee read and agreed to the notice of the given version.
func (s *Store) AgreeNotice(userID, version string, now time.Time) (domain.User, error) {
	return s.modifyUser(userID, now, func(txn *badger.Txn, u *domain.User) error {
		u.NoticeAgreedAt, u.NoticeVersion = now, version
		return writeAudit(txn, domain.AuditEntry{At: now, ActorID: u.ID, Actor: u.AuditName(), Action: domain.AuditNoticeAgree, Object: u.ID, Detail: version})
	})
}
