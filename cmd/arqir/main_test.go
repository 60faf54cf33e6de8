package main_test

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the real arqir, built once for all tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "arqir-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "arqir")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var urlRE = regexp.MustCompile(`running at (http://127\.0\.0\.1:\d+)`)

// serve starts `arqir serve` in dir and returns its URL, its stdout up to
// the "running" line, and the process.
func serve(t *testing.T, bin, dir string) (string, string, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Dir = dir
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var seen strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		seen.WriteString(sc.Text() + "\n")
		if m := urlRE.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
				}
			}()
			return m[1], seen.String(), cmd
		}
	}
	t.Fatalf("serve exited before printing its URL:\n%s", seen.String())
	return "", "", nil
}

// TestServe_FirstStartPrintsURLAndTokenThenShutsDownGracefully is the
// zero-config promise: no flags, a SQLite file in the working directory, an
// admin token printed once, ready at once, and a clean exit on SIGTERM.
func TestServe_FirstStartPrintsURLAndTokenThenShutsDownGracefully(t *testing.T) {
	bin, dir := binary, t.TempDir()
	url, out, cmd := serve(t, bin, dir)
	if !regexp.MustCompile(`arq_[a-z0-9]{20,}`).MatchString(out) {
		t.Fatalf("first start printed no admin token:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "arqir.db")); err != nil {
		t.Fatalf("no arqir.db in the working directory: %v", err)
	}
	resp, err := http.Get(url + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/readyz: %v %v", resp, err)
	}
	resp.Body.Close()

	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}

	// The second start on the same database prints no new token.
	_, out, _ = serve(t, bin, dir)
	if strings.Contains(out, "arq_") {
		t.Fatalf("second start printed a token again:\n%s", out)
	}
}

// TestPolicyCheck_ExitCodes: 0 for a valid file, 2 with every problem for an invalid one.
func TestPolicyCheck_ExitCodes(t *testing.T) {
	bin, dir := binary, t.TempDir()
	good, _ := exec.Command(bin, "policy", "default").Output()
	os.WriteFile(filepath.Join(dir, "good.yaml"), good, 0o600)
	if out, err := exec.Command(bin, "policy", "check", filepath.Join(dir, "good.yaml")).CombinedOutput(); err != nil {
		t.Fatalf("valid policy: %v\n%s", err, out)
	}
	bad := strings.NewReplacer("response_target: 5m", "response_target: -5m", "title: Critical", "titel: Critical").Replace(string(good))
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o600)
	out, err := exec.Command(bin, "policy", "check", filepath.Join(dir, "bad.yaml")).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "3 problem") {
		t.Fatalf("invalid policy: %v\n%s", err, out)
	}
	if _, err := exec.Command(bin, "incident", "frobnicate").CombinedOutput(); err == nil || err.(*exec.ExitError).ExitCode() != 2 {
		t.Fatalf("unknown subcommand: %v, want exit 2", err)
	}
}
