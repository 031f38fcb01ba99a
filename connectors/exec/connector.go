// Package execplugin is the exec connector: an external program, the plugin,
// serves a network through the JSON Lines protocol vigia-exec/1 described in
// PROTOCOL.md. Each Poll runs the plugin once, writes one request line to its
// stdin and reads items, deletions, a profile and an end line from its stdout.
//
// A misbehaving plugin is contained: it runs under a time limit in its own
// process group, with bounded output and lines, a minimal environment and no
// credentials in argv or env; garbage, a crash, a hang or a missing end line
// fails the Poll and returns nothing of the batch.
package execplugin

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	osexec "os/exec"
	"strings"
	"sync"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Network is the name of the exec network in configurations.
const Network = "exec"

// waitDelay is how long Wait waits for the plugin's stdio after it is killed.
const waitDelay = 2 * time.Second

// Connector runs a plugin per Poll.
type Connector struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	maxLine int
}

var _ connectors.Connector = (*Connector)(nil)

// New checks cfg and returns a connector; it runs nothing.
func New(cfg Config, deps connectors.Deps) (*Connector, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Connector{cfg: cfg, log: log, now: now, maxLine: MaxLine}, nil
}

// NewFactory returns the factory for `network: exec`: it decodes Config over
// DefaultConfig and calls New.
func NewFactory() connectors.Factory {
	return func(decode func(v any) error, deps connectors.Deps) (connectors.Connector, error) {
		cfg := DefaultConfig()
		if err := decode(&cfg); err != nil {
			return nil, fmt.Errorf("exec: config: %w", err)
		}
		return New(cfg, deps)
	}
}

// Network returns "exec".
func (c *Connector) Network() string { return Network }

// Poll runs the plugin once for acct from cur. On any failure it returns an
// empty Batch: nothing the plugin wrote before failing is kept.
func (c *Connector) Poll(ctx context.Context, acct connectors.Account, cur connectors.Cursor) (connectors.Batch, error) {
	red := newRedactor(acct)
	b, err := c.poll(ctx, acct, cur, red)
	if err != nil {
		return connectors.Batch{}, red.error(fmt.Errorf("exec: account %s: %w", acct.ID, err))
	}
	return b, nil
}

func (c *Connector) poll(parent context.Context, acct connectors.Account, cur connectors.Cursor, red *redactor) (connectors.Batch, error) {
	req, err := encodeRequest(acct, cur)
	if err != nil {
		return connectors.Batch{}, fmt.Errorf("encode request: %w", err)
	}
	ctx, cancel := context.WithTimeout(parent, c.cfg.Timeout)
	defer cancel()

	cmd := osexec.CommandContext(ctx, c.cfg.Command, c.cfg.Args...)
	cmd.Env = c.env()
	cmd.Stdin = bytes.NewReader(req)
	stderr := &tail{max: StderrTail}
	cmd.Stderr = stderr
	cmd.WaitDelay = waitDelay
	isolate(cmd)
	pr, pw, err := os.Pipe()
	if err != nil {
		return connectors.Batch{}, fmt.Errorf("plugin: %w", err)
	}
	defer pr.Close()
	cmd.Stdout = pw
	if err := cmd.Start(); err != nil {
		pw.Close()
		return connectors.Batch{}, fmt.Errorf("start plugin: %w", err)
	}
	pw.Close()
	// A timeout or cancellation also unblocks the read if something outside
	// the process group still holds the pipe.
	stop := context.AfterFunc(ctx, func() { pr.Close() })

	res := c.read(pr)
	if res.violation != nil {
		cancel() // kill the group: nothing more it writes is wanted
	}
	stop()
	waitErr := cmd.Wait()
	_ = killGroup(cmd) // stragglers the plugin left behind
	c.logStderr(acct, stderr, red)

	switch {
	case parent.Err() != nil:
		return connectors.Batch{}, fmt.Errorf("plugin: %w", parent.Err())
	case res.violation == nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return connectors.Batch{}, fmt.Errorf("plugin timed out after %v and was killed: %w", c.cfg.Timeout, context.DeadlineExceeded)
	case res.violation != nil:
		return connectors.Batch{}, fmt.Errorf("plugin: %w: %w", connectors.ErrMalformed, res.violation)
	case res.perr != nil:
		return connectors.Batch{}, res.perr.err()
	case waitErr != nil:
		return connectors.Batch{}, fmt.Errorf("plugin failed: %w", waitErr)
	case res.end == nil:
		return connectors.Batch{}, fmt.Errorf("plugin: %w: %w", connectors.ErrMalformed, violation("output ended without an end line"))
	}
	b := res.batch
	b.Cursor, b.More, b.Budget = res.end.Cursor, res.end.More, res.end.Budget
	now := c.now()
	for i := range b.Deletions {
		if b.Deletions[i].ObservedAt.IsZero() {
			b.Deletions[i].ObservedAt = now
		}
	}
	return b, nil
}

// env is the plugin's environment: PATH, HOME, LANG and the configured names,
// each only when set.
func (c *Connector) env() []string {
	names := append([]string{"PATH", "HOME", "LANG"}, c.cfg.Env...)
	env := make([]string, 0, len(names))
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		if v, ok := os.LookupEnv(n); ok {
			env = append(env, n+"="+v)
		}
	}
	return env
}

