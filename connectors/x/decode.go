package x

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ife-mx/vigia/connectors"
)

// This file decodes X API v2 response bodies. Every decoder takes untrusted
// bytes and either returns a value whose ids are well formed or an error
// wrapping connectors.ErrMalformed; none panics (see the Fuzz tests). Both the
// documented spellings (edit_history_tweet_ids, referenced_tweets,
// includes.tweets) and the newer ones (edit_history_post_ids,
// referenced_posts, includes.posts) are accepted.

// tweet is a Post object, as returned in data[] or includes.tweets[].
type tweet struct {
	ID               string   `json:"id"`
	Text             string   `json:"text"`
	AuthorID         string   `json:"author_id"`
	CreatedAt        string   `json:"created_at"`
	ConversationID   string   `json:"conversation_id"`
	InReplyToUserID  string   `json:"in_reply_to_user_id"`
	ReferencedTweets []ref    `json:"referenced_tweets"`
	ReferencedPosts  []ref    `json:"referenced_posts"`
	EditHistory      []string `json:"edit_history_tweet_ids"`
	EditHistoryPosts []string `json:"edit_history_post_ids"`
	Lang             string   `json:"lang"`
	Attachments      *struct {
		MediaKeys []string `json:"media_keys"`
	} `json:"attachments"`
	NoteTweet *struct {
		Text string `json:"text"`
	} `json:"note_tweet"`

	raw     json.RawMessage
	created time.Time
}

// ref is one entry of referenced_tweets.
type ref struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Reference types.
const (
	refRepliedTo = "replied_to"
	refRetweeted = "retweeted"
)

// refs returns the references under either spelling.
func (t *tweet) refs() []ref {
	if len(t.ReferencedTweets) > 0 {
		return t.ReferencedTweets
	}
	return t.ReferencedPosts
}

// ref returns the id of the first reference of type typ, or "".
func (t *tweet) ref(typ string) string {
	for _, r := range t.refs() {
		if r.Type == typ {
			return r.ID
		}
	}
	return ""
}

// history returns the edit history, oldest first, under either spelling.
func (t *tweet) history() []string {
	if len(t.EditHistory) > 0 {
		return t.EditHistory
	}
	return t.EditHistoryPosts
}

// original returns the id of the first version: the item's external id.
func (t *tweet) original() string {
	if h := t.history(); len(h) > 0 {
		return h[0]
	}
	return t.ID
}

// body returns the full text, the note_tweet's for long posts, with the
// three HTML entities X escapes in texts (&amp; &lt; &gt;) unescaped.
func (t *tweet) body() string {
	s := t.Text
	if t.NoteTweet != nil && t.NoteTweet.Text != "" {
		s = t.NoteTweet.Text
	}
	return unescapeText(s)
}

// textUnescaper undoes X's escaping of texts, one level only: "&amp;lt;" is
// the text "&lt;".
var textUnescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// unescapeText returns s with &amp;, &lt; and &gt; unescaped.
func unescapeText(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return textUnescaper.Replace(s)
}

// user is a User object.
type user struct {
	ID              string `json:"id"`
	Username        string `json:"username"`
	Name            string `json:"name"`
	Description     string `json:"description"`
	ProfileImageURL string `json:"profile_image_url"`
	URL             string `json:"url"`
	Verified        bool   `json:"verified"`
	VerifiedType    string `json:"verified_type"`
	PublicMetrics   *struct {
		FollowersCount int64 `json:"followers_count"`
	} `json:"public_metrics"`
	Entities *struct {
		URL *struct {
			URLs []struct {
				ExpandedURL string `json:"expanded_url"`
			} `json:"urls"`
		} `json:"url"`
	} `json:"entities"`
}

// media is a Media object from includes.media.
type media struct {
	MediaKey        string `json:"media_key"`
	Type            string `json:"type"`
	URL             string `json:"url"`
	PreviewImageURL string `json:"preview_image_url"`
	AltText         string `json:"alt_text"`
}

// problem is an entry of errors[], or a whole error body: RFC 7807 problem
// fields, the fields of partial errors (resource_*), and the older
// {code, message} shape.
type problem struct {
	Type         string          `json:"type"`
	Title        string          `json:"title"`
	Detail       string          `json:"detail"`
	Status       int             `json:"status"`
	ResourceType string          `json:"resource_type"`
	ResourceID   string          `json:"resource_id"`
	Parameter    string          `json:"parameter"`
	Value        json.RawMessage `json:"value"`
	Message      string          `json:"message"`
	Code         int             `json:"code"`
	Period       string          `json:"period"`
	// Parameters names the offending query parameters of an invalid request.
	Parameters map[string]json.RawMessage `json:"parameters"`
}

