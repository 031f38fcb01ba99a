package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// pprofListen checks a --pprof address: a port on a loopback address
// (127.0.0.0/8, ::1 or localhost), never every interface, because profiles
// show the process's memory.
func pprofListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--pprof %q: se espera HOST:PUERTO (por ejemplo 127.0.0.1:6060)", addr)
	}
	if port == "" {
		return fmt.Errorf("--pprof %q: falta el puerto", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--pprof %q: solo se permite una dirección de loopback (127.0.0.1, ::1 o localhost)", addr)
	}
	return nil
}

// startPprof serves Go's runtime profiles (net/http/pprof: /debug/pprof/heap,
// profile, goroutine, …) on addr, a loopback address, until stop is called. It
// is a debugging aid, off unless --pprof is given.
func startPprof(addr string, log *slog.Logger) (stop func(), err error) {
	if err := pprofListen(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("pprof listener failed", slog.Any("error", err))
		}
	}()
	log.Info("pprof listening", slog.String("pprof", ln.Addr().String()))
	return func() { _ = srv.Close() }, nil
}
