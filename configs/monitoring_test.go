package configs

// Tests of the monitoring files shipped in this directory: the Prometheus rules
// (prometheus/rules), their promtool unit tests (prometheus/tests) and the Grafana
// dashboard (grafana). They check that every metric the rules and the dashboard
// query is one the agent exposes, with labels and label values it uses, and that
// the dashboard decodes strictly against Grafana's own schema.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	promclient "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"
	"go.yaml.in/yaml/v3"

	"github.com/ife-mx/vigia/alerts"
	"github.com/ife-mx/vigia/metrics"
)

const (
	rulesGlob      = "prometheus/rules/*.yml"
	ruleTestsGlob  = "prometheus/tests/*.yml"
	dashboardPath  = "grafana/vigia.json"
	dashboardUID   = "vigia-respuesta"
	datasourceVar  = "DS_PROMETHEUS"
	datasourceUID  = "${DS_PROMETHEUS}"
	cmdSourcesGlob = "../cmd/vigia/*.go"
)

// series describes one exposed metric name: its label names and, per label, the
// values seen on a freshly started agent with one account.
type series struct {
	labels map[string]map[string]bool
}

// exposedMetrics gathers what the agent serves on /metrics, built the way
// cmd/vigia builds it: metrics.New with one configured account and its organ, the
// Go, process and build-info collectors, and vigia_archive_size_bytes. A histogram
// contributes name_bucket (with le), name_sum and name_count; a summary name (with
// quantile), name_sum and name_count. Every series also gets job and instance, the
// labels Prometheus adds when it scrapes.
func exposedMetrics(t *testing.T) map[string]*series {
	t.Helper()
	reg := promclient.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		metrics.NewBuildInfo("test", "test", "go"),
		// Registered by cmd/vigia (serve, in run.go); TestCmdRegistersArchiveSize
		// checks the name is still there.
		promclient.NewGaugeFunc(promclient.GaugeOpts{Name: "vigia_archive_size_bytes", Help: "Size of the SQLite archive."},
			func() float64 { return 0 }),
	)
	m := metrics.New(reg)
	m.InitAccounts([]metrics.Account{{Network: "x", ID: "cncs-x"}})
	m.SetAccountInfo("x", "cncs-x", "cncs")
	// Vectors the agent fills as it goes rather than pre-creating.
	m.AccountsConfigured.WithLabelValues("x", "active").Set(1)
	// Registered by the agent (agent/alerts.go), with series for every configured notifier.
	am := alerts.NewMetrics(reg)
	am.Sent.WithLabelValues("correo", alerts.RuleSLABreached)
	am.Failed.WithLabelValues("correo", alerts.ReasonConnect)
	am.Transitions.WithLabelValues(alerts.RuleSLABreached, string(alerts.StateFiring))

	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*series{}
	add := func(name string, lps []*dto.LabelPair, extra ...string) {
		s := out[name]
		if s == nil {
			s = &series{labels: map[string]map[string]bool{"job": {}, "instance": {}}}
			out[name] = s
		}
		for _, lp := range lps {
			if s.labels[lp.GetName()] == nil {
				s.labels[lp.GetName()] = map[string]bool{}
			}
			s.labels[lp.GetName()][lp.GetValue()] = true
		}
		for i := 0; i+1 < len(extra); i += 2 {
			if s.labels[extra[i]] == nil {
				s.labels[extra[i]] = map[string]bool{}
			}
			s.labels[extra[i]][extra[i+1]] = true
		}
	}
	for _, mf := range mfs {
		name := mf.GetName()
		for _, mt := range mf.GetMetric() {
			switch mf.GetType() {
			case dto.MetricType_HISTOGRAM:
				for _, b := range mt.GetHistogram().GetBucket() {
					add(name+"_bucket", mt.GetLabel(), "le", fmt.Sprint(b.GetUpperBound()))
				}
				add(name+"_bucket", mt.GetLabel(), "le", "+Inf")
				add(name+"_sum", mt.GetLabel())
				add(name+"_count", mt.GetLabel())
			case dto.MetricType_SUMMARY:
				for _, q := range mt.GetSummary().GetQuantile() {
					add(name, mt.GetLabel(), "quantile", fmt.Sprint(q.GetQuantile()))
				}
				add(name+"_sum", mt.GetLabel())
				add(name+"_count", mt.GetLabel())
			default:
				add(name, mt.GetLabel())
			}
		}
	}
	// up is synthesised by Prometheus for every target.
	out["up"] = &series{labels: map[string]map[string]bool{"job": {}, "instance": {}}}
	return out
}

