package youtube

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	yt "google.golang.org/api/youtube/v3"
)

// The decoders read a list response twice: into the official client's types
// (google.golang.org/api/youtube/v3), which define the shapes, and into raw
// JSON per item, so every Item keeps the bytes exactly as YouTube sent them.
// They check what the connector relies on (ids, times, the alignment of both
// readings) and fail with a message naming what is wrong.

// channelEntry is a channel of channels.list.
type channelEntry struct {
	ID          string
	Title       string
	Handle      string // customUrl without "@"
	Description string
	Thumbnail   string
	Uploads     string // the uploads playlist ("UU…")
	Subscribers int64
	raw         []byte
}

// videoEntry is an upload of playlistItems.list.
type videoEntry struct {
	ID          string
	Title       string
	Description string
	Published   time.Time
	raw         []byte
}

// text is a video's text: its title, then a line break and its description
// when it has one.
func (v *videoEntry) text() string {
	if v.Description == "" {
		return v.Title
	}
	return v.Title + "\n" + v.Description
}

// commentEntry is a comment (top-level or reply).
type commentEntry struct {
	ID           string
	VideoID      string
	ParentID     string
	AuthorID     string
	AuthorName   string
	AuthorHandle string
	Text         string
	Published    time.Time
	Updated      time.Time
	raw          []byte
}

// threadEntry is a comment thread of commentThreads.list.
type threadEntry struct {
	ID      string
	VideoID string
	Top     *commentEntry
	// Total is snippet.totalReplyCount; Replies the subset embedded.
	Total   int64
	Replies []*commentEntry
}

// rawList is a list response's items as raw JSON.
type rawList struct {
	Items []json.RawMessage `json:"items"`
}

// rawThread is a thread's comments as raw JSON.
type rawThread struct {
	Snippet struct {
		TopLevelComment json.RawMessage `json:"topLevelComment"`
	} `json:"snippet"`
	Replies struct {
		Comments []json.RawMessage `json:"comments"`
	} `json:"replies"`
}

// decodeBoth unmarshals body into typed and its items into raw, and checks
// that both list the same number of items.
func decodeBoth(body []byte, typed any, n func() int) ([]json.RawMessage, error) {
	if err := json.Unmarshal(body, typed); err != nil {
		return nil, err
	}
	var rl rawList
	if err := json.Unmarshal(body, &rl); err != nil {
		return nil, err
	}
	if len(rl.Items) != n() {
		return nil, fmt.Errorf("%d raw items for %d decoded", len(rl.Items), n())
	}
	return rl.Items, nil
}

// parseTime reads an RFC 3339 time; what names the field.
func parseTime(s, what string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("%s: missing", what)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: not an RFC 3339 time: %q", what, s)
	}
	return t.UTC(), nil
}

// decodeChannels reads a channels.list response (part snippet,
// contentDetails, statistics).
func decodeChannels(body []byte) ([]*channelEntry, error) {
	var resp yt.ChannelListResponse
	raws, err := decodeBoth(body, &resp, func() int { return len(resp.Items) })
	if err != nil {
		return nil, err
	}
	out := make([]*channelEntry, 0, len(resp.Items))
	for i, c := range resp.Items {
		if c == nil || c.Id == "" {
			return nil, fmt.Errorf("channel %d: no id", i)
		}
		e := &channelEntry{ID: c.Id, raw: raws[i]}
		if c.Snippet != nil {
			e.Title = c.Snippet.Title
			e.Handle = strings.TrimPrefix(c.Snippet.CustomUrl, "@")
			e.Description = c.Snippet.Description
			e.Thumbnail = thumbnail(c.Snippet.Thumbnails)
		}
		if c.ContentDetails != nil && c.ContentDetails.RelatedPlaylists != nil {
			e.Uploads = c.ContentDetails.RelatedPlaylists.Uploads
		}
		if e.Uploads == "" {
			return nil, fmt.Errorf("channel %s: no contentDetails.relatedPlaylists.uploads", c.Id)
		}
		if c.Statistics != nil && !c.Statistics.HiddenSubscriberCount {
			e.Subscribers = int64(min(c.Statistics.SubscriberCount, 1<<62))
		}
		out = append(out, e)
	}
	return out, nil
}

