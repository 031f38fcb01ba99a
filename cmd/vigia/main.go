// Command vigia watches an institute's official social-network accounts against
// the Criterios para el uso institucional de redes sociales: it polls every account,
// archives everything in a tamper-evident SQLite archive and exposes Prometheus
// metrics. Subcommands: run, demo, check, verify, version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
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
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Use «vigia <subcomando> --help» para ver sus opciones.")
}

// newFlags returns a flag set that prints its usage in Spanish to stderr.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Uso: vigia %s\n\nOpciones:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it returns (exit status, false) when the command should
// stop (help asked, or a usage error).
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitError, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "vigia %s: argumento inesperado %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return exitError, false
	}
	return 0, true
}
