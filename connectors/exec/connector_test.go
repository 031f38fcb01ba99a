package execplugin

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

const secret = "s3cr3t-t0ken-ABCDEF"

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// newLogger logs JSON to w, scoped as the agent scopes a connector's logger.
func newLogger(w *syncBuf) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, nil)).With("network", Network)
}

var testNow = time.Date(2026, 11, 1, 13, 0, 0, 0, time.UTC)

func newTest(t *testing.T, timeout time.Duration, args ...string) (*Connector, *syncBuf) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuf{}
	c, err := New(Config{Command: exe, Args: append([]string{helperArg}, args...), Timeout: timeout, Env: []string{helperEnv}},
		connectors.Deps{Logger: newLogger(logs), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	return c, logs
}

func account() connectors.Account {
	return connectors.Account{ID: "ife-x", Network: Network, Handle: "ife_mx", Organ: "unicom",
		Credentials: map[string]connectors.Secret{"token": connectors.NewSecret(secret)},
		Options:     map[string]string{"lang": "es"}}
}

func TestPollBatch(t *testing.T) {
	t.Parallel()
	c, _ := newTest(t, 10*time.Second, "batch")
	b, err := c.Poll(t.Context(), account(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 2 || b.Items[0].ExternalID != "1" || b.Items[1].Kind != connectors.KindComment {
		t.Fatalf("items = %+v", b.Items)
	}
	it := b.Items[1]
	if it.ParentID != "1" || it.RootID != "1" || string(it.Raw) != "hi" || len(it.Media) != 1 || it.EditedAt.IsZero() {
		t.Errorf("item 2 = %+v", it)
	}
	if string(b.Items[0].Raw) != `{"id":"1"}` || !b.Items[0].Own || b.Items[0].CreatedAt.IsZero() {
		t.Errorf("item 1 = %+v", b.Items[0])
	}
	if len(b.Deletions) != 2 || !b.Deletions[1].ObservedAt.Equal(testNow) || b.Deletions[0].ObservedAt.Equal(testNow) {
		t.Errorf("deletions = %+v", b.Deletions)
	}
	if b.Profile == nil || b.Profile.Followers != 12 || !b.Profile.Verified {
		t.Errorf("profile = %+v", b.Profile)
	}
	if string(b.Cursor) != "c-1" || b.More || b.Budget != (connectors.Budget{Calls: 2, Items: 3, Remaining: 97}) {
		t.Errorf("cursor %q more %v budget %+v", b.Cursor, b.More, b.Budget)
	}
}

func TestPollPaging(t *testing.T) {
	t.Parallel()
	c, _ := newTest(t, 10*time.Second, "page")
	var cur connectors.Cursor
	var ids []string
	for range 5 {
		b, err := c.Poll(t.Context(), account(), cur)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range b.Items {
			ids = append(ids, it.ExternalID)
		}
		cur = b.Cursor
		if !b.More {
			break
		}
	}
	if got := strings.Join(ids, ","); got != "0,1,2,3,4" {
		t.Fatalf("ids = %s", got)
	}
}

func TestPollFailures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	cases := []struct {
		name    string
		args    []string
		timeout time.Duration
		reason  string
		want    string
	}{
		{"auth", []string{"error", "auth"}, 0, connectors.ReasonAuth, "said no"},
		{"not found", []string{"error", "not_found"}, 0, connectors.ReasonNotFound, "said no"},
		{"rate limited", []string{"error", "rate_limited"}, 0, connectors.ReasonRateLimited, "2026-11-01T12:00:00Z"},
		{"transient", []string{"error", "transient"}, 0, connectors.ReasonTransient, "said no"},
		{"malformed", []string{"error", "malformed"}, 0, connectors.ReasonMalformed, "said no"},
		{"unknown error kind", []string{"error", "teapot"}, 0, connectors.ReasonMalformed, "unknown kind"},
		{"garbage", []string{"garbage"}, 0, connectors.ReasonMalformed, "line 2: protocol violation: not a JSON object"},
		{"unknown type", []string{"unknown"}, 0, connectors.ReasonMalformed, "unknown line type"},
		{"huge line", []string{"hugeline"}, 0, connectors.ReasonMalformed, "longer than 16777216 bytes"},
		{"huge output", []string{"hugeoutput"}, 0, connectors.ReasonMalformed, "longer than max_output"},
		{"hang", []string{"hang", pidFile}, 300 * time.Millisecond, connectors.ReasonTransient, "timed out after 300ms"},
		{"crash", []string{"crash"}, 0, connectors.ReasonTransient, "exit status 3"},
		{"crash after end", []string{"crashafterend"}, 0, connectors.ReasonTransient, "exit status 3"},
		{"missing end", []string{"noend"}, 0, connectors.ReasonMalformed, "without an end line"},
		{"line after end", []string{"afterend"}, 0, connectors.ReasonMalformed, "follows the final"},
		{"bad cursor", []string{"badcursor"}, 0, connectors.ReasonMalformed, "cursor is not standard base64"},
		{"no such mode", []string{"nosuchmode"}, 0, connectors.ReasonTransient, "exit status 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 20 * time.Second
			}
			c, _ := newTest(t, timeout, tc.args...)
			if tc.name == "huge output" {
				c.cfg.MaxOutput = 1 << 20
			}
			start := time.Now()
			b, err := c.Poll(t.Context(), account(), connectors.Cursor("old"))
			if err == nil {
				t.Fatalf("no error; batch %+v", b)
			}
			if got := connectors.Reason(err); got != tc.reason {
				t.Errorf("reason = %s, want %s (%v)", got, tc.reason, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if len(b.Items) != 0 || b.Cursor != nil || b.Profile != nil {
				t.Errorf("a failed poll returned data: %+v", b)
			}
			if tc.reason == connectors.ReasonRateLimited {
				var rl *connectors.RateLimitError
				if !errors.As(err, &rl) || !rl.Reset.Equal(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)) {
					t.Errorf("rate limit = %+v", rl)
				}
			}
			if tc.name == "hang" {
				if d := time.Since(start); d > 10*time.Second {
					t.Errorf("hang took %v", d)
				}
				raw, err := os.ReadFile(pidFile)
				if err != nil {
					t.Fatal(err)
				}
				pid, _ := strconv.Atoi(string(raw))
				if pid > 0 && !childGone(pid) {
					t.Errorf("the plugin's child %d survived the timeout", pid)
				}
			}
		})
	}
}

// childGone reports whether the sleep the hang plugin spawned is dead (gone, a
// zombie, or its pid reused by another program). A SIGKILLed process takes a
// moment to exit, so it waits up to 5s for that.
func childGone(pid int) bool {
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return syscall.Kill(pid, 0) != nil
		}
		f := strings.Fields(string(st))
		if len(f) < 3 || f[1] != "(sleep)" || f[2] == "Z" || f[2] == "X" {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStartFailure(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Command: filepath.Join(t.TempDir(), "missing")}, connectors.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Poll(t.Context(), account(), nil)
	if connectors.Reason(err) != connectors.ReasonTransient || !strings.Contains(err.Error(), "start plugin") {
		t.Fatalf("err = %v", err)
	}
}

func TestCanceled(t *testing.T) {
	t.Parallel()
	c, _ := newTest(t, time.Minute, "hang")
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := c.Poll(ctx, account(), nil)
	if connectors.Reason(err) != connectors.ReasonCanceled {
		t.Fatalf("reason = %s (%v)", connectors.Reason(err), err)
	}
}

func TestCredentialsNeverLeak(t *testing.T) {
	t.Parallel()
	c, logs := newTest(t, 10*time.Second, "leak")
	_, err := c.Poll(t.Context(), account(), nil)
	if !errors.Is(err, connectors.ErrAuth) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error leaks the token: %v", err)
	}
	for e := error(err); e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), secret) {
			t.Errorf("an unwrapped error leaks the token: %v", e)
		}
	}
	l := logs.String()
	if strings.Contains(l, secret) {
		t.Errorf("logs leak the token: %s", l)
	}
	if !strings.Contains(l, `"level":"WARN"`) || !strings.Contains(l, `"account":"ife-x"`) ||
		!strings.Contains(l, `"network":"exec"`) || !strings.Contains(l, "token=\u003csecret\u003e") && !strings.Contains(l, `token=\u003csecret\u003e`) {
		t.Errorf("stderr not logged as expected: %s", l)
	}

	// Neither argv nor the environment carries the token, and the environment is minimal.
	c, _ = newTest(t, 10*time.Second, "env")
	b, err := c.Poll(t.Context(), account(), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := b.Items[0].Text
	if strings.Contains(text, secret) {
		t.Errorf("argv/env carry the token: %s", text)
	}
	for _, kv := range strings.Split(text, "\n") {
		if k, _, ok := strings.Cut(kv, "="); ok && !strings.HasPrefix(kv, "-") {
			switch k {
			case "PATH", "HOME", "LANG", helperEnv:
			default:
				t.Errorf("unexpected variable in the plugin's environment: %s", k)
			}
		}
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no command", Config{}, "command: is required"},
		{"relative", Config{Command: "bin/x"}, "must be absolute"},
		{"negative timeout", Config{Command: "x", Timeout: -1}, "timeout"},
		{"negative output", Config{Command: "x", MaxOutput: -1}, "max_output"},
		{"bad env", Config{Command: "x", Env: []string{"A=B"}}, "env[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	good := Config{Command: "/bin/true"}
	if err := good.Validate(); err != nil {
		t.Error(err)
	}
}

func TestFactory(t *testing.T) {
	t.Parallel()
	f := NewFactory()
	conn, err := f(func(v any) error { v.(*Config).Command = "/bin/true"; return nil }, connectors.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	c := conn.(*Connector)
	if c.Network() != Network || c.cfg.Timeout != DefaultTimeout || c.cfg.MaxOutput != DefaultMaxOutput {
		t.Errorf("cfg = %+v", c.cfg)
	}
	if _, err := f(func(any) error { return errors.New("bad yaml") }, connectors.Deps{}); err == nil {
		t.Error("decode error ignored")
	}
}
