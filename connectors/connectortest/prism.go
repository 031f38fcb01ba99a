package connectortest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// RequireOrSkip skips the test with the message, unless the environment says
// CI=true: then the test fails, so CI cannot silently skip what it must run.
func RequireOrSkip(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true: "+format, args...)
	}
	t.Skipf(format, args...)
}

// RepoRoot returns the directory holding go.mod, found by walking up from the
// working directory (a package's directory under go test).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("connectortest: working directory: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("connectortest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// SharedSpec returns the path of an OpenAPI spec kept beside the repository,
// <repo>/../shared/specs/<name>; when the file is absent it skips the test
// (fails under CI=true).
func SharedSpec(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(filepath.Dir(RepoRoot(t)), "shared", "specs", name)
	if _, err := os.Stat(p); err != nil {
		RequireOrSkip(t, "spec %s not available: %v", name, err)
	}
	return p
}

// findPrism locates the prism binary: $PRISM, then PATH, then
// <repo>/node_modules/.bin/prism.
func findPrism(t testing.TB) (string, bool) {
	if p := os.Getenv("PRISM"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	if p, err := exec.LookPath("prism"); err == nil {
		return p, true
	}
	p := filepath.Join(RepoRoot(t), "node_modules", ".bin", "prism")
	if _, err := os.Stat(p); err == nil {
		return p, true
	}
	return "", false
}

// lockedBuffer collects a child process's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// StartPrism runs `prism mock -h 127.0.0.1 -p <free port> [--dynamic] specPath`
// and returns its base URL once Prism says it is listening. Prism is found
// through $PRISM, PATH or <repo>/node_modules/.bin/prism; when it is absent the
// test is skipped, or fails under CI=true. Readiness is read from Prism's own
// output, never by probing the port, so a port taken meanwhile by another
// process (another test's server) is never sent a request: Prism then fails
// to bind and is started again on another port. The process is killed at
// cleanup, and its output is logged when the test failed.
func StartPrism(t testing.TB, specPath string, dynamic bool) (baseURL string) {
	t.Helper()
	bin, ok := findPrism(t)
	if !ok {
		RequireOrSkip(t, "prism not found (set PRISM, put it on PATH or npm install @stoplight/prism-cli@5.14.2 in the repository)")
	}
	if _, err := os.Stat(specPath); err != nil {
		RequireOrSkip(t, "spec %s not available: %v", specPath, err)
	}
	var last string
	for attempt := 0; attempt < 5; attempt++ {
		base, out, ok := startPrismOnce(t, bin, specPath, dynamic)
		if ok {
			return base
		}
		last = out
		if !strings.Contains(out, "EADDRINUSE") {
			break
		}
	}
	t.Fatalf("connectortest: prism did not start:\n%s", last)
	return ""
}

// startPrismOnce starts Prism on a free port and waits up to 90s for it to
// say it listens; ok is false (and its output returned) when it exits first.
func startPrismOnce(t testing.TB, bin, specPath string, dynamic bool) (baseURL, output string, ok bool) {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatalf("connectortest: free port: %v", err)
	}
	baseURL = "http://127.0.0.1:" + strconv.Itoa(port)
	args := []string{"mock", "-h", "127.0.0.1", "-p", strconv.Itoa(port)}
	if dynamic {
		args = append(args, "--dynamic")
	}
	args = append(args, specPath)
	ctx, cancel := context.WithCancel(t.Context())
	cmd := exec.CommandContext(ctx, bin, args...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("connectortest: start prism: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cancel()
		<-exited
		if t.Failed() {
			t.Logf("prism output:\n%s", out.String())
		}
	})
	ready := "listening on " + baseURL
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case <-exited:
			return "", out.String(), false
		default:
		}
		if strings.Contains(out.String(), ready) {
			return baseURL, "", true
		}
		if time.Now().After(deadline) {
			t.Fatalf("connectortest: prism did not say %q within 90s:\n%s", ready, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freePort asks the kernel for an unused TCP port on the loopback interface.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, errors.New("not a TCP address")
	}
	return addr.Port, nil
}

// PrismTransport wraps an http.RoundTripper and records every request that
// Prism answers with 422 (the request is invalid by the spec), with the
// violation Prism reports, for the test to assert on.
type PrismTransport struct {
	Base http.RoundTripper

	mu        sync.Mutex
	invalid   []string
	requests  int
	requested []string
}

// RoundTrip implements http.RoundTripper.
func (p *PrismTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := p.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	p.requested = append(p.requested, req.Method+" "+req.URL.Path+"?"+req.URL.RawQuery)
	if err == nil && resp.StatusCode == http.StatusUnprocessableEntity {
		var body bytes.Buffer
		_, _ = body.ReadFrom(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body.Bytes()))
		p.invalid = append(p.invalid, fmt.Sprintf("%s %s: %s", req.Method, req.URL.Path+"?"+req.URL.RawQuery, body.String()))
	}
	return resp, err
}

// Invalid returns the requests Prism rejected, with its explanation.
func (p *PrismTransport) Invalid() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.invalid...)
}

// Requested returns every request that went through, as "METHOD path?query".
func (p *PrismTransport) Requested() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requested...)
}

// Requests returns how many requests went through.
func (p *PrismTransport) Requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}
