package tiktok

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// envelope is the body of every Business API answer: code 0 is success, any
// other code an error (often with HTTP 200).
type envelope struct {
	Code      *int64          `json:"code"`
	Message   string          `json:"message"`
	RequestID string          `json:"request_id"`
	Data      json.RawMessage `json:"data"`
}

// decodeEnvelope reads an answer's envelope; a body without a code is not
// one.
func decodeEnvelope(b []byte) (*envelope, error) {
	var e envelope
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, err
	}
	if e.Code == nil {
		return nil, errors.New("no code")
	}
	return &e, nil
}

// number reads a JSON integer given as a number or as a string of digits
// (clients see create_time both ways).
type number int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *number) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	s = strings.Trim(s, `"`)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %.40s", string(b))
	}
	*n = number(v)
	return nil
}

// unixTime reads Unix seconds; zero and negative values are refused.
func unixTime(n number) (time.Time, error) {
	if n <= 0 || n > 1e11 {
		return time.Time{}, fmt.Errorf("bad time %d", n)
	}
	return time.Unix(int64(n), 0).UTC(), nil
}

// video is an own video of /business/video/list/.
type video struct {
	ItemID       string `json:"item_id"`
	CreateTime   number `json:"create_time"`
	Caption      string `json:"caption"`
	ShareURL     string `json:"share_url"`
	ThumbnailURL string `json:"thumbnail_url"`

	created time.Time
	raw     []byte
}

// comment is a comment or reply of /business/comment/list/ and
// /business/comment/reply/list/.
type comment struct {
	CommentID        string     `json:"comment_id"`
	VideoID          string     `json:"video_id"`
	UserID           string     `json:"user_id"`
	UniqueIdentifier string     `json:"unique_identifier"`
	CreateTime       number     `json:"create_time"`
	Text             string     `json:"text"`
	Likes            int64      `json:"likes"`
	Replies          number     `json:"replies"`
	Owner            bool       `json:"owner"`
	Status           string     `json:"status"`
	Username         string     `json:"username"`
	DisplayName      string     `json:"display_name"`
	ParentCommentID  string     `json:"parent_comment_id"`
	ReplyList        []*comment `json:"reply_list"`

	created time.Time
	raw     []byte
}

// page is the paging of a list: the next cursor and whether more remain.
type page struct {
	Cursor  number `json:"cursor"`
	HasMore bool   `json:"has_more"`
}

// business is the account's profile of /business/get/.
type business struct {
	Username       string `json:"username"`
	DisplayName    string `json:"display_name"`
	ProfileImage   string `json:"profile_image"`
	BioDescription string `json:"bio_description"`
	IsVerified     bool   `json:"is_verified"`
	FollowersCount int64  `json:"followers_count"`
}

// decodeVideos reads the data of a video list; every video needs an id and
// a creation time.
func decodeVideos(data []byte) ([]*video, page, error) {
	var d struct {
		Videos *[]json.RawMessage `json:"videos"`
		page
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, page{}, err
	}
	if d.Videos == nil {
		return nil, page{}, errors.New("no videos array")
	}
	out := make([]*video, 0, len(*d.Videos))
	for i, r := range *d.Videos {
		v := &video{}
		if err := json.Unmarshal(r, v); err != nil {
			return nil, page{}, fmt.Errorf("video %d: %w", i, err)
		}
		if v.ItemID == "" {
			return nil, page{}, fmt.Errorf("video %d: no item_id", i)
		}
		var err error
		if v.created, err = unixTime(v.CreateTime); err != nil {
			return nil, page{}, fmt.Errorf("video %s: create_time: %w", v.ItemID, err)
		}
		v.raw = compact(r)
		out = append(out, v)
	}
	return out, d.page, nil
}

// decodeComments reads the data of a comment or reply list; every comment
// and reply needs an id and a creation time.
func decodeComments(data []byte) ([]*comment, page, error) {
	var d struct {
		Comments *[]json.RawMessage `json:"comments"`
		page
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, page{}, err
	}
	if d.Comments == nil {
		return nil, page{}, errors.New("no comments array")
	}
	out := make([]*comment, 0, len(*d.Comments))
	for i, r := range *d.Comments {
		c, err := decodeComment(r)
		if err != nil {
			return nil, page{}, fmt.Errorf("comment %d: %w", i, err)
		}
		out = append(out, c)
	}
	return out, d.page, nil
}

func decodeComment(r json.RawMessage) (*comment, error) {
	c := &comment{}
	if err := json.Unmarshal(r, c); err != nil {
		return nil, err
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	c.raw = compact(r)
	// Each reply keeps its own raw object.
	var rl struct {
		ReplyList []json.RawMessage `json:"reply_list"`
	}
	if len(c.ReplyList) > 0 && json.Unmarshal(r, &rl) == nil && len(rl.ReplyList) == len(c.ReplyList) {
		for i, rr := range rl.ReplyList {
			c.ReplyList[i].raw = compact(rr)
		}
	}
	return c, nil
}

// check validates a comment and its replies and sets their times.
func (c *comment) check() error {
	if c.CommentID == "" {
		return errors.New("no comment_id")
	}
	var err error
	if c.created, err = unixTime(c.CreateTime); err != nil {
		return fmt.Errorf("%s: create_time: %w", c.CommentID, err)
	}
	for i, r := range c.ReplyList {
		if r == nil {
			return fmt.Errorf("%s: reply %d is null", c.CommentID, i)
		}
		if len(r.ReplyList) > 0 {
			return fmt.Errorf("%s: reply %s has replies of its own", c.CommentID, r.CommentID)
		}
		if err := r.check(); err != nil {
			return fmt.Errorf("%s: reply %d: %w", c.CommentID, i, err)
		}
	}
	return nil
}

// decodeBusiness reads the data of /business/get/.
func decodeBusiness(data []byte) (*business, error) {
	if len(bytes.TrimSpace(data)) == 0 || string(bytes.TrimSpace(data)) == "null" {
		return nil, errors.New("no data")
	}
	b := &business{}
	if err := json.Unmarshal(data, b); err != nil {
		return nil, err
	}
	if b.Username == "" {
		return nil, errors.New("no username")
	}
	return b, nil
}

// compact returns a copy of r without insignificant whitespace.
func compact(r []byte) []byte {
	var buf bytes.Buffer
	if json.Compact(&buf, r) != nil {
		return append([]byte(nil), r...)
	}
	return buf.Bytes()
}

// text is the item text: CRLF normalised and trimmed.
func text(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
