package syncprobe

import "testing"

func TestMeasure(t *testing.T) {
	r, err := Measure(t.TempDir(), 20)
	if err != nil {
		t.Fatal(err)
	}
	if r.N != 20 || r.P50 <= 0 || r.P99 < r.P50 {
		t.Fatalf("Measure = %+v: want 20 samples with 0 < p50 <= p99", r)
	}
	if _, err := Measure(t.TempDir(), 0); err == nil {
		t.Fatal("Measure with n=0: want an error")
	}
}
