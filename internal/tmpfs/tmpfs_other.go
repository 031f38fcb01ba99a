//go:build !linux

// Package tmpfs mounts small size-limited tmpfs filesystems for tests that fill
// a disk: the archive's disk-full tests. Off Linux, Mount skips the test.
package tmpfs

import "testing"

// Mount skips the test: a size-limited tmpfs is mounted on Linux only.
func Mount(t testing.TB, _ string) string {
	t.Helper()
	t.Skip("a size-limited tmpfs is mounted on Linux only")
	return ""
}

// Resize does nothing off Linux.
func Resize(testing.TB, string, string) {}
