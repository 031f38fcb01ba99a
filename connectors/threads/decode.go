package threads

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// ref is a {"id": …} reference (root_post, replied_to, owner).
type ref struct {
	ID string `json:"id"`
}

// media is a Threads media object as the user threads, mentions and
// conversation edges return it.
type media struct {
	ID               string `json:"id"`
	Text             string `json:"text"`
	Username         string `json:"username"`
	Permalink        string `json:"permalink"`
	Timestamp        string `json:"timestamp"`
	MediaType        string `json:"media_type"`
	MediaURL         string `json:"media_url"`
	Owner            *ref   `json:"owner"`
	RootPost         *ref   `json:"root_post"`
	RepliedTo        *ref   `json:"replied_to"`
	IsReply          bool   `json:"is_reply"`
	IsReplyOwnedByMe bool   `json:"is_reply_owned_by_me"`
	HideStatus       string `json:"hide_status"`

	created time.Time
	raw     []byte
}

// user is the token owner's profile (GET /me).
type user struct {
	ID                       string `json:"id"`
	Username                 string `json:"username"`
	Name                     string `json:"name"`
	ThreadsProfilePictureURL string `json:"threads_profile_picture_url"`
	ThreadsBiography         string `json:"threads_biography"`
	IsVerified               bool   `json:"is_verified"`
}

// paging is the paging block of a Threads edge. The user threads and
// mentions edges give cursors without next/previous URLs.
type paging struct {
	Cursors struct {
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"cursors"`
	Next     string `json:"next"`
	Previous string `json:"previous"`
}

// more reports whether a next page may exist, and its after cursor: when
// the page says next, or (next being undocumented on some edges) when it
// came back full.
func (p paging) more(got, limit int) (string, bool) {
	if p.Cursors.After == "" || got == 0 {
		return "", false
	}
	if p.Next != "" || got >= limit {
		return p.Cursors.After, true
	}
	return "", false
}

// list is the envelope of every Threads edge.
type list struct {
	Data   *[]json.RawMessage `json:"data"`
	Paging paging             `json:"paging"`
}

// decodeMedia reads a page of media objects; every one needs an id and a
// timestamp, and a reference without id is dropped.
func decodeMedia(b []byte) ([]*media, paging, error) {
	var l list
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, paging{}, err
	}
	if l.Data == nil {
		return nil, paging{}, errors.New("no data array")
	}
	out := make([]*media, 0, len(*l.Data))
	for i, r := range *l.Data {
		m := &media{}
		if err := json.Unmarshal(r, m); err != nil {
			return nil, paging{}, fmt.Errorf("media %d: %w", i, err)
		}
		if m.ID == "" {
			return nil, paging{}, fmt.Errorf("media %d: no id", i)
		}
		var err error
		if m.created, err = graph.ParseTime(m.Timestamp); err != nil {
			return nil, paging{}, fmt.Errorf("media %s: timestamp: %w", m.ID, err)
		}
		for _, p := range []**ref{&m.Owner, &m.RootPost, &m.RepliedTo} {
			if *p != nil && (*p).ID == "" {
				*p = nil
			}
		}
		m.raw = graph.Compact(r)
		out = append(out, m)
	}
	return out, l.Paging, nil
}

// decodeUser reads the token owner's profile.
func decodeUser(b []byte) (*user, error) {
	u := &user{}
	if err := json.Unmarshal(b, u); err != nil {
		return nil, err
	}
	if u.ID == "" {
		return nil, errors.New("no id")
	}
	return u, nil
}
