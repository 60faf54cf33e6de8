// Package procstat reads what the load tools report about the machine
// from /proc: a process's CPU time and memory, the CPU time of the local
// PostgreSQL, this process's own CPU time, and the load average. Linux
// only, like the load tools' numbers.
package procstat

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ClockTicks is USER_HZ, the unit of /proc times: 100 on every Linux
// architecture Go supports.
const ClockTicks = 100

// Usage is a process's CPU time so far and its memory.
type Usage struct {
	CPU     time.Duration // user + system
	RSS     int64         // bytes resident now
	PeakRSS int64         // bytes resident at most (0 when unknown)
}

// Of reads /proc/<pid>/stat (utime, stime) and /proc/<pid>/status (VmRSS,
// VmHWM).
func Of(pid int) (Usage, error) {
	var u Usage
	ut, st, _, err := times(pid)
	if err != nil {
		return u, err
	}
	u.CPU = ut + st
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
			u.RSS = kb << 10
		case "VmHWM":
			u.PeakRSS = kb << 10
		}
	}
	return u, sc.Err()
}

// times reads a process's user and system time and its command name from
// /proc/<pid>/stat.
func times(pid int) (user, system time.Duration, comm string, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, "", err
	}
	s := string(b)
	// The command name may hold spaces: the fields start after its ")".
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return 0, 0, "", fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 13 {
		return 0, 0, "", fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64) // field 14 of stat(5)
	st, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	return time.Duration(ut) * time.Second / ClockTicks, time.Duration(st) * time.Second / ClockTicks, s[open+1 : end], nil
}

// PostgresCPU sums the CPU time of this machine's processes named
// "postgres": the database's share of the work, which arqir's own time
// leaves out. Backends that exit during a run take their time with them,
// and other users of the database add theirs; arqir keeps its pool's
// connections open, so the sum is close.
func PostgresCPU() time.Duration {
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
		if ut, st, comm, err := times(pid); err == nil && comm == "postgres" {
			total += ut + st
		}
	}
	return total
}

// SelfCPU is this process's CPU time (user + system) so far: the load
// tool shares the machine with the server, which the reports say.
func SelfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// LoadAverage is the first three fields of /proc/loadavg: other work on
// the machine skews the numbers, so the reports show it.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
