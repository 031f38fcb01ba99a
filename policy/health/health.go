// Package health judges an institutional account's health: its posting cadence
// and abandonment (Criterios 6.xx, 7.viii), the changes of its public profile, and
// the signals that it has been taken over by people outside the institute
// (6.xxvi): unannounced changes of handle, display name, bio, avatar or link; own
// posts flagged offensive; a burst of deletions of own posts; own activity far
// outside the account's usual hours; a run of own posts in a language or with
// links the account never used.
//
// The package is pure: it holds no clock (times are passed in) and does no I/O.
// A History learns an account's habits from its own posts; Assess scores one
// poll against it.
package health

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Cadences (6.xx: "periodicidad diaria o semanal").
const (
	Daily  = 24 * time.Hour
	Weekly = 7 * 24 * time.Hour
)

// Defaults of the governance settings.
const (
	// DefaultThreshold is the takeover score at which a signal is urgent.
	DefaultThreshold = 60
	// DefaultAbandonedAfter is how long without an own post makes an account abandoned.
	DefaultAbandonedAfter = 30 * 24 * time.Hour
	// DefaultAbandonedUnanswered is how many comments past the SLA make an account
	// abandoned.
	DefaultAbandonedUnanswered = 200
)

// DefaultCadence is the expected cadence on a network: weekly on YouTube (video
// channels), daily elsewhere.
func DefaultCadence(network string) time.Duration {
	if network == "youtube" {
		return Weekly
	}
	return Daily
}

// CadenceState is where an account stands against its expected cadence.
type CadenceState string

// The cadence states.
const (
	// CadenceOK: the last own post is within the expected cadence.
	CadenceOK CadenceState = "ok"
	// CadenceStale: the last own post is older than the cadence allows.
	CadenceStale CadenceState = "stale"
	// CadenceAbandoned: stale for AbandonedAfter, or comments pile up unanswered.
	CadenceAbandoned CadenceState = "abandoned"
	// CadenceUnknown: no own post is known yet.
	CadenceUnknown CadenceState = "unknown"
)

// CadenceStates lists the states in a stable order (metrics).
var CadenceStates = []CadenceState{CadenceOK, CadenceStale, CadenceAbandoned, CadenceUnknown}

// CadenceInput is what Cadence judges.
type CadenceInput struct {
	// LastOwnPost is when the account last published; zero when never seen.
	LastOwnPost time.Time
	Now         time.Time
	// Expected is the cadence; AbandonedAfter the silence that means abandonment.
	Expected       time.Duration
	AbandonedAfter time.Duration
	// Unanswered counts comments past the response SLA; at AbandonedUnanswered
	// (when positive) the account is abandoned.
	Unanswered          int
	AbandonedUnanswered int
}

// Cadence returns the account's cadence state.
func Cadence(in CadenceInput) CadenceState {
	if in.AbandonedUnanswered > 0 && in.Unanswered >= in.AbandonedUnanswered {
		return CadenceAbandoned
	}
	if in.LastOwnPost.IsZero() {
		return CadenceUnknown
	}
	silent := in.Now.Sub(in.LastOwnPost)
	switch {
	case in.AbandonedAfter > 0 && silent > in.AbandonedAfter:
		return CadenceAbandoned
	case silent > in.Expected:
		return CadenceStale
	}
	return CadenceOK
}

// DescribeCadence says the state in Spanish.
func DescribeCadence(s CadenceState, in CadenceInput) string {
	switch s {
	case CadenceStale:
		return fmt.Sprintf("sin publicaciones propias desde %s (periodicidad esperada: %s)", in.LastOwnPost.UTC().Format(time.RFC3339), durationES(in.Expected))
	case CadenceAbandoned:
		if in.AbandonedUnanswered > 0 && in.Unanswered >= in.AbandonedUnanswered {
			return fmt.Sprintf("cuenta abandonada: %d comentarios sin respuesta fuera del plazo", in.Unanswered)
		}
		return fmt.Sprintf("cuenta abandonada: sin publicaciones propias desde %s", in.LastOwnPost.UTC().Format(time.RFC3339))
	case CadenceUnknown:
		return "aún no se conoce ninguna publicación propia"
	}
	return "al día"
}

