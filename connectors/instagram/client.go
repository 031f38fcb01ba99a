package instagram

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/internal/graph"
)

// session is one poll's (or probe's) view of the Instagram Platform.
type session struct {
	*graph.Session
	c *Connector
}

// Fields asked of each call.
const (
	accountFields = "id,username,name,biography,profile_picture_url,website,followers_count,media_count"
	mediaFields   = "id,caption,media_type,media_product_type,permalink,timestamp,username,media_url,comments_count"
	replyFields   = "id,text,timestamp,username,from,hidden,like_count,parent_id"
	// tagFields are asked of media by others: owner is returned only to
	// the media's owner, username is the author.
	tagFields = "id,caption,media_type,permalink,timestamp,username"
)

// commentFields asks for top-level comments with their first limit replies
// nested (field expansion), so a comment with few replies costs no call.
func commentFields(limit int) string {
	return "id,text,timestamp,username,from,hidden,like_count,replies.limit(" + strconv.Itoa(limit) + "){" + replyFields + "}"
}

// account reads the IG User's profile.
func (s *session) account(id string) (*account, []byte, error) {
	const op = "get user"
	resp, err := s.Get(op, "/"+url.PathEscape(id), url.Values{"fields": {accountFields}})
	if err != nil {
		return nil, nil, err
	}
	a, err := decodeAccount(resp.Body)
	if err != nil {
		if id == "me" {
			err = fmt.Errorf("%w (with Facebook Login /me is a Facebook user: set the account's external_id to the Instagram account id)", err)
		}
		return nil, nil, connectors.Malformed(Network, "user", err)
	}
	s.AddItems(1)
	return a, resp.Body, nil
}

// list reads one page of an edge.
func (s *session) list(op, path, fields, after string) ([]byte, error) {
	q := url.Values{"fields": {fields}, "limit": {strconv.Itoa(s.c.Settings.PageLimit)}}
	if after != "" {
		q.Set("after", after)
	}
	resp, err := s.Get(op, path, q)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// media reads one page of the account's media (edge "media") or of the
// media of others tagging it (edge "tags"), newest first.
func (s *session) media(userID, edge, after string) ([]*media, graph.Paging, error) {
	fields := mediaFields
	if edge == "tags" {
		fields = tagFields
	}
	b, err := s.list("list "+edge, "/"+url.PathEscape(userID)+"/"+edge, fields, after)
	if err != nil {
		return nil, graph.Paging{}, err
	}
	ms, pg, err := decodeMedia(b)
	if err != nil {
		return nil, graph.Paging{}, connectors.Malformed(Network, "media", err)
	}
	s.AddItems(len(ms))
	return ms, pg, nil
}

// comments reads one page of a media's top-level comments, each with its
// first replies.
func (s *session) comments(mediaID, after string) ([]*comment, graph.Paging, error) {
	b, err := s.list("list comments", "/"+url.PathEscape(mediaID)+"/comments", commentFields(s.c.Settings.PageLimit), after)
	if err != nil {
		return nil, graph.Paging{}, err
	}
	cs, pg, err := decodeComments(b, true)
	if err != nil {
		return nil, graph.Paging{}, connectors.Malformed(Network, "comments", err)
	}
	n := len(cs)
	for _, c := range cs {
		n += len(c.replies)
	}
	s.AddItems(n)
	return cs, pg, nil
}

// replies reads one page of a comment's replies.
func (s *session) replies(commentID, after string) ([]*comment, graph.Paging, error) {
	b, err := s.list("list replies", "/"+url.PathEscape(commentID)+"/replies", replyFields, after)
	if err != nil {
		return nil, graph.Paging{}, err
	}
	rs, pg, err := decodeComments(b, false)
	if err != nil {
		return nil, graph.Paging{}, connectors.Malformed(Network, "replies", err)
	}
	s.AddItems(len(rs))
	return rs, pg, nil
}
