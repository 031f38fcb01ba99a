package response

import (
	"slices"

	"github.com/ife-mx/vigia/connectors"
)

// Reason says why NeedsAnswer decided as it did.
type Reason string

// The reasons of a Decision.
const (
	ReasonNeedsAnswer  Reason = "needs_answer"  // a user's comment, reply or mention that awaits an answer
	ReasonOwn          Reason = "own"           // written by the account
	ReasonKind         Reason = "kind"          // a post, not a comment, reply or mention
	ReasonNotAddressed Reason = "not_addressed" // a reply between users that does not involve the account
	ReasonOffensive    Reason = "offensive"     // flagged offensive: for blocking (6.xv), not answering
	ReasonSpam         Reason = "spam"          // spam, by the caller's flag or the built-in heuristic
	ReasonIntent       Reason = "intent"        // an intent the configuration does not answer (praise, by default)
)

// Options are what NeedsAnswer knows beyond the item: the account's settings and
// what other checks found.
type Options struct {
	// Intents are the intents that need an answer; nil means DefaultIntents.
	Intents []Intent
	// AccountHandle is the account's handle, so that a reply between users that
	// mentions the account is recognised as addressed to it.
	AccountHandle string
	// ParentOwn is true when the item replies to one of the account's own items.
	ParentOwn bool
	// Offensive is the offensive classifier's verdict on the item.
	Offensive bool
	// Spam is a spam flag from elsewhere (the platform, a block list); the built-in
	// heuristic (Spam) runs in any case, unless SpamChecked.
	Spam bool
	// SpamChecked says the caller has already run the built-in heuristic on the
	// item's text and folded its verdict into Spam (as the agent does: its review
	// flags spam before the commit), so NeedsAnswer does not run it again and
	// Decision.Spam stays zero.
	SpamChecked bool
}

// Decision is NeedsAnswer's answer, with its grounds.
type Decision struct {
	Needs  bool
	Reason Reason
	// Intent is the item's classification; zero for the account's own items.
	Intent Classification
	// Spam is the built-in heuristic's verdict when it ran (not with
	// Options.SpamChecked).
	Spam SpamVerdict
}

// NeedsAnswer decides whether the account owes it an answer: comments, replies and
// mentions written by others on the account's content, except replies between users
// that neither answer an own item nor mention the account, offensive items, spam,
// and intents the configuration does not answer.
func NeedsAnswer(it connectors.Item, opts Options) Decision {
	if it.Own {
		return Decision{Reason: ReasonOwn}
	}
	f := fold(it.Text)
	d := Decision{Intent: classifyFolded(f)}
	switch it.Kind {
	case connectors.KindComment, connectors.KindMention:
	case connectors.KindReply:
		if !opts.ParentOwn && !mentionsHandle(mentions(it.Text), opts.AccountHandle) {
			d.Reason = ReasonNotAddressed
			return d
		}
	default:
		d.Reason = ReasonKind
		return d
	}
	if opts.Offensive {
		d.Reason = ReasonOffensive
		return d
	}
	if !opts.SpamChecked {
		d.Spam = spamFolded(truncate(it.Text), f)
	}
	if opts.Spam || d.Spam.Spam {
		d.Reason = ReasonSpam
		return d
	}
	intents := opts.Intents
	if intents == nil {
		intents = DefaultIntents
	}
	if !slices.Contains(intents, d.Intent.Intent) {
		d.Reason = ReasonIntent
		return d
	}
	d.Needs, d.Reason = true, ReasonNeedsAnswer
	return d
}
