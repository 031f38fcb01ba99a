package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ife-mx/vigia/agent"
)

func TestNewLogger_Journal(t *testing.T) {
	t.Parallel()
	open := func(t *testing.T) (*os.File, string) {
		f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		return f, fmt.Sprintf("%d:%d", st.Dev, st.Ino)
	}
	read := func(t *testing.T, f *os.File) string {
		b, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	t.Run("under the journal: priority prefixes and no time on text lines", func(t *testing.T) {
		f, stream := open(t)
		log := newLoggerFor(f, agent.LogConfig{Level: "debug", Format: "text"}, stream).With("network", "x")
		log.Error("poll failed", "account", "cncs-x")
		log.Warn("w")
		log.Info("i")
		log.Debug("d")
		lines := strings.Split(strings.TrimSpace(read(t, f)), "\n")
		want := []string{`<3>level=ERROR msg="poll failed" network=x account=cncs-x`, "<4>level=WARN msg=w network=x",
			"<6>level=INFO msg=i network=x", "<7>level=DEBUG msg=d network=x"}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Errorf("journal lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("JSON under the journal keeps its fields and gets the prefix", func(t *testing.T) {
		f, stream := open(t)
		newLoggerFor(f, agent.LogConfig{Level: "info", Format: "json"}, stream).Warn("w", "account", "a")
		out := read(t, f)
		if !strings.HasPrefix(out, `<4>{"time":`) || !strings.Contains(out, `"msg":"w","account":"a"}`) {
			t.Errorf("JSON journal line = %q", out)
		}
	})

	t.Run("another file than the journal stream: ordinary lines with time", func(t *testing.T) {
		f, _ := open(t)
		_, other := open(t)
		newLoggerFor(f, agent.LogConfig{Level: "info", Format: "text"}, other).Info("i")
		if out := read(t, f); !strings.HasPrefix(out, "time=") {
			t.Errorf("line = %q, want a plain text line starting with time=", out)
		}
	})

	t.Run("not a file (a pipe in tests, a buffer): ordinary lines", func(t *testing.T) {
		var b bytes.Buffer
		newLoggerFor(&b, agent.LogConfig{Level: "info", Format: "text"}, "1:2").Info("i")
		if !strings.HasPrefix(b.String(), "time=") {
			t.Errorf("line = %q", b.String())
		}
	})

	t.Run("level filtering still applies", func(t *testing.T) {
		f, stream := open(t)
		newLoggerFor(f, agent.LogConfig{Level: "warn", Format: "text"}, stream).Info("hidden")
		if out := read(t, f); out != "" {
			t.Errorf("an info line at level warn: %q", out)
		}
	})
}
