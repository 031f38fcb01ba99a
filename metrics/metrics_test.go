package metrics_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/metrics"
)

func TestMetrics_InitAccounts(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	accts := []metrics.Account{{Network: "x", ID: "cncs-x"}, {Network: "mastodon", ID: "derfe-ma"}}
	m.InitAccounts(accts)

	t.Run("every account and reason reads 0 before anything happens", func(t *testing.T) {
		n, err := testutil.GatherAndCount(reg, "vigia_polls_total")
		if err != nil {
			t.Fatal(err)
		}
		if want := len(accts) * len(connectors.Reasons); n != want {
			t.Fatalf("vigia_polls_total has %d series, want %d", n, want)
		}
		if n, _ := testutil.GatherAndCount(reg, "vigia_items_archived_total"); n != 2*len(connectors.Kinds) {
			t.Fatalf("vigia_items_archived_total has %d series, want %d", n, 2*len(connectors.Kinds))
		}
		want := `
# HELP vigia_api_rate_limit_remaining Requests left in the network's current rate-limit window for the account, as last reported; -1 when unknown.
# TYPE vigia_api_rate_limit_remaining gauge
vigia_api_rate_limit_remaining{account="cncs-x",network="x"} -1
vigia_api_rate_limit_remaining{account="derfe-ma",network="mastodon"} -1
`
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "vigia_api_rate_limit_remaining"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("takeover signals appear when first seen; the urgent count from start", func(t *testing.T) {
		if n, _ := testutil.GatherAndCount(reg, "vigia_takeover_signals_total"); n != 0 {
			t.Errorf("vigia_takeover_signals_total has %d series before any signal, want 0", n)
		}
		if n, _ := testutil.GatherAndCount(reg, "vigia_takeover_urgent_total"); n != len(accts) {
			t.Errorf("vigia_takeover_urgent_total has %d series, want %d", n, len(accts))
		}
	})

	t.Run("a removed account's series go away", func(t *testing.T) {
		m.ForgetAccount(accts[1])
		n, _ := testutil.GatherAndCount(reg, "vigia_polls_total")
		if n != len(connectors.Reasons) {
			t.Fatalf("vigia_polls_total has %d series after forgetting an account, want %d", n, len(connectors.Reasons))
		}
	})

	t.Run("names follow the Prometheus conventions", func(t *testing.T) {
		m.PollsTotal.WithLabelValues("x", "cncs-x", "ok").Inc()
		problems, err := testutil.GatherAndLint(reg)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%s: %s", p.Metric, p.Text)
		}
	})
}

func TestNewBuildInfo(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.NewBuildInfo("1.0.0", "abc123", "go1.26"))
	want := `
# HELP vigia_build_info A metric with a constant '1' value labelled by version, revision and goversion from which vigia was built.
# TYPE vigia_build_info gauge
vigia_build_info{goversion="go1.26",revision="abc123",version="1.0.0"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
}
