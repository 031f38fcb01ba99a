package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
)

// TakeoverSignals are the values of the signal label of vigia_takeover_signals_total
// (policy/health's signals).
var TakeoverSignals = []string{"profile_handle", "profile_display_name", "profile_bio", "profile_avatar", "profile_link",
	"own_offensive", "own_deletions", "unusual_hours", "new_language", "new_link_hosts"}

// CadenceStates are the values of the state label of vigia_account_cadence_state.
var CadenceStates = []string{"ok", "stale", "abandoned", "unknown"}

// initAccount pre-creates the account's governance series (at 0; the agent sets
// vigia_account_verified to -1 until it sees a profile). The takeover signals'
// series appear when a signal is first seen, as the flags' do: ten zero series
// per account were a seventh of every scrape, and no rule reads them (the
// urgent count, pre-created, is what alerts).
func (g *Governance) initAccount(network, account string) {
	g.Verified.WithLabelValues(network, account)
	g.TakeoverScore.WithLabelValues(network, account)
	g.TakeoverUrgent.WithLabelValues(network, account)
	g.LastOwnPost.WithLabelValues(network, account)
	for _, s := range CadenceStates {
		g.CadenceState.WithLabelValues(network, account, s)
	}
}

// Governance holds the account-governance collectors (Criterios 6.xx, 6.xxv,
// 6.xxvi, 7.iv, 7.viii).
type Governance struct {
	// Verified is 1 when the account's last profile says verified, 0 when not, -1
	// while no profile has been seen.
	Verified *prometheus.GaugeVec
	// ProfileChanges counts profile fields seen changed, by field.
	ProfileChanges *prometheus.CounterVec
	// TakeoverScore is the takeover score of the account's last poll.
	TakeoverScore *prometheus.GaugeVec
	// TakeoverSignals counts takeover signals by signal.
	TakeoverSignals *prometheus.CounterVec
	// TakeoverUrgent counts polls whose takeover score reached the threshold.
	TakeoverUrgent *prometheus.CounterVec
	// CadenceState is 1 for the account's current cadence state, 0 for the others.
	CadenceState *prometheus.GaugeVec
	// LastOwnPost is the Unix time of the account's last own post or reply.
	LastOwnPost *prometheus.GaugeVec
	// RegistryChanges counts registry-log records by organ and event.
	RegistryChanges *prometheus.CounterVec
}

func newGovernance(f *factory) *Governance {
	return &Governance{
		Verified: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_account_verified",
			Help: "1 when the account's last profile is verified by the network (6.xxv), 0 when not, -1 before any profile.",
		}, []string{"network", "account"}),
		ProfileChanges: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_profile_changes_total",
			Help: "Profile fields seen changed between two polls, by field.",
		}, []string{"network", "account", "field"}),
		TakeoverScore: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_takeover_score",
			Help: "Takeover score of the account's last poll (6.xxvi); urgent at the configured threshold.",
		}, []string{"network", "account"}),
		TakeoverSignals: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_takeover_signals_total",
			Help: "Takeover signals seen, by signal.",
		}, []string{"network", "account", "signal"}),
		TakeoverUrgent: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_takeover_urgent_total",
			Help: "Polls whose takeover score reached the threshold (urgent signal to the titular del área, CNCS and UNICOM).",
		}, []string{"network", "account"}),
		CadenceState: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_account_cadence_state",
			Help: "1 for the account's cadence state (ok, stale, abandoned, unknown; 6.xx, 7.viii), 0 for the others.",
		}, []string{"network", "account", "state"}),
		LastOwnPost: f.gaugeVec(prometheus.GaugeOpts{
			Name: "vigia_last_own_post_timestamp_seconds",
			Help: "Unix time of the account's last own post or reply; 0 when none is known.",
		}, []string{"network", "account"}),
		RegistryChanges: f.counterVec(prometheus.CounterOpts{
			Name: "vigia_registry_changes_total",
			Help: "Registry-log records written, by organ and event (registered, admins_changed, status_changed, changed).",
		}, []string{"organ", "event"}),
	}
}

// forgetAccount removes the account's governance series.
func (g *Governance) forgetAccount(network, account string) {
	match := prometheus.Labels{"network": network, "account": account}
	for _, v := range []interface{ DeletePartialMatch(prometheus.Labels) int }{
		g.Verified, g.ProfileChanges, g.TakeoverScore, g.TakeoverSignals, g.TakeoverUrgent, g.CadenceState, g.LastOwnPost,
	} {
		v.DeletePartialMatch(match)
	}
}
