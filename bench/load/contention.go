package main

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The machine may be shared: a benchmark that ran while other work used the
// CPUs measured that work too. A phase therefore records where the
// machine's CPU time went besides the load itself (this process, the arqir
// server process when it is separate, and PostgreSQL): other processes by
// name, kernel threads (which include the I/O our own fsyncs cause),
// interrupts, and the hypervisor's steal. Other processes and steal above
// contendedPct flag the phase.

// usageTick is the kernel's USER_HZ: /proc reports CPU time in 1/100 s.
const usageTick = 10 * time.Millisecond

// proc is one process's CPU time so far.
type proc struct {
	comm   string
	kernel bool // a kernel thread (no command line)
	cpu    time.Duration
}

// cpuSample is CPU time used so far, machine-wide and per process.
type cpuSample struct {
	wall             time.Time
	busy, irq, steal time.Duration // busy: user+nice+system+irq+softirq
	self             time.Duration
	procs            map[int]proc
}

// sampleCPU reads /proc; without it (not Linux) it returns a zero sample.
func sampleCPU() cpuSample {
	s := cpuSample{wall: time.Now(), self: cpuTime(), procs: map[int]proc{}}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuSample{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal …
	if len(f) < 9 || f[0] != "cpu" {
		return cpuSample{}
	}
	var v [8]int64
	for i := range v {
		v[i], _ = strconv.ParseInt(f[i+1], 10, 64)
	}
	s.busy = time.Duration(v[0]+v[1]+v[2]+v[5]+v[6]) * usageTick
	s.irq = time.Duration(v[5]+v[6]) * usageTick
	s.steal = time.Duration(v[7]) * usageTick
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if p, ok := readProc(pid); ok {
			s.procs[pid] = p
		}
	}
	return s
}

// readProc reads a process's name and user+system CPU time.
func readProc(pid int) (proc, bool) {
	dir := "/proc/" + strconv.Itoa(pid)
	b, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return proc{}, false
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open || end+2 > len(s) {
		return proc{}, false
	}
	f := strings.Fields(s[end+2:]) // from field 3 (state)
	if len(f) < 13 {
		return proc{}, false
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	cmdline, _ := os.ReadFile(dir + "/cmdline")
	return proc{comm: s[open+1 : end], kernel: len(cmdline) == 0, cpu: time.Duration(u+st) * usageTick}, true
}

// procCPU is the user+system CPU time of a process.
func procCPU(pid int) time.Duration {
	p, _ := readProc(pid)
	return p.cpu
}

// contention is where the machine's CPU went during a phase besides the
// load, in percent of its capacity (100 × CPUs).
type contention struct {
	Other   float64 `json:"other_processes_pct"` // other processes, those that exited included
	Top     string  `json:"top_other,omitempty"`
	Kernel  float64 `json:"kernel_threads_pct"` // kernel threads: I/O, journaling, memory management
	IRQ     float64 `json:"irq_pct"`
	Steal   float64 `json:"steal_pct"`
	LoadCPU float64 `json:"load_pct"` // this process, the server and PostgreSQL
}

// contended says whether other work took enough of the machine to distort
// the phase.
func (c contention) contended() bool { return c.Other+c.Steal >= contendedPct }

func (c contention) String() string {
	s := fmt.Sprintf("other processes %.0f%%", c.Other)
	if c.Top != "" {
		s += " (" + c.Top + ")"
	}
	s += fmt.Sprintf(", kernel threads %.0f%%, irq %.0f%%", c.Kernel, c.IRQ)
	if c.Steal >= 1 {
		s += fmt.Sprintf(", steal %.0f%%", c.Steal)
	}
	return s
}

// isLoadProcess says whether a process of that name serves the load:
// PostgreSQL, and an arqir server (against --url the tool does not know its
// pid; any process whose name starts with arqir counts).
func isLoadProcess(comm string) bool {
	return comm == "postgres" || strings.HasPrefix(comm, "arqir")
}

// measureContention compares two samples; load are the pids that are part
// of the load besides this process (see isLoadProcess for the others).
func measureContention(a, b cpuSample, cpus int, load ...int) contention {
	if a.wall.IsZero() || b.wall.IsZero() || cpus < 1 {
		return contention{}
	}
	capacity := float64(b.wall.Sub(a.wall)) * float64(cpus) / 100
	if capacity <= 0 {
		return contention{}
	}
	pct := func(d time.Duration) float64 { return max(0, float64(d)/capacity) }
	self := os.Getpid()
	var loadCPU, other, kernel time.Duration
	byName := map[string]time.Duration{}
	for pid, p := range b.procs {
		d := p.cpu - a.procs[pid].cpu // a new process: all of it
		if d <= 0 || pid == self {
			continue
		}
		switch {
		case slices.Contains(load, pid) || isLoadProcess(p.comm):
			loadCPU += d
		case p.kernel:
			kernel += d
		default:
			other += d
			byName[p.comm] += d
		}
	}
	selfCPU := b.self - a.self
	// Processes that ran and exited during the phase (compilers, tests)
	// are in the machine total but in no sample: they are other work too.
	exited := (b.busy - a.busy) - (b.irq - a.irq) - selfCPU - loadCPU - other - kernel
	if exited > 0 {
		other += exited
		byName["exited processes"] += exited
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	slices.SortFunc(names, func(x, y string) int { return cmp.Compare(byName[y], byName[x]) })
	var top []string
	for _, n := range names[:min(3, len(names))] {
		if pct(byName[n]) >= 1 {
			top = append(top, fmt.Sprintf("%s %.0f%%", n, pct(byName[n])))
		}
	}
	return contention{
		Other: pct(other), Top: strings.Join(top, ", "), Kernel: pct(kernel),
		IRQ: pct(b.irq - a.irq), Steal: pct(b.steal - a.steal), LoadCPU: pct(selfCPU + loadCPU),
	}
}