// TestCmdRegistersArchiveSize guards exposedMetrics' copy of what cmd/vigia
// registers besides metrics.New: if cmd/vigia renames or drops the gauge, the
// rules and dashboard check above would otherwise go on trusting the old name.
func TestCmdRegistersArchiveSize(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(cmdSourcesGlob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no cmd/vigia sources at %s (%v)", cmdSourcesGlob, err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(`Name: "vigia_archive_size_bytes"`)) {
			return
		}
	}
	t.Fatal(`cmd/vigia no longer registers a collector named "vigia_archive_size_bytes"; update exposedMetrics`)
}

// ---------------------------------------------------------------- rules files

type ruleFile struct {
	Groups []struct {
		Name     string `yaml:"name"`
		Interval string `yaml:"interval"`
		Rules    []rule `yaml:"rules"`
	} `yaml:"groups"`
}

type rule struct {
	Record      string            `yaml:"record"`
	Alert       string            `yaml:"alert"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

// loadRules decodes every rules file strictly (an unknown key is an error).
func loadRules(t *testing.T) (recorded map[string]bool, alerts []rule, exprs map[string]string) {
	t.Helper()
	files, err := filepath.Glob(rulesGlob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no rules files at %s (%v)", rulesGlob, err)
	}
	recorded, exprs = map[string]bool{}, map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var rf ruleFile
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&rf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				where := fmt.Sprintf("%s: group %s: %s%s", f, g.Name, r.Record, r.Alert)
				switch {
				case r.Record != "" && r.Alert != "", r.Record == "" && r.Alert == "":
					t.Errorf("%s: a rule needs exactly one of record and alert", where)
				case r.Record != "":
					recorded[r.Record] = true
				default:
					alerts = append(alerts, r)
				}
				exprs[where] = r.Expr
			}
		}
	}
	return recorded, alerts, exprs
}

func TestRules_Alerts(t *testing.T) {
	t.Parallel()
	_, alerts, _ := loadRules(t)
	seen := map[string]bool{}
	for _, a := range alerts {
		if seen[a.Alert] {
			t.Errorf("alert %s is defined twice", a.Alert)
		}
		seen[a.Alert] = true
		if !strings.HasPrefix(a.Alert, "Vigia") {
			t.Errorf("alert %s: names start with Vigia", a.Alert)
		}
		if sev := a.Labels["severity"]; sev != "warning" && sev != "critical" {
			t.Errorf("alert %s: severity %q, want warning or critical", a.Alert, sev)
		}
		for _, k := range []string{"summary", "description"} {
			if strings.TrimSpace(a.Annotations[k]) == "" {
				t.Errorf("alert %s: no %s annotation", a.Alert, k)
			}
		}
		for k := range a.Annotations {
			if k != "summary" && k != "description" && k != "runbook_url" {
				t.Errorf("alert %s: unexpected annotation %q", a.Alert, k)
			}
		}
	}
	if len(alerts) == 0 {
		t.Fatal("no alerting rules")
	}
}

// TestRules_EveryAlertUnitTested requires, for every alert, a promtool unit test
// where it fires and one where it stays quiet.
func TestRules_EveryAlertUnitTested(t *testing.T) {
	t.Parallel()
	_, alerts, _ := loadRules(t)
	files, err := filepath.Glob(ruleTestsGlob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no promtool tests at %s (%v)", ruleTestsGlob, err)
	}
	type alertTest struct {
		Alertname string           `yaml:"alertname"`
		ExpAlerts []map[string]any `yaml:"exp_alerts"`
	}
	var doc struct {
		RuleFiles []string `yaml:"rule_files"`
		Tests     []struct {
			AlertRuleTest []alertTest `yaml:"alert_rule_test"`
		} `yaml:"tests"`
	}
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, rf := range doc.RuleFiles {
			if _, err := os.Stat(filepath.Join(filepath.Dir(f), rf)); err != nil {
				t.Errorf("%s: rule file %s: %v", f, rf, err)
			}
		}
		for _, tc := range doc.Tests {
			for _, at := range tc.AlertRuleTest {
				if len(at.ExpAlerts) > 0 {
					fires[at.Alertname] = true
				} else {
					quiet[at.Alertname] = true
				}
			}
		}
	}
	for _, a := range alerts {
		if !fires[a.Alert] {
			t.Errorf("alert %s: no promtool test where it fires", a.Alert)
		}
		if !quiet[a.Alert] {
			t.Errorf("alert %s: no promtool test where it stays quiet", a.Alert)
		}
	}
}

// ---------------------------------------------------------------- PromQL references

// promqlWords are the PromQL functions, aggregations and keywords the files may
// use; any other bare identifier must be a metric, a recorded series or a label.
var promqlWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		sum min max avg count stddev stdvar topk bottomk quantile count_values group
		by without on ignoring group_left group_right and or unless bool offset
		rate irate increase delta idelta deriv predict_linear resets changes
		histogram_quantile abs ceil floor round clamp clamp_min clamp_max
		sum_over_time avg_over_time min_over_time max_over_time count_over_time
		last_over_time present_over_time quantile_over_time absent absent_over_time
		time timestamp vector scalar label_replace label_join sort sort_desc
		day_of_week hour minute month year sgn exp ln log2 log10 sqrt
		label_values query_result`) {
		promqlWords[w] = true
	}
}

