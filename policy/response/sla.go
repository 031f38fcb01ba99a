package response

import (
	"time"

	"github.com/ife-mx/vigia/policy/calendar"
)

// State is where a comment stands against the account's response SLA.
type State string

// The SLA states.
const (
	StateWithin         State = "within"           // unanswered, younger than AtRisk business time
	StateAtRisk         State = "at_risk"          // unanswered, older than AtRisk
	StateBreached       State = "breached"         // unanswered, older than Breached
	StateAnsweredInTime State = "answered_in_time" // answered within Breached
	StateAnsweredLate   State = "answered_late"    // answered after Breached
)

// States lists every State in a stable order, for metrics initialisation.
var States = []State{StateWithin, StateAtRisk, StateBreached, StateAnsweredInTime, StateAnsweredLate}

// OpenStates are the states of an unanswered comment.
var OpenStates = []State{StateWithin, StateAtRisk, StateBreached}

// SLA measures waits in an account's business time.
type SLA struct {
	Calendar *calendar.Calendar
	// AtRisk and Breached are business durations; an unanswered comment is at risk
	// once its wait exceeds AtRisk and breached once it exceeds Breached. An answer
	// after exactly Breached is still in time.
	AtRisk   time.Duration
	Breached time.Duration
}

// NewSLA returns the SLA of cfg on cal.
func NewSLA(cal *calendar.Calendar, cfg Config) SLA {
	return SLA{Calendar: cal, AtRisk: cfg.AtRisk, Breached: cfg.Breached}
}

// Open returns the state of an unanswered comment that has waited age of business
// time.
func (s SLA) Open(age time.Duration) State {
	switch {
	case age > s.Breached:
		return StateBreached
	case age > s.AtRisk:
		return StateAtRisk
	}
	return StateWithin
}

// Answered returns the state of a comment answered after delay of business time.
func (s SLA) Answered(delay time.Duration) State {
	if delay > s.Breached {
		return StateAnsweredLate
	}
	return StateAnsweredInTime
}

// State returns the state at now of a comment created at created and answered at
// answered (zero when unanswered), with the business time it waited.
func (s SLA) State(created, answered, now time.Time) (State, time.Duration) {
	if !answered.IsZero() {
		d := s.Calendar.BusinessDuration(created, answered)
		return s.Answered(d), d
	}
	d := s.Calendar.BusinessDuration(created, now)
	return s.Open(d), d
}