// result is what the plugin's stdout amounted to.
type result struct {
	batch     connectors.Batch
	end       *endLine
	perr      *pluginError
	violation error
}

// read consumes the plugin's stdout to EOF or to the first violation.
func (c *Connector) read(r io.Reader) result {
	var res result
	lr := &limitedReader{r: r, left: c.cfg.MaxOutput}
	br := bufio.NewReaderSize(lr, 64<<10)
	for n := 1; ; n++ {
		b, err := readLine(br, c.maxLine)
		if errors.Is(err, errLineTooLong) {
			res.violation = violation("line %d is longer than %d bytes", n, c.maxLine)
			return res
		}
		if lr.over {
			res.violation = violation("output is longer than max_output (%d bytes)", c.cfg.MaxOutput)
			return res
		}
		if len(bytes.TrimSpace(b)) > 0 {
			if res.end != nil || res.perr != nil {
				res.violation = violation("line %d follows the final end or error line", n)
				return res
			}
			l, derr := decodeLine(b)
			if derr != nil {
				res.violation = fmt.Errorf("line %d: %w", n, derr)
				return res
			}
			switch {
			case l.Item != nil:
				res.batch.Items = append(res.batch.Items, *l.Item)
			case l.Deletion != nil:
				res.batch.Deletions = append(res.batch.Deletions, *l.Deletion)
			case l.Profile != nil:
				res.batch.Profile = l.Profile
			case l.Error != nil:
				res.perr = l.Error
			case l.End != nil:
				res.end = l.End
			}
		}
		if err != nil {
			// EOF, or the pipe closed by a timeout: the caller sorts it out.
			return res
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its newline; at EOF it returns what is
// left with the error.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var buf []byte
	for {
		frag, err := br.ReadSlice('\n')
		if len(buf)+len(frag) > max+1 || (len(buf)+len(frag) > max && (len(frag) == 0 || frag[len(frag)-1] != '\n')) {
			return nil, errLineTooLong
		}
		buf = append(buf, frag...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == nil {
			buf = buf[:len(buf)-1]
		}
		return buf, err
	}
}

// limitedReader fails once more than left bytes were read.
type limitedReader struct {
	r    io.Reader
	left int64
	over bool
}

var errOutputTooLong = errors.New("output too long")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.over {
		return 0, errOutputTooLong
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		l.over = true
		return 0, errOutputTooLong
	}
	return n, err
}

func (e *pluginError) err() error {
	msg := "plugin reported"
	if e.Message != "" {
		msg += ": " + quoteBounded(e.Message, 512)
	}
	switch e.Kind {
	case errKindAuth:
		return fmt.Errorf("%s: %w", msg, connectors.ErrAuth)
	case errKindNotFound:
		return fmt.Errorf("%s: %w", msg, connectors.ErrNotFound)
	case errKindRateLimited:
		return &connectors.RateLimitError{Reset: e.Reset, Err: errors.New(msg)}
	case errKindMalformed:
		return fmt.Errorf("%s: %w", msg, connectors.ErrMalformed)
	default:
		return fmt.Errorf("%s: transient error", msg)
	}
}

func quoteBounded(s string, n int) string {
	if len(s) > n {
		s = s[:n] + "…"
	}
	return fmt.Sprintf("%q", s)
}

func (c *Connector) logStderr(acct connectors.Account, t *tail, red *redactor) {
	s, truncated := t.String()
	if s == "" {
		return
	}
	c.log.Warn("exec plugin wrote to stderr", slog.String("account", acct.ID),
		slog.String("stderr", red.string(s)), slog.Bool("truncated", truncated))
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu    sync.Mutex
	max   int
	buf   []byte
	total int64
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total += int64(len(p))
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.ToValidUTF8(string(t.buf), "\uFFFD"), t.total > int64(len(t.buf))
}

// redactor removes the account's credential values from text the plugin or
// the connector produced.
type redactor struct{ r *strings.Replacer }

func newRedactor(acct connectors.Account) *redactor {
	var pairs []string
	for _, s := range acct.Credentials {
		if v := s.Reveal(); v != "" {
			pairs = append(pairs, v, "<secret>")
		}
	}
	if len(pairs) == 0 {
		return &redactor{}
	}
	return &redactor{r: strings.NewReplacer(pairs...)}
}

func (r *redactor) string(s string) string {
	if r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// error returns err with its message redacted. The result unwraps only to what
// the agent classifies on (the sentinels, a *RateLimitError rebuilt with the
// redacted message, context errors), so no unwrapped layer reveals a credential.
func (r *redactor) error(err error) error {
	msg := r.string(err.Error())
	if msg == err.Error() {
		return err
	}
	e := &redactedError{msg: msg}
	var rl *connectors.RateLimitError
	if errors.As(err, &rl) {
		e.causes = append(e.causes, &connectors.RateLimitError{Reset: rl.Reset, Err: errors.New(msg)})
	}
	for _, s := range []error{connectors.ErrAuth, connectors.ErrNotFound, connectors.ErrMalformed, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, s) {
			e.causes = append(e.causes, s)
		}
	}
	return e
}

type redactedError struct {
	msg    string
	causes []error
}

func (e *redactedError) Error() string   { return e.msg }
func (e *redactedError) Unwrap() []error { return e.causes }
