//go:build !linux

package offensive

import "time"

func threadCPU() (time.Duration, bool) { return 0, false }
