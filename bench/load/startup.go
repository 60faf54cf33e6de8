package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/arqir/arqir/app"
)

// startupResult is what the startup mode measured on the built binary.
type startupResult struct {
	Binary        string    `json:"binary"`
	Runs          []coldRun `json:"runs"`
	ReadyMS       stat      `json:"ready_ms"`    // start → /readyz 200
	IdleRSSMB     stat      `json:"idle_rss_mb"` // VmRSS after --idle, empty database
	IdleSeconds   float64   `json:"idle_seconds"`
	SettleSeconds float64   `json:"settle_seconds"`
	Load          *loadRSS  `json:"load,omitempty"` // --load
	ReadyTarget   float64   `json:"ready_target_ms"`
	RSSTargetMB   float64   `json:"rss_target_mb"`
	PollInterval  string    `json:"poll_interval"`
}

type coldRun struct {
	ReadyMS   float64 `json:"ready_ms"`
	IdleRSSMB float64 `json:"idle_rss_mb"`
	PeakRSSMB float64 `json:"peak_rss_mb"`
}

type stat struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
}

// loadRSS is the memory of one server before and after load.
type loadRSS struct {
	Seeded          int            `json:"seeded"`
	ReadyMS         float64        `json:"ready_ms"`
	IdleRSSMB       float64        `json:"idle_rss_mb"`            // seeded, before the load
	AfterLoadRSSMB  float64        `json:"after_load_rss_mb"`      // right after the last phase
	AfterIdleRSSMB  float64        `json:"after_load_idle_rss_mb"` // after --idle more
	PeakRSSMB       float64        `json:"peak_rss_mb"`            // VmHWM
	SettledRSSMB    float64        `json:"settled_rss_mb"`         // after --settle more
	RSSDetail       string         `json:"rss_detail,omitempty"`   // anonymous, file, shared, settled
	GoMemAfterLoad  string         `json:"go_mem_after_load,omitempty"`
	GoMemSettled    string         `json:"go_mem_settled,omitempty"`
	Phases          []*phaseResult `json:"phases"`
	ProcessCPUUsage string         `json:"process_cpu,omitempty"`
}

const (
	pollEvery     = 2 * time.Millisecond
	readyTimeout  = 15 * time.Second
	readyTargetMS = 300
	rssTargetMB   = 40
)

// runStartup measures cold starts of the binary, then optionally its memory
// under load.
func runStartup(ctx context.Context, cfg *config, log io.Writer) (*report, error) {
	bin, err := filepath.Abs(cfg.bin)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(bin); err != nil || st.IsDir() {
		return nil, fmt.Errorf("--bin %s: not a file; build it with go build -o /tmp/arqir ./cmd/arqir", cfg.bin)
	}
	rep := &report{Mode: "startup", Target: bin + " serve (SQLite)", Clients: cfg.clients, Date: time.Now().UTC().Format(time.RFC3339)}
	res := &startupResult{Binary: bin, IdleSeconds: cfg.idle.Seconds(), SettleSeconds: cfg.settle.Seconds(), ReadyTarget: readyTargetMS, RSSTargetMB: rssTargetMB, PollInterval: pollEvery.String()}
	rep.Startup = res
	fmt.Fprintf(log, "load: %d cold starts of %s, %s idle each\n", cfg.runs, bin, cfg.idle)
	for i := range cfg.runs {
		r, err := coldStart(ctx, bin, cfg.idle)
		if err != nil {
			return rep, fmt.Errorf("run %d: %w", i+1, err)
		}
		res.Runs = append(res.Runs, r)
	}
	var ready, rss []float64
	for _, r := range res.Runs {
		ready, rss = append(ready, r.ReadyMS), append(rss, r.IdleRSSMB)
	}
	res.ReadyMS, res.IdleRSSMB = stats(ready), stats(rss)
	if cfg.load {
		res.Load = &loadRSS{Seeded: cfg.seed}
		if err := loadBinary(ctx, cfg, bin, res.Load, log); err != nil {
			return rep, fmt.Errorf("load: %w", err)
		}
	}
	return rep, nil
}

