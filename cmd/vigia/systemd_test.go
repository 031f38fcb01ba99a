package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// notifySocket is a fake systemd notification socket.
type notifySocket struct {
	conn *net.UnixConn
	msgs chan string
}

func listenNotify(t *testing.T) (*notifySocket, string) {
	t.Helper()
	// Unix socket paths are short: the test's temporary directory may be too long.
	dir, err := os.MkdirTemp("", "vn")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "n.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ns := &notifySocket{conn: conn, msgs: make(chan string, 1024)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(ns.msgs)
				return
			}
			ns.msgs <- string(buf[:n])
		}
	}()
	return ns, path
}

// await reads notifications until one contains want; it fails after the child's
// deadline (a guard against hangs, not an assertion on speed).
func (ns *notifySocket) await(c *child, want string) {
	c.t.Helper()
	for {
		select {
		case m, ok := <-ns.msgs:
			if !ok {
				c.fail("notification socket closed before %q", want)
			}
			if strings.Contains(m, want) {
				return
			}
		case <-c.exited:
			c.fail("vigia exited (status %d) before notifying %q", c.code, want)
		case <-c.deadline:
			c.fail("no %q notification within %s", want, childDeadline)
		}
	}
}

// TestRun_SystemdNotify runs «vigia run» as systemd would with Type=notify and
// WatchdogSec: READY=1 once serving, WATCHDOG=1 pings after health checks,
// RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 on SIGTERM.
func TestRun_SystemdNotify(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "vigia.yaml")
	if err := os.WriteFile(cfg, []byte(crashConfig(dir, time.Now(), 720*time.Hour)), 0o600); err != nil {
		t.Fatal(err)
	}
	ns, sock := listenNotify(t)
	c := startChildEnv(t, dir, []string{"NOTIFY_SOCKET=" + sock, "WATCHDOG_USEC=300000"}, "run", "--config", cfg)
	ns.await(c, "READY=1")
	ns.await(c, "WATCHDOG=1")
	ns.await(c, "WATCHDOG=1")
	c.signal(syscall.SIGHUP)
	ns.await(c, "RELOADING=1")
	ns.await(c, "READY=1")
	ns.await(c, "WATCHDOG=1")
	c.signal(syscall.SIGTERM)
	ns.await(c, "STOPPING=1")
	if code := c.wait(); code != exitOK {
		c.fail("vigia run stopped with status %d", code)
	}
}

// While the archive opens (a long migration), vigia run keeps asking systemd for
// more start time, and stops asking once it has opened.
func TestWhileStarting_ExtendsTheStartTimeout(t *testing.T) {
	ns, sock := listenNotify(t)
	t.Setenv("NOTIFY_SOCKET", sock)
	whileStarting(20*time.Millisecond, func() { time.Sleep(300 * time.Millisecond) })
	time.Sleep(100 * time.Millisecond) // the socket's reader moves what was sent into msgs
	var extends []string
	for len(ns.msgs) > 0 {
		extends = append(extends, <-ns.msgs)
	}
	if len(extends) < 2 {
		t.Fatalf("%d messages while opening, want several EXTEND_TIMEOUT_USEC: %q", len(extends), extends)
	}
	for _, m := range extends {
		if m != "EXTEND_TIMEOUT_USEC=60000" {
			t.Errorf("message %q, want EXTEND_TIMEOUT_USEC=60000 (three periods)", m)
		}
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(ns.msgs); n != 0 {
		t.Errorf("%d more messages after the archive opened", n)
	}
}
