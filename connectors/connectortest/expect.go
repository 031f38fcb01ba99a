package connectortest

import (
	"fmt"
	"sort"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// maxProblems bounds the differences verify reports.
const maxProblems = 40

// forever stands for "no bound".
var forever = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

func minTime(ts ...time.Time) time.Time {
	m := forever
	for _, t := range ts {
		if !t.IsZero() && t.Before(m) {
			m = t
		}
	}
	return m
}

// verify compares the archive with the scenario, item by item.
func (r *runner) verify() {
	r.t.Helper()
	h, sc := r.h, r.sc
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(r.okPolls) == 0 {
		r.t.Errorf("no poll succeeded")
		return
	}
	lastOK := r.okPolls[len(r.okPolls)-1]
	slack := h.slack()

	byExt := make(map[string]*ScenarioItem, len(sc.Items))
	for i := range sc.Items {
		byExt[h.itemID(sc.Items[i].ID)] = &sc.Items[i]
	}
	item := func(id string) *ScenarioItem {
		if id == "" {
			return nil
		}
		it, _ := sc.Item(id)
		return it
	}
	// listedUnder is the item s is listed under: its parent, or with
	// FlatReplies its top-level comment.
	listedUnder := func(s *ScenarioItem) *ScenarioItem {
		p := item(s.ParentID)
		for h.FlatReplies && p != nil && p.Kind == connectors.KindReply {
			p = item(p.ParentID)
		}
		return p
	}
	// root is the own post heading the item's conversation: itself for posts,
	// nil for mentions.
	root := func(s *ScenarioItem) *ScenarioItem {
		if s.Kind == connectors.KindPost {
			return s
		}
		return item(s.RootID)
	}
	// recheckEnd is until when the connector must notice edits and deletions
	// of s; zero when it need not.
	recheckEnd := func(s *ScenarioItem) time.Time {
		rt := root(s)
		if rt == nil || h.Recheck <= 0 {
			return time.Time{}
		}
		end := minTime(rt.Created().Add(h.Recheck), lastOK)
		if rt != s && !rt.DeletedAt.IsZero() && rt.DeletedAt.Before(end) {
			end = rt.DeletedAt
		}
		if p := listedUnder(s); h.FlatReplies && s.Kind == connectors.KindReply && p != nil && !p.DeletedAt.IsZero() && p.DeletedAt.Before(end) {
			end = p.DeletedAt
		}
		return end
	}
	// required reports whether s was visible to some successful poll within
	// reach, and created within the first poll's backfill.
	required := func(s *ScenarioItem) bool {
		if s.Created().Before(r.start.Add(-h.backfill())) || h.NoMentions && s.Kind == connectors.KindMention {
			return false
		}
		rt, parent := root(s), listedUnder(s)
		captureEnd := forever
		if rt != nil && rt != s && h.Reach > 0 {
			captureEnd = rt.Created().Add(h.Reach - slack)
		}
		for _, p := range r.okPolls {
			if p.After(captureEnd) {
				break
			}
			if s.VisibleAt(p) && (parent == nil || parent.VisibleAt(p)) && (rt == nil || rt.VisibleAt(p)) {
				return true
			}
		}
		return false
	}

	// parentOf is the parent the network reports: on two-level networks
	// (TwoLevelReplies) a reply answers the comment heading its thread.
	parentOf := func(s *ScenarioItem) string {
		if !h.TwoLevelReplies || s.Kind != connectors.KindReply {
			return s.ParentID
		}
		p := item(s.ParentID)
		for p != nil && p.Kind == connectors.KindReply {
			p = item(p.ParentID)
		}
		if p == nil {
			return s.ParentID
		}
		return p.ID
	}

	threadSeen := func(s *ScenarioItem) bool {
		rt, parent := root(s), listedUnder(s)
		for _, p := range r.okPolls {
			if s.VisibleAt(p) && (parent == nil || parent.VisibleAt(p)) && (rt == nil || rt.VisibleAt(p)) {
				return true
			}
		}
		return false
	}

	for i := range sc.Items {
		s := &sc.Items[i]
		if _, ok := r.arc.items[h.itemID(s.ID)]; !ok && required(s) {
			add("missing %s %s (created %s%s)", s.Kind, s.ID, s.Created().Format(time.RFC3339), deletedNote(s))
		}
	}
	for _, ext := range r.arc.ids() {
		m := r.arc.items[ext]
		s, ok := byExt[ext]
		if !ok {
			add("archived item %s is not in the scenario", ext)
			continue
		}
		it := m.first
		want := func(field string, got, exp any) {
			if got != exp {
				add("%s %s: %s = %v, want %v", s.Kind, s.ID, field, got, exp)
			}
		}
		// When the thread above an item was gone before any poll saw the item
		// with it, its conversation cannot be known: kind and root go unchecked.
		if threadSeen(s) {
			want("Kind", it.Kind, s.Kind)
			want("RootID", it.RootID, h.itemID(s.RootID))
		}
		wantParent := parentOf(s)
		if p := listedUnder(s); h.FlatReplies && p != nil {
			wantParent = p.ID
		}
		want("ParentID", it.ParentID, h.itemID(wantParent))
		want("Own", it.Own, s.Own)
		want("AuthorID", it.AuthorID, h.userID(s.AuthorID))
		if !it.CreatedAt.Equal(s.Created()) {
			add("%s %s: CreatedAt = %v, want %v", s.Kind, s.ID, it.CreatedAt, s.Created())
		}
		if s.Own {
			want("AuthorHandle", it.AuthorHandle, sc.Account.Handle)
		} else if u, ok := sc.User(s.AuthorID, lastOK); ok {
			want("AuthorHandle", it.AuthorHandle, h.handle(u))
			want("AuthorName", it.AuthorName, h.name(u))
		}

		// Every stored version is a version of the script, in order.
		k := -1
		for vi, v := range m.versions {
			next := -1
			for j := k + 1; j < len(s.Versions); j++ {
				if s.Versions[j].Text == v.Text {
					next = j
					break
				}
			}
			if next < 0 {
				add("%s %s: stored version %d has text %q, not a later version of the script %q", s.Kind, s.ID, vi+1, v.Text, versionTexts(s))
				break
			}
			k = next
			switch {
			case k == 0 && !v.EditedAt.IsZero():
				add("%s %s: the unedited version has EditedAt %v", s.Kind, s.ID, v.EditedAt)
			case k > 0 && vi == 0 && v.EditedAt.IsZero() && (h.EditTimeUnknown && s.Kind != connectors.KindPost || h.PostEditTimeUnknown && s.Kind == connectors.KindPost):
				// first seen already edited, on a network that gives no edit time
			case k > 0 && (v.EditedAt.IsZero() || v.EditedAt.Before(s.Versions[k].At)):
				add("%s %s: version %d (edited %v) has EditedAt %v", s.Kind, s.ID, k, s.Versions[k].At, v.EditedAt)
			}
		}
		end := recheckEnd(s)
		if k >= 0 && !end.IsZero() {
			need := 0
			for j, v := range s.Versions {
				if !v.At.Add(slack).After(end) {
					need = j
				}
			}
			if k < need {
				add("%s %s: last stored version is %d, want %d (%q, edited %s)", s.Kind, s.ID, k, need,
					s.Versions[need].Text, s.Versions[need].At.Format(time.RFC3339))
			}
		}
		switch {
		case m.deleted && s.DeletedAt.IsZero():
			add("%s %s: marked deleted at %s but never deleted", s.Kind, s.ID, m.deletedAt.Format(time.RFC3339))
		case m.deleted && s.DeletedAt.After(m.deletedAt):
			add("%s %s: marked deleted at %s, before its deletion at %s", s.Kind, s.ID, m.deletedAt.Format(time.RFC3339), s.DeletedAt.Format(time.RFC3339))
		case !m.deleted && !s.DeletedAt.IsZero() && !end.IsZero() && !s.DeletedAt.Add(slack).After(end):
			add("%s %s: deleted at %s, not marked deleted", s.Kind, s.ID, s.DeletedAt.Format(time.RFC3339))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		n := len(problems)
		if n > maxProblems {
			problems = append(problems[:maxProblems], fmt.Sprintf("… and %d more", n-maxProblems))
		}
		for _, p := range problems {
			r.t.Error(p)
		}
	}
}

func deletedNote(s *ScenarioItem) string {
	if s.DeletedAt.IsZero() {
		return ""
	}
	return ", deleted " + s.DeletedAt.Format(time.RFC3339)
}

func versionTexts(s *ScenarioItem) []string {
	out := make([]string, len(s.Versions))
	for i, v := range s.Versions {
		out[i] = v.Text
	}
	return out
}

// verifyProfiles checks that every profile change was observed within Slack,
// when polls succeeded in that time.
func (r *runner) verifyProfiles() {
	r.t.Helper()
	if len(r.profiles) == 0 {
		r.t.Errorf("no poll returned a Profile")
		return
	}
	slack := r.h.slack()
	changes := r.sc.ProfileChanges
	for i, c := range changes {
		end := c.At.Add(slack)
		if i+1 < len(changes) && changes[i+1].At.Before(end) {
			continue
		}
		polled, seen := false, false
		for _, p := range r.okPolls {
			if !p.Before(c.At) && !p.After(end) {
				polled = true
			}
		}
		for _, p := range r.profiles {
			if !p.at.Before(c.At) && !p.at.After(end) {
				seen = true
			}
		}
		if polled && !seen {
			r.t.Errorf("profile change at %s not observed within %v", c.At.Format(time.RFC3339), slack)
		}
	}
}
