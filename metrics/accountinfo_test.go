package metrics_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ife-mx/vigia/metrics"
)

func TestMetrics_AccountInfo(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	accts := []metrics.Account{{Network: "x", ID: "cncs-x"}, {Network: "mastodon", ID: "derfe-ma"}}
	m.InitAccounts(accts)
	m.SetAccountInfo("x", "cncs-x", "cncs")
	m.SetAccountInfo("mastodon", "derfe-ma", "cncs")
	// A reload moves derfe-ma to its own organ: one series, the new organ's.
	m.SetAccountInfo("mastodon", "derfe-ma", "derfe")

	const head = `
# HELP vigia_account_info Static information about a configured account: its organ (órgano responsable). Always 1.
# TYPE vigia_account_info gauge
`
	want := head + `vigia_account_info{account="cncs-x",network="x",organ="cncs"} 1
vigia_account_info{account="derfe-ma",network="mastodon",organ="derfe"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "vigia_account_info"); err != nil {
		t.Fatal(err)
	}

	m.ForgetAccount(accts[1])
	want = head + `vigia_account_info{account="cncs-x",network="x",organ="cncs"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "vigia_account_info"); err != nil {
		t.Fatalf("after ForgetAccount: %v", err)
	}
}