func durationES(d time.Duration) string {
	switch d {
	case Daily:
		return "diaria"
	case Weekly:
		return "semanal"
	}
	return d.String()
}

// Announced are the profile values the organ announced; a change to one of them
// is an ordinary edit. Handles compare without case or "@".
type Announced struct {
	Handle, DisplayName, Bio, AvatarURL, Link []string
}

// The profile fields, as ProfileChange.Field names them.
const (
	FieldHandle      = "handle"
	FieldDisplayName = "display_name"
	FieldBio         = "bio"
	FieldAvatar      = "avatar_url"
	FieldLink        = "link"
	FieldVerified    = "verified"
	FieldFollowers   = "followers"
)

// ProfileChange is one field that changed between two snapshots.
type ProfileChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
	// Announced is true when New is a value the configuration announced.
	Announced bool `json:"announced"`
}

// DiffProfile lists the fields that differ between prev and cur (raw payload and
// external id aside), in a fixed order.
func DiffProfile(prev, cur connectors.Profile, ann Announced) []ProfileChange {
	var out []ProfileChange
	add := func(field, o, n string, announced []string, fold bool) {
		if o == n || (fold && strings.EqualFold(o, n)) {
			return
		}
		ok := false
		for _, a := range announced {
			if a == n || (fold && strings.EqualFold(strings.TrimPrefix(a, "@"), strings.TrimPrefix(n, "@"))) {
				ok = true
			}
		}
		out = append(out, ProfileChange{Field: field, Old: o, New: n, Announced: ok})
	}
	add(FieldHandle, prev.Handle, cur.Handle, ann.Handle, true)
	add(FieldDisplayName, prev.DisplayName, cur.DisplayName, ann.DisplayName, false)
	add(FieldBio, prev.Bio, cur.Bio, ann.Bio, false)
	add(FieldAvatar, prev.AvatarURL, cur.AvatarURL, ann.AvatarURL, false)
	add(FieldLink, prev.Link, cur.Link, ann.Link, false)
	if prev.Verified != cur.Verified {
		out = append(out, ProfileChange{Field: FieldVerified, Old: fmt.Sprint(prev.Verified), New: fmt.Sprint(cur.Verified), Announced: true})
	}
	if prev.Followers != cur.Followers {
		out = append(out, ProfileChange{Field: FieldFollowers, Old: fmt.Sprint(prev.Followers), New: fmt.Sprint(cur.Followers), Announced: true})
	}
	return out
}

// Post is one of the account's own posts or replies, as History learns it.
type Post struct {
	ID        string
	CreatedAt time.Time
	// Lang is the network's language tag ("es"); empty or "und" when unknown.
	Lang string
	// Hosts are the hosts of the post's links.
	Hosts []string
}

// Minimum history before a habit is judged.
const (
	// MinHoursHistory own posts are needed before an hour counts as unusual.
	MinHoursHistory = 30
	// MinHabitHistory own posts are needed before a language or link host counts
	// as new.
	MinHabitHistory = 20
	// unusualShare: an hour (with its two neighbours) holding less than this share of
	// the history is unusual.
	unusualShare = 0.02
)

// History is an account's habits learned from its own posts: the hours it posts
// at (in its time zone), the languages and the link hosts it uses, and its last
// post. It is not safe for concurrent use.
type History struct {
	loc   *time.Location
	hours [24]int
	n     int
	langs map[string]*habit
	hosts map[string]*habit
	last  time.Time
	seen  map[string]bool
}

// habit is how often a language or a link host was used, since when, and how many
// own posts the account had before it first appeared.
type habit struct {
	count  int
	first  time.Time
	before int
}

// NovelWindow is how long after its first use a language or a link host still
// counts as new: posts in it within that time make one run.
const NovelWindow = 24 * time.Hour

