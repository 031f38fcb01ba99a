package instagram

import (
	"testing"
	"time"
)

func TestDecodeMedia(t *testing.T) {
	t.Parallel()
	ms, pg, err := decodeMedia(readTestdata(t, "media.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("got %d media, want 2", len(ms))
	}
	m := ms[0]
	if m.ID != "17895695668004550" || m.Caption != "Pool season is open!" || m.MediaType != "IMAGE" || m.CommentsCount == nil || *m.CommentsCount != 14 {
		t.Errorf("media = %+v", m)
	}
	if want := time.Date(2026, 8, 19, 16, 0, 0, 0, time.UTC); !m.created.Equal(want) {
		t.Errorf("created = %v, want %v", m.created, want)
	}
	if ms[1].MediaProductType != "REELS" || ms[1].MediaURL != "" {
		t.Errorf("reel = %+v", ms[1])
	}
	if after, ok := pg.More(); !ok || after != "QVFIUm9" {
		t.Errorf("More = %q, %v", after, ok)
	}
	if len(m.raw) == 0 {
		t.Error("no raw payload")
	}
}

func TestDecodeTags(t *testing.T) {
	t.Parallel()
	ms, pg, err := decodeMedia(readTestdata(t, "tags.json"))
	if err != nil || len(ms) != 1 {
		t.Fatalf("tags: %v, %d media", err, len(ms))
	}
	if m := ms[0]; m.Username != "marta.k" || m.MediaType != "CAROUSEL_ALBUM" || m.CommentsCount != nil || m.created.IsZero() {
		t.Errorf("tagged media = %+v", m)
	}
	if _, ok := pg.More(); ok {
		t.Error("a page without next must be the last")
	}
}

func TestDecodeComments(t *testing.T) {
	t.Parallel()
	cs, pg, err := decodeComments(readTestdata(t, "comments.json"), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Fatalf("got %d comments, want 2", len(cs))
	}
	c := cs[0]
	if c.From == nil || c.From.ID != "17841400000000001" || c.Username != "marta.k" || c.Hidden || len(c.replies) != 1 || c.moreReplies {
		t.Errorf("comment = %+v", c)
	}
	if r := c.replies[0]; r.ParentID != "17870913679156914" || r.From.Username != "cityofexample" || r.Text != "@marta.k Yes, 9:00–18:00." {
		t.Errorf("reply = %+v", r)
	}
	if !cs[1].Hidden || !cs[1].moreReplies {
		t.Errorf("hidden comment with more replies = %+v", cs[1])
	}
	if _, ok := pg.More(); !ok {
		t.Error("the comments page has a next page")
	}

	rs, pg, err := decodeComments(readTestdata(t, "replies.json"), false)
	if err != nil || len(rs) != 1 || rs[0].ParentID != "17870913679156914" {
		t.Fatalf("replies: %v, %+v", err, rs)
	}
	if _, ok := pg.More(); ok {
		t.Error("a page without next must be the last")
	}
	if _, _, err := decodeComments(readTestdata(t, "comments.json"), false); err == nil {
		t.Error("a reply with replies was accepted on the replies edge")
	}
}

func TestDecodeAccount(t *testing.T) {
	t.Parallel()
	a, err := decodeAccount(readTestdata(t, "user.json"))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != "17841405822304914" || a.Username != "cityofexample" || a.FollowersCount != 15234 || a.ProfilePictureURL == "" || a.Website == "" || a.MediaCount != 812 {
		t.Errorf("account = %+v", a)
	}
	for name, body := range map[string]string{
		"no id":       `{"username":"x"}`,
		"no username": `{"id":"1","name":"A Facebook user"}`,
		"not json":    `<html>`,
	} {
		if _, err := decodeAccount([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"not json":     `<html>`,
		"no data":      `{"paging":{}}`,
		"data object":  `{"data":{}}`,
		"no id":        `{"data":[{"timestamp":"2026-08-20T08:00:00+0000"}]}`,
		"bad time":     `{"data":[{"id":"1","timestamp":"yesterday"}]}`,
		"truncated":    `{"data":[{"id":"1","timestamp":"2026-08-20T08:00:00+0000"}`,
		"data is null": `{"data":null}`,
		"bad reply":    `{"data":[{"id":"1","timestamp":"2026-08-20T08:00:00+0000","replies":{"data":[{"id":"2"}]}}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, _, err := decodeMedia([]byte(body)); err == nil && name != "bad reply" {
				t.Error("decodeMedia accepted it")
			}
			if _, _, err := decodeComments([]byte(body), true); err == nil {
				t.Error("decodeComments accepted it")
			}
		})
	}
}
