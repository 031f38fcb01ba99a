package agent_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors/simulated"
	"github.com/ife-mx/vigia/policy/calendar"
	"github.com/ife-mx/vigia/policy/response"
)

// TestAgent_ResponsesMatchSimulation checks the response clock against the
// simulation's ground truth: every comment the simulated account answered has that
// first answer in the archive, with its delay in the account's business time, and a
// restart (a rebuild from the archive) changes no figure.
func TestAgent_ResponsesMatchSimulation(t *testing.T) {
	t.Parallel()
	world := frozenWorld(t, simulated.Faults{})
	dir := t.TempDir()
	cfg := testConfig(t, dir, 50*time.Millisecond, map[string]string{"cncs-x": "x", "cncs-fb": "facebook"})
	for i := range cfg.Organs[0].Accounts {
		cfg.Organs[0].Accounts[i].Response.Answers = response.ScopeDirect // the simulation answers directly
		cfg.Organs[0].Accounts[i].Response.Intents = response.Intents     // praise too: it answers some
	}
	h := start(t, cfg, simRegistry(world, "x", "facebook"), nil)
	accts := cfg.Accounts()
	waitFor(t, "the archive to catch up", func() bool { return archivedAll(t, h.store, world, accts) })
	waitFor(t, "the answered count metric", func() bool {
		return counter(t, h.reg, "vigia_responses_total", map[string]string{"account": "cncs-x", "outcome": "in_time"}) > 0
	})
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cal, err := calendar.New(calendar.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	upTo := world.SimNow(time.Now())
	before := map[string]map[string]archive.ResponseRow{}
	for _, acct := range accts {
		rows, err := h.store.Responses(ctx, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		before[acct.ID] = rows
		truth := world.Truth(acct, upTo)
		byID := truth.ByID()
		checked := 0
		for _, it := range truth.Items {
			if it.Own || it.AnsweredBy == "" || !it.DeletedAt.IsZero() {
				continue
			}
			if ans := byID[it.AnsweredBy]; !ans.DeletedAt.IsZero() {
				continue // the answer was deleted later: the comment reopened
			}
			row, ok := rows[it.ExternalID]
			if !ok {
				t.Errorf("%s: answered comment %s has no response row", acct.ID, it.ExternalID)
				continue
			}
			if row.Reply != it.AnsweredBy {
				t.Errorf("%s: comment %s: first answer %q, simulation %q (row %+v, label %s, text %.60q)", acct.ID, it.ExternalID, row.Reply, it.AnsweredBy, row, it.Label, it.Final().Text)
				continue
			}
			want := cal.BusinessDuration(it.Versions[0].At, it.AnsweredAt).Truncate(time.Second)
			if row.Business != want {
				t.Errorf("%s: comment %s: business delay %v, want %v", acct.ID, it.ExternalID, row.Business, want)
			}
			if row.Wall != it.AnsweredAt.Sub(it.Versions[0].At).Truncate(time.Second) {
				t.Errorf("%s: comment %s: wall delay %v", acct.ID, it.ExternalID, row.Wall)
			}
			checked++
		}
		if checked < 50 {
			t.Fatalf("%s: only %d answered comments compared: the test proves too little", acct.ID, checked)
		}
		t.Logf("%s: %d answered comments match the simulation", acct.ID, checked)
	}

	// A restart rebuilds the clocks from the archive: the same figures.
	h.store.Close()
	h2 := start(t, cfg, simRegistry(world, "x", "facebook"), nil)
	if err := h2.stop(); err != nil {
		t.Fatal(err)
	}
	for _, acct := range accts {
		after, err := h2.store.Responses(ctx, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := dumpResponses(before[acct.ID]), dumpResponses(after); a != b {
			t.Errorf("%s: the restart changed the response figures", acct.ID)
		}
	}
}

func dumpResponses(m map[string]archive.ResponseRow) string {
	var lines []string
	for id, r := range m {
		lines = append(lines, fmt.Sprintf("%s %+v", id, r))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestAgent_ResponsesColdConversations runs the same simulated history twice:
// once with every conversation held in memory, once with the response clocks
// letting go of every conversation every few milliseconds (open comments kept,
// breached ones only counted), so that nearly every batch loads its
// conversations back from the archive. The responses table must come out the
// same, the SLA backlog must count every open comment, and a restart of the
// second run (a rebuild from the archive) must change nothing.
func TestAgent_ResponsesColdConversations(t *testing.T) {
	t.Parallel()
	world := frozenWorld(t, simulated.Faults{})
	config := func(dir string) *agent.Config {
		cfg := testConfig(t, dir, 50*time.Millisecond, map[string]string{"cncs-x": "x", "cncs-fb": "facebook"})
		for i := range cfg.Organs[0].Accounts {
			cfg.Organs[0].Accounts[i].Response.Intents = response.Intents
		}
		return cfg
	}
	ctx := context.Background()
	run := func(cfg *agent.Config, opts ...func(*agent.Options)) (*harness, map[string]map[string]archive.ResponseRow) {
		h := start(t, cfg, simRegistry(world, "x", "facebook"), nil, opts...)
		accts := cfg.Accounts()
		waitFor(t, "the archive to catch up", func() bool { return archivedAll(t, h.store, world, accts) })
		out := map[string]map[string]archive.ResponseRow{}
		for _, acct := range accts {
			open := 0
			waitFor(t, "the response rows to settle", func() bool {
				rows, err := h.store.Responses(ctx, acct.ID)
				if err != nil {
					t.Fatal(err)
				}
				out[acct.ID] = rows
				return len(rows) > 0 && len(rows) == len(respondable(t, h.store, acct.ID))
			})
			for _, r := range out[acct.ID] {
				if r.NeedsAnswer && r.Reply == "" {
					open++
				}
			}
			// The comments are from March: every open one has breached, and the SLA
			// tick counts them all, held or dormant.
			waitFor(t, "the SLA tick to count the open comments", func() bool {
				got := counter(t, h.reg, "vigia_comments_unanswered", map[string]string{"account": acct.ID, "sla_state": "breached"})
				return got == float64(open)
			})
		}
		if err := h.stop(); err != nil {
			t.Fatal(err)
		}
		return h, out
	}
	_, whole := run(config(t.TempDir()))
	cold := agent.WithResponseWindows(time.Nanosecond, 2*time.Millisecond)
	cfg := config(t.TempDir())
	h, pruned := run(cfg, cold)
	answered := 0
	for id, rows := range whole {
		if a, b := dumpResponses(rows), dumpResponses(pruned[id]); a != b {
			t.Errorf("%s: the response rows differ when conversations are let go of and loaded back:\n%s", id, diffLines(a, b))
		}
		for _, r := range rows {
			if r.Reply != "" {
				answered++
			}
		}
	}
	if answered < 100 {
		t.Fatalf("only %d answered comments: the test proves too little", answered)
	}
	h.store.Close()
	_, restarted := run(cfg, cold)
	for id, rows := range pruned {
		if a, b := dumpResponses(rows), dumpResponses(restarted[id]); a != b {
			t.Errorf("%s: the restart changed the response rows:\n%s", id, diffLines(a, b))
		}
	}
}

// respondable returns the external ids of the account's comments by others (the
// items that get a responses row).
func respondable(t *testing.T, store *archive.Store, account string) []string {
	t.Helper()
	var ids []string
	err := store.Items(context.Background(), account, func(it archive.StoredItem) error {
		if !it.Own && it.Kind != "post" {
			ids = append(ids, it.ExternalID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// diffLines lists the lines of a and b that the other lacks (at most 20).
func diffLines(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for l := range ma {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range mb {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out[:min(len(out), 20)], "\n")
}
