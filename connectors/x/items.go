package x

import (
	"slices"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// addPage turns a page's posts into items, keeps the window and its replies
// up to date, and counts the posts read.
func (p *poller) addPage(pg *page, src source) {
	p.b.Budget.Items += len(pg.Tweets) + pg.Included
	for _, ts := range [][]tweet{pg.Tweets, pg.IncludedTweets} {
		for i := range ts {
			t := &ts[i]
			o := t.original()
			for _, h := range t.history() {
				p.versions[h] = o
			}
			p.versions[t.ID] = o
		}
	}
	for i := range pg.Tweets {
		t := &pg.Tweets[i]
		if h := t.history(); len(h) > 1 {
			p.noteEdit(h)
		}
		it := p.item(t, pg)
		parent := t.ref(refRepliedTo)
		root := t.ConversationID
		if root == "" || parent == "" {
			root = parent
		}
		p.add(it, threadRefs{version: t.ID, parent: parent, root: root, inReplyTo: t.InReplyToUserID, search: src == srcSearch})
		if it.Own && parent == "" && t.ref(refRetweeted) == "" {
			p.trackPost(it.ExternalID, t.ID, it.CreatedAt)
		}
	}
}

// orig maps a version id to its item's original id.
func (p *poller) orig(id string) string {
	if o, ok := p.versions[id]; ok {
		return o
	}
	return id
}

// item builds the network-neutral item of a post, all but its place in the
// thread (see thread).
func (p *poller) item(t *tweet, pg *page) connectors.Item {
	o := t.original()
	it := connectors.Item{
		ExternalID: o,
		AuthorID:   t.AuthorID,
		Own:        p.uid != "" && t.AuthorID == p.uid,
		Text:       t.body(),
		Lang:       t.Lang,
		Raw:        t.raw,
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
		it.CreatedAt = p.createdOf(o, t.created, pg)
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
// hour); beyond it an id's Snowflake time is not trusted.
const maxEditDelay = 24 * time.Hour

// createdOf returns when the original version o of an edited post was
// created, seen through a later version created at edited: from the expanded
// edit history in the page's includes, else from the window, else from o's
// Snowflake time, else edited itself.
func (p *poller) createdOf(o string, edited time.Time, pg *page) time.Time {
	for i := range pg.IncludedTweets {
		if t := &pg.IncludedTweets[i]; t.ID == o && !t.created.IsZero() {
			return t.created
		}
	}
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

// add puts an item in the batch. A post read twice (in the mentions and in
// the search) is kept once, in its newest version.
func (p *poller) add(it connectors.Item, r threadRefs) {
	i, ok := p.index[it.ExternalID]
	if !ok {
		p.index[it.ExternalID] = len(p.b.Items)
		p.b.Items = append(p.b.Items, it)
		p.refs = append(p.refs, r)
		return
	}
	search := p.refs[i].search || r.search
	if idLess(p.refs[i].version, r.version) {
		p.b.Items[i] = it
		p.refs[i] = r
	}
	p.refs[i].search = search
}

// thread places every item of the batch in its thread, once all the version
// ids read in the poll are known: parent and root are the original ids, and
// the kind follows. A reply whose parent is its conversation's root is a
// comment, one deeper down a reply; a post by others that is no reply, or a
// reply found only among the mentions in a conversation that is not the
// account's, is a mention.
func (p *poller) thread() {
	for i := range p.b.Items {
		it, r := &p.b.Items[i], p.refs[i]
		switch {
		case r.parent == "" && it.Own:
			it.Kind = connectors.KindPost
			continue
		case r.parent == "":
			it.Kind = connectors.KindMention
			continue
		}
		it.ParentID, it.RootID = p.orig(r.parent), p.orig(r.root)
		ours := it.Own || r.search || (p.uid != "" && r.inReplyTo == p.uid) || p.inWindow(it.RootID)
		switch {
		case !ours:
			it.Kind = connectors.KindMention
		case it.ParentID == it.RootID:
			it.Kind = connectors.KindComment
		default:
			it.Kind = connectors.KindReply
		}
		p.trackReply(it.ExternalID, r.version, it.RootID)
	}
}

// trackPost adds an own top-level post to the window, or moves its current
// version.
func (p *poller) trackPost(id, version string, created time.Time) {
	for i := range p.st.Window {
		if w := &p.st.Window[i]; w.ID == id {
			if idLess(w.current(), version) {
				w.Cur = version
			}
			return
		}
	}
	w := windowPost{ID: id, At: created.Unix()}
	if version != id {
		w.Cur = version
	}
	p.st.Window = append(p.st.Window, w)
}

// trackReply adds a reply under a window post to that post's replies, or
// moves its current version.
func (p *poller) trackReply(id, version, root string) {
	if p.c.cfg.RecheckReplies == 0 {
		return
	}
	i := slices.IndexFunc(p.st.Window, func(w windowPost) bool { return w.ID == root })
	if i < 0 {
		return
	}
	w := &p.st.Window[i]
	for j, e := range w.Replies {
		if rid, cur := reply(e); rid == id {
			if idLess(cur, version) {
				w.Replies[j] = replyEntry(id, version)
			}
			return
		}
	}
	w.Replies = append(w.Replies, replyEntry(id, version))
}

// noteEdit keeps an item's edit history in the cursor.
func (p *poller) noteEdit(history []string) {
	e := strings.Join(history, ":")
	prefix := history[0] + ":"
	for i, old := range p.st.Edited {
		if strings.HasPrefix(old, prefix) {
			if len(old) < len(e) {
				p.st.Edited[i] = e
			}
			return
		}
	}
	p.st.Edited = append(p.st.Edited, e)
}
