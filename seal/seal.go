package seal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"filippo.io/age"
)

// header starts every age file; restore uses it to tell a sealed backup from a plain one.
const header = "age-encryption.org/v1\n"

// Sealer encrypts backups to a fixed set of recipients.
type Sealer struct{ recipients []age.Recipient }

// New parses recipients, public keys such as "age1ql3z7hjy…", separated by commas or
// white space. At least one is required.
func New(recipients string) (*Sealer, error) {
	var rs []age.Recipient
	for _, f := range strings.FieldsFunc(recipients, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		r, err := age.ParseX25519Recipient(f)
		if err != nil {
			return nil, fmt.Errorf("backup recipient %q: %w", f, err)
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return nil, errors.New("no backup recipient given (a public key starting with age1)")
	}
	return &Sealer{recipients: rs}, nil
}

// Seal returns a writer that encrypts everything written to it into w. Close must be
// called to write the last block; it does not close w.
func (s *Sealer) Seal(w io.Writer) (io.WriteCloser, error) {
	return age.Encrypt(w, s.recipients...)
}

// Open returns the plain backup read from r. A sealed backup needs identityFile (an age
// identity file, as written by NewIdentity or age-keygen); a plain one is returned as it
// is, so that backups made before encryption was turned on can still be restored.
func Open(r io.Reader, identityFile string) (io.Reader, error) {
	br := bufio.NewReader(r)
	peek, _ := br.Peek(len(header))
	if !bytes.Equal(peek, []byte(header)) {
		return br, nil
	}
	if identityFile == "" {
		return nil, errors.New("this backup is encrypted: give the identity file with -identity")
	}
	f, err := os.Open(identityFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("identity file %s: %w", identityFile, err)
	}
	out, err := age.Decrypt(br, ids...)
	if err != nil {
		return nil, fmt.Errorf("decrypt backup (wrong identity file?): %w", err)
	}
	return out, nil
}

// NewIdentity makes a new key pair: the identity (secret, kept offline by whoever may
// restore) and its recipient (public, given to the server).
func NewIdentity() (identity, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", err
	}
	return id.String(), id.Recipient().String(), nil
}