var (
	stringLit  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	rangeLit   = regexp.MustCompile(`\[[^\]]*\]`)
	grafanaVar = regexp.MustCompile(`\$\{?[A-Za-z_][A-Za-z0-9_]*\}?`)
	identifier = regexp.MustCompile(`(?:^|[^A-Za-z0-9_:.])([A-Za-z_:][A-Za-z0-9_:]*)`)
	selector   = regexp.MustCompile(`([A-Za-z_:][A-Za-z0-9_:]*)\s*\{([^}]*)\}`)
	matcher    = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"`)
)

// checkExpr reports every identifier in expr that is neither a PromQL word, an
// exposed metric, a recorded series nor a label of an exposed metric, and every
// label matcher on an exposed metric whose label it lacks or whose literal value
// it never takes.
func checkExpr(where, expr string, exposed map[string]*series, recorded, labelNames map[string]bool) []string {
	var problems []string
	bare := grafanaVar.ReplaceAllString(expr, "")
	bare = stringLit.ReplaceAllString(bare, `""`)
	bare = rangeLit.ReplaceAllString(bare, "")
	for _, m := range identifier.FindAllStringSubmatch(bare, -1) {
		id := m[1]
		switch {
		case promqlWords[id], exposed[id] != nil, recorded[id]:
		case strings.Contains(id, ":"):
			problems = append(problems, fmt.Sprintf("%s: %s is no recording rule's name", where, id))
		case strings.HasPrefix(id, "vigia_"), strings.HasPrefix(id, "process_"), strings.HasPrefix(id, "go_"):
			problems = append(problems, fmt.Sprintf("%s: metric %s is not exposed by the agent", where, id))
		case labelNames[id]:
		default:
			problems = append(problems, fmt.Sprintf("%s: unknown identifier %s (not a metric, recorded series, label or known PromQL word)", where, id))
		}
	}
	for _, sm := range selector.FindAllStringSubmatch(expr, -1) {
		s := exposed[sm[1]]
		if s == nil {
			continue // a recorded series, or reported above
		}
		for _, mm := range matcher.FindAllStringSubmatch(sm[2], -1) {
			label, op, value := mm[1], mm[2], mm[3]
			values, ok := s.labels[label]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: %s has no label %s", where, sm[1], label))
				continue
			}
			if len(values) == 0 || strings.Contains(value, "$") || label == "le" {
				continue // job, instance: set by the scrape; template variables
			}
			alts := []string{value}
			if op == "=~" || op == "!~" {
				alts = strings.Split(value, "|")
			}
			for _, v := range alts {
				if !values[v] {
					problems = append(problems, fmt.Sprintf("%s: %s{%s} never takes the value %q (has %v)", where, sm[1], label, v, sortedKeys(values)))
				}
			}
		}
	}
	return problems
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func allLabelNames(exposed map[string]*series, extra ...string) map[string]bool {
	out := map[string]bool{}
	for _, s := range exposed {
		for l := range s.labels {
			out[l] = true
		}
	}
	for _, l := range extra {
		out[l] = true
	}
	return out
}

