//go:build !linux

package agent_test

import "testing"

func mountTmpfs(t *testing.T, _ string) string {
	t.Skip("a size-limited tmpfs is mounted on Linux only; the page-cap subtest covers a full archive")
	return ""
}

func resizeTmpfs(*testing.T, string, string) {}
