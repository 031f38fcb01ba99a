package agent

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// handler serves /metrics, /healthz (the process and its archive answer) and
// /readyz (the agent is scheduling polls; 503 while starting or stopping).
func (a *Agent) handler() http.Handler {
	mux := http.NewServeMux()
	g := a.opts.Gatherer
	if g == nil {
		if r, ok := a.opts.Registerer.(prometheus.Gatherer); ok {
			g = r
		} else {
			g = prometheus.NewRegistry()
		}
	}
	var mh http.Handler = promhttp.HandlerFor(g, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	if h, ok := g.(http.Handler); ok {
		mh = h // a metrics.Registry serves its own, faster
	}
	mux.Handle("GET /metrics", mh)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.Healthy(ctx); err != nil {
			http.Error(w, "archive unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !a.ready.Load() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>Vigía</title><h1>Vigía</h1><ul><li><a href="/metrics">/metrics</a><li><a href="/healthz">/healthz</a><li><a href="/readyz">/readyz</a></ul>`))
	})
	return mux
}
