package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ife-mx/vigia/archive"
)

// decisionsES explains each decision for the help text.
const decisionsES = "block_confirmed (bloqueo confirmado), false_positive (falso positivo), " +
	"blocked_on_network (bloqueado en la red), unblocked (desbloqueado)"

func cmdLabel(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("label", "label --db ARCHIVO | --config ARCHIVO (--item RED:ID --decision DECISIÓN --by \"Nombre\" [--reason \"…\"] [--at FECHA] | --import DECISIONES.jsonl)", stderr)
	db := fs.String("db", "", "archivo SQLite del archivo")
	config := fs.String("config", "", "archivo de configuración (para tomar de él la ruta del archivo)")
	itemRef := fs.String("item", "", "el elemento archivado: red e id externo, como x:1790000000000000000")
	decision := fs.String("decision", "", "la decisión: "+decisionsES)
	by := fs.String("by", "", "quién decidió (nombre de la persona)")
	reason := fs.String("reason", "", "por qué (opcional)")
	at := fs.String("at", "", "cuándo se decidió, en RFC 3339 (2026-03-02T15:04:05-06:00); por omisión, ahora")
	importFile := fs.String("import", "", "importa decisiones en JSON Lines ({\"network\", \"id\", \"decision\", \"by\", \"reason\", \"at\"}): todas o ninguna")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	single := *itemRef != "" || *decision != "" || *by != "" || *reason != "" || *at != ""
	switch {
	case *importFile != "" && single:
		fmt.Fprintln(stderr, "vigia label: use --import o --item/--decision/--by, no ambos")
		return exitError
	case *importFile == "" && (*itemRef == "" || *decision == "" || strings.TrimSpace(*by) == ""):
		fmt.Fprintln(stderr, "vigia label: indique --item RED:ID, --decision y --by (o --import ARCHIVO)")
		fs.usage()
		return exitError
	}

	var ds []archive.Decision
	var lines []int // input line of each decision (import)
	if *importFile != "" {
		var err error
		ds, lines, err = readDecisions(*importFile)
		if err != nil {
			fmt.Fprintf(stderr, "vigia label: %v\nNo se importó ninguna decisión.\n", err)
			return exitError
		}
		if len(ds) == 0 {
			fmt.Fprintf(stderr, "vigia label: %s no contiene decisiones\n", *importFile)
			return exitError
		}
	} else {
		network, id, ok := splitItem(*itemRef)
		if !ok {
			fmt.Fprintf(stderr, "vigia label: --item inválido %q: escriba la red y el id externo, como x:1790000000000000000\n", *itemRef)
			return exitError
		}
		d := archive.Decision{Network: network, ExternalID: id, Decision: *decision, By: strings.TrimSpace(*by),
			Reason: *reason, Source: archive.SourceCLI}
		if msg := checkDecision(d.Decision); msg != "" {
			fmt.Fprintf(stderr, "vigia label: --decision: %s\n", msg)
			return exitError
		}
		if *at != "" {
			t, err := time.Parse(time.RFC3339, *at)
			if err != nil {
				fmt.Fprintf(stderr, "vigia label: --at inválido %q: use RFC 3339, como 2026-03-02T15:04:05-06:00\n", *at)
				return exitError
			}
			d.At = t
		}
		ds = []archive.Decision{d}
	}

	path, err := dbPath(*db, *config)
	if err != nil {
		fmt.Fprintf(stderr, "vigia label: %v\n", err)
		return exitError
	}
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(stderr, "vigia label: no se pudo abrir %s: %s\n", path, describeOpenError(err))
		return exitError
	}
	store, err := archive.Open(ctx, path, archive.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "vigia label: no se pudo abrir %s: %v\n", path, err)
		return exitError
	}
	defer store.Close()

	if err := store.RecordDecisions(ctx, ds); err != nil {
		var de *archive.DecisionError
		if !errors.As(err, &de) {
			fmt.Fprintf(stderr, "vigia label: %v\n", err)
			return exitError
		}
		where := ""
		if lines != nil {
			where = fmt.Sprintf("%s:%d: ", *importFile, lines[de.Index])
		}
		code := exitError
		var msg string
		switch {
		case errors.Is(err, archive.ErrUnknownItem):
			msg = fmt.Sprintf("el elemento %s:%s no está en el archivo", de.Network, de.ExternalID)
			code = exitFindings
		case errors.Is(err, archive.ErrOwnItem):
			msg = fmt.Sprintf("el elemento %s:%s es de la propia cuenta institucional: solo se decide sobre lo que escriben otros", de.Network, de.ExternalID)
			code = exitFindings
		default:
			msg = de.Err.Error()
		}
		fmt.Fprintf(stderr, "vigia label: %s%s\n", where, msg)
		if lines != nil {
			fmt.Fprintln(stderr, "No se importó ninguna decisión.")
		}
		return code
	}
	if lines != nil {
		fmt.Fprintf(stdout, "Importadas %d decisiones desde %s en %s\n", len(ds), *importFile, path)
		return exitOK
	}
	d := ds[0]
	fmt.Fprintf(stdout, "Decisión registrada en %s: %s:%s %s (por %s)\n", path, d.Network, d.ExternalID, d.Decision, d.By)
	return exitOK
}

