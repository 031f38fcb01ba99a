package connectortest

import (
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// Scenario is a network-neutral script of an institutional account's activity:
// who wrote what and when, every edit and deletion, profile changes and the
// failures the fake server injects. A network's fake server (Harness.Handler)
// renders it at the instant its clock says, in the network's own shapes.
//
// A Scenario is read-only once built, except for the request counts FaultAt
// keeps, which are guarded; it is safe for concurrent use.
type Scenario struct {
	// Start is the instant the script begins; End is the instant by which all
	// activity (creations, edits, deletions) has happened.
	Start, End time.Time
	// Account is the institutional account.
	Account ScenarioAccount
	// Users are the other accounts that comment, reply and mention.
	Users []ScenarioUser
	// Items are every post, comment, reply and mention, in creation order. IDs
	// are numeric strings (snowflake-like, up to 19 digits) that increase with
	// creation time, so since_id/min_id semantics work on them.
	Items []ScenarioItem
	// Faults are the failures the fake server injects.
	Faults []Fault
	// ProfileChanges are changes of the account's profile, in time order.
	ProfileChanges []ProfileChange

	mu     sync.Mutex
	served map[int]int // fault index -> requests seen within it
	byID   map[string]int
}

// ScenarioAccount is the institutional account of a Scenario.
type ScenarioAccount struct {
	// ID is the platform id, a numeric string.
	ID string
	// Handle is the handle without "@" (local to the network: "ife_mx").
	Handle string
	// DisplayName and Bio are the profile's initial values.
	DisplayName string
	Bio         string
}

// ScenarioUser is another account of a Scenario.
type ScenarioUser struct {
	// ID is the platform id, a numeric string.
	ID string
	// Handle is the local handle, [a-z0-9_]{1,15}, valid on every network.
	Handle string
	// Domain is the user's home instance on federated networks
	// ("mastodon.social"); empty for a user of the account's own instance.
	// Networks without domains ignore it.
	Domain string
	// Name is the display name.
	Name string
}

// Version is one state of an item's text.
type Version struct {
	Text string
	// At is when the version was published: Versions[0].At is the creation.
	At time.Time
}

// ScenarioItem is one post, comment, reply or mention.
type ScenarioItem struct {
	ID   string
	Kind connectors.Kind
	// ParentID is the item this one answers; RootID the own post that heads the
	// conversation. Both are empty for posts and for mentions.
	ParentID, RootID string
	// AuthorID is a ScenarioUser's ID, or the Account's ID when Own.
	AuthorID string
	Own      bool
	// Versions holds the text over time, oldest first; never empty. Texts are
	// valid UTF-8 without NUL, CR or tabs, trimmed, with "\n" for a line break
	// and "\n\n" between paragraphs; mentions are "@" plus a local handle and
	// links are whitespace-separated "https://" tokens.
	Versions []Version
	// DeletedAt is when the item was deleted; zero if never.
	DeletedAt time.Time
}

// Created returns the item's creation instant.
func (it *ScenarioItem) Created() time.Time { return it.Versions[0].At }

// VersionAt returns the index of the item's version current at t, or -1 when
// the item did not exist yet.
func (it *ScenarioItem) VersionAt(t time.Time) int {
	k := -1
	for i, v := range it.Versions {
		if v.At.After(t) {
			break
		}
		k = i
	}
	return k
}

// Deleted reports whether the item is deleted at t.
func (it *ScenarioItem) Deleted(t time.Time) bool {
	return !it.DeletedAt.IsZero() && !it.DeletedAt.After(t)
}

// VisibleAt reports whether the item exists at t: created at or before t and
// not deleted at t.
func (it *ScenarioItem) VisibleAt(t time.Time) bool {
	return !it.Created().After(t) && !it.Deleted(t)
}

// Fault kinds.
const (
	FaultAuth        = "auth"         // the credential is rejected (401/403)
	FaultNotFound    = "not_found"    // the account is gone (404/410)
	FaultRateLimited = "rate_limited" // 429 with the network's rate-limit headers; Reset says until when
	FaultServerError = "server_error" // 5xx on every attempt
	FaultMalformed   = "malformed"    // 200 with a body that is not the expected JSON shape
	FaultTruncated   = "truncated"    // 200 with the expected body cut short (see Truncate)
)

// FaultKinds lists every fault kind.
var FaultKinds = []string{FaultAuth, FaultNotFound, FaultRateLimited, FaultServerError, FaultMalformed, FaultTruncated}

// Fault is a failure the fake server injects into every request in [From, Until).
type Fault struct {
	From, Until time.Time
	// Kind is one of the Fault* constants.
	Kind string
	// Reset is when a rate_limited fault says the allowance comes back.
	Reset time.Time
	// After lets the first After requests within the interval through, so a
	// fault can strike in the middle of paging.
	After int
}

// ProfileChange is a change of the account's profile at At; empty fields keep
// their previous value.
type ProfileChange struct {
	At          time.Time
	DisplayName string
	Bio         string
}

// index builds the id index once.
func (s *Scenario) index() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byID == nil {
		s.byID = make(map[string]int, len(s.Items))
		for i := range s.Items {
			s.byID[s.Items[i].ID] = i
		}
	}
	return s.byID
}

