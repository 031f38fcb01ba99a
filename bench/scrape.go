package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"
)

// scrapeAccept is what Prometheus 3 asks a target for; the agent serves the
// Prometheus text format, and gzip when asked, as it does for Prometheus.
const scrapeAccept = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6," +
	"application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4," +
	"text/plain;version=0.0.4;q=0.3,*/*;q=0.2"

// scrapeSample is one scrape: how long it took to the last byte, and its size
// on the wire (gzip) and as text.
type scrapeSample struct {
	seconds     float64
	wire, bytes int
}

// scrapeN scrapes url n times, one after the other, as Prometheus does (its
// Accept header, gzip). The time runs from the request to the body's last byte;
// the decompression that measures the text's size is not timed.
func scrapeN(ctx context.Context, url string, n int) ([]scrapeSample, error) {
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	var out []scrapeSample
	for i := 0; i < n && ctx.Err() == nil; i++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", scrapeAccept)
		req.Header.Set("Accept-Encoding", "gzip")
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("scrape: status %d, %v", resp.StatusCode, err)
		}
		s := scrapeSample{seconds: time.Since(t0).Seconds(), wire: len(body), bytes: len(body)}
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				return nil, fmt.Errorf("scrape: %w", err)
			}
			n, err := io.Copy(io.Discard, zr)
			if err != nil {
				return nil, fmt.Errorf("scrape: %w", err)
			}
			s.bytes = int(n)
		}
		out = append(out, s)
	}
	return out, nil
}

// scrapeStats summarises scrapes: p50, p99 and the largest time in seconds, and
// the last scrape's sizes.
func scrapeStats(ss []scrapeSample) (p50, p99, maxS float64, wire, size int) {
	lat := make([]float64, len(ss))
	for i, s := range ss {
		lat[i] = s.seconds
	}
	if len(ss) > 0 {
		wire, size, maxS = ss[len(ss)-1].wire, ss[len(ss)-1].bytes, quantile(lat, 1)
	}
	return quantile(lat, 0.5), quantile(lat, 0.99), maxS, wire, size
}

// saveURL writes the body of a GET of url to path.
func saveURL(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// freeAddr is a free loopback address for a child's HTTP listener.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// withListen sets the listen address of a configuration written by configYAML.
func withListen(cfg, addr string) string {
	return strings.Replace(cfg, "listen: 127.0.0.1:0", "listen: "+addr, 1)
}

// scrapes is the number of scrapes scenario 4 takes.
const scrapes = 200

// scrape is scenario 4: /metrics of `vigia run` as its own process, polling
// every account of the Mastodon instance over HTTP every minute with comments
// arriving live, scraped 200 times one after the other as Prometheus scrapes.
// It also gives the process's CPU time per scrape (its CPU during the scrapes
// less its polling CPU measured just before, at the same rate) and its resident
// memory. When scenario 2 ran on scenario 1's archive, the 100 scrapes it took
// of that process are summarised too.
func (b *bench) scrape(ctx context.Context) Result {
	r := Result{Name: "scrape de /metrics (vigia run, Mastodon por HTTP)", Target: "p99 < 100 ms"}
	const interval = time.Minute
	n := b.o.mastAccounts
	mn := newMastodonNet(n, 5, 4, time.Now())
	srv := httptest.NewServer(mn.handler())
	defer srv.Close()
	addr, err := freeAddr()
	if err != nil {
		return failed(r, err)
	}
	var args []string
	pprofAddr := ""
	if b.o.heapProfile != "" {
		if pprofAddr, err = freeAddr(); err != nil {
			return failed(r, err)
		}
		args = []string{"--pprof", pprofAddr}
	}
	ch, err := b.startMastodonAgent(ctx, "scrape", mn, srv.URL, interval, "", addr, args...)
	if err != nil {
		return failed(r, err)
	}
	defer ch.cmd.Process.Kill()
	fctx, stopFeed := context.WithCancel(ctx)
	defer stopFeed()
	go feedComments(fctx, mn, b.o.liveRate)
	// Warm up: every account polled once, its series filled.
	sleepUntil(ctx, time.Now().Add(interval+20*time.Second))
	const idle = 20 * time.Second
	cpu0, t0 := ch.cpuSeconds(), time.Now()
	sleepUntil(ctx, t0.Add(idle))
	idleRate := (ch.cpuSeconds() - cpu0) / time.Since(t0).Seconds()
	rss := ch.rssMiB()
	if pprofAddr != "" {
		if err := saveURL(ctx, "http://"+pprofAddr+"/debug/pprof/heap?gc=1", b.o.heapProfile); err != nil {
			return failed(r, fmt.Errorf("heap profile of vigia run: %w", err))
		}
	}
	cpu1, t1 := ch.cpuSeconds(), time.Now()
	ss, err := scrapeN(ctx, "http://"+addr+"/metrics", scrapes)
	if err != nil {
		return failed(r, fmt.Errorf("scrape of vigia run: %w", err))
	}
	cpuScrapes := ch.cpuSeconds() - cpu1 - idleRate*time.Since(t1).Seconds()
	rssAfter := ch.rssMiB()
	stopFeed()
	if err := ch.stop(); err != nil {
		return failed(r, fmt.Errorf("vigia run: %w", err))
	}
	p50, p99, maxS, wire, size := scrapeStats(ss)
	cpuPer := cpuScrapes / float64(len(ss))
	r.Figures = map[string]float64{"accounts": float64(n), "scrapes": float64(len(ss)), "p50_seconds": p50, "p99_seconds": p99,
		"max_seconds": maxS, "bytes": float64(size), "wire_bytes": float64(wire), "cpu_seconds_per_scrape": cpuPer,
		"rss_mib": rss, "rss_after_scrapes_mib": rssAfter}
	r.Summary = fmt.Sprintf("%d cuentas: p50 %.1f ms, p99 %.1f ms (máx. %.1f ms), %.0f KiB de texto (%.0f KiB con gzip), %.1f ms de CPU por scrape; RSS %.0f MiB (%.0f MiB tras los scrapes)",
		n, p50*1000, p99*1000, maxS*1000, float64(size)/1024, float64(wire)/1024, cpuPer*1000, rss, rssAfter)
	ok := p99 < 0.1
	if len(b.fullScrapes) > 0 {
		fp50, fp99, _, _, _ := scrapeStats(b.fullScrapes)
		r.Figures["full_archive_p50_seconds"], r.Figures["full_archive_p99_seconds"] = fp50, fp99
		r.Summary += fmt.Sprintf("; con el archivo del escenario 1 (%d cuentas): p50 %.1f ms, p99 %.1f ms", b.o.accounts, fp50*1000, fp99*1000)
		ok = ok && fp99 < 0.1
	}
	r.Status = verdict(ok)
	r.Notes = "scraped with Prometheus's Accept header and gzip, back to back; CPU per scrape is the process's CPU during the scrapes less its polling CPU"
	return r
}

// feedComments adds comments to mn at rate per second until ctx ends.
func feedComments(ctx context.Context, mn *mastodonNet, rate float64) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	carry := 0.0
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			for carry += rate / 10; carry >= 1; carry-- {
				mn.comment(time.Now())
			}
		}
	}
}