func TestRules_ReferenceExposedMetrics(t *testing.T) {
	t.Parallel()
	exposed := exposedMetrics(t)
	recorded, _, exprs := loadRules(t)
	labels := allLabelNames(exposed)
	keys := make([]string, 0, len(exprs))
	for k := range exprs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, where := range keys {
		for _, p := range checkExpr(where, exprs[where], exposed, recorded, labels) {
			t.Error(p)
		}
	}
}

// TestCheckExpr makes sure the reference check catches what it is for.
func TestCheckExpr(t *testing.T) {
	t.Parallel()
	exposed := exposedMetrics(t)
	recorded := map[string]bool{"account:vigia_responses:increase1h": true}
	labels := allLabelNames(exposed)
	for _, tc := range []struct {
		expr string
		want string // substring of a reported problem; "" for none
	}{
		{`sum by (network, account) (rate(vigia_polls_total{result!~"ok|canceled"}[5m]))`, ""},
		{`account:vigia_responses:increase1h / 2`, ""},
		{`up{job="vigia"} == 0`, ""},
		{`time() - process_start_time_seconds > 1800`, ""},
		{`histogram_quantile(0.9, sum by (le) (rate(vigia_first_response_business_seconds_bucket{account=~"$account"}[$__rate_interval])))`, ""},
		{`vigia_polls_totl`, "not exposed"},
		{`account:vigia_response:increase1h`, "no recording rule"},
		{`vigia_comments_unanswered{sla_state="breach"}`, `never takes the value "breach"`},
		{`vigia_polls_total{result=~"ok|timeout"}`, `never takes the value "timeout"`},
		{`vigia_polls_total{reason="ok"}`, "has no label reason"},
		{`sum by (acount) (vigia_polls_total)`, "unknown identifier acount"},
	} {
		got := checkExpr("test", tc.expr, exposed, recorded, labels)
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%s: unexpected problems %q", tc.expr, got)
		case tc.want != "" && !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, tc.want) }):
			t.Errorf("%s: problems %q, want one containing %q", tc.expr, got, tc.want)
		}
	}
}

// ---------------------------------------------------------------- Grafana dashboard

// registerPlugins registers the SDK's core panels and data sources, so the strict
// decoders check panel options, field config and queries too.
var registerPlugins = sync.OnceFunc(plugins.RegisterDefaultPlugins)

// strictErr undoes a quirk of the SDK's generated decoders: they return their
// error list as a cog.BuildErrors even when it is empty, a non-nil error value.
func strictErr(err error) error {
	var be cog.BuildErrors
	if errors.As(err, &be) && len(be) == 0 {
		return nil
	}
	return err
}

