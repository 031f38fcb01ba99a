package metrics

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Registry is the agent's metrics registry. Collectors registered through it
// (the Go and process collectors, vigia_build_info, the alert metrics) go to an
// ordinary prometheus.Registry; the families New creates on it (every
// per-account series: some 60 per account) are kept apart and written straight
// to text at each scrape, without the registry's per-series checking, sorting
// and protobuf round trip, which cost about 4 µs per series (110 ms of CPU per
// scrape at 400 accounts). Gather returns both, as one registry would.
//
// As an http.Handler it serves /metrics: the text format (what Prometheus
// negotiates unless it asks for protobuf), gzip-compressed when the scraper
// accepts gzip. Any other format is served by promhttp from Gather.
type Registry struct {
	base *prometheus.Registry // everything registered through Register
	own  *prometheus.Registry // New's families, for Gather
	slow http.Handler         // promhttp over Gather, for the formats other than text

	mu   sync.Mutex
	fams []family // New's families, in creation order
}

// family is one metric family of New, written by the fast path.
type family struct {
	name, help string
	typ        string // counter, gauge, histogram
	c          prometheus.Collector
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry {
	r := &Registry{base: prometheus.NewRegistry(), own: prometheus.NewRegistry()}
	r.slow = promhttp.HandlerFor(r, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return r
}

// Register registers c (prometheus.Registerer).
func (r *Registry) Register(c prometheus.Collector) error { return r.base.Register(c) }

// MustRegister registers cs and panics on the first error (prometheus.Registerer).
func (r *Registry) MustRegister(cs ...prometheus.Collector) { r.base.MustRegister(cs...) }

// Unregister unregisters c (prometheus.Registerer).
func (r *Registry) Unregister(c prometheus.Collector) bool { return r.base.Unregister(c) }

// Gather gathers every family, registered ones and New's (prometheus.Gatherer).
func (r *Registry) Gather() ([]*dto.MetricFamily, error) {
	return prometheus.Gatherers{r.base, r.own}.Gather()
}

// addFamily registers one of New's collectors.
func (r *Registry) addFamily(f family) {
	r.own.MustRegister(f.c)
	r.mu.Lock()
	r.fams = append(r.fams, f)
	r.mu.Unlock()
}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}

// ServeHTTP serves /metrics.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	format := expfmt.Negotiate(req.Header)
	if format.FormatType() != expfmt.TypeTextPlain {
		r.slow.ServeHTTP(w, req)
		return
	}
	mfs, err := r.base.Gather()
	if err != nil && len(mfs) == 0 {
		http.Error(w, "error gathering metrics: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", string(format))
	h.Add("Vary", "Accept-Encoding")
	var out io.Writer = w
	if acceptsGzip(req.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		gz := gzipPool.Get().(*gzip.Writer)
		gz.Reset(w)
		defer func() { _ = gz.Close(); gzipPool.Put(gz) }()
		out = gz
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	defer bw.Flush()
	enc := expfmt.NewEncoder(bw, format)
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return // the client went away
		}
	}
	_ = r.WriteText(bw)
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q, ok := strings.CutPrefix(strings.TrimSpace(params), "q=")
		if !ok {
			return true
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(q), 64)
		return err == nil && v > 0
	}
	return false
}

// WriteText writes New's families in the Prometheus text format (0.0.4), each
// family's series sorted by their label values as the registry sorts them.
// Families without series are left out.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	fams := slices.Clone(r.fams)
	r.mu.Unlock()
	tw := textWriters.Get().(*textWriter)
	defer textWriters.Put(tw)
	for _, f := range fams {
		if err := tw.family(w, f); err != nil {
			return err
		}
	}
	return nil
}

// textWriters keep the buffers of one scrape for the next (about 1 MB at 400
// accounts) instead of growing new ones each time.
var textWriters = sync.Pool{New: func() any { return new(textWriter) }}

// textWriter renders families; its buffers are reused from one family to the
// next.
type textWriter struct {
	d      dto.Metric
	keys   []byte // every series' sort key (label values separated by 0)
	lines  []byte // every series' lines
	series []seriesSpan
	labels []byte
	head   []byte
}

type seriesSpan struct{ k0, k1, l0, l1 int }