// splitItem splits "red:id" at its first colon (ids may hold colons: at://…).
func splitItem(s string) (network, id string, ok bool) {
	network, id, ok = strings.Cut(strings.TrimSpace(s), ":")
	return network, id, ok && network != "" && id != ""
}

// checkDecision returns a Spanish message when d is not a decision the archive
// accepts; empty when it is.
func checkDecision(d string) string {
	for _, k := range archive.DecisionKinds {
		if d == k {
			return ""
		}
	}
	return fmt.Sprintf("decisión desconocida %q (valores admitidos: %s)", d, strings.Join(archive.DecisionKinds, ", "))
}

func describeOpenError(err error) string {
	if errors.Is(err, os.ErrNotExist) {
		return "no existe"
	}
	return err.Error()
}

// decisionLine is one line of an import file.
type decisionLine struct {
	Network  *string         `json:"network"`
	ID       json.RawMessage `json:"id"` // a text, or a number written as the network gives it
	Decision *string         `json:"decision"`
	By       *string         `json:"by"`
	Reason   string          `json:"reason"`
	At       string          `json:"at"`
}

// readDecisions reads an import file: one JSON object a line, blank lines skipped.
// It returns the decisions and the line each came from, or an error naming the
// first bad line.
func readDecisions(path string) ([]archive.Decision, []int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("no se pudo abrir %s: %s", path, describeOpenError(err))
	}
	defer f.Close()
	var ds []archive.Decision
	var lines []int
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		d, err := parseDecisionLine(b)
		if err != nil {
			return nil, nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		ds = append(ds, d)
		lines = append(lines, n)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s:%d: %v (una línea admite hasta %d bytes)", path, n+1, err, maxLine)
	}
	return ds, lines, nil
}

func parseDecisionLine(b []byte) (archive.Decision, error) {
	var l decisionLine
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return archive.Decision{}, fmt.Errorf("JSON inválido: %v", err)
	}
	if dec.More() {
		return archive.Decision{}, errors.New("JSON inválido: un solo objeto por línea")
	}
	id, err := externalID(l.ID)
	if err != nil {
		return archive.Decision{}, err
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"network", l.Network}, {"id", id}, {"decision", l.Decision}, {"by", l.By}} {
		if f.v == nil || strings.TrimSpace(*f.v) == "" {
			return archive.Decision{}, fmt.Errorf("falta el campo %q", f.name)
		}
	}
	if msg := checkDecision(*l.Decision); msg != "" {
		return archive.Decision{}, errors.New(msg)
	}
	d := archive.Decision{Network: strings.TrimSpace(*l.Network), ExternalID: strings.TrimSpace(*id), Decision: *l.Decision,
		By: strings.TrimSpace(*l.By), Reason: l.Reason, Source: archive.SourceImport}
	if l.At != "" {
		t, err := time.Parse(time.RFC3339, l.At)
		if err != nil {
			return archive.Decision{}, fmt.Errorf("fecha inválida en \"at\" %q: use RFC 3339, como 2026-03-02T15:04:05-06:00", l.At)
		}
		d.At = t
	}
	return d, nil
}

// externalID reads the "id" field: a text, or an integer (kept digit for digit);
// nil when absent.
func externalID(raw json.RawMessage) (*string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("JSON inválido en \"id\": %v", err)
		}
		return &s, nil
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return nil, fmt.Errorf("el campo \"id\" debe ser un texto o un número entero, no %s", raw)
		}
	}
	s := string(raw)
	return &s, nil
}
