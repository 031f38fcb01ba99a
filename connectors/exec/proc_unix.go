//go:build unix

package execplugin

import (
	osexec "os/exec"
	"syscall"
)

// isolate starts the plugin in its own process group, so that a timeout or a
// protocol violation kills it and everything it spawned.
func isolate(cmd *osexec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd) }
}

// killGroup kills the plugin's process group; it is harmless when the group is
// already gone.
func killGroup(cmd *osexec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if err == syscall.ESRCH {
		return nil
	}
	return err
}
