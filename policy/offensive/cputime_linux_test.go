//go:build linux

package offensive

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time the calling OS thread has used (RUSAGE_THREAD), so that
// a benchmark on a busy machine can report per-core throughput independent of waiting
// for a core. The caller must hold runtime.LockOSThread.
func threadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	const rusageThread = 1
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
