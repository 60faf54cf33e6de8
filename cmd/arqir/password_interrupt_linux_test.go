package main_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/arqir/arqir"
	"github.com/arqir/arqir/app"
)

// TestPasswordPromptInterruptedRestoresTheTerminal: Ctrl-C at the password
// prompt, while the terminal does not echo, ends arqir with 130 and leaves
// the terminal echoing again (a shell that does not repair it would
// otherwise stay blind).
func TestPasswordPromptInterruptedRestoresTheTerminal(t *testing.T) {
	db := filepath.Join(t.TempDir(), "arqir.db")
	st, err := app.OpenStore(t.Context(), db, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(t.Context(), arqir.UserInput{Handle: "ada", Name: "Ada"}, arqir.SystemActor); err != nil {
		t.Fatal(err)
	}
	st.Close()

	ptmx, tty, err := pty.Open()
	if err != nil {
		if os.Getenv("ARQIR_TEST_REQUIRE_ALL") == "1" {
			t.Fatalf("open a pseudo-terminal: %v (ARQIR_TEST_REQUIRE_ALL=1 requires one)", err)
		}
		t.Skipf("no pseudo-terminal here (%v)", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	go func() { // drain what the terminal shows, so that writes never block
		buf := make([]byte, 4096)
		for {
			if _, err := ptmx.Read(buf); err != nil {
				return
			}
		}
	}()
	echo := func() bool {
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatalf("read the terminal's settings: %v", err)
		}
		return tio.Lflag&unix.ECHO != 0
	}
	if !echo() {
		t.Fatal("the new terminal does not echo")
	}

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "user", "password", "ada", "--db", db)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for echo() { // asking: echo off
		if ctx.Err() != nil {
			t.Fatal("arqir never turned echo off to ask for the password")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("arqir interrupted at the prompt ended with %v, want exit status 130", err)
	}
	if !echo() {
		t.Fatal("the terminal does not echo after arqir was interrupted at the password prompt")
	}
}
