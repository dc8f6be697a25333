package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"sitepro/handlers"
	"sitepro/seal"
	"sitepro/store"
)

// storeOptions reads the encryption key named by SITEPRO_KEY_FILE, if any.
func storeOptions(keyFile string) (store.Options, error) {
	if keyFile == "" {
		return store.Options{}, nil
	}
	key, err := store.ReadKeyFile(keyFile)
	if err != nil {
		return store.Options{}, fmt.Errorf("SITEPRO_KEY_FILE: %w", err)
	}
	return store.Options{EncryptionKey: key}, nil
}

// atRest reads the server's encryption settings: the key that encrypts the store
// (SITEPRO_KEY_FILE) and the recipients online backups are sealed to
// (SITEPRO_BACKUP_RECIPIENT). The sealer is nil when none is configured (an interface
// holding a nil *seal.Sealer would look configured).
func atRest(cfg config) (store.Options, handlers.Sealer, error) {
	opts, err := storeOptions(cfg.KeyFile)
	if err != nil || cfg.BackupRecipients == "" {
		return opts, nil, err
	}
	sealer, err := seal.New(cfg.BackupRecipients)
	if err != nil {
		return opts, nil, fmt.Errorf("SITEPRO_BACKUP_RECIPIENT: %w", err)
	}
	return opts, sealer, nil
}

// backupCmd writes an offline backup, sealed to -recipient (or SITEPRO_BACKUP_RECIPIENT)
// when given; a store encrypted at rest is never written out in plain text.
func backupCmd(args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	data := fs.String("data", env("SITEPRO_DATA", "./data"), "data directory")
	out := fs.String("o", "", "backup file to write (required)")
	keyFile := fs.String("key-file", env("SITEPRO_KEY_FILE", ""), "key of a store encrypted at rest")
	recipients := fs.String("recipient", env("SITEPRO_BACKUP_RECIPIENT", ""), "age public keys to encrypt the backup to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("backup: -o FILE is required (while the server runs, admins download a backup at /admin/backup)")
	}
	opts, err := storeOptions(*keyFile)
	if err != nil {
		return err
	}
	var sealer *seal.Sealer
	switch {
	case *recipients != "":
		if sealer, err = seal.New(*recipients); err != nil {
			return err
		}
	case opts.EncryptionKey != nil:
		return errors.New("backup: the store is encrypted at rest; give -recipient (an age public key) so that the backup is encrypted too")
	}
	st, err := store.OpenWith(*data, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := writeBackup(st, f, sealer); err != nil {
		f.Close()
		os.Remove(*out)
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// writeBackup writes the store's backup to w, through the sealer when there is one.
func writeBackup(st *store.Store, w io.Writer, sealer *seal.Sealer) error {
	if sealer == nil {
		return st.Backup(w)
	}
	sw, err := sealer.Seal(w)
	if err != nil {
		return err
	}
	if err := st.Backup(sw); err != nil {
		return err
	}
	return sw.Close()
}

// restoreCmd loads a backup, sealed or plain, into a new empty directory, encrypted at
// rest when a key file is given.
func restoreCmd(args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	data := fs.String("data", env("SITEPRO_DATA", "./data"), "empty data directory to restore into")
	in := fs.String("i", "", "backup file to read (required)")
	identity := fs.String("identity", "", "age identity file that opens an encrypted backup")
	keyFile := fs.String("key-file", env("SITEPRO_KEY_FILE", ""), "key to encrypt the restored store at rest")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return errors.New("restore: -i FILE is required")
	}
	opts, err := storeOptions(*keyFile)
	if err != nil {
		return err
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := seal.Open(f, *identity)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return store.Restore(*data, r, opts)
}

// rotateKeyCmd changes the key that encrypts the store at rest, with the server stopped.
func rotateKeyCmd(args []string) error {
	fs := flag.NewFlagSet("rotate-key", flag.ContinueOnError)
	data := fs.String("data", env("SITEPRO_DATA", "./data"), "data directory")
	oldFile := fs.String("old-key-file", "", "file with the current key (required)")
	newFile := fs.String("new-key-file", "", "file with the new key (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *oldFile == "" || *newFile == "" {
		return errors.New("rotate-key: -old-key-file and -new-key-file are required")
	}
	oldKey, err := store.ReadKeyFile(*oldFile)
	if err != nil {
		return err
	}
	newKey, err := store.ReadKeyFile(*newFile)
	if err != nil {
		return err
	}
	return store.RotateKey(*data, oldKey, newKey)
}

// backupKeygenCmd prints a new backup key pair: the identity goes to whoever may restore,
// offline; the recipient is given to the server.
func backupKeygenCmd(args []string, out io.Writer) error {
	if len(args) > 0 {
		return errors.New("backup-keygen takes no arguments")
	}
	id, rcpt, err := seal.NewIdentity()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "# 恢复用私钥（离线保存，不要放在服务器上）; public key: %s\n%s\n", rcpt, id)
	return err
}
