package metrics_test

import (
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/ife-mx/vigia/metrics"
)

const promAccept = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6," +
	"application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4," +
	"text/plain;version=0.0.4;q=0.3,*/*;q=0.2"

// filledRegistry is a Registry with New's metrics for three accounts, one with
// an id that needs escaping, values of every kind (NaN, infinities, large and
// negative numbers, filled histograms) and a collector of its own.
func filledRegistry(t testing.TB) (*metrics.Registry, *metrics.Metrics) {
	r := metrics.NewRegistry()
	r.MustRegister(metrics.NewBuildInfo("1.0", "abc", "go1.26"))
	own := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "otro_valor", Help: "Un valor\ncon \\ salto."}, []string{"k"})
	own.WithLabelValues("a").Set(2)
	r.MustRegister(own)
	m := metrics.New(r)
	accts := []metrics.Account{{Network: "x", ID: "cncs-x"}, {Network: "mastodon", ID: `rara "cuenta"\ con` + "\nsalto"}, {Network: "mastodon", ID: "b"}}
	m.InitAccounts(accts)
	for i, a := range accts {
		m.SetAccountInfo(a.Network, a.ID, fmt.Sprintf("organo-%d", i))
		m.PollsTotal.WithLabelValues(a.Network, a.ID, "ok").Add(float64(1000 + i))
		m.APICalls.WithLabelValues(a.Network, a.ID).Add(1e21)
		m.RateLimitRemaining.WithLabelValues(a.Network, a.ID).Set(-0.5)
		m.OldestUnanswered.WithLabelValues(a.Network, a.ID).Set(math.NaN())
		m.LastSuccessfulPoll.WithLabelValues(a.Network, a.ID).Set(math.Inf(1))
		m.Governance.TakeoverScore.WithLabelValues(a.Network, a.ID).Set(math.Inf(-1))
		for j := range 30 {
			m.FirstResponseBusiness.WithLabelValues(a.Network, a.ID).Observe(float64(j*j) * 97.3)
		}
		m.Flags.WithLabelValues(a.Network, a.ID, "watch").Inc()
	}
	m.PollDuration.WithLabelValues("x").Observe(0.2)
	m.ArchiveCommitSeconds.Observe(100) // beyond the last bucket
	m.ConfigReloadOK.Set(1)
	return r, m
}

// serve scrapes h with the given Accept and Accept-Encoding headers and
// returns the response and its body, decompressed when gzip.
func serve(t *testing.T, h http.Handler, accept, encoding string) (*httptest.ResponseRecorder, string) {
	t.Helper()
	rec, body, err := scrapeBody(h, accept, encoding)
	if err != nil {
		t.Fatal(err)
	}
	return rec, body
}

// scrapeBody is serve for goroutines other than the test's: it returns errors.
func scrapeBody(h http.Handler, accept, encoding string) (*httptest.ResponseRecorder, string, error) {
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept", accept)
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		return nil, "", fmt.Errorf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	var body io.Reader = rec.Body
	if rec.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			return nil, "", err
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	return rec, string(b), err
}

// families splits a text exposition into its families (from one # HELP to
// the next), sorted.
func families(text string) []string {
	var out []string
	for i, block := range strings.Split(text, "# HELP ") {
		if i > 0 {
			out = append(out, "# HELP "+block)
		} else if block != "" {
			out = append(out, block)
		}
	}
	slices.Sort(out)
	return out
}

