package bluesky

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// The decoders in this file read the XRPC JSON of the AppView and the PDS,
// following the lexicons app.bsky.feed.defs, app.bsky.notification.
// listNotifications, app.bsky.actor.defs and com.atproto.server.createSession.
// Fields the platform generates (uri, cid, author.did, indexedAt) are required:
// a body without them is malformed. Fields the author's client declares
// (createdAt, langs, facets, embed) are read leniently, because one odd record
// must not block an account's archive.

// Lexicon type names that the decoders branch on.
const (
	typePost           = "app.bsky.feed.post"
	typeThreadViewPost = "app.bsky.feed.defs#threadViewPost"
	typeNotFoundPost   = "app.bsky.feed.defs#notFoundPost"
	typeBlockedPost    = "app.bsky.feed.defs#blockedPost"
	typeReasonRepost   = "app.bsky.feed.defs#reasonRepost"
	typeReasonPin      = "app.bsky.feed.defs#reasonPin"

	typeEmbedImages          = "app.bsky.embed.images"
	typeEmbedVideo           = "app.bsky.embed.video"
	typeEmbedExternal        = "app.bsky.embed.external"
	typeEmbedRecord          = "app.bsky.embed.record"
	typeEmbedRecordWithMedia = "app.bsky.embed.recordWithMedia"
	typeFacetLink            = "app.bsky.richtext.facet#link"
)

// CDN addresses of blobs, as the Bluesky app builds them.
const (
	imageURLFormat = "https://cdn.bsky.app/img/feed_fullsize/plain/%s/%s@jpeg"
	videoURLFormat = "https://video.bsky.app/watch/%s/%s/playlist.m3u8"
	// webURLFormat is a post's address in the Bluesky web app.
	webURLFormat = "https://bsky.app/profile/%s/post/%s"
)

// author is a profileViewBasic: the author of a post or notification.
type author struct {
	DID         string `json:"did"`
	Handle      string `json:"handle"`
	DisplayName string `json:"displayName"`
}

// strongRef points to one version of a record.
type strongRef struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

// replyRef is the reply field of a post record.
type replyRef struct {
	Root   strongRef `json:"root"`
	Parent strongRef `json:"parent"`
}

// blobRef is a blob as a record holds it: {"$type":"blob","ref":{"$link":cid},…}.
// Legacy blobs carry the CID in "cid" instead.
type blobRef struct {
	Ref struct {
		Link string `json:"$link"`
	} `json:"ref"`
	CID string `json:"cid"`
}

func (b *blobRef) cid() string {
	if b == nil {
		return ""
	}
	if b.Ref.Link != "" {
		return b.Ref.Link
	}
	return b.CID
}

// postRecord is an app.bsky.feed.post record.
type postRecord struct {
	Type      string          `json:"$type"`
	Text      string          `json:"text"`
	CreatedAt string          `json:"createdAt"`
	Langs     []string        `json:"langs"`
	Reply     *replyRef       `json:"reply"`
	Embed     json.RawMessage `json:"embed"`
	Facets    json.RawMessage `json:"facets"`
}

// post is a post as any endpoint returns it: a postView of the AppView, or a
// notification's uri, cid, author and record.
type post struct {
	URI    string
	CID    string
	Author author
	Record postRecord
	// DID and RKey are the parts of URI.
	DID, RKey string
	// IndexedAt is when the AppView indexed the post.
	IndexedAt time.Time
	// CreatedAt is the record's createdAt, or IndexedAt when that is unusable.
	CreatedAt time.Time
	// ReplyCount is the number of direct replies; -1 when the view has none.
	ReplyCount int64
	// Raw is the JSON object the post was read from.
	Raw []byte
}

// SortAt is the time the AppView sorts feeds and notifications by: the
// earlier of createdAt and indexedAt.
func (p *post) SortAt() time.Time {
	if p.CreatedAt.Before(p.IndexedAt) {
		return p.CreatedAt
	}
	return p.IndexedAt
}

// postViewJSON is the wire shape of app.bsky.feed.defs#postView.
type postViewJSON struct {
	URI        string          `json:"uri"`
	CID        string          `json:"cid"`
	Author     *author         `json:"author"`
	Record     json.RawMessage `json:"record"`
	IndexedAt  string          `json:"indexedAt"`
	ReplyCount *int64          `json:"replyCount"`
}

