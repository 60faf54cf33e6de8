//go:build !unix

package storetest

// cpuSeconds is unknown here: the benchmark leaves cpu-ns/alert out.
func cpuSeconds() float64 { return -1 }
