package facebook

import (
	"net/url"
	"strconv"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// session is one poll's (or probe's) view of the Graph API.
type session struct {
	*graph.Session
	c *Connector
}

// Fields asked of each call.
const (
	postFields    = "id,message,created_time,updated_time,permalink_url,from"
	commentFields = "id,message,created_time,from,parent,is_hidden,can_hide,permalink_url"
	pageFields    = "id,name,username,about,link,picture,verification_status,followers_count"
)

// page reads the Page's profile.
func (s *session) page(id string) (*page, []byte, error) {
	const op = "get page"
	resp, err := s.Get(op, "/"+url.PathEscape(id), url.Values{"fields": {pageFields}})
	if err != nil {
		return nil, nil, err
	}
	p, err := decodePage(resp.Body)
	if err != nil {
		return nil, nil, connectors.Malformed(Network, "page", err)
	}
	s.AddItems(1)
	return p, resp.Body, nil
}

// posts reads one page of an edge of posts (published_posts, tagged).
func (s *session) posts(op, path, after string) ([]*post, graph.Paging, error) {
	q := url.Values{"fields": {postFields}, "limit": {strconv.Itoa(s.c.Settings.PageLimit)}}
	if after != "" {
		q.Set("after", after)
	}
	resp, err := s.Get(op, path, q)
	if err != nil {
		return nil, graph.Paging{}, err
	}
	ps, pg, err := decodePosts(resp.Body)
	if err != nil {
		return nil, graph.Paging{}, connectors.Malformed(Network, "posts", err)
	}
	s.AddItems(len(ps))
	return ps, pg, nil
}

// comments reads one page of a post's comments and replies, flat and oldest
// first.
func (s *session) comments(postID, after string) ([]*comment, graph.Paging, error) {
	const op = "list comments"
	q := url.Values{
		"filter": {"stream"}, "order": {"chronological"},
		"fields": {commentFields}, "limit": {strconv.Itoa(s.c.Settings.PageLimit)},
	}
	if after != "" {
		q.Set("after", after)
	}
	resp, err := s.Get(op, "/"+url.PathEscape(postID)+"/comments", q)
	if err != nil {
		return nil, graph.Paging{}, err
	}
	cs, pg, err := decodeComments(resp.Body)
	if err != nil {
		return nil, graph.Paging{}, connectors.Malformed(Network, "comments", err)
	}
	s.AddItems(len(cs))
	return cs, pg, nil
}