// decodePostView reads one postView object.
func decodePostView(raw json.RawMessage) (post, error) {
	var v postViewJSON
	if err := json.Unmarshal(raw, &v); err != nil {
		return post{}, err
	}
	if v.Author == nil {
		return post{}, errors.New("post view without author")
	}
	p, err := newPost(v.URI, v.CID, *v.Author, v.Record, v.IndexedAt)
	if err != nil {
		return post{}, err
	}
	p.ReplyCount = -1
	if v.ReplyCount != nil {
		p.ReplyCount = *v.ReplyCount
	}
	p.Raw = compact(raw)
	return p, nil
}

// newPost checks the platform's fields and decodes the record.
func newPost(uri, cid string, a author, record json.RawMessage, indexedAt string) (post, error) {
	did, rkey, err := parsePostURI(uri)
	if err != nil {
		return post{}, err
	}
	if cid == "" {
		return post{}, fmt.Errorf("post %s without cid", uri)
	}
	if !isDID(a.DID) {
		return post{}, fmt.Errorf("post %s: author without a did", uri)
	}
	if a.DID != did {
		return post{}, fmt.Errorf("post %s: author %s is not the repository", uri, a.DID)
	}
	idx, err := parseTime(indexedAt)
	if err != nil {
		return post{}, fmt.Errorf("post %s: indexedAt: %w", uri, err)
	}
	rec := bytes.TrimSpace(record)
	if len(rec) == 0 || rec[0] != '{' {
		return post{}, fmt.Errorf("post %s: record is not an object", uri)
	}
	var r postRecord
	if err := json.Unmarshal(rec, &r); err != nil {
		return post{}, fmt.Errorf("post %s: record: %w", uri, err)
	}
	if r.Type != "" && r.Type != typePost {
		return post{}, fmt.Errorf("post %s: record of type %q", uri, r.Type)
	}
	created, err := parseTime(r.CreatedAt)
	if err != nil {
		created = idx // client-declared: fall back to the server's time
	}
	return post{
		URI: uri, CID: cid, Author: a, Record: r, DID: did, RKey: rkey,
		IndexedAt: idx, CreatedAt: created, ReplyCount: -1,
	}, nil
}

// feedPage is a page of app.bsky.feed.getAuthorFeed.
type feedPage struct {
	Cursor string
	Posts  []feedPost
}

// feedPost is one feedViewPost.
type feedPost struct {
	post
	// Repost is true when the entry is the actor's repost of someone's post.
	Repost bool
	// Pinned is true when the entry is the actor's pinned post shown on top.
	Pinned bool
}

// decodeFeed reads the body of app.bsky.feed.getAuthorFeed.
func decodeFeed(body []byte) (feedPage, error) {
	var w struct {
		Cursor *string `json:"cursor"`
		Feed   *[]struct {
			Post   json.RawMessage `json:"post"`
			Reason *struct {
				Type string `json:"$type"`
			} `json:"reason"`
		} `json:"feed"`
	}
	if err := unmarshalObject(body, &w); err != nil {
		return feedPage{}, err
	}
	if w.Feed == nil {
		return feedPage{}, errors.New("no feed")
	}
	var pg feedPage
	if w.Cursor != nil {
		pg.Cursor = *w.Cursor
	}
	for i, fv := range *w.Feed {
		p, err := decodePostView(fv.Post)
		if err != nil {
			return feedPage{}, fmt.Errorf("feed[%d]: %w", i, err)
		}
		fp := feedPost{post: p}
		if fv.Reason != nil {
			switch fv.Reason.Type {
			case typeReasonRepost:
				fp.Repost = true
			case typeReasonPin:
				fp.Pinned = true
			}
		}
		pg.Posts = append(pg.Posts, fp)
	}
	return pg, nil
}

