package agent

import (
	"context"
	"log/slog"
	"time"

	"github.com/ife-mx/vigia/alerts"
	"github.com/ife-mx/vigia/archive"
)

// decisionsEvery is how often the agent looks for administrators' new decisions.
const decisionsEvery = 5 * time.Second

// watchDecisions resolves an offensive_comment alert once an administrator has
// attended the comment (Criterio 6.xv): confirmed the block, judged it a false
// positive (`vigia label`, an import), or a block was seen on the network. The
// decisions are read from the archive, where another process may record them; at
// start every decision is read, so the ones recorded while the agent was stopped
// count too (resolving an alert that is not firing does nothing).
func (al *alerting) watchDecisions(ctx context.Context) {
	var last int64
	t := time.NewTicker(decisionsEvery)
	defer t.Stop()
	for {
		if al.Sink() != nil {
			last = al.resolveDecided(ctx, last)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// resolveDecided raises the resolutions for the decisions after chain id last and
// returns the last one read.
func (al *alerting) resolveDecided(ctx context.Context, last int64) int64 {
	err := al.a.store.DecisionsAfter(ctx, last, func(d archive.DecisionRow) error {
		last = d.ID
		summary, ok := decisionSummary[d.Decision]
		if !ok {
			return nil
		}
		al.raise(alerts.Event{Rule: alerts.RuleOffensiveComment, Subject: commentSubject(d.Network, d.ExternalID),
			Account: d.Account, State: alerts.StateResolved, At: al.a.now(), Summary: summary + " (" + d.By + ")."})
		return nil
	})
	if err != nil && ctx.Err() == nil {
		al.a.log.Error("could not read the administrators' decisions", slog.Any("error", err))
	}
	return last
}

// decisionSummary is the resolution's summary for each decision that attends an
// offensive comment; an unblock attends nothing.
var decisionSummary = map[string]string{
	archive.DecisionBlockConfirmed:   "Atendido: un administrador confirmó el bloqueo del autor",
	archive.DecisionFalsePositive:    "Atendido: un administrador lo consideró un falso positivo",
	archive.DecisionBlockedOnNetwork: "Atendido: el autor fue bloqueado en la red",
}
