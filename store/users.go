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
	TokenReset   = "reset"
	TokenConfirm = "confirm"
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

// CreateStaff creates a reviewer or admin account with a unique username.
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
	var u domain.User
	err := s.view(func(txn *badger.Txn) error {
		var err error
		u, err = loadUser(txn, id)
		return err
	})
	return u, err
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
		rec := tokenRec{UserID: u.ID, Email: u.Email, Epoch: u.SessionEpoch, Expires: now.Add(ttl)}
		if err := putTokenTTL(txn, TokenReset, tok, rec, ttl); err != nil {
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
// user with no ID (and the address typed, for the unused mail) when they name none.
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
	if err != nil || !strings.EqualFold(u.Email, email) {
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

// liveReset returns a live reset token and its user. A token issued before the user's
// last password change or reset (an older epoch) is as dead as a used one.
func liveReset(txn *badger.Txn, hash string, now time.Time) (domain.User, error) {
	r, err := liveToken(txn, TokenReset, hash, now)
	if err != nil {
		return domain.User{}, err
	}
	if r.UserID == "" {
		return domain.User{}, ErrTokenInvalid
	}
	u, err := loadUser(txn, r.UserID)
	if err != nil {
		return domain.User{}, err
	}
	if u.SessionEpoch != r.Epoch {
		return domain.User{}, ErrTokenInvalid
	}
	return u, nil
}

// ResetTokenUser returns the user a live reset token belongs to.
func (s *Store) ResetTokenUser(hash string, now time.Time) (domain.User, error) {
	var u domain.User
	err := s.view(func(txn *badger.Txn) error {
		var err error
		u, err = liveReset(txn, hash, now)
		return err
	})
	return u, err
}

// ResetPassword consumes a reset token and sets the new password hash; every session of
// the user ends, and so does every other reset token (the epoch rises). A replayed token
// fails with ErrTokenInvalid.
func (s *Store) ResetPassword(hash, newHash string, now time.Time) (domain.User, error) {
	var u domain.User
	err := s.update(func(txn *badger.Txn) error {
		var err error
		if u, err = liveReset(txn, hash, now); err != nil {
			return err
		}
		u.PasswordHash, u.UpdatedAt = newHash, now
		u.SessionEpoch++
		if err := txn.Delete(tokenKey(TokenReset, hash)); err != nil {
			return err
		}
		if err := writeAudit(txn, domain.AuditEntry{At: now, ActorID: u.ID, Actor: u.AuditName(), Action: domain.AuditPasswordReset, Object: u.ID}); err != nil {
			return err
		}
		return putJSON(txn, userKey(u.ID), userRec{V: 1, User: u})
	})
	return u, err
}

// ConfirmEmail marks the address the token was sent to as confirmed, if it is still the
// user's address, and consumes the token.
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