// decodePosts reads the body of app.bsky.feed.getPosts.
func decodePosts(body []byte) ([]post, error) {
	var w struct {
		Posts *[]json.RawMessage `json:"posts"`
	}
	if err := unmarshalObject(body, &w); err != nil {
		return nil, err
	}
	if w.Posts == nil {
		return nil, errors.New("no posts")
	}
	out := make([]post, 0, len(*w.Posts))
	for i, raw := range *w.Posts {
		p, err := decodePostView(raw)
		if err != nil {
			return nil, fmt.Errorf("posts[%d]: %w", i, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// nodeKind is which member of the thread union a node is.
type nodeKind int

const (
	nodePost nodeKind = iota
	nodeNotFound
	nodeBlocked
	nodeOther // an unknown union member, skipped
)

// threadNode is one node of app.bsky.feed.getPostThread's tree.
type threadNode struct {
	Kind nodeKind
	// URI is the post's AT URI, for every kind that has one.
	URI string
	// Post is set for nodePost.
	Post *post
	// Replies are the node's replies, in the order the AppView gave them.
	Replies []*threadNode
}

// maxThreadNesting bounds the reply depth decodeThread follows, above the
// deepest tree getPostThread may return.
const maxThreadNesting = MaxThreadDepth + 1

// decodeThread reads the body of app.bsky.feed.getPostThread.
func decodeThread(body []byte) (*threadNode, error) {
	var w struct {
		Thread json.RawMessage `json:"thread"`
	}
	if err := unmarshalObject(body, &w); err != nil {
		return nil, err
	}
	if len(w.Thread) == 0 || string(w.Thread) == "null" {
		return nil, errors.New("no thread")
	}
	return decodeThreadNode(w.Thread, 0)
}

func decodeThreadNode(raw json.RawMessage, depth int) (*threadNode, error) {
	if depth > maxThreadNesting {
		return nil, errors.New("thread nested too deeply")
	}
	var w struct {
		Type     string            `json:"$type"`
		URI      string            `json:"uri"`
		NotFound bool              `json:"notFound"`
		Blocked  bool              `json:"blocked"`
		Post     json.RawMessage   `json:"post"`
		Replies  []json.RawMessage `json:"replies"`
	}
	if err := unmarshalObject(raw, &w); err != nil {
		return nil, err
	}
	switch {
	case w.Type == typeNotFoundPost || (w.Type == "" && w.NotFound):
		if _, _, err := parsePostURI(w.URI); err != nil {
			return nil, err
		}
		return &threadNode{Kind: nodeNotFound, URI: w.URI}, nil
	case w.Type == typeBlockedPost || (w.Type == "" && w.Blocked):
		return &threadNode{Kind: nodeBlocked, URI: w.URI}, nil
	case w.Type == typeThreadViewPost || (w.Type == "" && len(w.Post) > 0):
	default:
		return &threadNode{Kind: nodeOther, URI: w.URI}, nil
	}
	p, err := decodePostView(w.Post)
	if err != nil {
		return nil, err
	}
	n := &threadNode{Kind: nodePost, URI: p.URI, Post: &p}
	for i, r := range w.Replies {
		c, err := decodeThreadNode(r, depth+1)
		if err != nil {
			return nil, fmt.Errorf("replies[%d]: %w", i, err)
		}
		n.Replies = append(n.Replies, c)
	}
	return n, nil
}

// notification is one entry of app.bsky.notification.listNotifications.
type notification struct {
	Reason string
	URI    string
	// SortAt is the entry's place in the listing: the post's SortAt, or the
	// indexedAt of notifications that are not about a post.
	SortAt time.Time
	// Post is the post that mentions, quotes or answers the account; nil for
	// the other reasons (likes, follows, …).
	Post *post
}

// notificationPage is a page of app.bsky.notification.listNotifications.
type notificationPage struct {
	Cursor string
	Items  []notification
}

// postReasons are the notification reasons whose subject is a post by someone
// else that concerns the account.
var postReasons = map[string]bool{"mention": true, "reply": true, "quote": true}

// decodeNotifications reads the body of app.bsky.notification.listNotifications.
func decodeNotifications(body []byte) (notificationPage, error) {
	var w struct {
		Cursor        *string            `json:"cursor"`
		Notifications *[]json.RawMessage `json:"notifications"`
	}
	if err := unmarshalObject(body, &w); err != nil {
		return notificationPage{}, err
	}
	if w.Notifications == nil {
		return notificationPage{}, errors.New("no notifications")
	}
	var pg notificationPage
	if w.Cursor != nil {
		pg.Cursor = *w.Cursor
	}
	for i, raw := range *w.Notifications {
		var n struct {
			URI       string          `json:"uri"`
			CID       string          `json:"cid"`
			Author    *author         `json:"author"`
			Reason    string          `json:"reason"`
			Record    json.RawMessage `json:"record"`
			IndexedAt string          `json:"indexedAt"`
		}
		if err := json.Unmarshal(raw, &n); err != nil {
			return notificationPage{}, fmt.Errorf("notifications[%d]: %w", i, err)
		}
		idx, err := parseTime(n.IndexedAt)
		if err != nil {
			return notificationPage{}, fmt.Errorf("notifications[%d]: indexedAt: %w", i, err)
		}
		e := notification{Reason: n.Reason, URI: n.URI, SortAt: idx}
		if postReasons[n.Reason] {
			if n.Author == nil {
				return notificationPage{}, fmt.Errorf("notifications[%d]: no author", i)
			}
			p, err := newPost(n.URI, n.CID, *n.Author, n.Record, n.IndexedAt)
			if err != nil {
				return notificationPage{}, fmt.Errorf("notifications[%d]: %w", i, err)
			}
			p.Raw = compact(raw)
			e.Post, e.SortAt = &p, p.SortAt()
		}
		pg.Items = append(pg.Items, e)
	}
	return pg, nil
}

// profile is an app.bsky.actor.defs#profileViewDetailed.
type profile struct {
	DID            string `json:"did"`
	Handle         string `json:"handle"`
	DisplayName    string `json:"displayName"`
	Description    string `json:"description"`
	Avatar         string `json:"avatar"`
	Website        string `json:"website"`
	FollowersCount int64  `json:"followersCount"`
	Verification   *struct {
		VerifiedStatus string `json:"verifiedStatus"`
	} `json:"verification"`
}

// decodeProfile reads the body of app.bsky.actor.getProfile into the
// contract's Profile.
func decodeProfile(body []byte) (connectors.Profile, error) {
	var p profile
	if err := unmarshalObject(body, &p); err != nil {
		return connectors.Profile{}, err
	}
	if !isDID(p.DID) {
		return connectors.Profile{}, errors.New("profile without a did")
	}
	return connectors.Profile{
		ExternalID:  p.DID,
		Handle:      p.Handle,
		DisplayName: p.DisplayName,
		Bio:         p.Description,
		AvatarURL:   p.Avatar,
		Link:        p.Website,
		Verified:    p.Verification != nil && p.Verification.VerifiedStatus == "valid",
		Followers:   p.FollowersCount,
		Raw:         compact(body),
	}, nil
}

// sessionReply is the body of createSession and refreshSession.
type sessionReply struct {
	AccessJwt  string `json:"accessJwt"`
	RefreshJwt string `json:"refreshJwt"`
	Handle     string `json:"handle"`
	DID        string `json:"did"`
	Active     *bool  `json:"active"`
	Status     string `json:"status"`
}

// decodeSession reads the body of createSession or refreshSession. Its errors
// never quote the body, which holds tokens.
func decodeSession(body []byte) (sessionReply, error) {
	var s sessionReply
	if err := unmarshalObject(body, &s); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return sessionReply{}, fmt.Errorf("invalid JSON at offset %d", se.Offset)
		}
		return sessionReply{}, errors.New("not a session object")
	}
	switch {
	case s.AccessJwt == "" || s.RefreshJwt == "":
		return sessionReply{}, errors.New("session without tokens")
	case !isDID(s.DID):
		return sessionReply{}, errors.New("session without a did")
	}
	return s, nil
}

// xrpcError is the body of an XRPC error: {"error": name, "message": text}.
type xrpcError struct {
	Name    string `json:"error"`
	Message string `json:"message"`
}

// decodeXRPCError reads an error body; a body that is not one gives zero.
func decodeXRPCError(body []byte) xrpcError {
	var e xrpcError
	if json.Unmarshal(body, &e) != nil {
		return xrpcError{}
	}
	return e
}

// unmarshalObject decodes a JSON object, rejecting other values and trailing
// data.
func unmarshalObject(body []byte, v any) error {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

// compact returns a copy of raw without insignificant whitespace, or a copy of
// raw itself when it is not valid JSON.
func compact(raw []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return bytes.Clone(raw)
	}
	return b.Bytes()
}

// parsePostURI splits at://<did>/app.bsky.feed.post/<rkey>.
func parsePostURI(uri string) (did, rkey string, err error) {
	rest, ok := strings.CutPrefix(uri, "at://")
	if !ok {
		return "", "", fmt.Errorf("not an AT URI: %q", clip(uri))
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || !isDID(parts[0]) || parts[1] != typePost || !validRKey(parts[2]) {
		return "", "", fmt.Errorf("not a post URI: %q", clip(uri))
	}
	return parts[0], parts[2], nil
}

// didOf returns the repository DID of an AT URI, or "".
func didOf(uri string) string {
	rest, ok := strings.CutPrefix(uri, "at://")
	if !ok {
		return ""
	}
	did, _, _ := strings.Cut(rest, "/")
	return did
}

// isDID reports whether s looks like a DID (did:method:identifier).
func isDID(s string) bool {
	m, id, ok := strings.Cut(strings.TrimPrefix(s, "did:"), ":")
	if !strings.HasPrefix(s, "did:") || !ok || m == "" || id == "" || len(s) > 2048 {
		return false
	}
	for _, r := range m {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:%-", r)) {
			return false
		}
	}
	return true
}

// validRKey reports whether s is a record key (1–512 of A-Za-z0-9._:~-, not
// "." or "..").
func validRKey(s string) bool {
	if s == "" || len(s) > 512 || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._:~-", r)) {
			return false
		}
	}
	return true
}

