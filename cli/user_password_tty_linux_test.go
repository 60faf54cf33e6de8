package cli_test

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/arqir/arqir/cli"
)

// syncBuffer is a bytes.Buffer safe for one writer and one poller.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// typist is a person at a real pseudo-terminal: what they type goes to the
// program's stdin, and shown is everything the terminal displayed.
type typist struct {
	t     *testing.T
	ptmx  io.WriteCloser
	tty   int
	shown syncBuffer
	read  chan struct{}
}

// newTypist opens a pseudo-terminal and returns the typist at it and the
// program's side, its stdin.
func newTypist(t *testing.T) (*typist, *os.File) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		if os.Getenv("ARQIR_TEST_REQUIRE_ALL") == "1" {
			t.Fatalf("open a pseudo-terminal: %v (ARQIR_TEST_REQUIRE_ALL=1 requires one)", err)
		}
		t.Skipf("no pseudo-terminal here (%v): skipping the terminal password tests", err)
	}
	t.Cleanup(func() { tty.Close() })
	ty := &typist{t: t, ptmx: ptmx, tty: int(tty.Fd()), read: make(chan struct{})}
	go func() {
		defer close(ty.read)
		io.Copy(&ty.shown, ptmx) // ends with EIO once the tty side is closed
	}()
	t.Cleanup(func() { ptmx.Close() })
	return ty, tty
}

// typeWhenAsked waits until prompt has been printed to errOut and the
// terminal no longer echoes (the program is reading a password), then
// types line.
func (ty *typist) typeWhenAsked(errOut *syncBuffer, prompt, line string) {
	ty.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tio, err := unix.IoctlGetTermios(ty.tty, unix.TCGETS)
		if err != nil {
			ty.t.Fatalf("read the terminal's settings: %v", err)
		}
		if strings.Contains(errOut.String(), prompt) && tio.Lflag&unix.ECHO == 0 {
			break
		}
		if time.Now().After(deadline) {
			ty.t.Fatalf("never asked %q with echo off; stderr so far: %q", prompt, errOut.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := io.WriteString(ty.ptmx, line+"\r"); err != nil {
		ty.t.Fatal(err)
	}
}

// TestUserPasswordAtATerminal: at a terminal the password is asked twice
// and never shown; two different answers change nothing.
func TestUserPasswordAtATerminal(t *testing.T) {
	db := passwordDB(t)
	const pw = "correct horse battery"
	for _, c := range []struct {
		name         string
		second       string
		code         int
		out, signsIn string
	}{
		{"the same twice", pw, 0, "Password of ada set.", pw},
		{"two different", pw + "!", 2, "the two passwords differ: nothing was changed", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ty, tty := newTypist(t)
			var stdout, stderr syncBuffer
			done := make(chan int, 1)
			go func() {
				done <- cli.Main([]string{"user", "password", "ada", "--db", db}, tty, &stdout, &stderr)
			}()
			ty.typeWhenAsked(&stderr, "New password for ada", pw)
			ty.typeWhenAsked(&stderr, "The same password again", c.second)
			var code int
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("arqir user password did not return 30 s after both answers; stderr %q", stderr.String())
			}
			tty.Close()
			<-ty.read
			if code != c.code || !strings.Contains(stdout.String()+stderr.String(), c.out) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout.String(), stderr.String(), c.code, c.out)
			}
			if shown := ty.shown.String(); strings.Contains(shown, "horse") {
				t.Fatalf("the terminal showed the password: %q", shown)
			}
			if c.signsIn != "" {
				if _, err := checkPassword(t, db, "ada", c.signsIn); err != nil {
					t.Fatalf("the password typed does not sign in: %v", err)
				}
			}
		})
	}
}