func stats(v []float64) stat {
	if len(v) == 0 {
		return stat{}
	}
	s := slices.Clone(v)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stat{Min: s[0], Median: med, Max: s[len(s)-1]}
}

// server is one arqir process started by the tool.
type server struct {
	cmd    *exec.Cmd
	url    string
	dir    string
	exited chan struct{}
	start  time.Time
}

// startBinary runs `bin serve --addr 127.0.0.1:PORT --db DIR/arqir.db` in
// dir, PORT a free port.
func startBinary(bin, dir string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	s := &server{url: "http://" + addr, dir: dir, exited: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--addr", addr, "--db", filepath.Join(dir, "arqir.db"))
	s.cmd.Dir = dir
	// Files rather than pipes: the server writes its log (a line per
	// request) straight to disk, without a copying goroutine in the tool
	// competing with the load for the CPUs.
	stdout, err := os.Create(filepath.Join(dir, "stdout.log"))
	if err != nil {
		return nil, err
	}
	defer stdout.Close()
	stderr, err := os.Create(filepath.Join(dir, "stderr.log"))
	if err != nil {
		return nil, err
	}
	defer stderr.Close()
	s.cmd.Stdout, s.cmd.Stderr = stdout, stderr
	s.cmd.Env = cleanEnv()
	s.start = time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { s.cmd.Wait(); close(s.exited) }()
	return s, nil
}

// output is the start of what the server wrote to stdout or stderr.
func (s *server) output(name string) string {
	b, _ := os.ReadFile(filepath.Join(s.dir, name+".log"))
	return string(b)
}

// cleanEnv drops ARQIR_* from the child's environment: the flags decide.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ARQIR_") {
			env = append(env, kv)
		}
	}
	return env
}

// waitReady polls /readyz every 2 ms and returns the time from exec to the
// first 200.
func (s *server) waitReady(ctx context.Context) (time.Duration, error) {
	hc := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil}}
	defer hc.CloseIdleConnections()
	limit := time.After(readyTimeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", s.url+"/readyz", nil)
		if resp, err := hc.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(s.start), nil
			}
		}
		select {
		case <-s.exited:
			return 0, fmt.Errorf("arqir exited before it was ready (%v):\n%s", s.cmd.ProcessState, tail(s.output("stderr"), 2000))
		case <-limit:
			return 0, fmt.Errorf("/readyz not 200 after %s:\n%s", readyTimeout, tail(s.output("stderr"), 2000))
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

// stop sends SIGTERM and waits; SIGKILL after 10 s.
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// memory reads VmRSS and VmHWM (peak) of the process, in MB (10^6 bytes).
func (s *server) memory() (rss, peak float64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0, fmt.Errorf("read VmRSS: %w (the startup mode needs Linux /proc)", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[2] == "kB" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			switch f[0] {
			case "VmRSS:":
				rss = kb * 1024 / 1e6
			case "VmHWM:":
				peak = kb * 1024 / 1e6
			}
		}
	}
	if rss == 0 {
		return 0, 0, errors.New("no VmRSS in /proc/PID/status")
	}
	return rss, peak, nil
}

// rssDetail splits VmRSS into anonymous memory, mapped files and shared
// memory (RssAnon, RssFile, RssShmem).
func (s *server) rssDetail() string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return ""
	}
	var parts []string
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && strings.HasPrefix(f[0], "Rss") {
			kb, _ := strconv.ParseFloat(f[1], 64)
			parts = append(parts, fmt.Sprintf("%s %.1f MB", strings.TrimSuffix(f[0], ":"), kb*1024/1e6))
		}
	}
	return strings.Join(parts, ", ")
}