// parseTime reads an atproto datetime (RFC 3339 with a time zone).
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("missing")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("not an RFC 3339 time: %q", clip(s))
	}
	return t.UTC(), nil
}

// clip shortens a value quoted in an error.
func clip(s string) string {
	const n = 80
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// media returns the attachments and links of a post record: images and video
// from its embed (as CDN addresses built from the blobs, so a post reads the
// same from every endpoint), the external card, the quoted record, and the
// link facets of its text.
func (p *post) media() []connectors.Media {
	var out []connectors.Media
	seen := map[string]bool{}
	add := func(m connectors.Media) {
		key := m.Type + "\x00" + m.URL
		if m.URL == "" || seen[key] {
			return
		}
		seen[key] = true
		out = append(out, m)
	}
	embedMedia(p.DID, p.Record.Embed, add, 0)
	if len(p.Record.Facets) > 0 {
		var facets []struct {
			Features []struct {
				Type string `json:"$type"`
				URI  string `json:"uri"`
			} `json:"features"`
		}
		if json.Unmarshal(p.Record.Facets, &facets) == nil {
			for _, f := range facets {
				for _, ft := range f.Features {
					if ft.Type == typeFacetLink {
						add(connectors.Media{Type: "link", URL: ft.URI})
					}
				}
			}
		}
	}
	return out
}

// embedMedia reads a record's embed; unknown or odd embeds give nothing.
func embedMedia(did string, raw json.RawMessage, add func(connectors.Media), depth int) {
	if len(raw) == 0 || depth > 2 {
		return
	}
	var e struct {
		Type   string `json:"$type"`
		Images []struct {
			Image *blobRef `json:"image"`
			Alt   string   `json:"alt"`
		} `json:"images"`
		Video    *blobRef `json:"video"`
		Alt      string   `json:"alt"`
		External *struct {
			URI   string `json:"uri"`
			Title string `json:"title"`
		} `json:"external"`
		Record json.RawMessage `json:"record"`
		Media  json.RawMessage `json:"media"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return
	}
	switch e.Type {
	case typeEmbedImages:
		for _, im := range e.Images {
			if c := im.Image.cid(); c != "" {
				add(connectors.Media{Type: "image", URL: fmt.Sprintf(imageURLFormat, did, c), AltText: im.Alt})
			}
		}
	case typeEmbedVideo:
		if c := e.Video.cid(); c != "" {
			add(connectors.Media{Type: "video", URL: fmt.Sprintf(videoURLFormat, did, c), AltText: e.Alt})
		}
	case typeEmbedExternal:
		if e.External != nil {
			add(connectors.Media{Type: "link", URL: e.External.URI, AltText: e.External.Title})
		}
	case typeEmbedRecord:
		var r strongRef
		if json.Unmarshal(e.Record, &r) == nil {
			add(connectors.Media{Type: "record", URL: r.URI})
		}
	case typeEmbedRecordWithMedia:
		var r struct {
			Record strongRef `json:"record"`
		}
		if json.Unmarshal(e.Record, &r) == nil {
			add(connectors.Media{Type: "record", URL: r.Record.URI})
		}
		embedMedia(did, e.Media, add, depth+1)
	}
}
