package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// childEnv is set in the environment of a child started by startChild: the test
// binary then runs the real CLI instead of the tests.
const childEnv = "VIGIA_TEST_MAIN"

// childDeadline bounds how long a test waits on a child before it kills it and
// fails; it is a guard against hangs, never an assertion on speed.
const childDeadline = 90 * time.Second

// TestMain runs the CLI exactly as main does when the test binary is re-executed
// by startChild, and the tests otherwise.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// runCLI calls dispatch in the test process. Use it only for commands that never
// reach serve (which installs signal handlers); those run in a child.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = dispatch(t.Context(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// lineLog collects the lines a child writes to one of its outputs.
type lineLog struct {
	mu      sync.Mutex
	lines   []string
	eof     bool
	changed chan struct{} // a token after each change
}

func newLineLog() *lineLog { return &lineLog{changed: make(chan struct{}, 1)} }

func (l *lineLog) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		l.mu.Lock()
		l.lines = append(l.lines, sc.Text())
		l.mu.Unlock()
		l.notify()
	}
	_, _ = io.Copy(io.Discard, r) // after a too-long line, keep draining so the child never blocks
	l.mu.Lock()
	l.eof = true
	l.mu.Unlock()
	l.notify()
}

func (l *lineLog) notify() {
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

// find returns the submatches of the first line matching re, and whether the
// output has ended.
func (l *lineLog) find(re *regexp.Regexp) (match []string, eof bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		if m := re.FindStringSubmatch(s); m != nil {
			return m, l.eof
		}
	}
	return nil, l.eof
}

func (l *lineLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// child is the CLI running as a separate process.
type child struct {
	t        *testing.T
	cmd      *exec.Cmd
	stdout   *lineLog
	stderr   *lineLog
	exited   chan struct{}
	code     int // valid once exited is closed
	deadline <-chan time.Time
}

// startChild runs "vigia args..." (the test binary in CLI mode) in dir. The child
// is killed when the test ends if it is still running.
func startChild(t *testing.T, dir string, args ...string) *child {
	t.Helper()
	return startChildEnv(t, dir, nil, args...)
}

// startChildEnv is startChild with extra environment variables (NAME=value).
func startChildEnv(t *testing.T, dir string, env []string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(append(childEnviron(), childEnv+"=1"), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{t: t, cmd: cmd, stdout: newLineLog(), stderr: newLineLog(), exited: make(chan struct{}),
		deadline: time.After(childDeadline)}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start vigia %s: %v", strings.Join(args, " "), err)
	}
	var readers sync.WaitGroup
	readers.Go(func() { c.stdout.read(stdout) })
	readers.Go(func() { c.stderr.read(stderr) })
	go func() {
		readers.Wait() // every read from the pipes is done before Wait closes them
		_ = cmd.Wait()
		c.code = cmd.ProcessState.ExitCode()
		close(c.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			_ = cmd.Process.Kill()
			<-c.exited
		}
	})
	return c
}

// childEnviron is this process's environment without the variables through which
// systemd talks to a service, so a child never notifies a real supervisor.
func childEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case childEnv, "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// fail reports the child's output and fails the test.
func (c *child) fail(format string, args ...any) {
	c.t.Helper()
	c.t.Fatalf(format+"\n--- stdout:\n%s\n--- stderr:\n%s", append(args, c.stdout, c.stderr)...)
}

// waitLine waits for a line of l matching re and returns its submatches; it fails
// the test if the output ends or the deadline passes first.
func (c *child) waitLine(l *lineLog, re *regexp.Regexp) []string {
	c.t.Helper()
	for {
		m, eof := l.find(re)
		if m != nil {
			return m
		}
		if eof {
			<-c.exited
			c.fail("vigia exited (status %d) without printing a line matching %q", c.code, re)
		}
		select {
		case <-l.changed:
		case <-c.deadline:
			c.fail("no line matching %q within %s", re, childDeadline)
		}
	}
}

// signal sends sig to the child.
func (c *child) signal(sig os.Signal) {
	c.t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		c.fail("signal %v: %v", sig, err)
	}
}

// wait waits for the child to exit and returns its status; it kills the child and
// fails the test if the deadline passes first.
func (c *child) wait() int {
	c.t.Helper()
	select {
	case <-c.exited:
		return c.code
	case <-c.deadline:
		_ = c.cmd.Process.Kill()
		<-c.exited
		c.fail("vigia did not exit within %s", childDeadline)
	}
	return -1
}

var httpClient = &http.Client{Timeout: 20 * time.Second}

