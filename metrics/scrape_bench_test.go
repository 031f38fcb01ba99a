package metrics_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ife-mx/vigia/metrics"
)

// BenchmarkScrape measures one /metrics scrape of an agent watching 400 accounts
// (every per-account series present and non-zero, histograms filled), as
// Prometheus asks for it (text format; with and without gzip): served by the
// agent's metrics.Registry, and, for comparison, by promhttp over the same
// registry's Gather. A scrape reads only in-memory collectors: the archive's
// size of 10 million comments does not enter it (the response gauges are kept
// by the SLA tick, never queried).
func BenchmarkScrape(b *testing.B) {
	reg := metrics.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := metrics.New(reg)
	var accts []metrics.Account
	for i := range 400 {
		accts = append(accts, metrics.Account{Network: []string{"x", "facebook", "instagram", "youtube", "mastodon", "bluesky", "threads", "tiktok"}[i%8], ID: fmt.Sprintf("cuenta-%03d", i)})
	}
	m.InitAccounts(accts)
	for i, a := range accts {
		m.SetAccountInfo(a.Network, a.ID, fmt.Sprintf("organo-%02d", i%40))
		m.PollsTotal.WithLabelValues(a.Network, a.ID, "ok").Add(float64(1000 + i))
		m.Responses.WithLabelValues(a.Network, a.ID, "in_time").Add(25_000)
		for j := range 50 {
			m.FirstResponseBusiness.WithLabelValues(a.Network, a.ID).Observe(float64(j * 600))
		}
		m.CommentsUnanswered.WithLabelValues(a.Network, a.ID, "breached").Set(3)
		m.LastSuccessfulPoll.WithLabelValues(a.Network, a.ID).Set(1.7e9)
	}
	for _, h := range []struct {
		name string
		h    http.Handler
	}{{"registry", reg}, {"promhttp", promhttp.HandlerFor(reg, promhttp.HandlerOpts{})}} {
		for _, enc := range []string{"identity", "gzip"} {
			b.Run(h.name+"/"+enc, func(b *testing.B) {
				var size int
				for b.Loop() {
					rec := httptest.NewRecorder()
					req := httptest.NewRequest("GET", "/metrics", nil)
					req.Header.Set("Accept", promAccept)
					req.Header.Set("Accept-Encoding", enc)
					h.h.ServeHTTP(rec, req)
					size = rec.Body.Len()
				}
				b.ReportMetric(float64(size), "bytes/scrape")
			})
		}
	}
}