// Item returns the item with the given id, including deleted ones.
func (s *Scenario) Item(id string) (*ScenarioItem, bool) {
	i, ok := s.index()[id]
	if !ok {
		return nil, false
	}
	return &s.Items[i], true
}

// User returns the user with the given id; the account itself is returned as
// a user whose Name is its display name at t.
func (s *Scenario) User(id string, t time.Time) (ScenarioUser, bool) {
	if id == s.Account.ID {
		p := s.ProfileAt(t)
		return ScenarioUser{ID: p.ID, Handle: p.Handle, Name: p.DisplayName}, true
	}
	for _, u := range s.Users {
		if u.ID == id {
			return u, true
		}
	}
	return ScenarioUser{}, false
}

// At returns the items that exist at t: created at or before t, not deleted at
// t, each with only the versions published at or before t; in creation order.
func (s *Scenario) At(t time.Time) []ScenarioItem {
	var out []ScenarioItem
	for i := range s.Items {
		it := s.Items[i]
		if !it.VisibleAt(t) {
			continue
		}
		it.Versions = it.Versions[:it.VersionAt(t)+1]
		out = append(out, it)
	}
	return out
}

// ProfileAt returns the account's profile at t.
func (s *Scenario) ProfileAt(t time.Time) ScenarioAccount {
	p := s.Account
	for _, c := range s.ProfileChanges {
		if c.At.After(t) {
			break
		}
		if c.DisplayName != "" {
			p.DisplayName = c.DisplayName
		}
		if c.Bio != "" {
			p.Bio = c.Bio
		}
	}
	return p
}

// FaultAt returns the fault to inject into a request made at t, or nil. A
// fake server calls it exactly once per request: it counts the requests within
// each fault's interval to honour Fault.After.
func (s *Scenario) FaultAt(t time.Time) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.Faults {
		f := s.Faults[i]
		if t.Before(f.From) || !t.Before(f.Until) {
			continue
		}
		if s.served == nil {
			s.served = map[int]int{}
		}
		s.served[i]++
		if s.served[i] <= f.After {
			continue
		}
		return &f
	}
	return nil
}

// Changed reports whether anything the fake server shows changed in (from, to]:
// an item created, edited or deleted, or the profile changed.
func (s *Scenario) Changed(from, to time.Time) bool {
	in := func(t time.Time) bool { return t.After(from) && !t.After(to) }
	for i := range s.Items {
		it := &s.Items[i]
		if in(it.DeletedAt) {
			return true
		}
		for _, v := range it.Versions {
			if in(v.At) {
				return true
			}
		}
	}
	for _, c := range s.ProfileChanges {
		if in(c.At) {
			return true
		}
	}
	return false
}

// quiet reports whether nothing was created or edited and the profile did
// not change in (prev, at], and nothing was deleted in (at-slack, at].
func (s *Scenario) quiet(prev, at time.Time, slack time.Duration) bool {
	in := func(t, from time.Time) bool { return t.After(from) && !t.After(at) }
	for i := range s.Items {
		it := &s.Items[i]
		if in(it.DeletedAt, at.Add(-slack)) {
			return false
		}
		for _, v := range it.Versions {
			if in(v.At, prev) {
				return false
			}
		}
	}
	for _, c := range s.ProfileChanges {
		if in(c.At, prev) {
			return false
		}
	}
	return true
}

// Truncate cuts a response body short, as a dropped connection would: it keeps
// the first half of the bytes (at least one byte is dropped).
func Truncate(body []byte) []byte {
	if len(body) == 0 {
		return body
	}
	return body[:len(body)/2]
}

// CompareIDs orders numeric-string ids as big integers: by length, then
// lexically. It returns -1, 0 or +1.
func CompareIDs(a, b string) int {
	switch {
	case len(a) != len(b):
		if len(a) < len(b) {
			return -1
		}
		return 1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// assignIDs orders drafts by creation and replaces their temporary ids (and
// the parent and root references to them) with snowflake-like ids.
func assignIDs(items []ScenarioItem) {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return items[idx[a]].Created().Before(items[idx[b]].Created())
	})
	sorted := make([]ScenarioItem, len(items))
	newID := map[string]string{}
	for n, i := range idx {
		it := items[i]
		id := uint64(it.Created().UnixMilli())<<16 | uint64(n&0xffff)
		newID[it.ID] = strconv.FormatUint(id, 10)
		sorted[n] = it
	}
	for n := range sorted {
		sorted[n].ID = newID[sorted[n].ID]
		if sorted[n].ParentID != "" {
			sorted[n].ParentID = newID[sorted[n].ParentID]
		}
		if sorted[n].RootID != "" {
			sorted[n].RootID = newID[sorted[n].RootID]
		}
	}
	copy(items, sorted)
}
