// Package metrics defines Vigía's Prometheus metrics. New registers every collector
// on the Registerer it is given (never the default registry); the agent updates them
// as polls finish, and label sets are pre-created for every configured account so
// their series read 0 before anything happens.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ife-mx/vigia/connectors"
)

// Metrics holds every collector the agent updates.
type Metrics struct {
	PollsTotal           *prometheus.CounterVec
	PollDuration         *prometheus.HistogramVec
	PollsSkipped         *prometheus.CounterVec
	APICalls             *prometheus.CounterVec
	ItemsArchived        *prometheus.CounterVec
	ItemsEdited          *prometheus.CounterVec
	ItemsDeleted         *prometheus.CounterVec
	LastSuccessfulPoll   *prometheus.GaugeVec
	RateLimitRemaining   *prometheus.GaugeVec
	ConsecutiveErrors    *prometheus.GaugeVec
	AccountPolling       *prometheus.GaugeVec
	ConnectorPanics      *prometheus.CounterVec
	ConfigReloadOK       prometheus.Gauge
	ConfigReloadOKTime   prometheus.Gauge
	AccountsConfigured   *prometheus.GaugeVec
	AccountInfo          *prometheus.GaugeVec
	ArchiveRecords       prometheus.Gauge
	ArchiveCommitSeconds prometheus.Histogram
	ArchiveWriteErrors   *prometheus.CounterVec

	// Response tracking (Criterios 5.2.e, 6.xvi, 6.xvii).
	CommentsReceived      *prometheus.CounterVec
	CommentsNeedingAnswer *prometheus.CounterVec
	Responses             *prometheus.CounterVec
	FirstResponseBusiness *prometheus.HistogramVec
	FirstResponseWall     *prometheus.HistogramVec
	CommentsUnanswered    *prometheus.GaugeVec
	OldestUnanswered      *prometheus.GaugeVec
	CannedReplies         *prometheus.CounterVec
	SLARefreshSeconds     prometheus.Histogram

	// Conduct (Criterios 6.xv, 6.xix, 6.iii, 6.xxiii, 6.xxiv, 6.vi).
	CommentsClassified *prometheus.CounterVec
	Flags              *prometheus.CounterVec

	// Governance are the account-governance collectors (governance.go).
	Governance *Governance
}

// Bands are the offensive classifier's bands, the values of the band label.
var Bands = []string{"none", "review", "recommend_block"}

// SLA states of a comment awaiting an answer, the values of the sla_state label.
var OpenSLAStates = []string{"within", "at_risk", "breached"}

// Response outcomes, the values of the outcome label of vigia_responses_total.
var ResponseOutcomes = []string{"in_time", "late"}

// Intents are the values of the intent label (policy/response's intents).
var Intents = []string{"question", "info_request", "suggestion", "complaint", "praise", "other"}

// businessBuckets are first-response times in business seconds: 5 min to 5 days of
// attention hours.
var businessBuckets = []float64{300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 16 * 3600, 24 * 3600, 45 * 3600}

// wallBuckets are first-response times in wall-clock seconds: within the hour,
// 4 hours, the day, the week. No rule or dashboard reads this histogram (they
// use business time); a few buckets keep it cheap to scrape at 400 accounts.
var wallBuckets = []float64{3600, 4 * 3600, 24 * 3600, 7 * 86400}

// ArchiveWriteErrorReasons are the values of the reason label of
// vigia_archive_write_errors_total: disk_full (the archive's filesystem, or its
// page cap, is full) and other.
var ArchiveWriteErrorReasons = []string{"disk_full", "other"}

// New builds the metrics and registers them on reg. On a *Registry they are
// kept apart and written to text by its fast path (see Registry); on any other
// Registerer they are registered as usual; a nil reg registers nothing.
func New(reg prometheus.Registerer) *Metrics {
	f := &factory{reg: reg}
	if r, ok := reg.(*Registry); ok {
		f.fast = r
	}
	m := newMetrics(f)
	m.Governance = newGovernance(f)
	for _, r := range ArchiveWriteErrorReasons {
		m.ArchiveWriteErrors.WithLabelValues(r)
	}
	return m
}

