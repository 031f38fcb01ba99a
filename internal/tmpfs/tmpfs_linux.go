// Package tmpfs mounts small size-limited tmpfs filesystems for tests that fill
// a disk: the archive's disk-full tests. Mounting needs root (CAP_SYS_ADMIN);
// where it is not allowed, Mount skips the test.
package tmpfs

import (
	"os"
	"syscall"
	"testing"
)

// Mount mounts a tmpfs of the given size ("1m") on a new temporary directory,
// returns it, and unmounts it when the test ends (after the test's later
// cleanups, such as closing an archive on it). It skips the test where mounting
// is not allowed.
func Mount(t testing.TB, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// Resize changes the size of the tmpfs Mount put on dir: growing it gives
// space back to a full filesystem.
func Resize(t testing.TB, dir, size string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_NOSUID|syscall.MS_NODEV, "size="+size); err != nil {
		t.Fatalf("resize the tmpfs on %s: %v", dir, err)
	}
}
