package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters of new password hashes: OWASP's Password Storage
// Cheat Sheet minimum for Argon2id, m=19 MiB, t=2, p=1
// (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html).
// A hash keeps the parameters it was made with, so raising them later
// leaves existing passwords working.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// maxPasswordBytes bounds a password: long enough for any passphrase or
// password manager, short enough that nobody stores a document.
const maxPasswordBytes = 1024

// phc encodes salts and hashes as the PHC string format requires: standard
// base64 without padding.
var phc = base64.RawStdEncoding

// hashSlots bounds the hashes computed at once. Each takes argonMemory of
// RAM, so a burst of sign-in attempts queues here instead of exhausting
// the server's memory.
var hashSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// argonParams are the parameters of one hash.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

var currentParams = argonParams{memory: argonMemory, time: argonTime, threads: argonThreads}

// hashPassword returns the Argon2id hash of password in the PHC string
// format: $argon2id$v=19$m=19456,t=2,p=1$salt$hash.
func hashPassword(ctx context.Context, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("read random bytes for a salt: %w", err)
	}
	key, err := argonKey(ctx, password, salt, currentParams, argonKeyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		currentParams.memory, currentParams.time, currentParams.threads, phc.EncodeToString(salt), phc.EncodeToString(key)), nil
}

// verifyPassword reports whether password is the one encoded hashes. The
// derived keys are compared in constant time.
func verifyPassword(ctx context.Context, encoded, password string) (bool, error) {
	p, salt, want, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	got, err := argonKey(ctx, password, salt, p, uint32(len(want)))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// spendHash costs what verifying a password costs, for a user who has
// none: a failed sign-in takes about the same time whether the handle
// exists or not, so its timing does not tell which handles do.
func spendHash(ctx context.Context, password string) error {
	_, err := argonKey(ctx, password, make([]byte, argonSaltLen), currentParams, argonKeyLen)
	return err
}

// argonKey derives the Argon2id key of password once a hash slot is free.
func argonKey(ctx context.Context, password string, salt []byte, p argonParams, keyLen uint32) ([]byte, error) {
	select {
	case hashSlots <- struct{}{}:
		defer func() { <-hashSlots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("wait to hash a password: %w", ctx.Err())
	}
	return deriveKey([]byte(password), salt, p.time, p.memory, p.threads, keyLen), nil
}

// deriveKey is Argon2id; tests count its calls.
var deriveKey = argon2.IDKey

// errBadHash is a stored password hash arqir cannot read: the database was
// edited by hand or damaged. It is never the user's fault.
var errBadHash = errors.New("the stored password hash is not an Argon2id PHC string: set the password again with arqir user password")

// parsePHC reads $argon2id$v=19$m=…,t=…,p=…$salt$hash. Parameters outside
// sane bounds are refused rather than run: a hash asking for terabytes of
// memory would take the server down on the next sign-in.
func parsePHC(encoded string) (p argonParams, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errBadHash
	}
	var m, t, threads uint64
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, perr := strconv.ParseUint(v, 10, 32)
		if perr != nil {
			return p, nil, nil, errBadHash
		}
		switch k {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			threads = n
		default:
			return p, nil, nil, errBadHash
		}
	}
	if salt, err = phc.DecodeString(parts[4]); err != nil {
		return p, nil, nil, errBadHash
	}
	if key, err = phc.DecodeString(parts[5]); err != nil {
		return p, nil, nil, errBadHash
	}
	switch {
	case threads < 1 || threads > 255, t < 1 || t > 64, m < 8*threads || m > 1024*1024, // at most 1 GiB
		len(salt) < 8 || len(salt) > 64, len(key) < 16 || len(key) > 64:
		return p, nil, nil, errBadHash
	}
	return argonParams{memory: uint32(m), time: uint32(t), threads: uint8(threads)}, salt, key, nil
}
