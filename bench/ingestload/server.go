package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir/bench/internal/pgschema"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for the run's schema

	"github.com/arqir/arqir/client"
)

// server is the arqir under load.
type server struct {
	url, credential string
	signingSecret   string // signs each request (X-Signature-256), as generic integrations require by default
	desc            string
	pid             int    // the spawned process; 0 with --url
	peer            bool   // Alertmanager (--peer): its API v2, no credential
	token           string // for /metrics with --url
	close           func()
}

var (
	tokenRE   = regexp.MustCompile(`export ARQIR_TOKEN=(arq_[a-z0-9]+)`)
	runningRE = regexp.MustCompile(`arqir is running at (http://\S+)`)
)

// openServer spawns arqir or attaches to --url, and finds the credential
// of a generic integration to send as.
func openServer(ctx context.Context, c *config) (*server, error) {
	if c.peer != "" {
		return spawnPeer(ctx, c)
	}
	s := &server{url: c.url, token: c.token, credential: c.credential, signingSecret: c.signingSecret, desc: "arqir at " + c.url, close: func() {}}
	if c.spawn {
		var err error
		if s, err = spawn(ctx, c); err != nil {
			return nil, err
		}
	}
	if s.credential == "" {
		cl := client.New(s.url, s.token)
		n := client.NewIntegration{Name: "ingestload-" + randomHex(4), Kind: "generic", Service: "load"}
		created, err := cl.CreateIntegration(ctx, n)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("create a generic integration (is --token an admin token?): %w", err)
		}
		s.credential, s.signingSecret = created.Credential, created.SigningSecret
	}
	return s, nil
}

// spawn runs `arqir serve` as a child process and waits until it is ready.
func spawn(ctx context.Context, c *config) (_ *server, err error) {
	var cleanups []func()
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	dir, err := os.MkdirTemp("", "arqir-ingestload-")
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func() { os.RemoveAll(dir) })

	bin := c.bin
	if bin == "" {
		bin = filepath.Join(dir, "arqir")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/arqir")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("go build ./cmd/arqir (run from the repository root, or give --bin): %w", err)
		}
	}
	dsn, desc := filepath.Join(dir, "arqir.db"), "spawned arqir on a temporary SQLite file"
	if c.db != "" {
		base := c.db
		var schema string
		if dsn, schema, err = pgschema.Create(ctx, base, "arqir_ingestload"); err != nil {
			return nil, err
		}
		cleanups = append(cleanups, func() {
			if err := pgschema.Drop(context.Background(), base, schema); err != nil {
				fmt.Fprintln(os.Stderr, "ingestload:", err)
			}
		})
		desc = "spawned arqir on PostgreSQL schema " + schema
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:"+strconv.Itoa(port), "--db", dsn, "--log-format", "json", "--sweep-interval", "1s")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, "arqir.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	cleanups = append(cleanups, func() {
		cmd.Process.Signal(os.Interrupt) // graceful: arqir closes its database
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		logFile.Close()
	})
	token, base, err := readBanner(stdout, exited)
	if err != nil {
		return nil, fmt.Errorf("%w (log: %s)", err, tail(filepath.Join(dir, "arqir.log")))
	}
	if err := waitReady(ctx, base); err != nil {
		return nil, err
	}
	return &server{url: base, token: token, desc: desc, pid: cmd.Process.Pid, close: cleanup}, nil
}

// readBanner reads the first-run banner for the admin token and the URL.
func readBanner(stdout io.Reader, exited <-chan struct{}) (token, base string, err error) {
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := tokenRE.FindStringSubmatch(sc.Text()); m != nil {
				token = m[1]
			}
			if m := runningRE.FindStringSubmatch(sc.Text()); m != nil {
				base = m[1]
				close(found)
				io.Copy(io.Discard, stdout)
				return
			}
		}
	}()
	select {
	case <-found:
		if token == "" {
			return "", "", errors.New("no admin token in the first-run banner")
		}
		return token, base, nil
	case <-exited:
		return "", "", errors.New("arqir exited at start")
	case <-time.After(60 * time.Second):
		return "", "", errors.New("arqir did not start within 60s")
	}
}

func waitReady(ctx context.Context, base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/readyz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s/readyz not ready within 30s", base)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// tail is the end of a file, for an error message.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}
