package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	t.Parallel()
	db := labelArchive(t,
		comment{"101", "u1", "eres un pendejo", "offensive"},
		comment{"102", "u1", "pinche rata", "offensive"},
		comment{"103", "u2", "¿a qué hora abren?", ""},
	)
	t.Run("json", func(t *testing.T) {
		t.Parallel()
		code, stdout, stderr := runCLI(t, "report", "--db", db, "--semester", "2026-1", "--format", "json")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var r struct {
			From, To, Semester string
			Accounts           []struct {
				ID        string
				Offensive struct {
					Comments        int64
					RepeatOffenders int64 `json:"repeat_offenders"`
				}
				Compliance []struct{ Criterio, State string }
			}
		}
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		if r.From != "2026-01-01" || r.To != "2026-06-30" || r.Semester != "2026-1" || len(r.Accounts) != 1 {
			t.Fatalf("period or accounts: %+v", r)
		}
		a := r.Accounts[0]
		if a.ID != "cncs-x" || a.Offensive.Comments != 2 || a.Offensive.RepeatOffenders != 1 {
			t.Errorf("account figures: %+v", a)
		}
		for _, c := range a.Compliance {
			if c.Criterio == "6.xv" && c.State != "not_met" {
				t.Errorf("6.xv with a repeat offender and no block: %s", c.State)
			}
		}
	})
	t.Run("csv", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "tablas")
		code, _, stderr := runCLI(t, "report", "--db", db, "--from", "2026-03-01", "--to", "2026-03-31", "--format", "csv", "--out", dir)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, name := range []string{"cuentas.csv", "organos.csv", "cumplimiento.csv", "intenciones.csv", "publicaciones_semanales.csv"} {
			f, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(f).ReadAll()
			f.Close()
			if err != nil || len(recs) < 2 {
				t.Errorf("%s: %v, %d rows", name, err, len(recs))
			}
		}
	})
	t.Run("html", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(t.TempDir(), "informe.html")
		code, _, stderr := runCLI(t, "report", "--db", db, "--semester", "2026-1", "--out", out)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{`<html lang="es">`, "primer semestre de 2026", "Matriz de cumplimiento", "<svg"} {
			if !strings.Contains(string(data), w) {
				t.Errorf("the HTML lacks %q", w)
			}
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no period", []string{"--db", db}, "indique el periodo"},
		{"bad semester", []string{"--db", db, "--semester", "2026-3"}, "semestre inválido"},
		{"both periods", []string{"--db", db, "--semester", "2026-1", "--from", "2026-01-01"}, "no ambos"},
		{"one date", []string{"--db", db, "--from", "2026-01-01"}, "ambas fechas"},
		{"reversed dates", []string{"--db", db, "--from", "2026-02-01", "--to", "2026-01-01"}, "anterior a la inicial"},
		{"bad date", []string{"--db", db, "--from", "1/1/2026", "--to", "2026-01-31"}, "fecha inicial inválida"},
		{"bad format", []string{"--db", db, "--semester", "2026-1", "--format", "pdf"}, "--format inválido"},
		{"csv without folder", []string{"--db", db, "--semester", "2026-1", "--format", "csv"}, "--out la carpeta"},
		{"no archive", []string{"--semester", "2026-1"}, "indique el archivo"},
		{"unknown account", []string{"--db", db, "--semester", "2026-1", "--account", "nadie"}, "ninguna cuenta"},
		{"missing archive", []string{"--db", filepath.Join(t.TempDir(), "no.db"), "--semester", "2026-1"}, "no se pudo abrir"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runCLI(t, append([]string{"report"}, tc.args...)...)
			if code != exitError || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

// «vigia report --config» takes each account's expected cadence from the
// configuration (key cadence): posting every 48 h is 3.5 posts a week.
func TestReport_ConfiguredCadence(t *testing.T) {
	t.Parallel()
	db := labelArchive(t, comment{"101", "u1", "hola", ""})
	cfg := filepath.Join(t.TempDir(), "vigia.yaml")
	writeFile(t, cfg, strings.Replace(simConfig(db, "cncs-x"), "registration_email: redes.cncs_x@ife.org.mx}",
		"registration_email: redes.cncs_x@ife.org.mx, cadence: 48h}", 1))
	for _, tc := range []struct {
		args []string
		want float64
	}{
		{[]string{"--config", cfg}, 3.5},
		{[]string{"--db", db}, 7}, // without the configuration: the network's default, daily
	} {
		code, stdout, stderr := runCLI(t, append([]string{"report", "--semester", "2026-1", "--format", "json"}, tc.args...)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", tc.args, code, stderr)
		}
		var r struct {
			Accounts []struct {
				Expected float64 `json:"expected_posts_per_week"`
			}
		}
		if err := json.Unmarshal([]byte(stdout), &r); err != nil || len(r.Accounts) != 1 {
			t.Fatalf("%v: %v\n%s", tc.args, err, stdout)
		}
		if r.Accounts[0].Expected != tc.want {
			t.Errorf("%v: expected_posts_per_week = %v, want %v", tc.args, r.Accounts[0].Expected, tc.want)
		}
	}
}
