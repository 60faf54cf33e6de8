package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// usage is the server's CPU time so far and its memory.
type usage struct {
	cpu     time.Duration // user + system
	rss     int64         // bytes resident now
	peakRSS int64         // bytes resident at most (0 when unknown)
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// measure reads the server's usage: /proc/<pid> when spawned, else its
// /metrics.
func (s *server) measure(ctx context.Context) (usage, error) {
	if s.pid != 0 {
		return procUsage(s.pid)
	}
	return metricsUsage(ctx, s.url, s.token)
}

// procUsage reads /proc/<pid>/stat (utime, stime) and /proc/<pid>/status
// (VmRSS, VmHWM).
func procUsage(pid int) (usage, error) {
	var u usage
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return u, err
	}
	// The command name may hold spaces: the fields start after its ")".
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(fields) < 13 {
		return u, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64) // field 14 of stat(5)
	stime, _ := strconv.ParseInt(fields[12], 10, 64) // field 15
	u.cpu = time.Duration(utime+stime) * time.Second / clockTicks
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return u, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, _ := strings.Cut(sc.Text(), ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			u.rss = kb << 10
		case "VmHWM":
			u.peakRSS = kb << 10
		}
	}
	return u, sc.Err()
}

// metricsUsage reads process_cpu_seconds_total and
// process_resident_memory_bytes from the server's /metrics.
func metricsUsage(ctx context.Context, base, token string) (usage, error) {
	var u usage
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	if err != nil {
		return u, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return u, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return u, fmt.Errorf("GET /metrics: %s (give --token if it needs one)", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			continue
		}
		switch name {
		case "process_cpu_seconds_total":
			u.cpu = time.Duration(v * float64(time.Second))
		case "process_resident_memory_bytes":
			u.rss = int64(v)
		}
	}
	return u, sc.Err()
}

// selfCPU is this process's CPU time (user + system) so far: the client
// shares the machine with the server, which the report says.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the first three fields of /proc/loadavg: other work on
// the machine skews the numbers, so the report shows it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// postgresCPU sums the CPU time of this machine's processes named
// "postgres": with --db, the database's share of the work, which the
// arqir process's own time leaves out. Backends that exit during a run
// take their time with them, and other users of the database add theirs;
// arqir keeps its pool's connections open, so the sum is close.
func postgresCPU() time.Duration {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var total time.Duration
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(b)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open || s[open+1:end] != "postgres" {
			continue
		}
		f := strings.Fields(s[end+1:])
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+st) * time.Second / clockTicks
	}
	return total
}
