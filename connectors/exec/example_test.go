package execplugin

import (
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// TestStaticPythonPlugin runs examples/static/plugin.py through the connector.
func TestStaticPythonPlugin(t *testing.T) {
	t.Parallel()
	py, err := osexec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is required in CI")
		}
		t.Skip("python3 not found")
	}
	script, _ := filepath.Abs("examples/static/plugin.py")
	items, _ := filepath.Abs("examples/static/items.json")
	logs := &syncBuf{}
	c, err := New(Config{Command: py, Args: []string{script}, Timeout: 30 * time.Second},
		connectors.Deps{Logger: newLogger(logs), Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	acct := account()
	acct.Options = map[string]string{"items_file": items, "page_size": "2", "require_token": "true"}

	b, err := c.Poll(t.Context(), acct, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 2 || !b.More || len(b.Deletions) != 1 || b.Profile == nil || b.Profile.DisplayName != "IFE México" {
		t.Fatalf("first page = %+v", b)
	}
	if b.Items[1].Text != "¿Dónde está mi casilla?" || string(b.Items[0].Raw) != `{"id":"1"}` {
		t.Errorf("items = %+v", b.Items)
	}
	b, err = c.Poll(t.Context(), acct, b.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 1 || b.More || b.Items[0].Kind != connectors.KindReply || len(b.Items[0].Media) != 1 || b.Items[0].EditedAt.IsZero() {
		t.Fatalf("second page = %+v", b)
	}
	if !strings.Contains(logs.String(), "3 items in file") {
		t.Errorf("stderr not logged: %s", logs)
	}

	acct.Credentials = nil
	if _, err := c.Poll(t.Context(), acct, nil); connectors.Reason(err) != connectors.ReasonAuth {
		t.Errorf("no token: %v", err)
	}
	acct.Options["items_file"] = filepath.Join(t.TempDir(), "missing.json")
	acct.Options["require_token"] = "false"
	if _, err := c.Poll(t.Context(), acct, nil); connectors.Reason(err) != connectors.ReasonNotFound {
		t.Errorf("missing file: %v", err)
	}
}