func readDashboard(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDashboard_StrictSchema decodes the dashboard with the Grafana foundation
// SDK's strict decoder, which fails on unknown fields, missing required fields
// and mistyped values, with every core panel plugin and data source registered so
// panel options, field config and Prometheus queries are checked too.
func TestDashboard_StrictSchema(t *testing.T) {
	t.Parallel()
	registerPlugins()
	raw := readDashboard(t)
	var d dashboard.Dashboard
	if err := strictErr(d.UnmarshalJSONStrict(raw)); err != nil {
		t.Fatalf("%s does not match Grafana's dashboard schema:\n%v", dashboardPath, err)
	}
	if d.Uid == nil || *d.Uid != dashboardUID {
		t.Errorf("uid = %v, want %q (a stable uid keeps links and provisioning stable)", d.Uid, dashboardUID)
	}
	if d.Title == nil || *d.Title == "" {
		t.Error("no title")
	}
}

// TestDashboard_StrictSchemaCatchesMistakes makes sure the strict decoding above
// rejects what it should at every level: the dashboard, a panel, its options, its
// field config, a query and a variable.
func TestDashboard_StrictSchemaCatchesMistakes(t *testing.T) {
	t.Parallel()
	registerPlugins()
	for _, tc := range []struct{ name, old, new string }{
		{"unknown dashboard field", `"uid": "vigia-respuesta"`, `"uid": "vigia-respuesta", "colour": 1`},
		{"unknown panel field", `"type": "stat"`, `"type": "stat", "heigth": 3`},
		{"unknown stat option", `"graphMode": "none"`, `"graphMode": "none", "sparkline": true`},
		{"missing stat option", `"graphMode": "none",`, ``},
		{"unknown timeseries custom field config", `"drawStyle": "line"`, `"drawStyle": "line", "lineWidht": 2`},
		{"unknown query field", `"editorMode": "code"`, `"editorMode": "code", "exp": "up"`},
		{"mistyped query field", `"instant": true`, `"instant": "yes"`},
		{"unknown variable field", `"name": "organ"`, `"name": "organ", "lable": "x"`},
	} {
		raw := string(readDashboard(t))
		if !strings.Contains(raw, tc.old) {
			t.Fatalf("%s: %q not in the dashboard", tc.name, tc.old)
		}
		raw = strings.Replace(raw, tc.old, tc.new, 1)
		var d dashboard.Dashboard
		if err := strictErr(d.UnmarshalJSONStrict([]byte(raw))); err == nil {
			t.Errorf("%s: the strict decoder accepted it", tc.name)
		}
	}
}

// decodePanels decodes the dashboard's panels one by one with the SDK's strict
// decoders. (The SDK's generated decoders return an empty cog.BuildErrors, a
// non-nil error, on success, and the containers that call them then drop what
// they decoded, so dashboard.Dashboard.Panels and Panel.Targets come back empty;
// decoding each level here with strictErr recovers them.)
func decodePanels(t *testing.T) (panels []dashboard.Panel, rows []dashboard.RowPanel, queries map[uint32][]prometheus.Dataquery) {
	t.Helper()
	var d struct {
		Panels []json.RawMessage `json:"panels"`
	}
	if err := json.Unmarshal(readDashboard(t), &d); err != nil {
		t.Fatal(err)
	}
	queries = map[uint32][]prometheus.Dataquery{}
	for i, raw := range d.Panels {
		var head struct {
			Type        string            `json:"type"`
			Targets     []json.RawMessage `json:"targets"`
			FieldConfig json.RawMessage   `json:"fieldConfig"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			t.Fatalf("panels[%d]: %v", i, err)
		}
		if head.Type == "row" {
			var r dashboard.RowPanel
			if err := strictErr(r.UnmarshalJSONStrict(raw)); err != nil {
				t.Errorf("panels[%d]: %v", i, err)
			}
			rows = append(rows, r)
			continue
		}
		var p dashboard.Panel
		if err := strictErr(p.UnmarshalJSONStrict(raw)); err != nil {
			t.Errorf("panels[%d]: %v", i, err)
		}
		// The Panel decoder reads fieldConfig leniently apart from "custom".
		if head.FieldConfig != nil {
			var fcs dashboard.FieldConfigSource
			if err := strictErr(fcs.UnmarshalJSONStrict(head.FieldConfig)); err != nil {
				t.Errorf("panels[%d].fieldConfig: %v", i, err)
			}
		}
		var id uint32
		if p.Id != nil {
			id = *p.Id
		}
		for j, rt := range head.Targets {
			var q prometheus.Dataquery
			if err := strictErr(q.UnmarshalJSONStrict(rt)); err != nil {
				t.Errorf("panels[%d].targets[%d]: %v", i, j, err)
			}
			queries[id] = append(queries[id], q)
		}
		panels = append(panels, p)
	}
	return panels, rows, queries
}

// TestDashboard_Panels checks what the schema cannot: every panel is a core
// panel type, queries ${DS_PROMETHEUS}, has a title, a unique id and unique
// refIds, and sits on the 24-column grid without overlapping another.
func TestDashboard_Panels(t *testing.T) {
	t.Parallel()
	registerPlugins()
	panels, rows, queries := decodePanels(t)
	if len(panels) < 10 {
		t.Fatalf("only %d panels", len(panels))
	}
	type placed struct {
		title string
		id    uint32
		gp    *dashboard.GridPos
	}
	var all []placed
	for _, r := range rows {
		title := ""
		if r.Title != nil {
			title = *r.Title
		}
		if len(r.Panels) > 0 {
			t.Errorf("row %q: keep rows expanded (panels at top level)", title)
		}
		all = append(all, placed{title, r.Id, r.GridPos})
	}
	for _, p := range panels {
		title, id := "", uint32(0)
		if p.Title != nil {
			title = *p.Title
		}
		if p.Id != nil {
			id = *p.Id
		}
		all = append(all, placed{title, id, p.GridPos})
		if _, ok := cog.ConfigForPanelcfgVariant(p.Type); !ok {
			t.Errorf("panel %q: type %q is not a core panel whose options the SDK checks", title, p.Type)
		}
		if p.Datasource == nil || p.Datasource.Uid == nil || *p.Datasource.Uid != datasourceUID {
			t.Errorf("panel %q: datasource must be %s", title, datasourceUID)
		}
		qs := queries[id]
		if len(qs) == 0 {
			t.Errorf("panel %q: no queries", title)
		}
		refs := map[string]bool{}
		for j, q := range qs {
			if q.Datasource == nil || q.Datasource.Uid == nil || *q.Datasource.Uid != datasourceUID {
				t.Errorf("panel %q: targets[%d]: datasource must be %s", title, j, datasourceUID)
			}
			if q.RefId == nil || refs[*q.RefId] {
				t.Errorf("panel %q: targets[%d]: missing or repeated refId", title, j)
			} else {
				refs[*q.RefId] = true
			}
			if strings.TrimSpace(q.Expr) == "" {
				t.Errorf("panel %q: targets[%d]: empty expr", title, j)
			}
		}
	}
	ids := map[uint32]bool{}
	for i, a := range all {
		if a.title == "" {
			t.Errorf("panel id %d: no title", a.id)
		}
		if a.id == 0 || ids[a.id] {
			t.Errorf("panel %q: id %d missing or repeated", a.title, a.id)
		}
		ids[a.id] = true
		if a.gp == nil {
			t.Errorf("panel %q: no gridPos", a.title)
			continue
		}
		g := a.gp
		if g.X+g.W > 24 || g.W == 0 || g.H == 0 {
			t.Errorf("panel %q: gridPos %+v outside the 24-column grid", a.title, *g)
		}
		for _, b := range all[:i] {
			o := b.gp
			if o != nil && g.X < o.X+o.W && o.X < g.X+g.W && g.Y < o.Y+o.H && o.Y < g.Y+g.H {
				t.Errorf("panel %q overlaps panel %q", a.title, b.title)
			}
		}
	}
}

// TestDashboard_Variables checks the datasource input and the $organ and
// $account variables: organs come from vigia_account_info, and accounts from the
// same series filtered by the chosen organs.
func TestDashboard_Variables(t *testing.T) {
	t.Parallel()
	registerPlugins()
	var d dashboard.Dashboard
	if err := strictErr(d.UnmarshalJSONStrict(readDashboard(t))); err != nil {
		t.Fatal(err)
	}
	vars := map[string]dashboard.VariableModel{}
	var order []string
	for _, v := range d.Templating.List {
		vars[v.Name] = v
		order = append(order, v.Name)
	}
	query := func(v dashboard.VariableModel) string {
		if v.Query == nil {
			return ""
		}
		if v.Query.String != nil {
			return *v.Query.String
		}
		if s, ok := v.Query.Map["query"].(string); ok {
			return s
		}
		return ""
	}

	ds, ok := vars[datasourceVar]
	switch {
	case !ok:
		t.Fatalf("no %s variable (have %v)", datasourceVar, order)
	case ds.Type != dashboard.VariableTypeDatasource || query(ds) != "prometheus":
		t.Errorf("%s: type %q query %q, want a datasource variable for prometheus", datasourceVar, ds.Type, query(ds))
	}
	for _, name := range []string{"organ", "account"} {
		v, ok := vars[name]
		if !ok {
			t.Errorf("no $%s variable (have %v)", name, order)
			continue
		}
		if v.Type != dashboard.VariableTypeQuery {
			t.Errorf("$%s: type %q, want query", name, v.Type)
		}
		if v.Datasource == nil || v.Datasource.Uid == nil || *v.Datasource.Uid != datasourceUID {
			t.Errorf("$%s: datasource must be %s", name, datasourceUID)
		}
		if v.Multi == nil || !*v.Multi || v.IncludeAll == nil || !*v.IncludeAll {
			t.Errorf("$%s: want multi-value with All", name)
		}
		if v.AllValue != nil && *v.AllValue != "" {
			// A custom All value (".*") would make $account ignore the organ filter.
			t.Errorf("$%s: allValue %q; leave it unset so All means the listed values", name, *v.AllValue)
		}
	}
	if q := query(vars["organ"]); q != "label_values(vigia_account_info, organ)" {
		t.Errorf("$organ query %q, want label_values(vigia_account_info, organ)", q)
	}
	if q := query(vars["account"]); q != `label_values(vigia_account_info{organ=~"$organ"}, account)` {
		t.Errorf(`$account query %q, want label_values(vigia_account_info{organ=~"$organ"}, account)`, q)
	}
	if i, j := slices.Index(order, "organ"), slices.Index(order, "account"); i > j {
		t.Error("$organ must come before $account, which depends on it")
	}
}

// dashboardExprs returns every PromQL expression in the dashboard: panel queries,
// template variable queries and annotation queries.
func dashboardExprs(t *testing.T) map[string]string {
	t.Helper()
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr  string `json:"expr"`
				RefID string `json:"refId"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query any    `json:"query"`
			} `json:"list"`
		} `json:"templating"`
		Annotations struct {
			List []struct {
				Name string `json:"name"`
				Expr string `json:"expr"`
			} `json:"list"`
		} `json:"annotations"`
	}
	if err := json.Unmarshal(readDashboard(t), &d); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			out[fmt.Sprintf("panel %q query %s", p.Title, tg.RefID)] = tg.Expr
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		switch q := v.Query.(type) {
		case string:
			out["variable $"+v.Name] = q
		case map[string]any:
			s, _ := q["query"].(string)
			out["variable $"+v.Name] = s
		}
	}
	for _, a := range d.Annotations.List {
		if a.Expr != "" {
			out["annotation "+a.Name] = a.Expr
		}
	}
	return out
}

