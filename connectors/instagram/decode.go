package instagram

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// media is an IG Media of /{ig-user-id}/media.
type media struct {
	ID               string `json:"id"`
	Caption          string `json:"caption"`
	MediaType        string `json:"media_type"`
	MediaProductType string `json:"media_product_type"`
	Permalink        string `json:"permalink"`
	Timestamp        string `json:"timestamp"`
	Username         string `json:"username"`
	MediaURL         string `json:"media_url"`
	CommentsCount    *int64 `json:"comments_count"`

	created time.Time
	raw     []byte
}

// user is the {id, username} of a comment's author.
type user struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

// comment is an IG Comment: a top-level comment of /{ig-media-id}/comments
// (with its first replies nested) or a reply of /{ig-comment-id}/replies.
type comment struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Timestamp string `json:"timestamp"`
	Username  string `json:"username"`
	From      *user  `json:"from"`
	Hidden    bool   `json:"hidden"`
	ParentID  string `json:"parent_id"`
	Replies   *struct {
		Data   []json.RawMessage `json:"data"`
		Paging graph.Paging      `json:"paging"`
	} `json:"replies"`

	created time.Time
	// replies are the nested replies decoded; moreReplies says the nested
	// list has further pages, to be read from /{ig-comment-id}/replies.
	replies     []*comment
	moreReplies bool
	raw         []byte
}

// account is the IG User profile.
type account struct {
	ID                string `json:"id"`
	Username          string `json:"username"`
	Name              string `json:"name"`
	Biography         string `json:"biography"`
	ProfilePictureURL string `json:"profile_picture_url"`
	Website           string `json:"website"`
	FollowersCount    int64  `json:"followers_count"`
	MediaCount        int64  `json:"media_count"`
}

// decodeMedia reads a page of media; every media needs an id and a timestamp.
func decodeMedia(b []byte) ([]*media, graph.Paging, error) {
	raws, pg, err := graph.DecodeList(b)
	if err != nil {
		return nil, graph.Paging{}, err
	}
	out := make([]*media, 0, len(raws))
	for i, r := range raws {
		m := &media{}
		if err := json.Unmarshal(r, m); err != nil {
			return nil, graph.Paging{}, fmt.Errorf("media %d: %w", i, err)
		}
		if m.ID == "" {
			return nil, graph.Paging{}, fmt.Errorf("media %d: no id", i)
		}
		if m.created, err = graph.ParseTime(m.Timestamp); err != nil {
			return nil, graph.Paging{}, fmt.Errorf("media %s: timestamp: %w", m.ID, err)
		}
		m.raw = graph.Compact(r)
		out = append(out, m)
	}
	return out, pg, nil
}

// decodeComment reads one comment or reply, and its nested replies.
func decodeComment(r json.RawMessage, nested bool) (*comment, error) {
	c := &comment{}
	if err := json.Unmarshal(r, c); err != nil {
		return nil, err
	}
	if c.ID == "" {
		return nil, errors.New("no id")
	}
	var err error
	if c.created, err = graph.ParseTime(c.Timestamp); err != nil {
		return nil, fmt.Errorf("comment %s: timestamp: %w", c.ID, err)
	}
	if c.From != nil && c.From.ID == "" {
		c.From = nil
	}
	if c.Replies != nil {
		if !nested {
			return nil, fmt.Errorf("comment %s: a reply with replies", c.ID)
		}
		for i, rr := range c.Replies.Data {
			reply, err := decodeComment(rr, false)
			if err != nil {
				return nil, fmt.Errorf("comment %s: reply %d: %w", c.ID, i, err)
			}
			c.replies = append(c.replies, reply)
		}
		_, c.moreReplies = c.Replies.Paging.More()
	}
	c.raw = graph.Compact(r)
	return c, nil
}

// decodeComments reads a page of /{ig-media-id}/comments (nested true: top
// level comments with their first replies) or of /{ig-comment-id}/replies.
func decodeComments(b []byte, nested bool) ([]*comment, graph.Paging, error) {
	raws, pg, err := graph.DecodeList(b)
	if err != nil {
		return nil, graph.Paging{}, err
	}
	out := make([]*comment, 0, len(raws))
	for i, r := range raws {
		c, err := decodeComment(r, nested)
		if err != nil {
			return nil, graph.Paging{}, fmt.Errorf("comment %d: %w", i, err)
		}
		out = append(out, c)
	}
	return out, pg, nil
}

// decodeAccount reads the IG User profile; it needs an id and a username.
func decodeAccount(b []byte) (*account, error) {
	a := &account{}
	if err := json.Unmarshal(b, a); err != nil {
		return nil, err
	}
	if a.ID == "" {
		return nil, errors.New("no id")
	}
	if strings.TrimSpace(a.Username) == "" {
		return nil, errors.New("no username: not an Instagram professional account")
	}
	return a, nil
}