func newMetrics(f *factory) *Metrics {
	return &Metrics{
		PollsTotal: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_polls_total",
			Help: "Polls of an account, by result (ok, auth, rate_limited, not_found, malformed, transient, canceled).",
		}, []string{"network", "account", "result"}),
		PollDuration: f.histogramVec(prometheus.HistogramOpts{
			Name:    "vigia_poll_duration_seconds",
			Help:    "Duration of one poll call to a connector, committing included.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"network"}),
		PollsSkipped: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_polls_skipped_total",
			Help: "Scheduled polls skipped because the account's previous poll was still running.",
		}, []string{"network", "account"}),
		APICalls: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_api_calls_total",
			Help: "API requests made to a network on behalf of an account, retries included.",
		}, []string{"network", "account"}),
		ItemsArchived: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_items_archived_total",
			Help: "New items stored in the archive, by kind (post, comment, reply, mention).",
		}, []string{"network", "kind"}),
		ItemsEdited: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_item_versions_total",
			Help: "Edits stored as new versions of items already archived.",
		}, []string{"network"}),
		ItemsDeleted: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_items_deleted_total",
			Help: "Items marked deleted after the network stopped showing them.",
		}, []string{"network"}),
		LastSuccessfulPoll: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_last_successful_poll_timestamp_seconds",
			Help: "Unix time of the account's last successful poll; 0 before the first.",
		}, []string{"network", "account"}),
		RateLimitRemaining: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_api_rate_limit_remaining",
			Help: "Requests left in the network's current rate-limit window for the account, as last reported; -1 when unknown.",
		}, []string{"network", "account"}),
		ConsecutiveErrors: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_poll_consecutive_errors",
			Help: "Failed polls in a row for the account; 0 after a success.",
		}, []string{"network", "account"}),
		AccountPolling: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_account_polling",
			Help: "1 while the account is being polled, 0 when polling stopped (credentials rejected, suspended or cancelled).",
		}, []string{"network", "account"}),
		ConnectorPanics: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_connector_panics_total",
			Help: "Panics recovered from a connector's Poll (each also counts as a transient poll failure).",
		}, []string{"network"}),
		ConfigReloadOK: f.gauge(prometheus.GaugeOpts{
			Name: "vigia_config_last_reload_successful",
			Help: "1 if the last configuration load or reload succeeded, 0 if it failed (the previous configuration stays).",
		}),
		ConfigReloadOKTime: f.gauge(prometheus.GaugeOpts{
			Name: "vigia_config_last_reload_success_timestamp_seconds",
			Help: "Unix time of the last successful configuration load or reload.",
		}),
		AccountsConfigured: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_accounts",
			Help: "Configured accounts by network and lifecycle status (active, suspended, cancelled).",
		}, []string{"network", "status"}),
		AccountInfo: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_account_info",
			Help: "Static information about a configured account: its organ (órgano responsable). Always 1.",
		}, []string{"network", "account", "organ"}),
		ArchiveRecords: f.gauge(prometheus.GaugeOpts{
			Name: "vigia_archive_records",
			Help: "Records in the archive's hash chain.",
		}),
		ArchiveCommitSeconds: f.histogram(prometheus.HistogramOpts{
			Name:    "vigia_archive_commit_duration_seconds",
			Help:    "Duration of one archive transaction storing a poll's batch.",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}),
		ArchiveWriteErrors: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_archive_write_errors_total",
			Help: "Archive writes (a poll's commit or its failure record) that failed, by reason (disk_full, other); nothing of them was stored and the cursor stayed.",
		}, []string{"reason"}),
		CommentsReceived: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_comments_received_total",
			Help: "Comments and mentions by others on the account's content, by intent (question, info_request, suggestion, complaint, praise, other).",
		}, []string{"network", "account", "intent"}),
		CommentsNeedingAnswer: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_comments_needing_answer_total",
			Help: "Comments that need an answer (not own, not offensive, not spam, an intent the configuration lists): the response rate's denominator.",
		}, []string{"network", "account"}),
		Responses: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_responses_total",
			Help: "Comments answered by the account, by outcome against the SLA (in_time, late): the response rate's numerator.",
		}, []string{"network", "account", "outcome"}),
		FirstResponseBusiness: f.histogramVec(prometheus.HistogramOpts{
			Name:    "vigia_first_response_business_seconds",
			Help:    "Time from a comment to the account's first answer, counted in the account's attention hours.",
			Buckets: businessBuckets,
		}, []string{"network", "account"}),
		FirstResponseWall: f.histogramVec(prometheus.HistogramOpts{
			Name:    "vigia_first_response_seconds",
			Help:    "Time from a comment to the account's first answer, in wall-clock time.",
			Buckets: wallBuckets,
		}, []string{"network", "account"}),
		CommentsUnanswered: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_comments_unanswered",
			Help: "Comments awaiting an answer, by SLA state (within, at_risk, breached).",
		}, []string{"network", "account", "sla_state"}),
		OldestUnanswered: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_oldest_unanswered_business_seconds",
			Help: "Age, in the account's attention hours, of the oldest comment awaiting an answer; 0 when none waits.",
		}, []string{"network", "account"}),
		CannedReplies: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_canned_replies_total",
			Help: "Own replies whose text repeats, word for word or nearly, across many users (not personalised, 6.xvi).",
		}, []string{"network", "account"}),
		CommentsClassified: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_comments_classified_total",
			Help: "Comments by others run through the offensive classifier, by band (none, review, recommend_block).",
		}, []string{"network", "account", "band"}),
		Flags: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_flags_total",
			Help: "Policy findings stored with items, by rule (offensive, personal data, capitals, links, spam, canned replies, …).",
		}, []string{"network", "account", "rule"}),
		SLARefreshSeconds: f.histogram(prometheus.HistogramOpts{
			Name:    "vigia_sla_refresh_duration_seconds",
			Help:    "Duration of one SLA tick over every comment awaiting an answer.",
			Buckets: []float64{0.0001, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
		}),
	}
}