// Problem types (the part after https://api.twitter.com/2/problems/).
const (
	probNotFound      = "resource-not-found"
	probNotAuthorized = "not-authorized-for-resource"
	probForbidden     = "client-forbidden"
	probUnsupported   = "unsupported-authentication"
	probUsageCapped   = "usage-capped"
	probInvalid       = "invalid-request"
)

// is reports whether the problem's type is the named one.
func (p *problem) is(name string) bool {
	return strings.HasSuffix(p.Type, "/problems/"+name)
}

// notFound reports whether a partial error says a resource does not exist.
func (p *problem) notFound() bool {
	return p.is(probNotFound) || p.Title == "Not Found Error"
}

// resource returns the id the partial error is about.
func (p *problem) resource() string {
	if p.ResourceID != "" {
		return p.ResourceID
	}
	var s string
	if json.Unmarshal(p.Value, &s) == nil {
		return s
	}
	return ""
}

// text renders the problem for an error message: title and detail (or the
// message of the older shape), on one line and bounded.
func (p *problem) text() string {
	var parts []string
	for _, s := range []string{p.Title, p.Detail, p.Message} {
		if s != "" && !containsFold(parts, s) {
			parts = append(parts, s)
		}
	}
	return clip(strings.Join(parts, ": "), 200)
}

func containsFold(ss []string, s string) bool {
	for _, x := range ss {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// clip makes s printable on one line and at most n runes long.
func clip(s string, n int) string {
	var b strings.Builder
	i := 0
	for _, r := range s {
		if i == n {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			r = ' '
		}
		b.WriteRune(r)
		i++
	}
	return b.String()
}

// meta is a listing's meta object.
type meta struct {
	ResultCount *int   `json:"result_count"`
	NewestID    string `json:"newest_id"`
	OldestID    string `json:"oldest_id"`
	NextToken   string `json:"next_token"`
}

// page is a decoded listing (timeline, mentions, search) or lookup response.
type page struct {
	Tweets []tweet
	Users  map[string]user
	Media  map[string]media
	// IncludedTweets are the posts of includes (the expanded edit history);
	// Included counts them: they are billed reads too.
	IncludedTweets []tweet
	Included       int
	Meta           meta
	Errors         []problem
}

// newest returns the newest id of the page: meta.newest_id, else the largest
// id in data; "" for an empty page.
func (p *page) newest() string {
	if validID(p.Meta.NewestID) {
		return p.Meta.NewestID
	}
	n := ""
	for i := range p.Tweets {
		n = maxID(n, p.Tweets[i].ID)
	}
	return n
}

// envelope is the top level of every v2 response body.
type envelope struct {
	Data     json.RawMessage `json:"data"`
	Includes *struct {
		Users  []user            `json:"users"`
		Tweets []json.RawMessage `json:"tweets"`
		Posts  []json.RawMessage `json:"posts"`
		Media  []media           `json:"media"`
	} `json:"includes"`
	Meta   *meta     `json:"meta"`
	Errors []problem `json:"errors"`
}

// decodeEnvelope reads the top level of a body.
func decodeEnvelope(what string, body []byte) (*envelope, error) {
	var env envelope
	if err := strictObject(body, &env); err != nil {
		return nil, connectors.Malformed(Network, what, err)
	}
	return &env, nil
}

// strictObject decodes body, which must be one JSON object and nothing else.
func strictObject(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("trailing data after the object")
	}
	return nil
}

// decodePage decodes a listing or lookup body: data as an array of posts.
func decodePage(what string, body []byte) (*page, error) {
	env, err := decodeEnvelope(what, body)
	if err != nil {
		return nil, err
	}
	pg := &page{Errors: env.Errors}
	if env.Meta != nil {
		pg.Meta = *env.Meta // an invalid newest_id is ignored: see newest
	}
	if d := bytes.TrimSpace(env.Data); len(d) > 0 && !bytes.Equal(d, []byte("null")) {
		var raws []json.RawMessage
		if err := json.Unmarshal(d, &raws); err != nil {
			return nil, connectors.Malformed(Network, what, fmt.Errorf("data: %w", err))
		}
		pg.Tweets = make([]tweet, 0, len(raws))
		for i, raw := range raws {
			t, err := decodeTweet(raw)
			if err != nil {
				return nil, connectors.Malformed(Network, what, fmt.Errorf("data[%d]: %w", i, err))
			}
			pg.Tweets = append(pg.Tweets, t)
		}
	}
	if inc := env.Includes; inc != nil {
		pg.Users = make(map[string]user, len(inc.Users))
		for _, u := range inc.Users {
			if validID(u.ID) {
				pg.Users[u.ID] = u
			}
		}
		pg.Media = make(map[string]media, len(inc.Media))
		for _, m := range inc.Media {
			if m.MediaKey != "" {
				pg.Media[m.MediaKey] = m
			}
		}
		pg.Included = len(inc.Tweets) + len(inc.Posts)
		for i, raw := range append(slices.Clone(inc.Tweets), inc.Posts...) {
			t, err := decodeTweet(raw)
			if err != nil {
				return nil, connectors.Malformed(Network, what, fmt.Errorf("includes.tweets[%d]: %w", i, err))
			}
			pg.IncludedTweets = append(pg.IncludedTweets, t)
		}
	}
	return pg, nil
}

// decodeTweet decodes one post object and checks its ids and time.
func decodeTweet(raw json.RawMessage) (tweet, error) {
	var t tweet
	if err := strictObject(raw, &t); err != nil {
		return tweet{}, err
	}
	if !validID(t.ID) {
		return tweet{}, fmt.Errorf("id %q is not a post id", clip(t.ID, 40))
	}
	for _, id := range []string{t.AuthorID, t.ConversationID, t.InReplyToUserID} {
		if id != "" && !validID(id) {
			return tweet{}, fmt.Errorf("post %s: %q is not an id", t.ID, clip(id, 40))
		}
	}
	for _, r := range t.refs() {
		if !validID(r.ID) {
			return tweet{}, fmt.Errorf("post %s: referenced id %q is not a post id", t.ID, clip(r.ID, 40))
		}
	}
	for _, id := range t.history() {
		if !validID(id) {
			return tweet{}, fmt.Errorf("post %s: edit history id %q is not a post id", t.ID, clip(id, 40))
		}
	}
	if t.CreatedAt != "" {
		ts, err := parseCreated(t.CreatedAt)
		if err != nil {
			return tweet{}, fmt.Errorf("post %s: created_at: %w", t.ID, err)
		}
		t.created = ts
	}
	t.raw = append(json.RawMessage(nil), bytes.TrimSpace(raw)...)
	return t, nil
}

// parseCreated reads a created_at: RFC 3339, as v2 sends it, or the v1.1
// layout ("Wed Jan 06 18:40:40 +0000 2021") that the published spec's
// examples still show.
func parseCreated(s string) (time.Time, error) {
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		var err2 error
		if ts, err2 = time.Parse(time.RubyDate, s); err2 != nil {
			return time.Time{}, err
		}
	}
	return ts.UTC(), nil
}

