// Package syncprobe measures how long the disk takes to make a small write
// durable, the cost every durable commit pays at least once: SQLite in WAL
// mode with synchronous=FULL syncs the WAL on each commit, PostgreSQL
// flushes its WAL. The same code on two VMs of the same CPU model paged
// 7× apart (docs/benchmarks.md, 2026-11-28); the load tools print this
// number next to their results so that such a difference is explained by
// the machine, not guessed at.
package syncprobe

import (
	"fmt"
	"os"
	"slices"
	"time"
)

// Result is the latency of n 4 KiB writes each followed by fdatasync.
type Result struct {
	N        int
	P50, P99 time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("4 KiB write+fdatasync p50 %s p99 %s (n=%d)", r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.N)
}

// Measure writes n 4 KiB blocks to a temporary file in dir (where the
// database lives: "" is the system's temporary directory), syncing after
// each, and removes the file.
func Measure(dir string, n int) (Result, error) {
	if n < 1 {
		return Result{}, fmt.Errorf("syncprobe: n must be at least 1, got %d", n)
	}
	f, err := os.CreateTemp(dir, "syncprobe-*")
	if err != nil {
		return Result{}, fmt.Errorf("syncprobe: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	block := make([]byte, 4096)
	took := make([]time.Duration, n)
	for i := range n {
		start := time.Now()
		// Appending, as a WAL does: each sync also persists the new size.
		if _, err := f.Write(block); err != nil {
			return Result{}, fmt.Errorf("syncprobe: %w", err)
		}
		if err := fdatasync(f); err != nil {
			return Result{}, fmt.Errorf("syncprobe: %w", err)
		}
		took[i] = time.Since(start)
	}
	slices.Sort(took)
	return Result{N: n, P50: took[n/2], P99: took[(n*99)/100]}, nil
}
