package tiktok

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func data(t *testing.T, name string) []byte {
	t.Helper()
	env, err := decodeEnvelope(readTestdata(t, name))
	if err != nil || *env.Code != 0 || env.RequestID == "" {
		t.Fatalf("%s: envelope %+v, %v", name, env, err)
	}
	return env.Data
}

func TestDecodeVideos(t *testing.T) {
	t.Parallel()
	vs, pg, err := decodeVideos(data(t, "video_list.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || pg.HasMore || pg.Cursor != 1 {
		t.Fatalf("videos %+v, page %+v", vs, pg)
	}
	v := vs[0]
	if v.ItemID != "7404000000000000000" || !strings.HasPrefix(v.Caption, "Old town square") || v.ShareURL == "" || v.ThumbnailURL == "" {
		t.Errorf("video = %+v", v)
	}
	if want := time.Unix(1787216400, 0).UTC(); !v.created.Equal(want) { // given as a string
		t.Errorf("created = %v, want %v", v.created, want)
	}
}

func TestDecodeComments(t *testing.T) {
	t.Parallel()
	cs, pg, err := decodeComments(data(t, "comment_list.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || pg.HasMore || pg.Cursor != 2 {
		t.Fatalf("comments %d, page %+v", len(cs), pg)
	}
	c, hidden := cs[0], cs[1]
	if c.CommentID != "7405000000000000001" || c.Owner || c.Username != "tomas_p" || c.DisplayName != "Tomas P" ||
		c.UniqueIdentifier != "tomas_p" || c.ParentCommentID != "7404000000000000000" || c.Replies != 1 || len(c.ReplyList) != 1 {
		t.Errorf("comment = %+v", c)
	}
	r := c.ReplyList[0]
	if !r.Owner || r.ParentCommentID != c.CommentID || !r.created.Equal(time.Unix(1787217400, 0)) {
		t.Errorf("reply = %+v", r)
	}
	if !strings.Contains(string(r.raw), `"owner":true`) || strings.Contains(string(r.raw), "Where is this") {
		t.Errorf("reply raw = %s", r.raw)
	}
	if hidden.Status != "HIDDEN" || !hidden.created.Equal(time.Unix(1787217600, 0)) { // create_time as a string
		t.Errorf("hidden = %+v", hidden)
	}
}

func TestDecodeBusiness(t *testing.T) {
	t.Parallel()
	b, err := decodeBusiness(data(t, "business.json"))
	if err != nil {
		t.Fatal(err)
	}
	p := b.profile("B1", []byte("{}"))
	if p.ExternalID != "B1" || p.Handle != "cityofexample" || p.DisplayName != "City of Example" || p.Bio == "" ||
		p.AvatarURL == "" || !p.Verified || p.Followers != 15234 {
		t.Errorf("profile = %+v", p)
	}
}

func TestDecodeEnvelope_Errors(t *testing.T) {
	t.Parallel()
	for file, code := range map[string]int64{
		"error_40100.json": 40100, "error_40105.json": 40105, "error_40007.json": 40007, "error_50000.json": 50000,
	} {
		env, err := decodeEnvelope(readTestdata(t, file))
		if err != nil || *env.Code != code || env.Message == "" || env.RequestID == "" {
			t.Errorf("%s: %+v, %v", file, env, err)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"not json":          `<html>`,
		"no list":           `{"cursor":0,"has_more":false}`,
		"list is object":    `{"videos":{},"comments":{}}`,
		"no id":             `{"videos":[{"create_time":1787216400}],"comments":[{"create_time":1787216400}]}`,
		"bad time":          `{"videos":[{"item_id":"1","comment_id":"1","create_time":"yesterday"}],"comments":[{"comment_id":"1","create_time":"yesterday"}]}`,
		"zero time":         `{"videos":[{"item_id":"1","create_time":0}],"comments":[{"comment_id":"1","create_time":0}]}`,
		"truncated":         `{"videos":[{"item_id":"1","create_time":1787216400}`,
		"null list":         `{"videos":null,"comments":null}`,
		"bad cursor":        `{"videos":[],"comments":[],"cursor":"x"}`,
		"reply without id":  `{"videos":[{}],"comments":[{"comment_id":"1","create_time":1787216400,"reply_list":[{"create_time":1787216400}]}]}`,
		"reply is null":     `{"videos":[{}],"comments":[{"comment_id":"1","create_time":1787216400,"reply_list":[null]}]}`,
		"nested reply list": `{"videos":[{}],"comments":[{"comment_id":"1","create_time":1787216400,"reply_list":[{"comment_id":"2","create_time":1787216400,"reply_list":[{"comment_id":"3","create_time":1787216400}]}]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, _, err := decodeVideos([]byte(body)); err == nil {
				t.Error("decodeVideos accepted it")
			}
			if _, _, err := decodeComments([]byte(body)); err == nil {
				t.Error("decodeComments accepted it")
			}
		})
	}
	for _, body := range []string{`null`, ``, `{"display_name":"x"}`, `[]`} {
		if _, err := decodeBusiness([]byte(body)); err == nil {
			t.Errorf("decodeBusiness accepted %q", body)
		}
	}
	for _, body := range []string{`{"message":"OK","data":{}}`, `<html>`, `{"code":"zero"}`} {
		if _, err := decodeEnvelope([]byte(body)); err == nil {
			t.Errorf("decodeEnvelope accepted %q", body)
		}
	}
}
