// Package password hashes and verifies passwords with argon2id in PHC string format
// (SECURITY.md 6). It caps how many hashes run at once, because each one takes 19 MiB and
// a burst of logins must not exhaust a small VM's memory. It is a leaf package, like
// imaging and mail: the only place that imports golang.org/x/crypto/argon2.
package password
