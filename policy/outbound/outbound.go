// Package outbound checks the account's own posts and replies against the Criterios for
// its own conduct: no personal data (6.iii), no text written mostly in capitals (6.xxiii),
// no indiscriminate sending (6.xxiv), and links only to institutional sites, never a bare
// link (6.vi, 6.x). Insults in the account's own text (6.xix) are the offensive
// classifier's job, at its review threshold.
//
// Every check is a pure function of its input: no I/O and no clock; times come in with
// the posts.
package outbound

import (
	"sort"

	"github.com/ife-mx/vigia/policy/offensive"
)

// Rules name what a finding is about. They are stable and fit for metric labels.
const (
	RuleCURP          = "personal_data_curp"
	RuleRFC           = "personal_data_rfc"
	RuleClaveElector  = "personal_data_clave_elector"
	RulePhone         = "personal_data_phone"
	RuleEmail         = "personal_data_email"
	RuleCard          = "personal_data_card"
	RuleAddress       = "personal_data_address"
	RuleCapitals      = "capitals"
	RuleLinkOutside   = "link_outside_allowlist"
	RuleBareLink      = "bare_link"
	RuleBurst         = "burst"
	RuleDuplicate     = "duplicate"
	RuleOffensive     = "offensive"
	criterioOwnTone   = "6.xix"
	criterioPersonal  = "6.iii"
	criterioCapitals  = "6.xxiii"
	criterioSpam      = "6.xxiv"
	criterioLinks     = "6.vi"
	criterioBareLinks = "6.x"
)

// Rules lists every rule, in a fixed order (for metrics that pre-create one series per
// rule).
func Rules() []string {
	return []string{RuleCURP, RuleRFC, RuleClaveElector, RulePhone, RuleEmail, RuleCard,
		RuleAddress, RuleCapitals, RuleLinkOutside, RuleBareLink, RuleBurst, RuleDuplicate,
		RuleOffensive}
}

// Span is a byte range of the checked text.
type Span struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Finding is one problem found in the account's own text.
type Finding struct {
	// Rule is one of the Rule constants.
	Rule string `json:"rule"`
	// Criterio is the Criterios clause the rule serves, such as "6.iii".
	Criterio string `json:"criterio"`
	// Evidence points at the offending text. For burst and duplicate findings each span
	// is the whole text of one post, in the order of Posts.
	Evidence []Span `json:"evidence"`
	// Posts are indices into the slice given to Spam (burst and duplicate findings only).
	Posts []int `json:"posts,omitempty"`
	// Detail says more, in Spanish, for the alert.
	Detail string `json:"detail,omitempty"`
}

// Options configure Check. The zero value uses the defaults.
type Options struct {
	Capitals CapitalsOptions
	Links    LinkOptions
	// Classifier, when set, also checks the text for insults and disrespect (6.xix).
	Classifier *offensive.Classifier
}

// Check runs every single-text check (personal data, capitals, links, and insults when
// opts.Classifier is set) on one post.
func Check(text string, opts Options) []Finding {
	var out []Finding
	if opts.Classifier != nil {
		out = append(out, Insults(text, opts.Classifier.Classify(text))...)
	}
	out = append(out, PersonalData(text, opts.Links.Allowed)...)
	out = append(out, Capitals(text, opts.Capitals)...)
	out = append(out, Links(text, opts.Links)...)
	sort.SliceStable(out, func(i, j int) bool {
		return firstStart(out[i]) < firstStart(out[j])
	})
	return out
}

func firstStart(f Finding) int {
	if len(f.Evidence) == 0 {
		return 0
	}
	return f.Evidence[0].Start
}

func span(text string, a, b int) Span { return Span{Start: a, End: b, Text: text[a:b]} }

// Insults turns the classifier's verdict on text, one of the account's own, into a finding
// (Criterio 6.xix). Own texts use the review threshold, not recommend_block: the base rate
// is tiny and a miss is costly. Evidence is the classifier's; a verdict at review with no
// evidence (the model alone) gives one span over the whole text.
func Insults(text string, v offensive.Verdict) []Finding {
	if v.Band < offensive.BandReview {
		return nil
	}
	f := Finding{Rule: RuleOffensive, Criterio: criterioOwnTone,
		Detail: "posible insulto o falta de respeto en un texto propio"}
	for _, e := range v.Evidence {
		f.Evidence = append(f.Evidence, Span{Start: e.Start, End: e.End, Text: e.Text})
	}
	if len(f.Evidence) == 0 {
		f.Evidence = []Span{span(text, 0, len(text))}
	}
	return []Finding{f}
}