func coldStart(ctx context.Context, bin string, idle time.Duration) (coldRun, error) {
	dir, err := os.MkdirTemp("", "arqir-startup-")
	if err != nil {
		return coldRun{}, err
	}
	defer os.RemoveAll(dir)
	s, err := startBinary(bin, dir)
	if err != nil {
		return coldRun{}, err
	}
	defer s.stop()
	d, err := s.waitReady(ctx)
	if err != nil {
		return coldRun{}, err
	}
	if err := sleep(ctx, idle); err != nil {
		return coldRun{}, err
	}
	rss, peak, err := s.memory()
	if err != nil {
		return coldRun{}, err
	}
	return coldRun{ReadyMS: ms(d), IdleRSSMB: rss, PeakRSSMB: peak}, nil
}

// loadBinary seeds a database, starts the binary on it, reads its memory
// idle, runs lifecycle and list against it over loopback and reads its
// memory again.
func loadBinary(ctx context.Context, cfg *config, bin string, res *loadRSS, log io.Writer) error {
	dir, err := os.MkdirTemp("", "arqir-startup-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if cfg.seed > 0 {
		// Migrate and seed with the same code as the binary; no token yet,
		// so the binary prints its first-run banner.
		fmt.Fprintf(log, "load: seeding %d incidents into %s…\n", cfg.seed, dir)
		st, err := app.OpenStore(ctx, filepath.Join(dir, "arqir.db"), time.Now)
		if err != nil {
			return err
		}
		err = seedStore(ctx, st, cfg.seed, time.Now())
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	s, err := startBinary(bin, dir)
	if err != nil {
		return err
	}
	defer s.stop()
	d, err := s.waitReady(ctx)
	if err != nil {
		return err
	}
	res.ReadyMS = ms(d)
	token, err := bannerToken(s.output("stdout"))
	if err != nil {
		return err
	}
	if err := sleep(ctx, cfg.idle); err != nil {
		return err
	}
	if res.IdleRSSMB, _, err = s.memory(); err != nil {
		return err
	}
	if err := checkLoopback(s.url); err != nil {
		return err
	}
	c := newClient(s.url, token, cfg.clients)
	phases := []phase{lifecyclePhase(c)}
	for _, f := range cfg.filters {
		p, err := listPhase(c, f, cfg.limit, cfg.pages, cfg.clients)
		if err != nil {
			return err
		}
		phases = append(phases, p)
	}
	fmt.Fprintf(log, "load: %d phase(s) against %s, each at most %d ops or %s, %d clients\n", len(phases), s.url, cfg.ops, cfg.duration, cfg.clients)
	for _, p := range phases {
		r, err := runPhase(ctx, p, cfg.clients, cfg.ops, cfg.warmup, cfg.duration, s.cmd.Process.Pid)
		if r != nil {
			res.Phases = append(res.Phases, r)
		}
		if err != nil {
			return err
		}
	}
	if res.AfterLoadRSSMB, _, err = s.memory(); err != nil {
		return err
	}
	if err := sleep(ctx, cfg.idle); err != nil {
		return err
	}
	if res.AfterIdleRSSMB, res.PeakRSSMB, err = s.memory(); err != nil {
		return err
	}
	res.GoMemAfterLoad = goMemory(ctx, s.url)
	if err := sleep(ctx, cfg.settle); err != nil {
		return err
	}
	if res.SettledRSSMB, _, err = s.memory(); err != nil {
		return err
	}
	res.GoMemSettled = goMemory(ctx, s.url)
	res.RSSDetail = s.rssDetail()
	if cpu, err := processCPU(s.cmd.Process.Pid); err == nil {
		res.ProcessCPUUsage = cpu
	}
	return nil
}

// goMemory summarizes the Go runtime's memory from the server's /metrics
// (which needs no token by default): where the RSS goes.
func goMemory(ctx context.Context, base string) string {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	resp, err := (&http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil}}).Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	want := []struct{ metric, label string }{
		{"go_memstats_heap_inuse_bytes", "heap in use"},
		{"go_memstats_heap_idle_bytes", "heap idle"},
		{"go_memstats_heap_released_bytes", "released to the OS"},
		{"go_memstats_stack_inuse_bytes", "stacks"},
		{"go_memstats_sys_bytes", "total from the OS"},
		{"go_goroutines", "goroutines"},
	}
	var parts []string
	for _, line := range strings.Split(string(b), "\n") {
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		for _, w := range want {
			if name == w.metric {
				v, _ := strconv.ParseFloat(val, 64)
				if strings.HasSuffix(name, "_bytes") {
					parts = append(parts, fmt.Sprintf("%s %.1f MB", w.label, v/1e6))
				} else {
					parts = append(parts, fmt.Sprintf("%s %.0f", w.label, v))
				}
			}
		}
	}
	return strings.Join(parts, ", ")
}

