package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/archive"
	"github.com/ife-mx/vigia/connectors"
)

// govArchive writes an archive for simConfig's accounts: cncs-sim verified with two
// own posts (one edited) and a deletion, cncs-sim-2 unverified.
func govArchive(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	store, err := archive.Open(ctx, db, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.SyncAccounts(ctx, []archive.AccountInfo{
		{ID: "cncs-sim", Network: "simulated", Handle: "cncs_sim", Organ: "cncs", Status: "active"},
		{ID: "cncs-sim-2", Network: "simulated", Handle: "cncs_sim_2", Organ: "cncs", Status: "active"},
	}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 16, 0, 0, 0, time.UTC)
	post := func(id, text string, edited time.Time) connectors.Item {
		return connectors.Item{ExternalID: id, Kind: connectors.KindPost, Own: true, AuthorID: "1", AuthorHandle: "cncs_sim",
			Text: text, Lang: "es", CreatedAt: t0, EditedAt: edited, Raw: []byte(`{}`)}
	}
	commit := func(acct string, b connectors.Batch, at time.Time) {
		t.Helper()
		if _, err := store.Commit(ctx, archive.Poll{Account: acct, Network: "simulated", Started: at, Finished: at, Batch: b}); err != nil {
			t.Fatal(err)
		}
	}
	prof := func(handle string, verified bool) *connectors.Profile {
		return &connectors.Profile{ExternalID: "1", Handle: handle, DisplayName: "IFE <b>demo</b>", Verified: verified, Raw: []byte(`{}`)}
	}
	commit("cncs-sim", connectors.Batch{Items: []connectors.Item{post("p1", "=Consulta tu casilla", time.Time{}), post("p2", "Hoy abre el módulo", time.Time{})},
		Profile: prof("cncs_sim", true), Cursor: connectors.Cursor("1")}, t0.Add(time.Hour))
	commit("cncs-sim", connectors.Batch{Items: []connectors.Item{post("p1", "=Consulta tu casilla en www.ife.org.mx", t0.Add(2*time.Hour))},
		Deletions: []connectors.Deletion{{ExternalID: "p2", ObservedAt: t0.Add(3 * time.Hour)}}, Cursor: connectors.Cursor("2")}, t0.Add(3*time.Hour))
	commit("cncs-sim-2", connectors.Batch{Profile: prof("cncs_sim_2", false), Cursor: connectors.Cursor("1")}, t0.Add(time.Hour))
}

func TestCheck_Registry(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "vigia.db")
	good := filepath.Join(dir, "vigia.yaml")
	writeFile(t, good, simConfig(db, "cncs-sim", "cncs-sim-2"))
	bad := filepath.Join(dir, "bad.yaml")
	writeFile(t, bad, strings.Replace(strings.Replace(simConfig(db, "cncs-sim"), "level: mando_medio", "level: operativo", 1),
		"registration_email: redes.cncs_sim@ife.org.mx", "registration_email: redes.cncs@gmail.com", 1))

	code, out, _ := runCLI(t, "check", "--config", bad)
	if code != exitFindings {
		t.Errorf("registry findings: exit %d, want %d\n%s", code, exitFindings, out)
	}
	for _, want := range []string{"configuración válida", "Registro de cuentas: 2 hallazgo(s):",
		"organs[0].admins.titular.level: el administrador titular Jorge Salinas Ruiz tiene nivel personal operativo; debe ser mando medio o superior (Criterios, 5.1)",
		"organs[0].accounts[0].registration_email: la cuenta \"cncs-sim\" se abrió con redes.cncs@gmail.com, que no pertenece al dominio del Instituto ife.org.mx (Criterios, 4.vii, 7.v)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runCLI(t, "check", "--config", bad, "--format", "json")
	var rep checkReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if code != exitFindings || !rep.Valid || rep.Clean || len(rep.Findings) != 2 || rep.Findings[0].Clause != "5.1" || rep.Findings[1].Rule != "registration_email" {
		t.Errorf("exit %d, report %+v", code, rep)
	}

	// Before the archive exists nothing is listed as unverified; after, the
	// unverified account is, and the exit status stays clean.
	code, out, _ = runCLI(t, "check", "--config", good)
	if code != exitOK || !strings.Contains(out, "aún no existe") {
		t.Errorf("exit %d\n%s", code, out)
	}
	govArchive(t, db)
	code, out, _ = runCLI(t, "check", "--config", good, "--format", "json")
	rep = checkReport{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if code != exitOK || !rep.Clean || len(rep.Unverified) != 1 || rep.Unverified[0].Account != "cncs-sim-2" {
		t.Errorf("exit %d, report %+v", code, rep)
	}
	_, out, _ = runCLI(t, "check", "--config", good)
	if !strings.Contains(out, "Cuentas sin verificar en la red (6.xxv") || !strings.Contains(out, "cncs-sim-2 (simulated @cncs_sim_2, órgano cncs)") {
		t.Errorf("unverified accounts not listed:\n%s", out)
	}
}

func TestDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "vigia.db")
	cfg := filepath.Join(dir, "vigia.yaml")
	writeFile(t, cfg, strings.Replace(simConfig(db, "cncs-sim", "cncs-sim-2"), "name: cncs_sim,", `name: "IFE <script>alert(1)</script>",`, 1))
	govArchive(t, db)

	code, out, errOut := runCLI(t, "directory", "--config", cfg, "--format", "json")
	var entries []directoryEntry
	if err := json.Unmarshal([]byte(out), &entries); err != nil || code != exitOK {
		t.Fatalf("exit %d, %v\n%s%s", code, err, out, errOut)
	}
	// Only the verified, active account.
	if len(entries) != 1 || entries[0].Account != "cncs-sim" || entries[0].URL != "https://simulated.invalid/cncs_sim" || entries[0].Organ != "cncs" {
		t.Errorf("entries %+v", entries)
	}
	code, out, _ = runCLI(t, "directory", "--config", cfg, "--format", "html")
	if code != exitOK || !strings.Contains(out, `<a href="https://simulated.invalid/cncs_sim" rel="noopener">@cncs_sim</a>`) ||
		strings.Contains(out, "<script>") || !strings.Contains(out, "&lt;script&gt;") || strings.Contains(out, "cncs_sim_2") {
		t.Errorf("html:\n%s", out)
	}
	if code, _, _ := runCLI(t, "directory", "--config", cfg, "--format", "pdf"); code != exitError {
		t.Errorf("bad format: exit %d", code)
	}
}

