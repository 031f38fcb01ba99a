package x

import (
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// addPage turns a page's posts into items, keeps the window and the tracked
// replies up to date, and counts the posts read.
func (p *poller) addPage(pg *page, src source) {
	p.b.Budget.Items += len(pg.Tweets) + pg.Included
	for i := range pg.Tweets {
		t := &pg.Tweets[i]
		o := t.original()
		for _, h := range t.history() {
			p.versions[h] = o
		}
		p.versions[t.ID] = o
	}
	for i := range pg.Tweets {
		t := &pg.Tweets[i]
		it := p.item(t, pg, src)
		p.add(it, t.ID)
		p.track(t, &it)
	}
}

// orig maps a version id to its item's original id.
func (p *poller) orig(id string) string {
	if o, ok := p.versions[id]; ok {
		return o
	}
	return id
}

// item builds the network-neutral item of a post.
func (p *poller) item(t *tweet, pg *page, src source) connectors.Item {
	o := t.original()
	it := connectors.Item{
		ExternalID: o,
		AuthorID:   t.AuthorID,
		Own:        p.uid != "" && t.AuthorID == p.uid,
		Text:       t.body(),
		Lang:       t.Lang,
		Raw:        t.raw,
	}
	parent := t.ref(refRepliedTo)
	switch {
	case parent == "" && it.Own:
		it.Kind = connectors.KindPost
	case parent == "":
		it.Kind = connectors.KindMention
	default:
		it.ParentID = p.orig(parent)
		root := t.ConversationID
		if root == "" {
			root = parent
		}
		it.RootID = p.orig(root)
		ours := it.Own || src == srcSearch || (p.uid != "" && t.InReplyToUserID == p.uid) || p.inWindow(it.RootID)
		switch {
		case !ours:
			// A post that mentions the account in someone else's thread.
			it.Kind = connectors.KindMention
		case it.ParentID == it.RootID:
			it.Kind = connectors.KindComment
		default:
			it.Kind = connectors.KindReply
		}
	}
	if u, ok := pg.Users[t.AuthorID]; ok {
		it.AuthorHandle, it.AuthorName = u.Username, u.Name
	} else if it.Own {
		it.AuthorHandle = p.handle
	}
	if t.ID == o {
		it.CreatedAt = t.created
		if it.CreatedAt.IsZero() {
			it.CreatedAt, _ = snowflakeTime(o)
		}
	} else {
		it.EditedAt = t.created
		it.CreatedAt = p.createdOf(o, t.created)
	}
	if it.AuthorHandle != "" {
		it.URL = "https://x.com/" + it.AuthorHandle + "/status/" + o
	} else {
		it.URL = "https://x.com/i/web/status/" + o
	}
	if t.Attachments != nil {
		for _, k := range t.Attachments.MediaKeys {
			m, ok := pg.Media[k]
			if !ok {
				continue
			}
			u := m.URL
			if u == "" {
				u = m.PreviewImageURL
			}
			it.Media = append(it.Media, connectors.Media{Type: m.Type, URL: u, AltText: m.AltText})
		}
	}
	return it
}

// maxEditDelay bounds how long after a post its edit can come (X allows an
// hour at most); beyond it an id's Snowflake time is not trusted.
const maxEditDelay = 24 * time.Hour

// createdOf returns when the original version o of an edited post was
// created, seen only through a later version created at edited: from the
// window, else from o's Snowflake time, else edited itself.
func (p *poller) createdOf(o string, edited time.Time) time.Time {
	for _, w := range p.st.Window {
		if w.ID == o && w.At > 0 {
			return time.Unix(w.At, 0).UTC()
		}
	}
	if ts, ok := snowflakeTime(o); ok && (edited.IsZero() || (!ts.After(edited) && edited.Sub(ts) <= maxEditDelay)) {
		return ts
	}
	return edited
}

// add puts an item in the batch; a post read twice (from the mentions and
// from the search) is kept once, in its newest version, and with the more
// specific kind.
func (p *poller) add(it connectors.Item, version string) {
	i, ok := p.index[it.ExternalID]
	if !ok {
		p.index[it.ExternalID] = len(p.b.Items)
		p.b.Items = append(p.b.Items, it)
		p.seen = append(p.seen, version)
		return
	}
	old := &p.b.Items[i]
	switch {
	case idLess(p.seen[i], version):
		if old.Kind != connectors.KindMention && it.Kind == connectors.KindMention {
			it.Kind, it.ParentID, it.RootID = old.Kind, old.ParentID, old.RootID
		}
		*old = it
		p.seen[i] = version
	case p.seen[i] == version && old.Kind == connectors.KindMention && it.Kind != connectors.KindMention:
		old.Kind, old.ParentID, old.RootID = it.Kind, it.ParentID, it.RootID
	}
}

// track adds own top-level posts to the window and replies under the
// window's posts to the tracked replies, with their newest version ids.
func (p *poller) track(t *tweet, it *connectors.Item) {
	if it.Own && it.Kind == connectors.KindPost && t.ref(refRetweeted) == "" {
		for i := range p.st.Window {
			if w := &p.st.Window[i]; w.ID == it.ExternalID {
				if idLess(w.current(), t.ID) {
					w.Cur = t.ID
				}
				return
			}
		}
		w := windowPost{ID: it.ExternalID, At: it.CreatedAt.Unix()}
		if t.ID != it.ExternalID {
			w.Cur = t.ID
		}
		p.st.Window = append(p.st.Window, w)
		return
	}
	if it.RootID == "" || !p.inWindow(it.RootID) || p.c.cfg.RecheckReplies == 0 {
		return
	}
	for i := range p.st.Tracked {
		if r := &p.st.Tracked[i]; r.ID == it.ExternalID {
			if idLess(r.current(), t.ID) {
				r.Cur = t.ID
			}
			return
		}
	}
	r := tracked{ID: it.ExternalID, Root: it.RootID}
	if t.ID != it.ExternalID {
		r.Cur = t.ID
	}
	p.st.Tracked = append(p.st.Tracked, r)
}