// novel reports whether a language or host is new to the account at time at: never
// used, or first used within NovelWindow after a history of at least
// MinHabitHistory posts. It returns how many earlier posts used it.
func (h *History) novel(m map[string]*habit, key string, at time.Time) (bool, int) {
	hb := m[key]
	if hb == nil {
		return h.n >= MinHabitHistory, 0
	}
	return hb.before >= MinHabitHistory && at.Sub(hb.first) <= NovelWindow, hb.count
}

func (h *History) learn(m map[string]*habit, key string, at time.Time) {
	hb := m[key]
	if hb == nil {
		hb = &habit{first: at, before: h.n}
		m[key] = hb
	}
	if at.Before(hb.first) {
		hb.first = at
	}
	hb.count++
}

// NewHistory returns an empty history whose hours are read in loc (UTC when nil).
func NewHistory(loc *time.Location) *History {
	if loc == nil {
		loc = time.UTC
	}
	return &History{loc: loc, langs: map[string]*habit{}, hosts: map[string]*habit{}, seen: map[string]bool{}}
}

// Add learns one own post; a post already learned (by ID) is ignored.
func (h *History) Add(p Post) {
	if p.ID != "" {
		if h.seen[p.ID] {
			return
		}
		h.seen[p.ID] = true
	}
	h.hours[p.CreatedAt.In(h.loc).Hour()]++
	if l := lang(p.Lang); l != "" {
		h.learn(h.langs, l, p.CreatedAt)
	}
	for _, host := range p.Hosts {
		h.learn(h.hosts, host, p.CreatedAt)
	}
	h.n++
	if p.CreatedAt.After(h.last) {
		h.last = p.CreatedAt
	}
}

// Posts is the number of own posts learned.
func (h *History) Posts() int { return h.n }

// LastPost is the creation time of the latest own post learned; zero when none.
func (h *History) LastPost() time.Time { return h.last }

// Known reports whether the post's ID was learned.
func (h *History) Known(id string) bool { return h.seen[id] }

// unusualHour reports whether t falls at an hour the account (almost) never posts at.
func (h *History) unusualHour(t time.Time) bool {
	if h.n < MinHoursHistory {
		return false
	}
	hr := t.In(h.loc).Hour()
	near := h.hours[(hr+23)%24] + h.hours[hr] + h.hours[(hr+1)%24]
	return float64(near) < unusualShare*float64(h.n)
}

func lang(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	if l == "und" {
		return ""
	}
	if i := strings.IndexAny(l, "-_"); i > 0 {
		l = l[:i]
	}
	return l
}

// The takeover signals and their scores.
const (
	SignalHandle       = "profile_handle"
	SignalDisplayName  = "profile_display_name"
	SignalBio          = "profile_bio"
	SignalAvatar       = "profile_avatar"
	SignalLink         = "profile_link"
	SignalOwnOffensive = "own_offensive"
	SignalDeletions    = "own_deletions"
	SignalUnusualHours = "unusual_hours"
	SignalNewLanguage  = "new_language"
	SignalNewLinks     = "new_link_hosts"
)

// Signals lists every takeover signal in a stable order (metrics).
var Signals = []string{SignalHandle, SignalDisplayName, SignalBio, SignalAvatar, SignalLink,
	SignalOwnOffensive, SignalDeletions, SignalUnusualHours, SignalNewLanguage, SignalNewLinks}

var profileScores = map[string]struct {
	signal string
	score  float64
	what   string
}{
	FieldHandle:      {SignalHandle, 40, "el nombre de usuario"},
	FieldDisplayName: {SignalDisplayName, 25, "el nombre visible"},
	FieldBio:         {SignalBio, 15, "la biografía"},
	FieldAvatar:      {SignalAvatar, 15, "la imagen de perfil"},
	FieldLink:        {SignalLink, 30, "el enlace del perfil"},
}

// Scores of the other signals.
const (
	scoreOwnOffensive = 40
	// MinDeletions own posts deleted in one poll make a burst.
	MinDeletions        = 3
	scoreDeletions      = 30
	scoreDeletionsExtra = 5
	maxDeletions        = 50
	scoreUnusualHour    = 15
	maxUnusualHours     = 30
	// MinNewRun own posts in a new language (or with new link hosts) make a run.
	MinNewRun       = 2
	scoreNewLang    = 20
	scoreNewLinks   = 20
	maxEvidenceText = 200
)

