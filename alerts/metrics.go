package alerts

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Metrics are the alerts' Prometheus collectors.
type Metrics struct {
	// Sent counts alerts delivered (an alert in a grouped message counts once).
	Sent *prometheus.CounterVec
	// Failed counts failed delivery attempts by notifier and reason.
	Failed *prometheus.CounterVec
	// Transitions counts changes of alert state recorded in the archive.
	Transitions *prometheus.CounterVec
	// Queued is the number of deliveries waiting in the outbox.
	Queued prometheus.Gauge
	// OutboxAge is the age of the oldest waiting delivery.
	OutboxAge prometheus.Gauge
}

// NewMetrics registers the alerts' collectors on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	f := promauto.With(reg)
	return &Metrics{
		Sent: f.NewCounterVec(prometheus.CounterOpts{
			Name: "vigia_alerts_sent_total",
			Help: "Alerts delivered, by notifier and rule (each alert of a grouped message counts).",
		}, []string{"notifier", "rule"}),
		Failed: f.NewCounterVec(prometheus.CounterOpts{
			Name: "vigia_alerts_failed_total",
			Help: "Failed delivery attempts, by notifier and reason (connect, timeout, tls, auth, temporary, rejected, invalid).",
		}, []string{"notifier", "reason"}),
		Transitions: f.NewCounterVec(prometheus.CounterOpts{
			Name: "vigia_alerts_transitions_total",
			Help: "Changes of alert state recorded in the archive, by rule and state (firing, escalated, resolved).",
		}, []string{"rule", "state"}),
		Queued: f.NewGauge(prometheus.GaugeOpts{
			Name: "vigia_alerts_queued",
			Help: "Deliveries waiting in the outbox (quiet hours, grouping, rate limits, retries).",
		}),
		OutboxAge: f.NewGauge(prometheus.GaugeOpts{
			Name: "vigia_alerts_outbox_oldest_age_seconds",
			Help: "Age of the oldest delivery waiting in the outbox; 0 when it is empty.",
		}),
	}
}

// init creates every series of the configured notifiers and the rules with value 0.
func (m *Metrics) init(cfg Config) {
	if m == nil {
		return
	}
	for _, n := range cfg.Notifiers {
		for _, r := range append(append([]string(nil), Rules...), RuleTest, RuleDigest) {
			m.Sent.WithLabelValues(n.Name, r)
		}
		for _, r := range FailureReasons {
			m.Failed.WithLabelValues(n.Name, r)
		}
	}
	for _, r := range Rules {
		for _, s := range []State{StateFiring, StateEscalated, StateResolved} {
			m.Transitions.WithLabelValues(r, string(s))
		}
	}
}
