// Package seal encrypts and decrypts backups with age (filippo.io/age), the one library
// it wraps. A backup holds every trainee's ID number and ID-card images, so it must not sit
// in plain text on a laptop or a file share: it is sealed to one or more public recipient
// keys (age1…), and only the holder of a matching identity file can restore it. The server
// never needs the identity, so a stolen server does not open its old backups.
package seal
