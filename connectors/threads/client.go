package threads

import (
	"context"
	"net/url"
	"strconv"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// session is one poll's (or probe's) view of the Threads API: a Graph
// session (the Threads API answers in Graph's error shape and usage headers).
type session struct {
	*graph.Session
	c *Connector
}

// newSession opens a session for acct with its Threads user token.
func (c *Connector) newSession(ctx context.Context, acct connectors.Account) (*session, error) {
	gs, err := c.Graph.Session(ctx, acct, CredentialToken)
	if err != nil {
		return nil, err
	}
	return &session{Session: gs, c: c}, nil
}

// Fields asked of each call.
const (
	userFields         = "id,username,name,threads_profile_picture_url,threads_biography,is_verified"
	threadFields       = "id,text,username,permalink,timestamp,media_type,media_url,owner"
	mentionFields      = "id,text,username,permalink,timestamp,media_type,media_url"
	conversationFields = "id,text,username,permalink,timestamp,media_type,media_url,root_post,replied_to,is_reply,is_reply_owned_by_me,hide_status"
)

// me reads the token owner's profile.
func (s *session) me() (*user, []byte, error) {
	const op = "get profile"
	resp, err := s.Get(op, "/me", url.Values{"fields": {userFields}})
	if err != nil {
		return nil, nil, err
	}
	u, err := decodeUser(resp.Body)
	if err != nil {
		return nil, nil, connectors.Malformed(Network, "profile", err)
	}
	s.AddItems(1)
	return u, resp.Body, nil
}

// list reads one page of an edge of media objects.
func (s *session) list(op, path string, q url.Values, after string) ([]*media, paging, error) {
	q.Set("limit", strconv.Itoa(s.c.Settings.PageLimit))
	if after != "" {
		q.Set("after", after)
	}
	resp, err := s.Get(op, path, q)
	if err != nil {
		return nil, paging{}, err
	}
	ms, pg, err := decodeMedia(resp.Body)
	if err != nil {
		return nil, paging{}, connectors.Malformed(Network, op, err)
	}
	s.AddItems(len(ms))
	return ms, pg, nil
}
