// Package peer runs arqir's peer, Debian's Alertmanager, as a child process
// on loopback, so that the load tools measure it the same way as arqir, on
// the same machine, instead of quoting its numbers.
package peer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultAlertmanager is where Debian's prometheus-alertmanager package
// installs the binary.
const DefaultAlertmanager = "/usr/bin/prometheus-alertmanager"

// Alertmanager is one running Alertmanager, in a temporary directory of
// its own.
type Alertmanager struct {
	URL     string // http://127.0.0.1:<port>
	PID     int
	Version string // e.g. 0.25.0

	cmd    *exec.Cmd
	dir    string
	log    *os.File
	exited chan struct{}
	stop   sync.Once
}

// CheckBinary says what to install when bin is not an executable file.
func CheckBinary(bin string) error {
	if _, err := exec.LookPath(bin); err != nil {
		return fmt.Errorf("no Alertmanager at %s (%v): apt-get install prometheus-alertmanager, or give --peer-bin", bin, err)
	}
	return nil
}

var versionRE = regexp.MustCompile(`version (\S+)`)

// StartAlertmanager runs bin with config (alertmanager.yml) on a free
// loopback port, with clustering off (a cluster of one would still gossip
// and wait for its peer position) and storage in a temporary directory,
// and waits until /-/ready answers. Stop ends it.
func StartAlertmanager(ctx context.Context, bin, config string) (_ *Alertmanager, err error) {
	out, err := exec.CommandContext(ctx, bin, "--version").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s --version: %w (%s)", bin, err, strings.TrimSpace(string(out)))
	}
	am := &Alertmanager{Version: "(unknown version)", exited: make(chan struct{})}
	if m := versionRE.FindSubmatch(out); m != nil {
		am.Version = string(m[1])
	}
	if am.dir, err = os.MkdirTemp("", "arqir-peer-alertmanager-"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			am.Stop()
		}
	}()
	cfgFile := filepath.Join(am.dir, "alertmanager.yml")
	if err := os.WriteFile(cfgFile, []byte(config), 0o600); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	if am.log, err = os.Create(filepath.Join(am.dir, "alertmanager.log")); err != nil {
		return nil, err
	}
	am.URL = "http://127.0.0.1:" + strconv.Itoa(port)
	am.cmd = exec.Command(bin,
		"--config.file="+cfgFile,
		"--storage.path="+filepath.Join(am.dir, "data"),
		"--web.listen-address=127.0.0.1:"+strconv.Itoa(port),
		"--cluster.listen-address=",
		"--log.level=warn",
	)
	am.cmd.Stdout, am.cmd.Stderr = am.log, am.log
	if err := am.cmd.Start(); err != nil {
		close(am.exited)
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	am.PID = am.cmd.Process.Pid
	go func() { am.cmd.Wait(); close(am.exited) }()
	if err := am.waitReady(ctx); err != nil {
		return nil, err
	}
	return am, nil
}

func (am *Alertmanager) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		select {
		case <-am.exited:
			return fmt.Errorf("alertmanager exited at start (log: %s)", am.tail())
		default:
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", am.URL+"/-/ready", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return fmt.Errorf("%s/-/ready not ready within 30s (log: %s)", am.URL, am.tail())
}

// Stop ends the process by its PID (SIGTERM, then SIGKILL after 10 s) and
// removes its directory. Safe to call more than once.
func (am *Alertmanager) Stop() {
	am.stop.Do(func() {
		if am.cmd != nil && am.cmd.Process != nil {
			am.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-am.exited:
			case <-time.After(10 * time.Second):
				am.cmd.Process.Kill()
				<-am.exited
			}
		}
		if am.log != nil {
			am.log.Close()
		}
		if am.dir != "" {
			os.RemoveAll(am.dir)
		}
	})
}

// Dir is the temporary directory (configuration, storage, log), removed by
// Stop.
func (am *Alertmanager) Dir() string { return am.dir }

// tail is the end of the process's log, for an error message.
func (am *Alertmanager) tail() string {
	b, _ := os.ReadFile(filepath.Join(am.dir, "alertmanager.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	if len(b) == 0 {
		return "empty"
	}
	return strings.TrimSpace(string(b))
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("no TCP port")
	}
	return addr.Port, nil
}