// decodeUser decodes a user lookup body (/2/users/:id, /2/users/me,
// /2/users/by/username/:username): data is one User object. A body without
// data is returned with its errors and a nil user.
func decodeUser(what string, body []byte) (*user, json.RawMessage, []problem, error) {
	env, err := decodeEnvelope(what, body)
	if err != nil {
		return nil, nil, nil, err
	}
	d := bytes.TrimSpace(env.Data)
	if len(d) == 0 || bytes.Equal(d, []byte("null")) {
		return nil, nil, env.Errors, nil
	}
	var u user
	if err := strictObject(d, &u); err != nil {
		return nil, nil, nil, connectors.Malformed(Network, what, fmt.Errorf("data: %w", err))
	}
	if !validID(u.ID) {
		return nil, nil, nil, connectors.Malformed(Network, what, fmt.Errorf("data.id %q is not a user id", clip(u.ID, 40)))
	}
	return &u, append(json.RawMessage(nil), d...), env.Errors, nil
}

// decodeProblem reads an error body, best effort: an RFC 7807 problem, an
// {errors:[…]} body (the first error's fields, under the body's title), or
// nothing.
func decodeProblem(body []byte) problem {
	var top struct {
		problem
		Errors []problem `json:"errors"`
	}
	if strictObject(body, &top) != nil {
		return problem{}
	}
	p := top.problem
	if len(top.Errors) > 0 {
		e := top.Errors[0]
		if p.Title == "" {
			p.Title = e.Title
		}
		if p.Detail == "" {
			p.Detail = e.Detail
		}
		if p.Type == "" {
			p.Type = e.Type
		}
		if p.Message == "" {
			p.Message = e.Message
		}
		for _, e := range top.Errors {
			for k, v := range e.Parameters {
				if p.Parameters == nil {
					p.Parameters = map[string]json.RawMessage{}
				}
				p.Parameters[k] = v
			}
			if e.Parameter != "" {
				if p.Parameters == nil {
					p.Parameters = map[string]json.RawMessage{}
				}
				p.Parameters[e.Parameter] = e.Value
			}
		}
	}
	return p
}

// validID reports whether s is a post or user id: 1 to 19 decimal digits.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// idLess orders valid ids numerically ("" first).
func idLess(a, b string) bool {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// maxID returns the larger of two ids ("" is the smallest).
func maxID(a, b string) string {
	if idLess(a, b) {
		return b
	}
	return a
}

// twitterEpoch is the Snowflake epoch of X ids, in Unix milliseconds.
const twitterEpoch = 1288834974657

// snowflakeTime returns the creation time encoded in a Snowflake id; ok is
// false for ids too small to be Snowflakes.
func snowflakeTime(id string) (time.Time, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n < 1<<22 {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(n>>22) + twitterEpoch).UTC(), true
}
