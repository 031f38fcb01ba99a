// Command vigia watches an institute's official social-network accounts against
// the Criterios para el uso institucional de redes sociales: it polls every account,
// archives everything in a tamper-evident SQLite archive and exposes Prometheus
// metrics. Subcommands: run, demo, check, verify, classify, train, label,
// offenders, alerts, directory, log, backup, backfill, export, report, version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFindings = 1 // check found problems, verify found tampering
	exitError    = 2 // bad usage or an operational failure
)

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"run", "ejecuta el agente con un archivo de configuración (servicio systemd)", cmdRun},
	{"demo", "ejecuta el agente completo sobre la red simulada integrada", cmdDemo},
	{"check", "valida un archivo de configuración y lista cada problema", cmdCheck},
	{"verify", "verifica la cadena de hashes y la integridad del archivo", cmdVerify},
	{"classify", "clasifica comentarios (uno por línea o JSON Lines) y escribe un veredicto JSON por línea", cmdClassify},
	{"train", "entrena los pesos del clasificador de comentarios ofensivos con ejemplos etiquetados", cmdTrain},
	{"label", "registra la decisión de un administrador sobre un comentario (bloqueo, falso positivo, …)", cmdLabel},
	{"offenders", "muestra el registro de reincidentes por cuenta y autor, con la recomendación", cmdOffenders},
	{"alerts", "prueba una ruta de alertas enviando un mensaje por cada paso (alerts test --route NOMBRE)", cmdAlerts},
	{"directory", "exporta el directorio de cuentas oficiales activas y verificadas (html o json)", cmdDirectory},
	{"log", "exporta la bitácora de una cuenta (csv o jsonl) con los valores de la cadena de hashes", cmdLog},
	{"backup", "copia consistente del archivo mientras el agente corre", cmdBackup},
	{"backfill", "captura una vez la historia de una cuenta, fuera del calendario del agente", cmdBackfill},
	{"export", "exporta un periodo del archivo como evidencia (JSON Lines, manifiesto SHA-256)", cmdExport},
	{"report", "escribe la evaluación semestral de las cuentas en HTML, CSV o JSON", cmdReport},
	{"version", "muestra la versión", cmdVersion},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return exitError
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "vigia: subcomando desconocido %q\n\n", args[0])
	usage(stderr)
	return exitError
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Uso: vigia <subcomando> [opciones]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Subcomandos:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Use «vigia <subcomando> --help» para ver sus opciones.")
}

// cliFlags is a subcommand's flag set and where its messages go.
type cliFlags struct {
	*flag.FlagSet
	stderr io.Writer
	usage  func()
}

// newFlags returns a flag set whose usage and errors are in Spanish (on stderr).
func newFlags(name, synopsis string, stderr io.Writer) *cliFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parseFlags reports errors and usage itself, in Spanish
	fs.Usage = func() {}
	usage := func() {
		fmt.Fprintf(stderr, "Uso: vigia %s\n\nOpciones:\n", synopsis)
		n := 0
		fs.VisitAll(func(f *flag.Flag) {
			n++
			typ, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(stderr, "  --%s", f.Name)
			if typ != "" {
				fmt.Fprintf(stderr, " %s", typeES(typ))
			}
			fmt.Fprintf(stderr, "\n    \t%s", usage)
			if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "0s" && f.DefValue != "false" {
				fmt.Fprintf(stderr, " (por omisión: %s)", f.DefValue)
			}
			fmt.Fprintln(stderr)
		})
		if n == 0 {
			fmt.Fprintln(stderr, "  (ninguna)")
		}
	}
	return &cliFlags{FlagSet: fs, stderr: stderr, usage: usage}
}

func typeES(t string) string {
	switch t {
	case "string":
		return "texto"
	case "duration":
		return "duración"
	case "float", "int":
		return "número"
	}
	return t
}

// flagErrorsES translates the flag package's parse errors.
var flagErrorsES = []struct{ en, es string }{
	{"flag provided but not defined: ", "opción desconocida: "},
	{"flag needs an argument: ", "falta el valor de la opción: "},
	{"invalid value ", "valor inválido "},
	{"invalid boolean value ", "valor booleano inválido "},
}

// parseFlags parses args; it returns (exit status, false) when the command should
// stop (help asked, or a usage error).
func parseFlags(fs *cliFlags, args []string) (int, bool) {
	return parseFlagsArgs(fs, args, false)
}

// parseFlagsArgs is parseFlags for subcommands that take positional arguments
// (file names) when allowArgs is true.
func parseFlagsArgs(fs *cliFlags, args []string, allowArgs bool) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.usage()
			return exitOK, false
		}
		msg := err.Error()
		for _, t := range flagErrorsES {
			if strings.HasPrefix(msg, t.en) {
				msg = t.es + strings.TrimPrefix(msg, t.en)
				break
			}
		}
		fmt.Fprintf(fs.stderr, "vigia %s: %s\n\n", fs.Name(), msg)
		fs.usage()
		return exitError, false
	}
	if fs.NArg() > 0 && !allowArgs {
		fmt.Fprintf(fs.stderr, "vigia %s: argumento inesperado %q\n\n", fs.Name(), fs.Arg(0))
		fs.usage()
		return exitError, false
	}
	return 0, true
}