// Poll is what one poll brought that the takeover signals look at.
type Poll struct {
	// ProfileChanges are the changes since the last snapshot (DiffProfile).
	ProfileChanges []ProfileChange
	// OwnOffensive are the ids of own items flagged offensive in this poll.
	OwnOffensive []string
	// OwnDeleted are the ids of own items newly seen deleted in this poll.
	OwnDeleted []string
	// NewOwn are the own posts first seen in this poll, not yet in the History.
	NewOwn []Post
}

// Evidence is one signal that fired, with its score and what was seen.
type Evidence struct {
	Signal string  `json:"signal"`
	Score  float64 `json:"score"`
	// Detail says what was seen, in Spanish.
	Detail string `json:"detail"`
	// Items are the external ids involved, if any.
	Items []string `json:"items,omitempty"`
}

// Assessment is the takeover score of one poll.
type Assessment struct {
	Score     float64    `json:"score"`
	Threshold float64    `json:"threshold"`
	Urgent    bool       `json:"urgent"`
	Evidence  []Evidence `json:"evidence"`
}

// Assess scores one poll against the account's history (before the poll's own
// posts are added to it). The assessment is urgent when the score reaches
// threshold.
func Assess(h *History, p Poll, threshold float64) Assessment {
	as := Assessment{Threshold: threshold}
	add := func(e Evidence) {
		as.Score += e.Score
		as.Evidence = append(as.Evidence, e)
	}
	for _, c := range p.ProfileChanges {
		s, ok := profileScores[c.Field]
		if !ok || c.Announced {
			continue
		}
		add(Evidence{Signal: s.signal, Score: s.score,
			Detail: fmt.Sprintf("cambio no anunciado de %s: %q → %q", s.what, clip(c.Old), clip(c.New))})
	}
	if n := len(p.OwnOffensive); n > 0 {
		add(Evidence{Signal: SignalOwnOffensive, Score: scoreOwnOffensive, Items: p.OwnOffensive,
			Detail: fmt.Sprintf("%d publicación(es) propia(s) con insultos o expresiones ofensivas", n)})
	}
	if n := len(p.OwnDeleted); n >= MinDeletions {
		add(Evidence{Signal: SignalDeletions, Score: min(maxDeletions, scoreDeletions+scoreDeletionsExtra*float64(n-MinDeletions)),
			Items: p.OwnDeleted, Detail: fmt.Sprintf("%d publicaciones propias borradas en un solo sondeo", n)})
	}
	if h != nil {
		var odd []string
		var hours []string
		// A run in a new language (or to new hosts) counts the poll's posts and the
		// earlier ones since the language first appeared (within NovelWindow).
		newLangs := map[string][]string{}
		langRun := map[string]int{}
		var newHostPosts []string
		newHosts := map[string]int{} // novel host → its posts in this poll
		hostRun := 0
		for _, post := range p.NewOwn {
			if h.unusualHour(post.CreatedAt) {
				odd = append(odd, post.ID)
				hours = append(hours, post.CreatedAt.In(h.loc).Format("15:04"))
			}
			if l := lang(post.Lang); l != "" {
				if ok, before := h.novel(h.langs, l, post.CreatedAt); ok {
					newLangs[l] = append(newLangs[l], post.ID)
					langRun[l] = max(langRun[l], before+len(newLangs[l]))
				}
			}
			fresh := false
			for _, host := range post.Hosts {
				if ok, before := h.novel(h.hosts, host, post.CreatedAt); ok {
					fresh = true
					newHosts[host]++
					hostRun = max(hostRun, before+newHosts[host])
				}
			}
			if fresh {
				newHostPosts = append(newHostPosts, post.ID)
			}
		}
		if len(odd) > 0 {
			add(Evidence{Signal: SignalUnusualHours, Score: min(maxUnusualHours, scoreUnusualHour*float64(len(odd))), Items: odd,
				Detail: fmt.Sprintf("%d publicación(es) propia(s) a horas en que la cuenta casi nunca publica (%s, hora de %s)",
					len(odd), strings.Join(hours, ", "), h.loc)})
		}
		langs := make([]string, 0, len(newLangs))
		for l := range newLangs {
			langs = append(langs, l)
		}
		slices.Sort(langs)
		for _, l := range langs {
			if n := langRun[l]; n >= MinNewRun {
				add(Evidence{Signal: SignalNewLanguage, Score: scoreNewLang, Items: newLangs[l],
					Detail: fmt.Sprintf("%d publicaciones propias seguidas en un idioma que la cuenta no usaba (%s)", n, l)})
			}
		}
		if hostRun >= MinNewRun {
			hosts := make([]string, 0, len(newHosts))
			for host := range newHosts {
				hosts = append(hosts, host)
			}
			slices.Sort(hosts)
			add(Evidence{Signal: SignalNewLinks, Score: scoreNewLinks, Items: newHostPosts,
				Detail: fmt.Sprintf("%d publicaciones propias seguidas con enlaces a sitios que la cuenta no enlazaba (%s)", hostRun, strings.Join(hosts, ", "))})
		}
	}
	as.Urgent = threshold > 0 && as.Score >= threshold
	return as
}

