package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestBackfill_WorldApart runs scenario 1 small, with the agent and with the
// world alone (--world-only), and checks that both serve the history to the
// end and that the agent's run reports the world's cost apart from its own.
func TestBackfill_WorldApart(t *testing.T) {
	const accounts, days = 2, 2
	for _, mode := range []string{"agent", "world-only"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "results.json")
			args := []string{"--accounts", "2", "--days", "2", "--only", "1", "--dir", dir, "--out", out}
			if mode == "world-only" {
				args = append(args, "--world-only")
			}
			if code := run(args, io.Discard, io.Discard); code != 0 {
				t.Fatalf("bench exited %d", code)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var rep Report
			if err := json.Unmarshal(data, &rep); err != nil {
				t.Fatal(err)
			}
			if len(rep.Results) != 1 || rep.Results[0].N != 1 || rep.Results[0].Status == "failed" {
				t.Fatalf("results: %+v", rep.Results)
			}
			f := rep.Results[0].Figures
			// About 126 items per account and day, fewer on weekends.
			if n := f["items"] + f["edits"]; n < 50*accounts*days || n > 400*accounts*days {
				t.Errorf("%v items served for %d accounts × %d days", n, accounts, days)
			}
			if b := f["items_per_batch"]; b < 1 || b > simPageSize {
				t.Errorf("items per batch %v, want 1 to %d", b, simPageSize)
			}
			// Every account-day from the start's day − 7 to today, each at least once.
			if g := f["world_days_generated"]; g < accounts*(days+7) {
				t.Errorf("world generated %v account-days, want at least %d", g, accounts*(days+7))
			}
			if mode == "agent" {
				if f["world_poll_seconds"] <= 0 || f["world_cpu_seconds"] < 0 || f["world_cache_peak_mib"] <= 0 {
					t.Errorf("world's cost not measured: %v", f)
				}
				if d := f["cpu_seconds"] - f["world_cpu_seconds"] - f["agent_cpu_seconds"]; d > 1e-6 || d < -1e-6 {
					t.Errorf("agent CPU %v + world CPU %v ≠ process CPU %v", f["agent_cpu_seconds"], f["world_cpu_seconds"], f["cpu_seconds"])
				}
			}
		})
	}
}
