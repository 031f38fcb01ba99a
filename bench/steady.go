package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is `vigia run` started as its own process, so its memory and CPU are
// the agent's alone.
type child struct {
	cmd *exec.Cmd
	db  string
}

// vigiaBinary builds cmd/vigia once.
func (b *bench) vigiaBinary(ctx context.Context) (string, error) {
	bin := filepath.Join(b.o.dir, "vigia")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/vigia")
	cmd.Stderr = b.stderr
	return bin, cmd.Run()
}

// startChild runs vigia with the configuration text cfg and extra arguments of
// vigia run.
func (b *bench) startChild(ctx context.Context, name, db, cfg string, env []string, args ...string) (*child, error) {
	bin, err := b.vigiaBinary(ctx)
	if err != nil {
		return nil, fmt.Errorf("go build: %w", err)
	}
	path := filepath.Join(b.o.dir, name+".yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, append([]string{"run", "--config", path}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	if b.o.verbose {
		cmd.Stderr = b.stderr
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &child{cmd: cmd, db: db}, nil
}

// fullArchiveRSS runs vigia on scenario 1's archive (every account with its
// history, the simulated world going on where the backfill left it) and samples
// its memory once the response trackers are rebuilt: the steady-state memory of
// 400 accounts with a semester archived.
func (b *bench) fullArchiveRSS(ctx context.Context, d time.Duration) (maxMiB, avgMiB, cpuShare float64, err error) {
	b.close() // one agent per archive
	networks := fmt.Sprintf("  simulated: {seed: %d, epoch: %s, anchor: %s, backfill: %s, page_size: %d, hostile: 0.005}",
		simSeed, b.epoch.UTC().Format(time.RFC3339Nano), b.epoch.UTC().Format(time.RFC3339Nano), time.Duration(b.o.days)*24*time.Hour, simPageSize)
	addr, err := freeAddr()
	if err != nil {
		return 0, 0, 0, err
	}
	cfg := withListen(configYAML(b.fullDB, "simulated", b.o.accounts, time.Minute, networks, ""), addr)
	ch, err := b.startChild(ctx, "full", b.fullDB, cfg, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	defer ch.cmd.Process.Kill()
	sleepUntil(ctx, time.Now().Add(90*time.Second)) // start-up: trackers rebuilt from the archive
	if b.fullScrapes, err = scrapeN(ctx, "http://"+addr+"/metrics", 100); err != nil {
		return 0, 0, 0, fmt.Errorf("scrape of vigia run: %w", err)
	}
	cpu0, t0 := ch.cpuSeconds(), time.Now()
	var rss []float64
	for end := time.Now().Add(d); time.Now().Before(end) && ctx.Err() == nil; {
		sleepUntil(ctx, time.Now().Add(5*time.Second))
		rss = append(rss, ch.rssMiB())
	}
	cpuShare = (ch.cpuSeconds() - cpu0) / time.Since(t0).Seconds()
	if err := ch.stop(); err != nil {
		return 0, 0, 0, fmt.Errorf("vigia run on the full archive: %w", err)
	}
	for _, v := range rss {
		maxMiB = max(maxMiB, v)
		avgMiB += v / float64(len(rss))
	}
	return maxMiB, avgMiB, cpuShare, nil
}

// startMastodonAgent runs vigia on n accounts of the Mastodon instance at base,
// serving its HTTP endpoints on listen ("" for any free port).
func (b *bench) startMastodonAgent(ctx context.Context, name string, mn *mastodonNet, base string, interval time.Duration, netOpts, listen string, args ...string) (*child, error) {
	db := filepath.Join(b.o.dir, name+".db")
	networks := fmt.Sprintf("  mastodon: {base_url: %q%s}", base, netOpts)
	cfg := configYAML(db, "mastodon", len(mn.accounts), interval, networks, ", credentials: {token: {env: VIGIA_BENCH_TOKEN_%N}}")
	if listen != "" {
		cfg = withListen(cfg, listen)
	}
	var env []string
	for i, a := range mn.accounts {
		env = append(env, fmt.Sprintf("VIGIA_BENCH_TOKEN_%03d=%s", i, a.token))
	}
	return b.startChild(ctx, name, db, cfg, env, args...)
}

// stop sends SIGTERM and waits.
func (c *child) stop() error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	return c.cmd.Wait()
}

// rssMiB and cpuSeconds read the child's /proc entries.
func (c *child) rssMiB() float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kib, _ := strconv.ParseFloat(strings.Fields(v)[0], 64)
			return kib / 1024
		}
	}
	return -1
}

func (c *child) cpuSeconds() float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / 100 // USER_HZ
}

