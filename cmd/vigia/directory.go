package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"

	"github.com/ife-mx/vigia/agent"
	"github.com/ife-mx/vigia/archive"
)

// directoryEntry is one official account of «vigia directory».
type directoryEntry struct {
	Organ     string `json:"organ"`
	OrganName string `json:"organ_name"`
	Account   string `json:"account"`
	Network   string `json:"network"`
	Handle    string `json:"handle"`
	Name      string `json:"name"`
	URL       string `json:"url"`
}

var directoryHTML = template.Must(template.New("directory").Parse(`<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<title>Cuentas institucionales oficiales — {{.Institute}}</title>
</head>
<body>
<h1>Cuentas institucionales oficiales del {{.Institute}}</h1>
<p>Solo estas cuentas, activas y verificadas por cada red social, hablan en nombre del Instituto.</p>
<table>
<thead><tr><th>Órgano responsable</th><th>Red</th><th>Cuenta</th><th>Nombre</th></tr></thead>
<tbody>
{{- range .Entries}}
<tr><td>{{.OrganName}}</td><td>{{.Network}}</td><td><a href="{{.URL}}" rel="noopener">@{{.Handle}}</a></td><td>{{.Name}}</td></tr>
{{- end}}
</tbody>
</table>
</body>
</html>
`))

func cmdDirectory(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("directory", "directory [--config ARCHIVO] [--db ARCHIVO] [--format html|json]", stderr)
	config := fs.String("config", defaultConfigPath, "archivo de configuración YAML (el registro de cuentas)")
	db := fs.String("db", "", "archivo SQLite (por omisión, el de la configuración)")
	format := fs.String("format", "json", "html (para el portal del Instituto) o json")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *format != "html" && *format != "json" {
		fmt.Fprintf(stderr, "vigia directory: --format inválido %q: use html o json\n", *format)
		return exitError
	}
	cfg, err := agent.LoadConfigWithoutSecrets(*config)
	if err != nil {
		fmt.Fprintf(stderr, "vigia directory: %v\n", err)
		return exitError
	}
	path := cfg.Database
	if *db != "" {
		path = *db
	}
	store, err := archive.Open(ctx, path, archive.Options{ReadOnly: true})
	if err != nil {
		fmt.Fprintf(stderr, "vigia directory: no se pudo abrir %s: %v\n", path, err)
		return exitError
	}
	defer store.Close()
	profiles, err := store.LatestProfiles(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "vigia directory: %v\n", err)
		return exitError
	}
	entries := []directoryEntry{}
	for _, o := range cfg.Organs {
		for _, a := range o.Accounts {
			if a.Status != agent.StatusActive || a.URL == "" || !profiles[a.ID].Verified {
				continue
			}
			entries = append(entries, directoryEntry{Organ: o.ID, OrganName: o.Name, Account: a.ID, Network: a.Network,
				Handle: a.Handle, Name: a.Name, URL: a.URL})
		}
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].OrganName < entries[j].OrganName })
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(entries)
	} else {
		err = directoryHTML.Execute(stdout, struct {
			Institute string
			Entries   []directoryEntry
		}{cfg.Institute.Name, entries})
	}
	if err != nil {
		fmt.Fprintf(stderr, "vigia directory: %v\n", err)
		return exitError
	}
	return exitOK
}
