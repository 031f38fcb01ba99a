package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/report"
)

// hostile are texts that would run script if a renderer pasted them as HTML.
var hostile = []string{
	`<script>console.error("VIGIA-PWNED-1")</script>`,
	`"><img src=x onerror="console.error('VIGIA-PWNED-2')">`,
	`</style><svg onload="console.error('VIGIA-PWNED-3')">`,
	`javascript:console.error('VIGIA-PWNED-4')`,
	"\u202e<b onmouseover=alert(1)>\x00",
}

// hostileArchive is an archive whose every text a report shows (account handle,
// organ id, flag category, comments) is hostile.
func hostileArchive(t *testing.T) (*archive.Store, report.Options) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vigia.db")
	s, err := archive.Open(ctx, path, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	organ := hostile[1]
	if err := s.SyncAccounts(ctx, []archive.AccountInfo{{ID: "cuenta-x", Network: "x", Handle: hostile[0], Organ: organ, Status: "active"}}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC)
	items := []connectors.Item{{ExternalID: "p1", Kind: connectors.KindPost, Own: true, AuthorID: "ife", CreatedAt: at, Text: hostile[2]}}
	var flags []archive.Flag
	var rows []archive.ResponseRow
	for i, h := range hostile {
		id := "c" + string(rune('a'+i))
		items = append(items, connectors.Item{ExternalID: id, Kind: connectors.KindComment, ParentID: "p1", RootID: "p1",
			AuthorID: h, AuthorHandle: h, AuthorName: h, CreatedAt: at.Add(time.Minute), Text: h})
		flags = append(flags, archive.Flag{ExternalID: id, Rule: "offensive", Category: h, Severity: "recommend_block", Score: 1, Evidence: "[]"})
		rows = append(rows, archive.ResponseRow{Comment: id, Intent: "other"})
	}
	items = append(items, connectors.Item{ExternalID: "r1", Kind: connectors.KindReply, ParentID: "ca", RootID: "p1", Own: true,
		AuthorID: "ife", CreatedAt: at.Add(time.Hour), Text: hostile[3]})
	flags = append(flags, archive.Flag{ExternalID: "r1", Rule: hostile[4], Category: "x", Severity: "urgent", Score: 1, Evidence: "[]"})
	if _, err := s.Commit(ctx, archive.Poll{Account: "cuenta-x", Network: "x", Started: at, Finished: at.Add(2 * time.Hour),
		Batch: connectors.Batch{Items: items, Cursor: connectors.Cursor("1")}, Flags: flags}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveResponses(ctx, "x", "cuenta-x", rows); err != nil {
		t.Fatal(err)
	}
	period, _ := report.Semester("2026-1")
	return s, report.Options{Period: period, Institute: hostile[2], OrganNames: map[string]string{organ: hostile[3]}}
}

// TestWriteHTML_HostileTextDoesNotExecute renders a report whose every shown text
// is hostile: the HTML holds no element or attribute of theirs (only escaped
// text), and chromium loads it without running any of it.
func TestWriteHTML_HostileTextDoesNotExecute(t *testing.T) {
	s, opts := hostileArchive(t)
	r, err := report.Build(context.Background(), s, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if n := strings.Count(html, "<script"); n != 1 {
		t.Errorf("%d <script elements, want only the report's own", n)
	}
	for _, bad := range []string{`<img src=x`, `<svg onload`, `<b onmouseover`, `</style><svg`, `href="javascript:`} {
		if strings.Contains(html, bad) {
			t.Errorf("hostile markup %q reached the HTML unescaped", bad)
		}
	}
	for _, escaped := range []string{"&lt;script&gt;console.error", "&lt;/style&gt;&lt;svg onload"} {
		if !strings.Contains(html, escaped) {
			t.Errorf("the HTML lacks the escaped text %q: the hostile text was not shown at all", escaped)
		}
	}
	page := filepath.Join(t.TempDir(), "hostil.html")
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	checkChromium(t, page) // fails on any console message: VIGIA-PWNED would be one
}

// TestWriteJSONAndCSV_HostileTextRoundTrips checks that the data formats carry
// hostile text verbatim and well-formed.
func TestWriteJSONAndCSV_HostileTextRoundTrips(t *testing.T) {
	s, opts := hostileArchive(t)
	r, err := report.Build(context.Background(), s, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var back report.Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("the JSON does not parse: %v", err)
	}
	if back.Institute != hostile[2] || back.Accounts[0].Handle != hostile[0] || back.Accounts[0].OrganName != hostile[3] {
		t.Errorf("hostile text changed in JSON: %q %q %q", back.Institute, back.Accounts[0].Handle, back.Accounts[0].OrganName)
	}
	if back.Accounts[0].Offensive.Comments != int64(len(hostile)) {
		t.Errorf("offensive comments %d, want %d", back.Accounts[0].Offensive.Comments, len(hostile))
	}
	dir := t.TempDir()
	if err := report.WriteCSV(dir, r); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "cuentas.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("cuentas.csv does not parse: %v", err)
	}
	if len(recs) != 2 || recs[1][2] != hostile[0] || recs[1][4] != hostile[3] {
		t.Errorf("cuentas.csv: %q", recs)
	}
}
