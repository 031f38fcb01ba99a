package youtube

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	yt "google.golang.org/api/youtube/v3"

	"github.com/ife-mx/vigia/connectors/connectortest"
)

// strictDecode decodes b into v refusing any field the official client's
// types (generated from YouTube's discovery document) do not define.
func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// TestShapes keeps the recorded payloads and the fake server honest: every
// field they send is one the YouTube Data API defines, in its type.
func TestShapes(t *testing.T) {
	t.Parallel()
	for file, v := range map[string]any{
		"channels.json":        &yt.ChannelListResponse{},
		"channels_empty.json":  &yt.ChannelListResponse{},
		"playlist_items.json":  &yt.PlaylistItemListResponse{},
		"comment_threads.json": &yt.CommentThreadListResponse{},
		"comments.json":        &yt.CommentListResponse{},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		if err := strictDecode(b, v); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}

	sc := connectortest.Month(1, connectortest.Epoch)
	sc.Faults = nil
	at := sc.Start.Add(12 * 24 * time.Hour)
	srv := httptest.NewServer(newFakeHandler(testToken, fakeOptions{embed: 1})(t, sc, func() time.Time { return at }))
	defer srv.Close()
	var threadID string
	get := func(path string, v any) {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/youtube/v3/"+path+"&alt=json&prettyPrint=false", nil)
		req.Header.Set("X-Goog-Api-Key", testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		if err := strictDecode(buf.Bytes(), v); err != nil {
			t.Errorf("fake %s: %v", path, err)
		}
	}
	ch := channelID(sc.Account.ID)
	get("channels?part=snippet&part=contentDetails&part=statistics&id="+ch, &yt.ChannelListResponse{})
	get("playlistItems?part=snippet&part=contentDetails&maxResults=50&playlistId=UU"+sc.Account.ID, &yt.PlaylistItemListResponse{})
	var threads yt.CommentThreadListResponse
	get("commentThreads?part=snippet&part=replies&maxResults=100&order=time&textFormat=plainText&allThreadsRelatedToChannelId="+ch, &threads)
	for _, th := range threads.Items {
		if th.Snippet.TotalReplyCount > 1 {
			threadID = th.Id
		}
	}
	if threadID == "" {
		t.Fatal("no thread with replies beyond the embedded one in the scenario")
	}
	var replies yt.CommentListResponse
	get("comments?part=snippet&maxResults=100&textFormat=plainText&parentId="+threadID, &replies)
	if len(replies.Items) < 2 {
		t.Errorf("comments.list returned %d replies", len(replies.Items))
	}
}
