//go:build !unix

package execplugin

import osexec "os/exec"

func isolate(cmd *osexec.Cmd) {}

func killGroup(cmd *osexec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}
