// Package store keeps everything sitepro knows in an embedded Badger database. Each
// exported method is one use case run in one transaction: it loads records, applies the
// domain rule, and writes the record, its indexes, outbox mail and audit entries together,
// so a crash never leaves half of a change behind; a use case that writes returns only once
// its commit is on disk, concurrent ones sharing one sync (group commit, commit.go). The
// key schema is in keys.go.
package store
