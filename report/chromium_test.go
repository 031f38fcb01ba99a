package report_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromiumFlags run Debian's chromium headless with no network use of its own.
var chromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
	"--disable-default-apps", "--enable-logging=stderr", "--v=0"}

// chromium returns the path of the chromium binary; under CI=true its absence
// fails the test, elsewhere it skips it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: .ci/run installs it (APT_PACKAGES)")
	}
	t.Skip("chromium is not installed (apt-get install chromium): the HTML report is not rendered")
	return ""
}

// runChromium opens page (a file) in headless chromium with extra flags and returns
// what it logged.
func runChromium(t *testing.T, bin, page string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append(append([]string{}, chromiumFlags...), "--user-data-dir="+t.TempDir())
	args = append(append(args, extra...), "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", filepath.Base(page), err, out.String())
	}
	return out.String()
}

// consoleLine matches chromium's log line for a console message or an uncaught error.
var consoleLine = regexp.MustCompile(`(?m)^.*(?:CONSOLE|Uncaught).*$`)

// checkChromium loads the HTML file page in chromium: it must load with no console
// message at all (no errors, no uncaught exception, nothing of ours logged) and
// print to PDF. It first proves, with a control page, that a console message would
// be seen. It returns the PDF's bytes.
func checkChromium(t *testing.T, page string) []byte {
	t.Helper()
	bin := chromium(t)
	dir := t.TempDir()
	control := filepath.Join(dir, "control.html")
	if err := os.WriteFile(control, []byte(`<!DOCTYPE html><title>c</title><script>console.error("vigia-control-message")</script>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if log := runChromium(t, bin, control, "--dump-dom"); !strings.Contains(log, "vigia-control-message") {
		t.Fatalf("chromium's console log is not captured; the check would prove nothing:\n%s", log)
	}
	pdf := filepath.Join(dir, "report.pdf")
	log := runChromium(t, bin, page, "--print-to-pdf="+pdf, "--no-pdf-header-footer")
	if m := consoleLine.FindAllString(log, -1); len(m) > 0 {
		t.Errorf("the report logged to the console:\n%s", strings.Join(m, "\n"))
	}
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatalf("no PDF printed: %v\n%s", err, log)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("the printed file is not a PDF")
	}
	return data
}

// pdfPages counts the pages of a PDF written by chromium.
func pdfPages(pdf []byte) int {
	return len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
}

// screenshot writes a PNG of the top of page, one A4 page's proportions.
func screenshot(t *testing.T, page, png string) {
	t.Helper()
	runChromium(t, chromium(t), page, "--window-size=900,1273", "--hide-scrollbars", "--screenshot="+png)
}