// processCPU is the user and system CPU time the process used so far.
func processCPU(pid int) (string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return "", errors.New("short /proc/PID/stat")
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	const hz = 100 // USER_HZ on Linux
	return fmt.Sprintf("user %.1fs, system %.1fs", utime/hz, stime/hz), nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func (r *startupResult) print(w io.Writer) {
	verdict := func(v, target float64) string {
		if v < target {
			return "met"
		}
		return "MISSED"
	}
	fmt.Fprintf(w, "%d cold starts on an empty SQLite database (poll /readyz every %s):\n", len(r.Runs), r.PollInterval)
	fmt.Fprintf(w, "  start → /readyz 200   min %6.1f ms  median %6.1f ms  max %6.1f ms   target < %.0f ms: %s\n",
		r.ReadyMS.Min, r.ReadyMS.Median, r.ReadyMS.Max, r.ReadyTarget, verdict(r.ReadyMS.Max, r.ReadyTarget))
	fmt.Fprintf(w, "  VmRSS after %.0fs idle  min %6.1f MB   median %6.1f MB   max %6.1f MB    target < %.0f MB: %s\n",
		r.IdleSeconds, r.IdleRSSMB.Min, r.IdleRSSMB.Median, r.IdleRSSMB.Max, r.RSSTargetMB, verdict(r.IdleRSSMB.Max, r.RSSTargetMB))
	for i, run := range r.Runs {
		fmt.Fprintf(w, "    run %2d: ready %6.1f ms, VmRSS %5.1f MB, VmHWM %5.1f MB\n", i+1, run.ReadyMS, run.IdleRSSMB, run.PeakRSSMB)
	}
	if l := r.Load; l != nil && l.ReadyMS > 0 {
		fmt.Fprintf(w, "under load (MB = 10^6 bytes), %d incidents seeded:\n", l.Seeded)
		fmt.Fprintf(w, "  start → /readyz 200 %.1f ms; VmRSS idle %.1f MB (target < %.0f MB: %s)\n", l.ReadyMS, l.IdleRSSMB, r.RSSTargetMB, verdict(l.IdleRSSMB, r.RSSTargetMB))
		printPhases(w, l.Phases)
		fmt.Fprintf(w, "  VmRSS right after the load %.1f MB, after %.0fs idle %.1f MB, after %.0fs more %.1f MB; peak (VmHWM) %.1f MB; server CPU %s\n",
			l.AfterLoadRSSMB, r.IdleSeconds, l.AfterIdleRSSMB, r.SettleSeconds, l.SettledRSSMB, l.PeakRSSMB, l.ProcessCPUUsage)
		fmt.Fprintf(w, "  VmRSS %.0fs after the load: %s\n", r.IdleSeconds+r.SettleSeconds, l.RSSDetail)
		fmt.Fprintf(w, "  Go runtime after the load: %s\n  Go runtime %.0fs later: %s\n", l.GoMemAfterLoad, r.SettleSeconds, l.GoMemSettled)
	}
}
