// Package response is the response clock of the Criterios 5.2.e, 6.xvi and 6.xvii:
// every user comment on an institutional account is answered quickly, clearly and
// personally. It decides which items need an answer (NeedsAnswer, with the intent
// of each comment from Classify and a built-in spam check), finds the account's
// first answer to each one in its conversation (FirstAnswer, and the incremental
// Tracker that keeps it current as items arrive late, are edited or deleted),
// measures the wait in business time of the account's attention calendar and turns
// it into SLA states (SLA, Tracker.Evaluate), and flags own replies pasted to many
// users instead of written for each (Canned).
//
// The package is pure: instants are passed in and nothing does I/O. Texts in the
// rules are Mexican Spanish.
package response

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Scope says which own replies answer a comment.
type Scope string

const (
	// ScopeConversation counts a direct reply to the comment, and an own reply in the
	// same conversation, after the comment, addressed to its author: one that
	// mentions the author's @handle or that replies to one of the author's later
	// items there.
	ScopeConversation Scope = "conversation"
	// ScopeDirect counts only direct replies to the comment.
	ScopeDirect Scope = "direct"
)

// Defaults of Config.
const (
	DefaultAtRisk            = 4 * time.Hour
	DefaultBreached          = 8 * time.Hour
	DefaultCannedMinUsers    = 5
	DefaultCannedWindow      = 7 * 24 * time.Hour
	DefaultCannedSimilarity  = 0.9
	DefaultCannedShingleSize = 3
	DefaultCannedMinWords    = 4
)

// DefaultIntents are the intents that need an answer unless the configuration says
// otherwise: all but praise and thanks.
var DefaultIntents = []Intent{IntentQuestion, IntentInfoRequest, IntentSuggestion, IntentComplaint, IntentOther}

// Config is an account's response policy as written in the configuration file:
//
//	intents: [question, info_request, suggestion, complaint, other]
//	at_risk: 4h      # business time
//	breached: 8h     # business time
//	answers: conversation
//	canned: {min_users: 5, window: 168h, similarity: 0.9, shingle_size: 3, min_words: 4}
type Config struct {
	// Intents are the intents of a comment that need an answer.
	Intents []Intent `yaml:"intents"`
	// AtRisk is the business time after which an unanswered comment is at risk.
	AtRisk time.Duration `yaml:"at_risk"`
	// Breached is the business time after which an unanswered comment breaches
	// the SLA, and an answer is late.
	Breached time.Duration `yaml:"breached"`
	// Answers is the Scope of answered detection: "conversation" or "direct".
	Answers Scope        `yaml:"answers"`
	Canned  CannedConfig `yaml:"canned"`
}

// CannedConfig configures the check for own replies that are not personalised (6.xvi).
type CannedConfig struct {
	// MinUsers is how many different users must receive the same or nearly the same
	// reply within Window for it to count as canned.
	MinUsers int `yaml:"min_users"`
	// Window is the time span, either side of a reply, in which copies count.
	Window time.Duration `yaml:"window"`
	// Similarity is the least Jaccard similarity of two replies' word shingles for
	// them to count as copies; 1 means word for word after normalisation.
	Similarity float64 `yaml:"similarity"`
	// ShingleSize is the number of consecutive words in a shingle.
	ShingleSize int `yaml:"shingle_size"`
	// MinWords is the fewest words a reply must have to be judged; shorter ones
	// ("¡Gracias!") are not templates.
	MinWords int `yaml:"min_words"`
}

// DefaultConfig returns the response policy used when the configuration gives none.
func DefaultConfig() Config {
	return Config{
		Intents:  slices.Clone(DefaultIntents),
		AtRisk:   DefaultAtRisk,
		Breached: DefaultBreached,
		Answers:  ScopeConversation,
		Canned: CannedConfig{
			MinUsers: DefaultCannedMinUsers, Window: DefaultCannedWindow,
			Similarity: DefaultCannedSimilarity, ShingleSize: DefaultCannedShingleSize,
			MinWords: DefaultCannedMinWords,
		},
	}
}

// UnmarshalYAML applies DefaultConfig to the keys the document leaves out, decodes
// the rest and validates the result.
func (c *Config) UnmarshalYAML(value *yaml.Node) error {
	*c = DefaultConfig()
	type plain Config
	if err := value.Decode((*plain)(c)); err != nil {
		return err
	}
	return c.Validate()
}

// Validate reports every problem of the configuration, each naming its key.
func (c Config) Validate() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("response: %s: %s", key, fmt.Sprintf(format, args...)))
	}
	valid := make([]string, len(Intents))
	for i, in := range Intents {
		valid[i] = string(in)
	}
	for i, in := range c.Intents {
		if !in.Valid() {
			add(fmt.Sprintf("intents[%d]", i), "intención desconocida %q (válidas: %s)", in, strings.Join(valid, ", "))
		}
	}
	if c.AtRisk <= 0 {
		add("at_risk", "debe ser un tiempo hábil positivo, por ejemplo 4h")
	}
	if c.Breached <= 0 {
		add("breached", "debe ser un tiempo hábil positivo, por ejemplo 8h")
	} else if c.AtRisk > 0 && c.Breached < c.AtRisk {
		add("breached", "%v es menor que at_risk (%v); un comentario está en riesgo antes de vencer", c.Breached, c.AtRisk)
	}
	switch c.Answers {
	case ScopeConversation, ScopeDirect:
	default:
		add("answers", "valor %q no válido; use %q o %q", c.Answers, ScopeConversation, ScopeDirect)
	}
	k := c.Canned
	if k.MinUsers < 2 {
		add("canned.min_users", "debe ser al menos 2; es %d", k.MinUsers)
	}
	if k.Window <= 0 {
		add("canned.window", "debe ser una duración positiva, por ejemplo 168h")
	}
	if k.Similarity <= 0 || k.Similarity > 1 {
		add("canned.similarity", "debe estar entre 0 (excluido) y 1; es %v", k.Similarity)
	}
	if k.ShingleSize < 1 || k.ShingleSize > 8 {
		add("canned.shingle_size", "debe estar entre 1 y 8; es %d", k.ShingleSize)
	}
	if k.MinWords < 1 {
		add("canned.min_words", "debe ser al menos 1; es %d", k.MinWords)
	}
	return errors.Join(errs...)
}