func TestRegistry_ServesWhatPromhttpServes(t *testing.T) {
	t.Parallel()
	r, _ := filledRegistry(t)
	standard := promhttp.HandlerFor(r, promhttp.HandlerOpts{})
	for _, tt := range []struct{ name, accept string }{
		{"prometheus", promAccept},
		{"no accept header", ""},
		{"text 0.0.4", "text/plain;version=0.0.4"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantRec, want := serve(t, standard, tt.accept, "")
			gotRec, got := serve(t, r, tt.accept, "")
			if g, w := gotRec.Header().Get("Content-Type"), wantRec.Header().Get("Content-Type"); g != w {
				t.Errorf("Content-Type %q, promhttp gives %q", g, w)
			}
			if !strings.Contains(got, `vigia_polls_total{account="rara \"cuenta\"\\ con\nsalto",network="mastodon",result="ok"} 1001`+"\n") {
				t.Errorf("the escaped account's series is missing:\n%s", got)
			}
			g, w := families(got), families(want)
			if len(g) != len(w) {
				t.Fatalf("%d families, promhttp gives %d", len(g), len(w))
			}
			for i := range g {
				if g[i] != w[i] {
					t.Errorf("family differs from promhttp's:\n got:\n%s\nwant:\n%s", g[i], w[i])
				}
			}
		})
	}
}

func TestRegistry_Gzip(t *testing.T) {
	t.Parallel()
	r, _ := filledRegistry(t)
	_, plain := serve(t, r, promAccept, "")
	for _, tt := range []struct {
		encoding string
		gzip     bool
	}{
		{"gzip", true}, {"deflate, gzip;q=0.5", true}, {"GZIP", true}, {"gzip;q=0", false}, {"identity", false}, {"br", false},
	} {
		rec, body := serve(t, r, promAccept, tt.encoding)
		if got := rec.Header().Get("Content-Encoding") == "gzip"; got != tt.gzip {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", tt.encoding, got, tt.gzip)
		}
		if body != plain {
			t.Errorf("Accept-Encoding %q: the body differs from the uncompressed one", tt.encoding)
		}
	}
}

func TestRegistry_OtherFormatsFromGather(t *testing.T) {
	t.Parallel()
	r, _ := filledRegistry(t)
	rec, _ := serve(t, r, "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited", "")
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/vnd.google.protobuf") {
		t.Fatalf("Content-Type %q, want protobuf", ct)
	}
	// Gather holds both the registered collectors and New's families.
	for name, want := range map[string]int{"vigia_polls_total": 3 * 7, "otro_valor": 1, "vigia_build_info": 1, "vigia_flags_total": 3} {
		if n, err := testutil.GatherAndCount(r, name); err != nil || n != want {
			t.Errorf("Gather: %s has %d series (%v), want %d", name, n, err, want)
		}
	}
	if problems, err := testutil.GatherAndLint(r); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
}

func TestRegistry_ForgottenAccountLeaves(t *testing.T) {
	t.Parallel()
	r, m := filledRegistry(t)
	m.ForgetAccount(metrics.Account{Network: "x", ID: "cncs-x"})
	_, body := serve(t, r, promAccept, "gzip")
	if strings.Contains(body, "cncs-x") {
		t.Errorf("a forgotten account is still served:\n%s", body)
	}
	if !strings.Contains(body, `account="b"`) {
		t.Errorf("the other accounts are gone")
	}
}

// Scrapes run while polls update the series and a reload adds and removes
// accounts (go test -race).
func TestRegistry_ConcurrentScrapes(t *testing.T) {
	t.Parallel()
	r, m := filledRegistry(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			a := metrics.Account{Network: "x", ID: fmt.Sprintf("nueva-%d", i%5)}
			m.InitAccounts([]metrics.Account{a})
			m.PollsTotal.WithLabelValues(a.Network, a.ID, "ok").Inc()
			m.FirstResponseBusiness.WithLabelValues("x", "cncs-x").Observe(float64(i))
			if i%3 == 0 {
				m.ForgetAccount(a)
			}
		}
	}()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 10 {
				_, body, err := scrapeBody(r, promAccept, "gzip")
				if err != nil {
					t.Error(err)
					return
				}
				if !strings.Contains(body, `vigia_polls_total{account="b",network="mastodon",result="ok"} 1002`) {
					t.Errorf("a scrape lacks a series that never changes")
					return
				}
			}
		})
	}
	wg.Wait()
	<-done
}
