package calendar

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/arqir/arqir/rotation"
)

// UID returns the event UID of a shift: a hash of its schedule, user and
// start, so the same shift keeps its UID on every fetch whatever range the
// feed covers, and a change of end (an override shortening it) updates the
// event rather than adding one. The user id, not a display name, goes in.
func UID(sh rotation.Shift) string {
	h := sha256.New()
	h.Write([]byte(sh.Schedule))
	h.Write([]byte{0})
	h.Write([]byte(sh.User))
	h.Write([]byte{0})
	h.Write([]byte(sh.Start.UTC().Format(time.RFC3339Nano)))
	return hex.EncodeToString(h.Sum(nil)[:16]) + "@arqir"
}
