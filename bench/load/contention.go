package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The machine may be shared: a benchmark that ran while other work used the
// CPUs measured that work too. A phase therefore records how much CPU
// went to anything but the load itself (this process, the arqir server
// process when it is separate, and PostgreSQL), plus the hypervisor's
// steal time, so contaminated numbers can be told apart.

// usageTick is the kernel's USER_HZ: /proc reports CPU time in 1/100 s.
const usageTick = 10 * time.Millisecond

// cpuSample is CPU time used so far: by the whole machine (busy and steal),
// by this process, and by the processes we count as part of the load.
type cpuSample struct {
	wall       time.Time
	busy       time.Duration // all CPUs, not idle or iowait, steal excluded
	steal      time.Duration
	self, load time.Duration
}

// sampleCPU reads /proc. pids are other processes that belong to the load
// (the server binary); processes named postgres always do. On systems
// without /proc it returns a zero sample.
func sampleCPU(pids ...int) cpuSample {
	s := cpuSample{wall: time.Now(), self: cpuTime()}
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
	s.steal = time.Duration(v[7]) * usageTick
	for _, pid := range pids {
		s.load += procCPU(pid)
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*/comm")
	for _, d := range dirs {
		if comm, err := os.ReadFile(d); err == nil && string(bytes.TrimSpace(comm)) == "postgres" {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
			s.load += procCPU(pid)
		}
	}
	return s
}

// procCPU is the user+system CPU time of a process.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 > len(s) {
		return 0
	}
	f := strings.Fields(s[i+2:]) // from field 3 (state)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * usageTick
}

// otherShare is the share of the machine's CPU capacity that went to other
// work (or was stolen by the hypervisor) between two samples, in percent.
func otherShare(a, b cpuSample, cpus int) float64 {
	if a.wall.IsZero() || b.wall.IsZero() || cpus < 1 {
		return 0
	}
	capacity := float64(b.wall.Sub(a.wall)) * float64(cpus)
	if capacity <= 0 {
		return 0
	}
	other := float64((b.busy - a.busy) - (b.self - a.self) - (b.load - a.load) + (b.steal - a.steal))
	// /proc/stat counts in 10 ms ticks: small negative noise means none.
	return max(0, 100*other/capacity)
}
