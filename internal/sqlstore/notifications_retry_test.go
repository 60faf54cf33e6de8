package sqlstore

import (
	"errors"
	"fmt"
	"testing"
)

type stateErr string

func (e stateErr) Error() string    { return "ERROR: (SQLSTATE " + string(e) + ")" }
func (e stateErr) SQLState() string { return string(e) }

// A batch is tried again only after PostgreSQL rolled it back for a
// deadlock or a serialization failure, however deeply wrapped.
func TestRetryableIsDeadlockOrSerialization(t *testing.T) {
	for err, want := range map[error]bool{
		nil:               false,
		stateErr("40P01"): true,
		fmt.Errorf("append timeline events: %w", stateErr("40001")): true,
		stateErr("23505"):                      false,
		errors.New("deadlock"):                 false,
		fmt.Errorf("x: %w", stateErr("57014")): false,
	} {
		if got := retryable(err); got != want {
			t.Errorf("retryable(%v) = %v, want %v", err, got, want)
		}
	}
}