// liveRun is one run of the agent against the Mastodon instance with live
// comments, and what the archive says about it afterwards.
type liveRun struct {
	polls, pollsPerMinute, quietPolls, callsPerQuietPoll, rateLimitedPolls float64
	p50, p99, maxLatency                                                   float64
	comments, lost                                                         int
	rssMax, rssAvg, cpu                                                    float64
	requests, rejected                                                     int64
	maxUsed                                                                int
}

func (b *bench) live(ctx context.Context, name string, accounts, postsPer int, interval time.Duration, netOpts string, rate float64) (*liveRun, error) {
	mn := newMastodonNet(accounts, postsPer, 4, time.Now())
	srv := httptest.NewServer(mn.handler())
	defer srv.Close()
	ch, err := b.startMastodonAgent(ctx, name, mn, srv.URL, interval, netOpts, "")
	if err != nil {
		return nil, err
	}
	defer ch.cmd.Process.Kill()
	// Warm up: every account's first poll reads its window.
	warm := time.Now().Add(interval + 20*time.Second)
	sleepUntil(ctx, warm)
	from := time.Now()
	var rss []float64
	cpu0 := ch.cpuSeconds()
	var issued int
	tick := time.NewTicker(100 * time.Millisecond)
	sample := time.NewTicker(5 * time.Second)
	end := from.Add(b.o.steady)
	carry := 0.0
loop:
	for time.Now().Before(end) {
		select {
		case <-ctx.Done():
			break loop
		case <-sample.C:
			rss = append(rss, ch.rssMiB())
		case <-tick.C:
			carry += rate / 10
			for ; carry >= 1; carry-- {
				mn.comment(time.Now())
				issued++
			}
		}
	}
	tick.Stop()
	sample.Stop()
	to := time.Now()
	cpu := ch.cpuSeconds() - cpu0
	// Drain: the last comments are archived within one interval, or after the
	// rate-limit window's reset when an account spent its allowance.
	for deadline := time.Now().Add(interval + mastodonWindow + 30*time.Second); time.Now().Before(deadline) && ctx.Err() == nil; {
		sleepUntil(ctx, time.Now().Add(10*time.Second))
		if n, err := missing(ctx, ch.db, mn); err == nil && n == 0 {
			break
		}
	}
	if err := ch.stop(); err != nil {
		return nil, fmt.Errorf("vigia run: %w", err)
	}
	lr := &liveRun{comments: issued, requests: mn.requests.Load(), rejected: mn.rejected.Load(), cpu: cpu}
	for _, a := range mn.accounts {
		lr.maxUsed = max(lr.maxUsed, a.maxUsed)
	}
	for _, v := range rss {
		lr.rssMax = max(lr.rssMax, v)
		lr.rssAvg += v / float64(len(rss))
	}
	return lr, lr.fromArchive(ctx, ch.db, mn, from, to)
}

func sleepUntil(ctx context.Context, t time.Time) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Until(t)):
	}
}

// fromArchive reads the polls and the comments' archive times.
func (lr *liveRun) fromArchive(ctx context.Context, path string, mn *mastodonNet, from, to time.Time) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer db.Close()
	err = db.QueryRowContext(ctx, `SELECT count(*),
		coalesce(sum(result = 'ok' AND items_new = 0 AND items_changed = 0 AND items_deleted = 0), 0),
		coalesce(avg(CASE WHEN result = 'ok' AND items_new = 0 AND items_changed = 0 AND items_deleted = 0 THEN calls END), 0),
		coalesce(sum(result = 'rate_limited'), 0)
		FROM fetch_log WHERE started_at >= ? AND started_at < ?`, from.UnixNano(), to.UnixNano()).
		Scan(&lr.polls, &lr.quietPolls, &lr.callsPerQuietPoll, &lr.rateLimitedPolls)
	if err != nil {
		return err
	}
	lr.pollsPerMinute = lr.polls / to.Sub(from).Minutes()
	archived, err := archivedComments(ctx, db)
	if err != nil {
		return err
	}
	var lat []float64
	mn.mu.Lock()
	defer mn.mu.Unlock()
	for id, t := range mn.appeared {
		at, ok := archived[id]
		if !ok {
			lr.lost++
			continue
		}
		lat = append(lat, time.Duration(at-t.UnixNano()).Seconds())
	}
	lr.p50, lr.p99 = quantile(lat, 0.5), quantile(lat, 0.99)
	if len(lat) > 0 {
		lr.maxLatency = quantile(lat, 1)
	}
	return nil
}

// archivedComments maps each archived comment's id to the end of the poll that
// stored it (Unix nanoseconds).
func archivedComments(ctx context.Context, db *sql.DB) (map[string]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT i.external_id, f.finished_at FROM items i JOIN fetch_log f ON f.id = i.fetch_id WHERE i.kind = 'comment'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	archived := map[string]int64{}
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		archived[id] = at
	}
	return archived, rows.Err()
}