// family writes f to w.
func (t *textWriter) family(w io.Writer, f family) error {
	t.keys, t.lines, t.series = t.keys[:0], t.lines[:0], t.series[:0]
	ch := make(chan prometheus.Metric, 256)
	go func() {
		f.c.Collect(ch)
		close(ch)
	}()
	for m := range ch {
		t.d.Reset()
		if err := m.Write(&t.d); err != nil {
			continue // a metric that cannot be written is left out, as promhttp's ContinueOnError does
		}
		s := seriesSpan{k0: len(t.keys), l0: len(t.lines)}
		t.labels = t.labels[:0]
		for i, lp := range t.d.Label {
			if i > 0 {
				t.keys = append(t.keys, 0)
				t.labels = append(t.labels, ',')
			}
			t.keys = append(t.keys, lp.GetValue()...)
			t.labels = append(t.labels, lp.GetName()...)
			t.labels = append(t.labels, `="`...)
			t.labels = appendEscaped(t.labels, lp.GetValue(), true)
			t.labels = append(t.labels, '"')
		}
		s.k1 = len(t.keys)
		switch d := &t.d; {
		case d.Histogram != nil:
			h, inf := d.Histogram, false
			for _, b := range h.Bucket {
				ub := b.GetUpperBound()
				inf = inf || math.IsInf(ub, 1)
				t.sample(f.name, "_bucket", ub, float64(b.GetCumulativeCount()))
			}
			if !inf {
				t.sample(f.name, "_bucket", math.Inf(1), float64(h.GetSampleCount()))
			}
			t.sample(f.name, "_sum", 0, h.GetSampleSum())
			t.sample(f.name, "_count", 0, float64(h.GetSampleCount()))
		case d.Counter != nil:
			t.sample(f.name, "", 0, d.Counter.GetValue())
		default:
			t.sample(f.name, "", 0, d.Gauge.GetValue())
		}
		s.l1 = len(t.lines)
		t.series = append(t.series, s)
	}
	if len(t.series) == 0 {
		return nil
	}
	slices.SortFunc(t.series, func(a, b seriesSpan) int { return bytes.Compare(t.keys[a.k0:a.k1], t.keys[b.k0:b.k1]) })
	t.head = append(t.head[:0], "# HELP "...)
	t.head = append(t.head, f.name...)
	t.head = append(t.head, ' ')
	t.head = appendEscaped(t.head, f.help, false)
	t.head = append(t.head, "\n# TYPE "...)
	t.head = append(t.head, f.name...)
	t.head = append(t.head, ' ')
	t.head = append(t.head, f.typ...)
	t.head = append(t.head, '\n')
	if _, err := w.Write(t.head); err != nil {
		return err
	}
	for _, s := range t.series {
		if _, err := w.Write(t.lines[s.l0:s.l1]); err != nil {
			return err
		}
	}
	return nil
}

// sample appends one line: name+suffix, the series' labels (and le, for a
// _bucket line), and v.
func (t *textWriter) sample(name, suffix string, le, v float64) {
	bucket := suffix == "_bucket"
	t.lines = append(t.lines, name...)
	t.lines = append(t.lines, suffix...)
	if len(t.labels) > 0 || bucket {
		t.lines = append(t.lines, '{')
		t.lines = append(t.lines, t.labels...)
		if bucket {
			if len(t.labels) > 0 {
				t.lines = append(t.lines, ',')
			}
			t.lines = append(t.lines, `le="`...)
			t.lines = appendFloat(t.lines, le)
			t.lines = append(t.lines, '"')
		}
		t.lines = append(t.lines, '}')
	}
	t.lines = append(t.lines, ' ')
	t.lines = appendFloat(t.lines, v)
	t.lines = append(t.lines, '\n')
}

// appendFloat formats v as the text format does.
func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendEscaped escapes a HELP text (backslash, newline) or, with quote, a label
// value (also the double quote).
func appendEscaped(b []byte, s string, quote bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// factory creates New's collectors and registers each: on a Registry's fast
// path when fast is set, else on reg (when not nil).
type factory struct {
	reg  prometheus.Registerer
	fast *Registry
}

func (f *factory) add(name, help, typ string, c prometheus.Collector) {
	switch {
	case f.fast != nil:
		f.fast.addFamily(family{name: name, help: help, typ: typ, c: c})
	case f.reg != nil:
		f.reg.MustRegister(c)
	}
}

func (f *factory) counterVec(o prometheus.CounterOpts, labels []string) *prometheus.CounterVec {
	v := prometheus.NewCounterVec(o, labels)
	f.add(prometheus.BuildFQName(o.Namespace, o.Subsystem, o.Name), o.Help, "counter", v)
	return v
}

func (f *factory) gaugeVec(o prometheus.GaugeOpts, labels []string) *prometheus.GaugeVec {
	v := prometheus.NewGaugeVec(o, labels)
	f.add(prometheus.BuildFQName(o.Namespace, o.Subsystem, o.Name), o.Help, "gauge", v)
	return v
}

func (f *factory) histogramVec(o prometheus.HistogramOpts, labels []string) *prometheus.HistogramVec {
	v := prometheus.NewHistogramVec(o, labels)
	f.add(prometheus.BuildFQName(o.Namespace, o.Subsystem, o.Name), o.Help, "histogram", v)
	return v
}

func (f *factory) gauge(o prometheus.GaugeOpts) prometheus.Gauge {
	g := prometheus.NewGauge(o)
	f.add(prometheus.BuildFQName(o.Namespace, o.Subsystem, o.Name), o.Help, "gauge", g)
	return g
}

func (f *factory) histogram(o prometheus.HistogramOpts) prometheus.Histogram {
	h := prometheus.NewHistogram(o)
	f.add(prometheus.BuildFQName(o.Namespace, o.Subsystem, o.Name), o.Help, "histogram", h)
	return h
}
