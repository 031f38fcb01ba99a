package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"syscall"

	"github.com/ife-mx/vigia/agent"
)

// newLogger builds the daemon's logger from the configuration's log section: text
// or JSON on w (standard error). When w is the stream systemd connected to the
// journal (JOURNAL_STREAM names it), each line starts with its syslog priority
// (<3> error, <4> warning, <6> info, <7> debug), which journald stores as the
// entry's priority (journalctl -p warning), and text lines carry no time: the
// journal keeps its own.
func newLogger(w io.Writer, lc agent.LogConfig) *slog.Logger {
	return newLoggerFor(w, lc, os.Getenv("JOURNAL_STREAM"))
}

// newLoggerFor is newLogger with JOURNAL_STREAM's value given.
func newLoggerFor(w io.Writer, lc agent.LogConfig, journalStream string) *slog.Logger {
	journal := toJournal(w, journalStream)
	opts := &slog.HandlerOptions{Level: lc.SlogLevel()}
	if journal && lc.Format != "json" {
		opts.ReplaceAttr = dropTime
	}
	var h slog.Handler
	if lc.Format == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	if journal {
		h = &journalHandler{inner: h, w: w, mu: &sync.Mutex{}}
	}
	return slog.New(h)
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// toJournal reports whether w is the journal stream systemd gave the service:
// JOURNAL_STREAM is "device:inode" of that stream, and w must be that very file
// (a service whose stderr was redirected elsewhere keeps ordinary lines).
func toJournal(w io.Writer, stream string) bool {
	if stream == "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	var dev, ino uint64
	if _, err := fmt.Sscanf(stream, "%d:%d", &dev, &ino); err != nil {
		return false
	}
	return uint64(st.Dev) == dev && uint64(st.Ino) == ino
}

// journalHandler writes each record's syslog priority prefix, then the record.
type journalHandler struct {
	inner slog.Handler
	w     io.Writer
	mu    *sync.Mutex // shared by the handlers derived with WithAttrs and WithGroup
}

// priority maps a level to its syslog priority (sd-daemon(3)).
func priority(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "<3>"
	case l >= slog.LevelWarn:
		return "<4>"
	case l >= slog.LevelInfo:
		return "<6>"
	}
	return "<7>"
}

func (h *journalHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *journalHandler) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := io.WriteString(h.w, priority(r.Level)); err != nil {
		return err
	}
	return h.inner.Handle(ctx, r)
}

func (h *journalHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &journalHandler{inner: h.inner.WithAttrs(attrs), w: h.w, mu: h.mu}
}

func (h *journalHandler) WithGroup(name string) slog.Handler {
	return &journalHandler{inner: h.inner.WithGroup(name), w: h.w, mu: h.mu}
}
