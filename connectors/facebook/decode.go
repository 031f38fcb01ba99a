package facebook

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// object is Graph's {id,name} reference (from, parent).
type object struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// post is a Page post of published_posts or tagged.
type post struct {
	ID           string  `json:"id"`
	Message      string  `json:"message"`
	CreatedTime  string  `json:"created_time"`
	UpdatedTime  string  `json:"updated_time"`
	PermalinkURL string  `json:"permalink_url"`
	From         *object `json:"from"`

	created, updated time.Time
	raw              []byte
}

// comment is a comment or reply of /{post-id}/comments?filter=stream.
type comment struct {
	ID           string  `json:"id"`
	Message      string  `json:"message"`
	CreatedTime  string  `json:"created_time"`
	From         *object `json:"from"`
	Parent       *object `json:"parent"`
	IsHidden     bool    `json:"is_hidden"`
	CanHide      bool    `json:"can_hide"`
	PermalinkURL string  `json:"permalink_url"`

	created time.Time
	raw     []byte
}

// page is the Page's profile.
type page struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Username           string `json:"username"`
	About              string `json:"about"`
	Link               string `json:"link"`
	VerificationStatus string `json:"verification_status"`
	FollowersCount     int64  `json:"followers_count"`
	Picture            *struct {
		Data struct {
			URL string `json:"url"`
		} `json:"data"`
	} `json:"picture"`
}

// decodePosts reads a page of posts; every post needs an id and a creation time.
func decodePosts(b []byte) ([]*post, graph.Paging, error) {
	raws, pg, err := graph.DecodeList(b)
	if err != nil {
		return nil, graph.Paging{}, err
	}
	out := make([]*post, 0, len(raws))
	for i, r := range raws {
		p := &post{}
		if err := json.Unmarshal(r, p); err != nil {
			return nil, graph.Paging{}, fmt.Errorf("post %d: %w", i, err)
		}
		if p.ID == "" {
			return nil, graph.Paging{}, fmt.Errorf("post %d: no id", i)
		}
		if p.created, err = graph.ParseTime(p.CreatedTime); err != nil {
			return nil, graph.Paging{}, fmt.Errorf("post %s: created_time: %w", p.ID, err)
		}
		if p.UpdatedTime != "" {
			if p.updated, err = graph.ParseTime(p.UpdatedTime); err != nil {
				return nil, graph.Paging{}, fmt.Errorf("post %s: updated_time: %w", p.ID, err)
			}
		}
		p.raw = graph.Compact(r)
		out = append(out, p)
	}
	return out, pg, nil
}

// decodeComments reads a page of comments.
func decodeComments(b []byte) ([]*comment, graph.Paging, error) {
	raws, pg, err := graph.DecodeList(b)
	if err != nil {
		return nil, graph.Paging{}, err
	}
	out := make([]*comment, 0, len(raws))
	for i, r := range raws {
		c := &comment{}
		if err := json.Unmarshal(r, c); err != nil {
			return nil, graph.Paging{}, fmt.Errorf("comment %d: %w", i, err)
		}
		if c.ID == "" {
			return nil, graph.Paging{}, fmt.Errorf("comment %d: no id", i)
		}
		if c.Parent != nil && c.Parent.ID == "" {
			c.Parent = nil
		}
		if c.created, err = graph.ParseTime(c.CreatedTime); err != nil {
			return nil, graph.Paging{}, fmt.Errorf("comment %s: created_time: %w", c.ID, err)
		}
		c.raw = graph.Compact(r)
		out = append(out, c)
	}
	return out, pg, nil
}

// decodePage reads the Page's profile.
func decodePage(b []byte) (*page, error) {
	p := &page{}
	if err := json.Unmarshal(b, p); err != nil {
		return nil, err
	}
	if p.ID == "" {
		return nil, errors.New("no id")
	}
	return p, nil
}