// thumbnail picks the largest thumbnail's URL.
func thumbnail(t *yt.ThumbnailDetails) string {
	if t == nil {
		return ""
	}
	for _, th := range []*yt.Thumbnail{t.Maxres, t.High, t.Medium, t.Standard, t.Default} {
		if th != nil && th.Url != "" {
			return th.Url
		}
	}
	return ""
}

// decodePlaylistItems reads a playlistItems.list response (part snippet,
// contentDetails) and the next page token.
func decodePlaylistItems(body []byte) ([]*videoEntry, string, error) {
	var resp yt.PlaylistItemListResponse
	raws, err := decodeBoth(body, &resp, func() int { return len(resp.Items) })
	if err != nil {
		return nil, "", err
	}
	out := make([]*videoEntry, 0, len(resp.Items))
	for i, it := range resp.Items {
		if it == nil || it.Snippet == nil {
			return nil, "", fmt.Errorf("playlist item %d: no snippet", i)
		}
		e := &videoEntry{Title: it.Snippet.Title, Description: it.Snippet.Description, raw: raws[i]}
		published := it.Snippet.PublishedAt
		if it.ContentDetails != nil {
			e.ID = it.ContentDetails.VideoId
			if it.ContentDetails.VideoPublishedAt != "" {
				published = it.ContentDetails.VideoPublishedAt
			}
		}
		if e.ID == "" && it.Snippet.ResourceId != nil {
			e.ID = it.Snippet.ResourceId.VideoId
		}
		if e.ID == "" {
			return nil, "", fmt.Errorf("playlist item %d: no video id", i)
		}
		if e.Published, err = parseTime(published, "playlist item "+e.ID+": publishedAt"); err != nil {
			return nil, "", err
		}
		out = append(out, e)
	}
	return out, resp.NextPageToken, nil
}