func TestDashboard_ReferenceExposedMetrics(t *testing.T) {
	t.Parallel()
	exposed := exposedMetrics(t)
	recorded, _, _ := loadRules(t)
	// organ is a label of vigia_account_info and of the organ-level recorded series.
	labels := allLabelNames(exposed)
	exprs := dashboardExprs(t)
	if len(exprs) < 10 {
		t.Fatalf("only %d expressions found in the dashboard", len(exprs))
	}
	keys := make([]string, 0, len(exprs))
	for k := range exprs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var empty []string
	for _, where := range keys {
		if strings.TrimSpace(exprs[where]) == "" {
			empty = append(empty, where)
			continue
		}
		for _, p := range checkExpr(where, exprs[where], exposed, recorded, labels) {
			t.Error(p)
		}
	}
	if len(empty) > 0 {
		t.Errorf("empty queries: %v", empty)
	}
}

// ---------------------------------------------------------------- provisioning

func TestGrafanaProvisioning(t *testing.T) {
	t.Parallel()
	decode := func(path string, v any) {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	var dash struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Name                  string `yaml:"name"`
			OrgID                 int    `yaml:"orgId"`
			Folder                string `yaml:"folder"`
			FolderUID             string `yaml:"folderUid"`
			Type                  string `yaml:"type"`
			DisableDeletion       bool   `yaml:"disableDeletion"`
			UpdateIntervalSeconds int    `yaml:"updateIntervalSeconds"`
			AllowUIUpdates        bool   `yaml:"allowUiUpdates"`
			Options               struct {
				Path                      string `yaml:"path"`
				FoldersFromFilesStructure bool   `yaml:"foldersFromFilesStructure"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	decode("grafana/provisioning/dashboards.yml", &dash)
	if dash.APIVersion != 1 || len(dash.Providers) == 0 {
		t.Fatalf("dashboards.yml: apiVersion %d with %d providers", dash.APIVersion, len(dash.Providers))
	}
	for _, p := range dash.Providers {
		if p.Type != "file" || p.Options.Path == "" {
			t.Errorf("dashboards.yml: provider %q: type %q path %q, want a file provider with a path", p.Name, p.Type, p.Options.Path)
		}
	}

	var ds struct {
		APIVersion  int `yaml:"apiVersion"`
		Datasources []struct {
			Name      string         `yaml:"name"`
			UID       string         `yaml:"uid"`
			Type      string         `yaml:"type"`
			Access    string         `yaml:"access"`
			URL       string         `yaml:"url"`
			IsDefault bool           `yaml:"isDefault"`
			Editable  bool           `yaml:"editable"`
			JSONData  map[string]any `yaml:"jsonData"`
		} `yaml:"datasources"`
	}
	decode("grafana/provisioning/datasources.example.yml", &ds)
	if ds.APIVersion != 1 || len(ds.Datasources) == 0 || ds.Datasources[0].Type != "prometheus" {
		t.Fatalf("datasources.example.yml: want apiVersion 1 and a prometheus data source")
	}
}