func TestLog(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "vigia.db")
	govArchive(t, db)
	code, out, errOut := runCLI(t, "log", "--db", db, "--account", "cncs-sim", "--format", "jsonl")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var events []string
	var acts []archive.Activity
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var a archive.Activity
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		if b, err := hex.DecodeString(a.Hash); err != nil || len(b) != 32 || a.ID == 0 {
			t.Errorf("record without its chain values: %+v", a)
		}
		acts = append(acts, a)
		events = append(events, a.Event+":"+a.Item)
	}
	want := "poll:,published:p1,published:p2,profile:,poll:,edited:p1,deleted:p2"
	if got := strings.Join(events, ","); got != want {
		t.Errorf("events %s, want %s", got, want)
	}
	for i := 1; i < len(acts); i++ {
		if acts[i].ID <= acts[i-1].ID {
			t.Errorf("not in chain order: %d after %d", acts[i].ID, acts[i-1].ID)
		}
	}

	// A window that holds only the second poll; CSV quotes every text and defuses formulas.
	code, out, _ = runCLI(t, "log", "--db", db, "--account", "cncs-sim", "--from", "2026-03-02T17:30:00Z", "--to", "2026-03-02", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || code != exitOK {
		t.Fatalf("exit %d, %v\n%s", code, err, out)
	}
	if len(rows) != 4 || rows[0][4] != "event" || rows[1][4] != "poll" || rows[2][4] != "edited" || rows[2][7] != "'=Consulta tu casilla en www.ife.org.mx" || rows[3][4] != "deleted" {
		t.Errorf("rows %q", rows)
	}
	if code, _, errOut := runCLI(t, "log", "--db", db, "--account", "no-such"); code != exitFindings || !strings.Contains(errOut, `la cuenta "no-such" no está en el archivo`) {
		t.Errorf("unknown account: exit %d, %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "log", "--db", db, "--account", "cncs-sim", "--from", "ayer"); code != exitError {
		t.Errorf("bad date: exit %d", code)
	}
}
