package agent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated"
)

// lockedBuffer is a log destination safe for the agent's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAgent_InfoLogsHoldNoCommentTextOrSecret runs the agent at info level over a
// simulated world with hostile texts and faults (rate limits, server errors, malformed
// responses), with a credential in
// its configuration, and checks that no archived text and not the credential's
// value reach the logs (STYLE.md: never log tokens or comment bodies at info).
func TestAgent_InfoLogsHoldNoCommentTextOrSecret(t *testing.T) {
	// Not parallel: it keeps the CPU busy, and the timing-tolerant waits of the
	// parallel tests are fairer without it.
	const secret = "s3cr3t-Bearer-AAAAvigia-token-0123456789"
	dir := t.TempDir()
	yaml := fmt.Sprintf(`database: %s
listen: 127.0.0.1:9464
organs:
  - id: cncs
    name: Coordinación Nacional de Comunicación Social
    head: {name: Titular, email: titular@ife.org.mx}
    admins:
      titular: {name: Ana, email: ana@ife.org.mx}
      suplente: {name: Beto, email: beto@ife.org.mx}
    accounts:
      - {id: cncs-x, network: x, handle: ife_mx, credentials: {bearer_token: {env: VIGIA_TEST_TOKEN}}}
`, filepath.Join(dir, "vigia.db"))
	cfg, err := agent.ParseConfig([]byte(yaml), "test.yaml", func(k string) (string, bool) { return secret, k == "VIGIA_TEST_TOKEN" })
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Organs[0].Accounts {
		a := &cfg.Organs[0].Accounts[i]
		a.PollInterval, a.PollTimeout, a.Jitter = 20*time.Millisecond, 100*time.Millisecond, 0
	}
	cfg.Scheduler.MaxBackoff = 80 * time.Millisecond
	world := frozenWorld(t, simulated.Faults{Seed: 11, RateLimited: 0.1, ServerError: 0.1, Malformed: 0.1, RetryAfter: 20 * time.Millisecond})

	ctx := context.Background()
	store, err := archive.Open(ctx, cfg.Database, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var logs lockedBuffer
	reg := prometheus.NewRegistry()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a, err := agent.New(ctx, agent.Options{Config: cfg, Registry: simRegistry(world, "x"), Store: store,
		Registerer: reg, Gatherer: reg, Listener: ln,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Run(runCtx) }()
	waitFor(t, "the run to archive the world", func() bool { return archivedAll(t, store, world, cfg.Accounts()) })
	// A reload at info level too.
	if err := a.Reload(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	out := logs.String()
	if !strings.Contains(out, `"msg":"poll failed"`) || !strings.Contains(out, `"msg":"agent started"`) {
		t.Fatalf("the run logged no failed poll or no start: the test proves nothing\n%s", out)
	}
	if strings.Contains(out, secret) {
		t.Error("the credential's value is in the logs")
	}
	checked := 0
	err = store.Items(ctx, "", func(it archive.StoredItem) error {
		if len([]rune(it.Text)) < 16 {
			return nil // short texts ("gracias") can occur in any message
		}
		checked++
		esc, _ := json.Marshal(it.Text)
		if strings.Contains(out, it.Text) || strings.Contains(out, strings.Trim(string(esc), `"`)) {
			t.Errorf("the text of %s %s is in the logs: %q", it.Kind, it.ExternalID, it.Text)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no archived text was checked")
	}
	var kinds = map[connectors.Kind]bool{}
	_ = store.Items(ctx, "", func(it archive.StoredItem) error { kinds[it.Kind] = true; return nil })
	if !kinds[connectors.KindComment] {
		t.Error("no comment was archived: the test proves little")
	}
}
