// Command foro is an exec plugin (vigia-exec/1, see ../../PROTOCOL.md) in Go
// for "foro", a small JSON API over HTTP. It is the plugin the exec
// connector's conformance test (../../conformance_test.go, which defines the
// API and serves it) polls, and an example of what a plugin for a real network
// does: a Bearer token from the request's credentials, paging, an opaque
// cursor that carries the position and the window of recent threads across
// calls, edits reported once, deletions noticed by absence, HTTP failures
// mapped to typed error lines, and the calls made reported in the budget.
//
// Usage: foro BASE_URL. Account options: window (a Go duration: how long after
// its creation a thread is re-checked) and page_size.
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"
)

// protocol is the protocol version this plugin speaks.
const protocol = "vigia-exec/1"

type request struct {
	Protocol string `json:"protocol"`
	Account  struct {
		Options     map[string]string `json:"options"`
		Credentials map[string]string `json:"credentials"`
	} `json:"account"`
	Cursor []byte `json:"cursor"`
}

type foroItem struct {
	ID              string `json:"id"`
	Kind            string `json:"kind"`
	ParentID        string `json:"parent_id,omitempty"`
	RootID          string `json:"root_id,omitempty"`
	ThreadStartedAt string `json:"thread_started_at"`
	Author          struct {
		ID     string `json:"id"`
		Handle string `json:"handle"`
		Name   string `json:"name"`
	} `json:"author"`
	Text      string `json:"text"`
	CreatedAt string `json:"created_at"`
	EditedAt  string `json:"edited_at,omitempty"`
}

type foroPage struct {
	WindowStart string     `json:"window_start"`
	RecentStart string     `json:"recent_start"`
	Items       []foroItem `json:"items"`
	NextPage    string     `json:"next_page"`
}

type foroProfile struct {
	ID          string `json:"id"`
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	Bio         string `json:"bio"`
}

func foroTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: foro BASE_URL")
		os.Exit(2)
	}
	var req request
	in := bufio.NewReader(os.Stdin)
	b, err := in.ReadBytes('\n')
	if err != nil && len(b) == 0 {
		fmt.Fprintln(os.Stderr, "foro: no request line:", err)
		os.Exit(2)
	}
	if err := json.Unmarshal(b, &req); err != nil || req.Protocol != protocol {
		fmt.Println(`{"type":"error","kind":"malformed","message":"foro: not a vigia-exec/1 request"}`)
		return
	}
	poll(req, os.Args[1], os.Stdout)
}

// foroCursor is the plugin's cursor: the newest post or mention
// seen, and the items of the window with the version last reported, so edits
// are reported once and an absence is a deletion.
type foroCursor struct {
	Since string               `json:"since,omitempty"`
	Seen  map[string]foroEntry `json:"seen"`
}

type foroEntry struct {
	Thread   time.Time `json:"t"`
	TopLevel bool      `json:"top,omitempty"`
	Created  time.Time `json:"c"`
	Version  string    `json:"v"`
}

// foroFail is a failed call: the error line's kind, message and reset.
type foroFail struct {
	kind, msg string
	reset     time.Time
}

