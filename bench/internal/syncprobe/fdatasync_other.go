//go:build !linux

package syncprobe

import "os"

func fdatasync(f *os.File) error { return f.Sync() }