// decodeComment reads one comment.
func decodeComment(c *yt.Comment, raw []byte) (*commentEntry, error) {
	if c == nil || c.Id == "" {
		return nil, errors.New("comment without id")
	}
	if c.Snippet == nil {
		return nil, fmt.Errorf("comment %s: no snippet", c.Id)
	}
	s := c.Snippet
	e := &commentEntry{
		ID:         c.Id,
		VideoID:    s.VideoId,
		ParentID:   s.ParentId,
		AuthorName: s.AuthorDisplayName,
		Text:       s.TextOriginal,
		raw:        raw,
	}
	if e.Text == "" {
		e.Text = s.TextDisplay
	}
	if s.AuthorChannelId != nil {
		e.AuthorID = s.AuthorChannelId.Value
	}
	e.AuthorHandle = handleOf(s.AuthorDisplayName, s.AuthorChannelUrl)
	var err error
	if e.Published, err = parseTime(s.PublishedAt, "comment "+c.Id+": publishedAt"); err != nil {
		return nil, err
	}
	e.Updated = e.Published
	if s.UpdatedAt != "" {
		if e.Updated, err = parseTime(s.UpdatedAt, "comment "+c.Id+": updatedAt"); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// handleOf finds an author's @handle: the display name when it is one (as
// YouTube shows authors since handles exist), else the channel URL's path.
func handleOf(display, channelURL string) string {
	if h, ok := strings.CutPrefix(display, "@"); ok && h != "" && !strings.ContainsAny(h, " /") {
		return h
	}
	if u, err := url.Parse(channelURL); err == nil {
		if h, ok := strings.CutPrefix(strings.Trim(u.Path, "/"), "@"); ok && h != "" && !strings.Contains(h, "/") {
			return h
		}
	}
	return ""
}

// decodeThreads reads a commentThreads.list response (part snippet,
// replies) and the next page token.
func decodeThreads(body []byte) ([]*threadEntry, string, error) {
	var resp yt.CommentThreadListResponse
	raws, err := decodeBoth(body, &resp, func() int { return len(resp.Items) })
	if err != nil {
		return nil, "", err
	}
	out := make([]*threadEntry, 0, len(resp.Items))
	for i, t := range resp.Items {
		if t == nil || t.Id == "" || t.Snippet == nil || t.Snippet.TopLevelComment == nil {
			return nil, "", fmt.Errorf("thread %d: no id, snippet or topLevelComment", i)
		}
		var rt rawThread
		if err := json.Unmarshal(raws[i], &rt); err != nil {
			return nil, "", fmt.Errorf("thread %s: %w", t.Id, err)
		}
		top, err := decodeComment(t.Snippet.TopLevelComment, rt.Snippet.TopLevelComment)
		if err != nil {
			return nil, "", fmt.Errorf("thread %s: %w", t.Id, err)
		}
		if top.ID != t.Id {
			return nil, "", fmt.Errorf("thread %s: top-level comment %s", t.Id, top.ID)
		}
		e := &threadEntry{ID: t.Id, VideoID: t.Snippet.VideoId, Top: top, Total: t.Snippet.TotalReplyCount}
		if e.VideoID == "" {
			e.VideoID = top.VideoID
		}
		if t.Replies != nil {
			if len(rt.Replies.Comments) != len(t.Replies.Comments) {
				return nil, "", fmt.Errorf("thread %s: %d raw replies for %d decoded", t.Id, len(rt.Replies.Comments), len(t.Replies.Comments))
			}
			for j, c := range t.Replies.Comments {
				r, err := decodeComment(c, rt.Replies.Comments[j])
				if err != nil {
					return nil, "", fmt.Errorf("thread %s: reply %d: %w", t.Id, j, err)
				}
				e.Replies = append(e.Replies, r)
			}
		}
		if e.Total < int64(len(e.Replies)) {
			e.Total = int64(len(e.Replies))
		}
		out = append(out, e)
	}
	return out, resp.NextPageToken, nil
}

// decodeComments reads a comments.list response (part snippet) and the next
// page token.
func decodeComments(body []byte) ([]*commentEntry, string, error) {
	var resp yt.CommentListResponse
	raws, err := decodeBoth(body, &resp, func() int { return len(resp.Items) })
	if err != nil {
		return nil, "", err
	}
	out := make([]*commentEntry, 0, len(resp.Items))
	for i, c := range resp.Items {
		e, err := decodeComment(c, raws[i])
		if err != nil {
			return nil, "", fmt.Errorf("comment %d: %w", i, err)
		}
		out = append(out, e)
	}
	return out, resp.NextPageToken, nil
}

// apiError is the error body of the YouTube Data API.
type apiError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Errors  []struct {
			Message string `json:"message"`
			Domain  string `json:"domain"`
			Reason  string `json:"reason"`
		} `json:"errors"`
		Details []struct {
			Type   string `json:"@type"`
			Reason string `json:"reason"`
		} `json:"details"`
	} `json:"error"`
}

// decodeError reads an error body: its reasons (errors[].reason and
// details[].reason) and message. ok is false when the body is not one.
func decodeError(body []byte) (reasons []string, message string, ok bool) {
	var e apiError
	if json.Unmarshal(body, &e) != nil || e.Error.Code == 0 && e.Error.Message == "" && len(e.Error.Errors) == 0 {
		return nil, "", false
	}
	for _, it := range e.Error.Errors {
		if it.Reason != "" {
			reasons = append(reasons, it.Reason)
		}
	}
	for _, d := range e.Error.Details {
		if d.Reason != "" {
			reasons = append(reasons, d.Reason)
		}
	}
	return reasons, e.Error.Message, true
}