// get fetches url and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := httpClient.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// waitMetrics fetches base+"/metrics" until the exposition has a line equal to
// want; it fails if the child exits or the deadline passes first.
func (c *child) waitMetrics(base, want string) {
	c.t.Helper()
	var body string
	for {
		var code int
		code, body = get(c.t, base+"/metrics")
		if code == http.StatusOK && hasLine(body, want) {
			return
		}
		select {
		case <-c.exited:
			c.fail("vigia exited (status %d) before /metrics showed %q", c.code, want)
		case <-c.deadline:
			c.fail("/metrics did not show %q within %s; last exposition:\n%s", want, childDeadline, body)
		case <-time.After(50 * time.Millisecond): // poll interval, not an assertion
		}
	}
}

func hasLine(text, line string) bool {
	for l := range strings.Lines(text) {
		if strings.TrimRight(l, "\n") == line {
			return true
		}
	}
	return false
}

func TestUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
	}{
		{name: "no arguments", args: nil, wantCode: exitError,
			wantStdout: []string{"Uso: vigia <subcomando>", "run", "demo", "check", "verify", "version"}},
		{name: "--help", args: []string{"--help"}, wantCode: exitOK,
			wantStdout: []string{"Uso: vigia <subcomando>", "Subcomandos:", "run", "demo", "check", "verify", "version"}},
		{name: "-h", args: []string{"-h"}, wantCode: exitOK, wantStdout: []string{"Uso: vigia <subcomando>"}},
		{name: "help", args: []string{"help"}, wantCode: exitOK, wantStdout: []string{"Uso: vigia <subcomando>"}},
		{name: "unknown subcommand", args: []string{"vigilar"}, wantCode: exitError,
			wantStderr: []string{`subcomando desconocido "vigilar"`, "Uso: vigia <subcomando>"}},
		{name: "unknown flag", args: []string{"demo", "--bogus"}, wantCode: exitError,
			wantStderr: []string{"Uso: vigia demo"}},
		{name: "check positional argument", args: []string{"check", "vigia.yaml"}, wantCode: exitError,
			wantStderr: []string{`vigia check: argumento inesperado "vigia.yaml"`, "Uso: vigia check"}},
		{name: "verify positional argument", args: []string{"verify", "--db", "x.db", "y.db"}, wantCode: exitError,
			wantStderr: []string{`vigia verify: argumento inesperado "y.db"`, "Uso: vigia verify"}},
		{name: "version positional argument", args: []string{"version", "now"}, wantCode: exitError,
			wantStderr: []string{`argumento inesperado "now"`}},
		{name: "demo faults out of range", args: []string{"demo", "--faults", "1.5"}, wantCode: exitError,
			wantStderr: []string{"--faults debe estar entre 0 y 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

func TestSubcommandHelp(t *testing.T) {
	t.Parallel()
	flags := map[string][]string{
		"run":       {"-config", "-pprof"},
		"demo":      {"-db", "-listen", "-duration", "-faults", "-summary-every", "-verbose"},
		"check":     {"-config", "-format"},
		"verify":    {"-db", "-config", "-export"},
		"backup":    {"-out", "-db", "-config"},
		"backfill":  {"-config", "-account", "-since"},
		"export":    {"-from", "-to", "-account", "-out", "-db", "-config"},
		"version":   nil,
		"classify":  {"-model", "-lexicon"},
		"train":     {"-in", "-out", "-heldout", "-lexicon", "-from-archive", "-db", "-config"},
		"label":     {"-db", "-config", "-item", "-decision", "-by", "-reason", "-at", "-import"},
		"offenders": {"-db", "-config", "-account", "-format"},
		"alerts":    {"-route", "-config", "-account"},
		"directory": {"-config", "-db", "-format"},
		"log":       {"-db", "-config", "-account", "-from", "-to", "-format"},
		"report":    {"-db", "-config", "-from", "-to", "-semester", "-organ", "-account", "-format", "-out"},
	}
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			want, ok := flags[c.name]
			if !ok {
				t.Fatalf("subcommand %q has no expected flags in this test: add them", c.name)
			}
			for _, help := range []string{"--help", "-h"} {
				code, stdout, stderr := runCLI(t, c.name, help)
				if code != exitOK {
					t.Errorf("vigia %s %s: exit status %d, want 0\nstderr:\n%s", c.name, help, code, stderr)
				}
				if stdout != "" {
					t.Errorf("vigia %s %s wrote to stdout:\n%s", c.name, help, stdout)
				}
				for _, w := range append([]string{"Uso: vigia " + c.name, "Opciones:"}, want...) {
					if !strings.Contains(stderr, w) {
						t.Errorf("vigia %s %s: usage lacks %q:\n%s", c.name, help, w, stderr)
					}
				}
			}
		})
	}
	if len(flags) != len(commands) {
		t.Errorf("this test expects %d subcommands, dispatch has %d", len(flags), len(commands))
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runCLI(t, "version")
	if code != exitOK {
		t.Fatalf("exit status %d, want 0\nstderr:\n%s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "vigia ") || !strings.Contains(stdout, version) {
		t.Errorf("stdout = %q, want \"vigia %s …\"", stdout, version)
	}
}
