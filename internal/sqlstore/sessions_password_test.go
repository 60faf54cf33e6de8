package sqlstore

import (
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestPassword_HashVerifies(t *testing.T) {
	ctx := t.Context()
	h, err := hashPassword(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not start with OWASP's Argon2id parameters", h)
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		if ok, err := verifyPassword(ctx, h, pw); err != nil || ok != want {
			t.Errorf("verify %q = %v, %v; want %v", pw, ok, err, want)
		}
	}
	again, _ := hashPassword(ctx, "correct horse battery")
	if again == h {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

// A hash keeps its own parameters: raising them for new hashes leaves old
// passwords working.
func TestPassword_VerifiesWithTheParametersOfTheHash(t *testing.T) {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("an older password"), salt, 1, 64, 1, 32)
	old := "$argon2id$v=19$m=64,t=1,p=1$" + phc.EncodeToString(salt) + "$" + phc.EncodeToString(key)
	if ok, err := verifyPassword(t.Context(), old, "an older password"); err != nil || !ok {
		t.Fatalf("a hash with other parameters does not verify: %v, %v", ok, err)
	}
}

// A stored hash that is not an Argon2id PHC string, or asks for absurd
// resources, is an error and never runs.
func TestPassword_RefusesBadHashes(t *testing.T) {
	salt, key := phc.EncodeToString(make([]byte, 16)), phc.EncodeToString(make([]byte, 32))
	for _, bad := range []string{
		"",
		"correct horse battery",
		"$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=19456,t=2$" + salt + "$" + key + "$x",
		"$argon2id$v=19$m=19456,t=2,p=1,x=1$" + salt + "$" + key,
		"$argon2id$v=19$m=99999999,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=19456,t=1000,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "=",
		"$argon2id$v=19$m=19456,t=2,p=1$$" + key,
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + phc.EncodeToString(make([]byte, 8)),
	} {
		if ok, err := verifyPassword(t.Context(), bad, "correct horse battery"); ok || err != errBadHash {
			t.Errorf("verify against %q = %v, %v; want errBadHash", bad, ok, err)
		}
	}
}