// poll serves one call: req is the request line, baseURL the API.
func poll(req request, baseURL string, w io.Writer) {
	out := bufio.NewWriter(w)
	defer out.Flush()
	line := func(v any) {
		b, _ := json.Marshal(v)
		out.Write(append(b, '\n'))
	}
	fail := func(f *foroFail) {
		e := map[string]string{"type": "error", "kind": f.kind, "message": f.msg}
		if !f.reset.IsZero() {
			e["reset"] = foroTime(f.reset)
		}
		line(e)
	}
	acct := req.Account
	token := acct.Credentials["token"]
	if token == "" {
		fail(&foroFail{kind: "auth", msg: "no token in the request"})
		return
	}
	cur := foroCursor{Seen: map[string]foroEntry{}}
	if req.Cursor != nil {
		if err := json.Unmarshal(req.Cursor, &cur); err != nil {
			fail(&foroFail{kind: "malformed", msg: "cursor: " + err.Error()})
			return
		}
	}
	calls, returned := 0, 0
	get := func(path string, q url.Values, v any) *foroFail {
		calls++
		r, err := http.NewRequest(http.MethodGet, baseURL+path+"?"+q.Encode(), nil)
		if err != nil {
			return &foroFail{kind: "transient", msg: err.Error()}
		}
		r.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			return &foroFail{kind: "transient", msg: err.Error()}
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		switch {
		case err != nil:
			return &foroFail{kind: "transient", msg: err.Error()}
		case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
			return &foroFail{kind: "auth", msg: path + ": " + resp.Status}
		case resp.StatusCode == http.StatusNotFound:
			return &foroFail{kind: "not_found", msg: path + ": " + resp.Status}
		case resp.StatusCode == http.StatusTooManyRequests:
			f := &foroFail{kind: "rate_limited", msg: path + ": " + resp.Status}
			f.reset, _ = time.Parse(time.RFC3339Nano, resp.Header.Get("Retry-At"))
			if f.reset.IsZero() {
				f.reset = retryAfter(resp.Header)
			}
			return f
		case resp.StatusCode != http.StatusOK:
			return &foroFail{kind: "transient", msg: path + ": " + resp.Status}
		}
		if err := json.Unmarshal(body, v); err != nil {
			return &foroFail{kind: "malformed", msg: path + ": " + err.Error()}
		}
		return nil
	}

	var prof foroProfile
	if f := get("/v1/profile", nil, &prof); f != nil {
		fail(f)
		return
	}
	q := url.Values{"window": {acct.Options["window"]}, "page_size": {acct.Options["page_size"]}}
	if cur.Since != "" {
		q.Set("since", cur.Since)
	}
	var oldest time.Time
	for _, e := range cur.Seen {
		if oldest.IsZero() || e.Thread.Before(oldest) {
			oldest = e.Thread
		}
	}
	if !oldest.IsZero() {
		q.Set("threads_since", foroTime(oldest))
	}
	var items []foroItem
	var windowStart, recentStart time.Time
	for {
		var p foroPage
		if f := get("/v1/items", q, &p); f != nil {
			fail(f)
			return
		}
		ws, err1 := time.Parse(time.RFC3339Nano, p.WindowStart)
		rs, err2 := time.Parse(time.RFC3339Nano, p.RecentStart)
		if err1 != nil || err2 != nil || p.Items == nil {
			fail(&foroFail{kind: "malformed", msg: "/v1/items: no window_start, recent_start or items"})
			return
		}
		windowStart, recentStart = ws, rs
		items = append(items, p.Items...)
		if p.NextPage == "" {
			break
		}
		q.Set("page", p.NextPage)
	}
	returned = len(items)

	since, _ := time.Parse(time.RFC3339Nano, cur.Since)
	next := foroCursor{Since: cur.Since, Seen: map[string]foroEntry{}}
	var emit []any
	listed := map[string]bool{}
	for _, fi := range items {
		created, err1 := time.Parse(time.RFC3339Nano, fi.CreatedAt)
		thread, err2 := time.Parse(time.RFC3339Nano, fi.ThreadStartedAt)
		if err1 != nil || err2 != nil {
			fail(&foroFail{kind: "malformed", msg: "item " + fi.ID + ": bad time"})
			return
		}
		version := fi.CreatedAt
		if fi.EditedAt != "" {
			version = fi.EditedAt
		}
		e := foroEntry{Thread: thread, TopLevel: fi.RootID == "", Created: created, Version: version}
		if e.TopLevel && created.After(since) {
			since = created
			next.Since = foroTime(created)
		}
		listed[fi.ID] = true
		if !thread.Before(recentStart) || e.TopLevel && !created.Before(since) {
			next.Seen[fi.ID] = e
		}
		if old, ok := cur.Seen[fi.ID]; ok && old.Version == version {
			continue
		}
		raw, _ := json.Marshal(fi)
		emit = append(emit, map[string]any{
			"type": "item", "external_id": fi.ID, "kind": fi.Kind, "parent_id": fi.ParentID, "root_id": fi.RootID,
			"author_id": fi.Author.ID, "author_handle": fi.Author.Handle, "author_name": fi.Author.Name,
			"own": fi.Author.ID == prof.ID, "text": fi.Text, "created_at": fi.CreatedAt, "edited_at": fi.EditedAt,
			"raw": json.RawMessage(raw),
		})
	}
	oldSince, _ := time.Parse(time.RFC3339Nano, cur.Since)
	for id, e := range cur.Seen {
		if listed[id] {
			continue
		}
		// Listed by the rule of /v1/items, yet absent: deleted.
		if !e.Thread.Before(windowStart) || e.TopLevel && cur.Since != "" && !e.Created.Before(oldSince) {
			emit = append(emit, map[string]string{"type": "deletion", "external_id": id})
		}
	}
	for _, v := range emit {
		line(v)
	}
	line(map[string]any{"type": "profile", "external_id": prof.ID, "handle": prof.Handle,
		"display_name": prof.DisplayName, "bio": prof.Bio})
	c, _ := json.Marshal(next)
	line(map[string]any{"type": "end", "cursor": base64.StdEncoding.EncodeToString(c), "more": false,
		"budget": map[string]int{"calls": calls, "items": returned, "remaining": -1}})
}

// retryAfter reads the standard Retry-After header (seconds or an HTTP date),
// counted from the response's Date when it has one; zero when absent.
func retryAfter(h http.Header) time.Time {
	v := h.Get("Retry-After")
	if v == "" {
		return time.Time{}
	}
	if t, err := http.ParseTime(v); err == nil {
		return t
	}
	secs, err := strconv.Atoi(v)
	if err != nil || secs < 0 {
		return time.Time{}
	}
	base, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		base = time.Now()
	}
	return base.Add(time.Duration(secs) * time.Second)
}
