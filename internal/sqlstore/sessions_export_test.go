package sqlstore

import (
	"sync/atomic"
	"testing"
)

// CountHashes counts the Argon2id keys derived until the test ends. Tests
// that use it must not run in parallel with others that hash passwords.
func CountHashes(t testing.TB) *atomic.Int64 {
	var n atomic.Int64
	orig := deriveKey
	deriveKey = func(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
		n.Add(1)
		return orig(password, salt, time, memory, threads, keyLen)
	}
	t.Cleanup(func() { deriveKey = orig })
	return &n
}
