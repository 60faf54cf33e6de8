package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/arqir/arqir/bench/internal/procstat"
	"github.com/arqir/arqir/bench/internal/syncprobe"
)

// snapshot is the machine's CPU counters at one instant.
type snapshot struct {
	at          time.Time
	busy, total int64         // /proc/stat, all CPUs, in ticks
	steal       int64         // time the hypervisor gave our vCPUs to others, in ticks
	self        time.Duration // this process: server, receiver and senders
	postgres    time.Duration // every local process named postgres
	load        string
	disk        string // syncprobe's result, measured before the run
}

// machineUse is where the machine's CPU went during a run: the tool's
// process, PostgreSQL, and everything else (other people's work).
type machineUse struct {
	wall                   time.Duration
	cpus                   int
	busy, self, pg, others time.Duration
	steal                  time.Duration
	loadBefore, loadAfter  string
	disk                   string
}

func machineNow() snapshot {
	s := snapshot{at: time.Now(), self: procstat.SelfCPU(), postgres: procstat.PostgresCPU(), load: procstat.LoadAverage()}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		for i, f := range strings.Fields(line)[1:] {
			v, _ := strconv.ParseInt(f, 10, 64)
			if i < 8 { // user nice system idle iowait irq softirq steal
				s.total += v
				if i != 3 && i != 4 {
					s.busy += v
				}
				if i == 7 {
					s.steal = v
				}
			}
		}
	}
	return s
}

// machineBefore is machineNow plus how long the disk takes to sync a
// small write (syncprobe), the floor of every durable commit: measured
// before the run, on the file system of the temporary SQLite file.
func machineBefore() snapshot {
	disk := ""
	if r, err := syncprobe.Measure("", 200); err == nil {
		disk = r.String()
	} else {
		disk = err.Error()
	}
	s := machineNow()
	s.disk = disk
	return s
}

// machineSince measures from before until now; pg says whether to count
// PostgreSQL apart.
func machineSince(before snapshot, pg bool) machineUse {
	now := machineNow()
	m := machineUse{wall: now.at.Sub(before.at), loadBefore: before.load, loadAfter: now.load, disk: before.disk}
	m.steal = time.Duration(now.steal-before.steal) * time.Second / procstat.ClockTicks
	m.cpus = runtime.NumCPU()
	m.busy = time.Duration(now.busy-before.busy) * time.Second / procstat.ClockTicks
	m.self = now.self - before.self
	if pg {
		m.pg = now.postgres - before.postgres
	}
	m.others = max(0, m.busy-m.self-m.pg)
	return m
}

func (m machineUse) String() string {
	share := func(d time.Duration) string {
		return fmt.Sprintf("%.0f%%", 100*d.Seconds()/(m.wall.Seconds()*float64(m.cpus)))
	}
	s := fmt.Sprintf("%s of %d CPUs busy over %s: this process %s (%.1fs)", share(m.busy), m.cpus, m.wall.Round(100*time.Millisecond), share(m.self), m.self.Seconds())
	if m.pg > 0 {
		s += fmt.Sprintf(", PostgreSQL %s", share(m.pg))
	}
	s += fmt.Sprintf(", other work %s, stolen by the hypervisor %s; load average %s before, %s after", share(m.others), share(m.steal), m.loadBefore, m.loadAfter)
	if m.disk != "" {
		s += "; disk " + m.disk
	}
	return s
}