// missing counts the live comments not yet in the archive at path.
func missing(ctx context.Context, path string, mn *mastodonNet) (int, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	archived, err := archivedComments(ctx, db)
	if err != nil {
		return 0, err
	}
	mn.mu.Lock()
	defer mn.mu.Unlock()
	n := 0
	for id := range mn.appeared {
		if _, ok := archived[id]; !ok {
			n++
		}
	}
	return n, nil
}

// steadyState is scenario 2: vigia run polling every account of a Mastodon
// instance over HTTP on loopback, with comments arriving live.
func (b *bench) steadyState(ctx context.Context) Result {
	r := Result{Name: "régimen estable (Mastodon por HTTP, conector real)", Target: "RSS < 100 MiB; 1 llamada mínima por cuenta"}
	const interval = time.Minute
	lr, err := b.live(ctx, "steady", b.o.mastAccounts, 5, interval, "", b.o.liveRate)
	if err != nil {
		return failed(r, err)
	}
	r.Figures = map[string]float64{"accounts": float64(b.o.mastAccounts), "poll_interval_seconds": interval.Seconds(),
		"polls_per_minute": lr.pollsPerMinute, "calls_per_quiet_poll": lr.callsPerQuietPoll, "quiet_polls": lr.quietPolls,
		"comments": float64(lr.comments), "lost": float64(lr.lost), "latency_p50_seconds": lr.p50, "latency_p99_seconds": lr.p99,
		"rss_max_mib": lr.rssMax, "rss_avg_mib": lr.rssAvg, "cpu_seconds": lr.cpu, "cpu_share": lr.cpu / b.o.steady.Seconds(),
		"requests_beyond_limit": float64(lr.rejected)}
	r.Summary = fmt.Sprintf("%d cuentas cada %s: %.0f sondeos/min, %.1f llamadas por sondeo sin novedades, p99 de aparición a archivo %.0f s (p50 %.0f s), %d comentarios, %d perdidos, RSS máx. %.0f MiB, CPU %.0f %% de un núcleo",
		b.o.mastAccounts, interval, lr.pollsPerMinute, lr.callsPerQuietPoll, lr.p99, lr.p50, lr.comments, lr.lost, lr.rssMax, 100*lr.cpu/b.o.steady.Seconds())
	rssOK := lr.rssMax < 100
	if b.fullDB != "" {
		fmax, favg, fcpu, err := b.fullArchiveRSS(ctx, b.o.steady/2)
		if err != nil {
			return failed(r, err)
		}
		r.Figures["full_archive_rss_max_mib"], r.Figures["full_archive_rss_avg_mib"], r.Figures["full_archive_cpu_share"] = fmax, favg, fcpu
		r.Summary += fmt.Sprintf("; con el archivo del escenario 1 (%d cuentas, %d días): RSS máx. %.0f MiB, CPU %.0f %%", b.o.accounts, b.o.days, fmax, 100*fcpu)
		rssOK = rssOK && fmax < 100
	}
	r.Status = verdict(rssOK && lr.lost == 0 && lr.rejected == 0)
	r.Notes = "Mastodon's minimum for a quiet poll is 3 calls (verify_credentials, statuses, notifications) plus the connector's one thread re-check (recheck_per_poll 1)"
	return r
}

// pressure is scenario 3: polls every 10 s that ask to re-check 20 threads
// each, about twice Mastodon's 300 calls per 5 minutes per account.
func (b *bench) pressure(ctx context.Context) Result {
	r := Result{Name: "presión de límite de tasa (Mastodon, 300 llamadas/5 min)", Target: "0 llamadas más allá del límite; nada perdido"}
	n := min(b.o.mastAccounts, 40)
	lr, err := b.live(ctx, "pressure", n, 20, 10*time.Second, ", recheck_per_poll: 20, window_posts: 20", float64(n)/4)
	if err != nil {
		return failed(r, err)
	}
	r.Figures = map[string]float64{"accounts": float64(n), "requests": float64(lr.requests), "requests_beyond_limit": float64(lr.rejected),
		"max_used_in_window": float64(lr.maxUsed), "rate_limited_polls": lr.rateLimitedPolls, "comments": float64(lr.comments),
		"lost": float64(lr.lost), "latency_p99_seconds": lr.p99}
	r.Summary = fmt.Sprintf("%d cuentas, %d llamadas; %d más allá del límite (429); máx. %d de 300 en una ventana; %d comentarios, %d perdidos; p99 %.0f s",
		n, lr.requests, lr.rejected, lr.maxUsed, lr.comments, lr.lost, lr.p99)
	r.Status = verdict(lr.rejected == 0 && lr.lost == 0)
	return r
}
