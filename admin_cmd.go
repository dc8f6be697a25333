package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"sitepro/domain"
	"sitepro/password"
	"sitepro/store"
)

// createAdmin is the one-time bootstrap of the first admin (SECURITY.md 11); it reads the
// password from stdin so that it never appears in the shell history.
func createAdmin(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("create-admin", flag.ContinueOnError)
	data := fs.String("data", env("SITEPRO_DATA", "./data"), "data directory (the server must be stopped)")
	user := fs.String("username", "", "login name of the admin (required)")
	name := fs.String("name", "管理员", "display name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*user) == "" {
		return errors.New("create-admin: -username is required")
	}
	// The same rule as 账号管理's form, so the first admin's login looks like every other.
	username, err := domain.NormalizeUsername(*user)
	if err != nil {
		return fmt.Errorf("create-admin: %v", err)
	}
	fmt.Fprintln(out, "Password for", username, "(min. 8 characters), then Enter:")
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("create-admin: no password given on stdin")
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := domain.CheckPassword(pw, domain.IDNumber{}); err != nil {
		return fmt.Errorf("create-admin: %v", err)
	}
	st, err := store.Open(*data, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer st.Close()
	hash, err := password.NewHasher(1).Hash(context.Background(), pw)
	if err != nil {
		return err
	}
	_, err = st.CreateStaff(domain.User{Role: domain.RoleAdmin, Username: username, Name: *name, PasswordHash: hash}, time.Now())
	if err == nil {
		fmt.Fprintln(out, "Admin", username, "created.")
	}
	return err
}
