package threads

import (
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors/internal/graph"
	"github.com/ife-mx/vigia/connectors/internal/graph/graphfake"
)

func TestDecodeMedia_Conversation(t *testing.T) {
	t.Parallel()
	ms, pg, err := decodeMedia(graphfake.ReadTestdata(t, "conversation.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 {
		t.Fatalf("got %d replies, want 3", len(ms))
	}
	top, own, hidden := ms[0], ms[1], ms[2]
	if top.ID != "18050000000000001" || top.Username != "lena.v" || top.RootPost == nil || top.RootPost.ID != "18040000000000000" ||
		top.RepliedTo == nil || top.RepliedTo.ID != "18040000000000000" || !top.IsReply || top.IsReplyOwnedByMe {
		t.Errorf("top-level reply = %+v", top)
	}
	if want := time.Date(2026, 8, 20, 7, 10, 0, 0, time.UTC); !top.created.Equal(want) {
		t.Errorf("created = %v, want %v", top.created, want)
	}
	if !own.IsReplyOwnedByMe || own.RepliedTo.ID != "18050000000000001" {
		t.Errorf("own reply = %+v", own)
	}
	if hidden.HideStatus != "HIDDEN" || hidden.MediaType != "IMAGE" || hidden.MediaURL == "" {
		t.Errorf("hidden reply = %+v", hidden)
	}
	if len(top.raw) == 0 {
		t.Error("no raw payload")
	}
	// Three replies on a page of 25: the last page, even without next.
	if _, ok := pg.more(len(ms), 25); ok {
		t.Error("a short page without next must be the last")
	}
	// A full page without next (the user threads quirk): ask for more.
	if after, ok := pg.more(3, 3); !ok || after != "QVFIUjZAkR" {
		t.Errorf("full page: more = %q, %v", after, ok)
	}
}

func TestDecodeMedia_ThreadsAndMentions(t *testing.T) {
	t.Parallel()
	ms, _, err := decodeMedia(graphfake.ReadTestdata(t, "threads.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Owner == nil || ms[0].Owner.ID != "1790000000001" || ms[0].Text != "Ferry timetable changes from Monday." {
		t.Errorf("threads = %+v", ms)
	}
	ms, _, err = decodeMedia(graphfake.ReadTestdata(t, "mentions.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Username != "commuter_22" || ms[0].RootPost != nil {
		t.Errorf("mentions = %+v", ms)
	}
}

func TestDecodeUser(t *testing.T) {
	t.Parallel()
	u, err := decodeUser(graphfake.ReadTestdata(t, "me.json"))
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "1790000000001" || u.Username != "cityofexample" || u.Name != "City of Example" || !u.IsVerified ||
		u.ThreadsBiography == "" || u.ThreadsProfilePictureURL == "" {
		t.Errorf("user = %+v", u)
	}
	p := u.profile([]byte("{}"))
	if p.ExternalID != u.ID || p.Handle != u.Username || p.Bio != u.ThreadsBiography || p.AvatarURL != u.ThreadsProfilePictureURL || !p.Verified {
		t.Errorf("profile = %+v", p)
	}
}

// TestDecodeGraphError: recorded Threads error bodies decode with Graph's
// error decoder, which classifies them.
func TestDecodeGraphError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file          string
		code, subcode int
		transient     bool
	}{
		{"error_17.json", 17, 0, true},
		{"error_190.json", 190, 463, false},
		{"error_100.json", 100, 33, false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			e, ok := graph.DecodeError(graphfake.ReadTestdata(t, tc.file))
			if !ok || e.Code != tc.code || e.Subcode != tc.subcode || e.IsTransient != tc.transient {
				t.Errorf("got %+v, %v", e, ok)
			}
		})
	}
	if _, ok := graph.DecodeError([]byte(`{"data":[]}`)); ok {
		t.Error("a list is not an error")
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
		"no time":      `{"data":[{"id":"1","text":"hola"}]}`,
		"truncated":    `{"data":[{"id":"1","timestamp":"2026-08-20T08:00:00+0000"}`,
		"data is null": `{"data":null}`,
		"text number":  `{"data":[{"id":"1","text":5,"timestamp":"2026-08-20T08:00:00+0000"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, _, err := decodeMedia([]byte(body)); err == nil {
				t.Error("decodeMedia accepted it")
			}
		})
	}
	if _, err := decodeUser([]byte(`{"username":"x"}`)); err == nil {
		t.Error("decodeUser accepted a profile without id")
	}
}