func clip(s string) string {
	r := []rune(s)
	if len(r) > maxEvidenceText {
		return string(r[:maxEvidenceText]) + "…"
	}
	return s
}

// Kinds of Signal.
const (
	// KindTakeover: a takeover assessment with at least one signal (6.xxvi).
	KindTakeover = "takeover"
	// KindCadence: the account became stale or abandoned (6.xx, 7.viii).
	KindCadence = "cadence"
	// KindAdminsChanged: an organ's administrators changed between two
	// configurations (7.iv).
	KindAdminsChanged = "admins_changed"
	// KindStatusChanged: an account's lifecycle status changed (7.vii).
	KindStatusChanged = "status_changed"
)

// Who a signal is for: the roles the Criterios name.
const (
	NotifyTitularArea = "titular_area"    // the titular del órgano (área)
	NotifyCNCS        = "cncs"            // Coordinación Nacional de Comunicación Social
	NotifyUNICOM      = "unicom"          // the institute's IT unit
	NotifyAdmins      = "administradores" // the organ's two administrators
)

// Signal is something about an account's health that people must hear of.
type Signal struct {
	Kind    string `json:"kind"`
	Network string `json:"network,omitempty"`
	Account string `json:"account,omitempty"`
	Organ   string `json:"organ"`
	// Score and Threshold are a takeover assessment's; zero for other kinds.
	Score     float64 `json:"score"`
	Threshold float64 `json:"threshold,omitempty"`
	Urgent    bool    `json:"urgent"`
	// Notify are the roles to tell (Notify* constants).
	Notify []string `json:"notify"`
	// Summary says what happened, in Spanish.
	Summary  string     `json:"summary"`
	Evidence []Evidence `json:"evidence,omitempty"`
	At       time.Time  `json:"at"`
}

// TakeoverSignal turns an assessment with evidence into a Signal: urgent ones go
// to the titular del área, CNCS and UNICOM (6.xxvi), the others to the
// administrators.
func TakeoverSignal(as Assessment) Signal {
	s := Signal{Kind: KindTakeover, Score: as.Score, Threshold: as.Threshold, Urgent: as.Urgent, Evidence: as.Evidence}
	if as.Urgent {
		s.Notify = []string{NotifyTitularArea, NotifyCNCS, NotifyUNICOM}
		s.Summary = fmt.Sprintf("posible toma de control de la cuenta: puntuación %.0f (umbral %.0f)", as.Score, as.Threshold)
	} else {
		s.Notify = []string{NotifyAdmins}
		s.Summary = fmt.Sprintf("señales de posible toma de control por debajo del umbral: puntuación %.0f (umbral %.0f)", as.Score, as.Threshold)
	}
	return s
}
