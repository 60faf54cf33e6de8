package procstat

import (
	"os"
	"strings"
	"testing"
)

func TestOfThisProcess(t *testing.T) {
	busy := 0
	for i := range 20_000_000 { // some CPU time to see
		busy += i % 7
	}
	u, err := Of(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if u.CPU <= 0 || u.RSS <= 0 || u.PeakRSS < u.RSS {
		t.Fatalf("Of(self) = %+v (busy %d): want CPU and RSS > 0, peak >= RSS", u, busy)
	}
	if SelfCPU() <= 0 {
		t.Fatal("SelfCPU() = 0")
	}
	if l := LoadAverage(); len(strings.Fields(l)) != 3 {
		t.Fatalf("LoadAverage() = %q, want three fields", l)
	}
	if _, err := Of(-1); err == nil {
		t.Fatal("Of(-1): want an error")
	}
}