// Account identifies an account's label values.
type Account struct {
	Network string
	ID      string
}

// InitAccounts pre-creates every per-account series for accts and every network's
// kind and reason series, so they read 0 before anything happens.
func (m *Metrics) InitAccounts(accts []Account) {
	networks := map[string]bool{}
	for _, a := range accts {
		m.Governance.initAccount(a.Network, a.ID)
		for _, r := range connectors.Reasons {
			m.PollsTotal.WithLabelValues(a.Network, a.ID, r)
		}
		m.PollsSkipped.WithLabelValues(a.Network, a.ID)
		m.APICalls.WithLabelValues(a.Network, a.ID)
		m.LastSuccessfulPoll.WithLabelValues(a.Network, a.ID)
		m.RateLimitRemaining.WithLabelValues(a.Network, a.ID).Set(-1)
		m.ConsecutiveErrors.WithLabelValues(a.Network, a.ID)
		m.AccountPolling.WithLabelValues(a.Network, a.ID)
		for _, in := range Intents {
			m.CommentsReceived.WithLabelValues(a.Network, a.ID, in)
		}
		m.CommentsNeedingAnswer.WithLabelValues(a.Network, a.ID)
		for _, o := range ResponseOutcomes {
			m.Responses.WithLabelValues(a.Network, a.ID, o)
		}
		m.FirstResponseBusiness.WithLabelValues(a.Network, a.ID)
		m.FirstResponseWall.WithLabelValues(a.Network, a.ID)
		for _, st := range OpenSLAStates {
			m.CommentsUnanswered.WithLabelValues(a.Network, a.ID, st)
		}
		m.OldestUnanswered.WithLabelValues(a.Network, a.ID)
		m.CannedReplies.WithLabelValues(a.Network, a.ID)
		for _, b := range Bands {
			m.CommentsClassified.WithLabelValues(a.Network, a.ID, b)
		}
		networks[a.Network] = true
	}
	for n := range networks {
		m.PollDuration.WithLabelValues(n)
		m.ItemsEdited.WithLabelValues(n)
		m.ItemsDeleted.WithLabelValues(n)
		m.ConnectorPanics.WithLabelValues(n)
		for _, k := range connectors.Kinds {
			m.ItemsArchived.WithLabelValues(n, string(k))
		}
	}
}

// SetAccountInfo sets vigia_account_info{network,account,organ} to 1, the series that
// rules and dashboards join on to group accounts by organ. An account that moved to
// another organ on a reload keeps a single series: the old organ's goes away.
func (m *Metrics) SetAccountInfo(network, account, organ string) {
	m.AccountInfo.DeletePartialMatch(prometheus.Labels{"network": network, "account": account})
	m.AccountInfo.WithLabelValues(network, account, organ).Set(1)
}

// ForgetAccount deletes an account's series, when a reload removes it.
func (m *Metrics) ForgetAccount(a Account) {
	m.AccountInfo.DeletePartialMatch(prometheus.Labels{"network": a.Network, "account": a.ID})
	for _, r := range connectors.Reasons {
		m.PollsTotal.DeleteLabelValues(a.Network, a.ID, r)
	}
	for _, v := range []*prometheus.GaugeVec{m.LastSuccessfulPoll, m.RateLimitRemaining, m.ConsecutiveErrors, m.AccountPolling} {
		v.DeleteLabelValues(a.Network, a.ID)
	}
	m.PollsSkipped.DeleteLabelValues(a.Network, a.ID)
	m.APICalls.DeleteLabelValues(a.Network, a.ID)
	for _, in := range Intents {
		m.CommentsReceived.DeleteLabelValues(a.Network, a.ID, in)
	}
	for _, o := range ResponseOutcomes {
		m.Responses.DeleteLabelValues(a.Network, a.ID, o)
	}
	for _, st := range OpenSLAStates {
		m.CommentsUnanswered.DeleteLabelValues(a.Network, a.ID, st)
	}
	m.CommentsNeedingAnswer.DeleteLabelValues(a.Network, a.ID)
	m.FirstResponseBusiness.DeleteLabelValues(a.Network, a.ID)
	m.FirstResponseWall.DeleteLabelValues(a.Network, a.ID)
	m.OldestUnanswered.DeleteLabelValues(a.Network, a.ID)
	m.CannedReplies.DeleteLabelValues(a.Network, a.ID)
	for _, b := range Bands {
		m.CommentsClassified.DeleteLabelValues(a.Network, a.ID, b)
	}
	m.Flags.DeletePartialMatch(prometheus.Labels{"network": a.Network, "account": a.ID})
	m.Governance.forgetAccount(a.Network, a.ID)
}

// NewBuildInfo returns the vigia_build_info gauge, always 1, labelled with the
// build's version, revision and Go version.
func NewBuildInfo(version, revision, goVersion string) prometheus.Collector {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "vigia_build_info",
		Help:        "A metric with a constant '1' value labelled by version, revision and goversion from which vigia was built.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": goVersion},
	})
	g.Set(1)
	return g
}
