package handlers

import (
	"net/url"
	"strings"
	"testing"
)

// A typed password never comes back in a page: not after a wrong login, not after a
// registration or password change that failed on another field.
func TestTypedPasswordsAreNeverEchoed(t *testing.T) {
	e := newEnv(t)
	trainee := e.registered(idA, "王芳")
	c := e.client()
	c.get("/login")
	const typed = "Wrong-password-1"
	r := c.login(idA, typed)
	must(t, r, 401)
	if strings.Contains(r.body, typed) {
		t.Error("the login page echoes the typed password")
	}
	c.get("/register")
	f := regForm(idA, "王芳") // already registered
	f.Set("password", typed)
	f.Set("password2", typed)
	r = c.post("/register", f)
	if r.status < 400 || strings.Contains(r.body, typed) {
		t.Errorf("registration of a taken number: %d, password echoed: %v", r.status, strings.Contains(r.body, typed))
	}
	trainee.get("/password")
	r = trainee.post("/password", url.Values{"current": {pwOK}, "password": {typed + "x"}, "password2": {typed + "y"}})
	if r.status != 422 || strings.Contains(r.body, typed) {
		t.Errorf("password change with a mismatch: %d, echoed: %v", r.status, strings.Contains(r.body, typed))
	}
}
