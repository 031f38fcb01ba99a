package agent_test

import (
	"os"
	"syscall"
	"testing"
)

// mountTmpfs mounts a tmpfs of the given size ("1m") on a new directory and
// unmounts it when the test ends; it skips the test where mounting is not
// allowed (not root, or no CAP_SYS_ADMIN in a container).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root; the page-cap subtest covers a full archive")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); the page-cap subtest covers a full archive", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// resizeTmpfs grows the tmpfs mounted on dir: space returns to a full archive.
func resizeTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_NOSUID|syscall.MS_NODEV, "size="+size); err != nil {
		t.Fatalf("resize the tmpfs on %s: %v", dir, err)
	}
}
