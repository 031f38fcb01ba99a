package bluesky

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/connectortest"
)

// The conformance suite runs the connector against the fake service playing
// a connectortest.Scenario: scenario ids become DIDs and AT URIs, an edit in
// the scenario becomes an updated record (new text, new CID, re-indexed), a
// deletion makes the record vanish from every view, and faults are answered
// as the PDS and AppView would.

// harnessToken is the app password the fake requires.
const harnessToken = "ife0-vigi-a2ka-7xzq"

// sortable is the alphabet of TIDs, the record keys of posts.
const sortable = "234567abcdefghijklmnopqrstuvwxyz"

// tid renders a numeric scenario id as a 13-character TID.
func tid(id string) string {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return "x" + id
	}
	var b [13]byte
	for i := 12; i >= 0; i-- {
		b[i] = sortable[n&31]
		n >>= 5
	}
	return string(b[:])
}

// authors remembers, for every scenario item the fake has rendered, its
// author's DID: an AT URI names the author's repository, and
// Harness.ItemID is given the item id alone.
var authors struct {
	sync.Mutex
	m map[string]string
}

func registerAuthors(t testing.TB, sc *connectortest.Scenario) {
	authors.Lock()
	defer authors.Unlock()
	if authors.m == nil {
		authors.m = map[string]string{}
	}
	for _, it := range sc.Items {
		did := fakeDID(it.AuthorID)
		if prev, ok := authors.m[it.ID]; ok && prev != did {
			t.Errorf("scenario item id %s has two authors across scenarios; ItemID is ambiguous", it.ID)
		}
		authors.m[it.ID] = did
	}
}

func itemURI(id string) string {
	authors.Lock()
	defer authors.Unlock()
	return fakeURI(authors.m[id], tid(id))
}

// scenarioWorld renders the scenario at an instant as the fake's world.
func scenarioWorld(sc *connectortest.Scenario) func(now time.Time) *fakeWorld {
	users := map[string]fakeUser{}
	for _, u := range sc.Users {
		users[u.ID] = fakeUser{DID: fakeDID(u.ID), Handle: u.Handle, Name: u.Name}
	}
	// A poll makes all its requests at one instant of the suite's clock: the
	// world of the last instant is kept.
	var mu sync.Mutex
	var lastAt time.Time
	var last *fakeWorld
	build := func(now time.Time) *fakeWorld {
		prof := sc.ProfileAt(now)
		acct := fakeUser{DID: fakeDID(sc.Account.ID), Handle: prof.Handle, Name: prof.DisplayName}
		wd := &fakeWorld{Account: acct, Bio: prof.Bio, Followers: 4821}
		author := func(it *connectortest.ScenarioItem) fakeUser {
			if it.Own || it.AuthorID == sc.Account.ID {
				return acct
			}
			return users[it.AuthorID]
		}
		render := func(it *connectortest.ScenarioItem, v int) *fakePost {
			a := author(it)
			uri := fakeURI(a.DID, tid(it.ID))
			text := it.Versions[v].Text
			return &fakePost{URI: uri, CID: fakeCID(uri, text), Author: a, Text: text, Created: it.Created(),
				Indexed: it.Versions[v].At, FirstIndexed: it.Created(), Langs: []string{"es"}}
		}
		byID := map[string]*fakePost{}
		// ref returns the post an item's reply references point to: the
		// visible post, or the record as it was when the reply was written
		// (a reply keeps pointing at a deleted parent).
		var ref func(id string, at time.Time) *fakePost
		ref = func(id string, at time.Time) *fakePost {
			if p, ok := byID[id]; ok {
				return p
			}
			it, ok := sc.Item(id)
			if !ok {
				return nil
			}
			p := render(it, max(it.VersionAt(at), 0))
			if it.ParentID != "" {
				p.Parent, p.Root = ref(it.ParentID, at), ref(it.RootID, at)
			}
			return p
		}
		visible := sc.At(now)
		for i := range visible {
			it := &visible[i]
			p := render(it, len(it.Versions)-1)
			byID[it.ID] = p
			wd.Posts = append(wd.Posts, p)
		}
		for i := range visible {
			it := &visible[i]
			if it.ParentID != "" {
				p := byID[it.ID]
				p.Parent, p.Root = ref(it.ParentID, it.Created()), ref(it.RootID, it.Created())
			}
		}
		wd.index()
		return wd
	}
	return func(now time.Time) *fakeWorld {
		mu.Lock()
		defer mu.Unlock()
		if last == nil || !now.Equal(lastAt) {
			last, lastAt = build(now), now
		}
		return last
	}
}

// scenarioHandler puts the scenario's faults in front of the fake.
type scenarioHandler struct {
	t    testing.TB
	sc   *connectortest.Scenario
	now  func() time.Time
	fake *fake
	n    int
	mu   sync.Mutex
}

func (h *scenarioHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := h.now()
	f := h.sc.FaultAt(now)
	if f == nil {
		h.fake.ServeHTTP(w, r)
		return
	}
	h.mu.Lock()
	h.n++
	n := h.n
	h.mu.Unlock()
	nsid := strings.TrimPrefix(r.URL.Path, "/xrpc/")
	session := nsid == nsidCreateSession || nsid == nsidRefreshSession
	hd := w.Header()
	hd.Set("RateLimit-Limit", "3000")
	hd.Set("RateLimit-Policy", "3000;w=300")
	switch f.Kind {
	case connectortest.FaultAuth:
		hd.Set("RateLimit-Remaining", "2900")
		if session {
			xrpcErr(w, http.StatusUnauthorized, "AuthenticationRequired", "Invalid identifier or password")
		} else {
			xrpcErr(w, http.StatusUnauthorized, "InvalidToken", "Token could not be verified")
		}
	case connectortest.FaultNotFound:
		hd.Set("RateLimit-Remaining", "2900")
		if nsid == nsidGetAuthorFeed || nsid == nsidGetProfile {
			xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Profile not found")
		} else {
			xrpcErr(w, http.StatusBadRequest, "AccountDeactivated", "Account is deactivated")
		}
	case connectortest.FaultRateLimited:
		// xrpc-server sends whole epoch seconds (rounded up) and Retry-After
		// in seconds. A scenario's reset finer than a second is kept as a
		// decimal fraction, which the connector reads, because the suite
		// compares resets exactly.
		up := int64(math.Ceil(float64(f.Reset.UnixNano()) / 1e9))
		reset := strconv.FormatInt(f.Reset.Unix(), 10)
		if ns := f.Reset.Nanosecond(); ns != 0 {
			reset += "." + strings.TrimRight(fmt.Sprintf("%09d", ns), "0")
		}
		hd.Set("RateLimit-Remaining", "0")
		hd.Set("RateLimit-Reset", reset)
		hd.Set("Retry-After", strconv.FormatInt(max(up-now.Unix(), 0), 10))
		xrpcErr(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
	case connectortest.FaultServerError:
		if n%2 == 0 {
			xrpcErr(w, http.StatusInternalServerError, "InternalServerError", "Internal Server Error")
		} else {
			hd.Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n"))
		}
	case connectortest.FaultMalformed:
		hd.Set("Content-Type", "application/json; charset=utf-8")
		if n%2 == 0 {
			_, _ = w.Write([]byte(`{"cursor":5,"feed":{},"notifications":"none","posts":null,"thread":[]}` + "\n"))
		} else {
			_, _ = w.Write([]byte(`[{"error":"unexpected"}]` + "\n"))
		}
	case connectortest.FaultTruncated:
		rec := httptest.NewRecorder()
		h.fake.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			hd[k] = v
		}
		hd.Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(connectortest.Truncate(rec.Body.Bytes()))
	default:
		h.t.Errorf("fake bluesky: unknown fault %q", f.Kind)
		xrpcErr(w, http.StatusInternalServerError, "InternalServerError", "unknown fault")
	}
}

func harness() connectortest.Harness {
	return connectortest.Harness{
		Network: Network,
		Token:   harnessToken,
		Account: connectors.Account{
			Credentials: map[string]connectors.Secret{CredentialAppPassword: connectors.NewSecret(harnessToken)},
		},
		NewConnector: func(t testing.TB, baseURL string, deps connectors.Deps) connectors.Connector {
			// One server plays PDS and AppView: every read carries the session.
			c, err := New(Config{Service: baseURL, AppView: baseURL}, deps)
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Handler: func(t testing.TB, sc *connectortest.Scenario, now func() time.Time) http.Handler {
			registerAuthors(t, sc)
			f := newFake(t, now, harnessToken, scenarioWorld(sc))
			return &scenarioHandler{t: t, sc: sc, now: now, fake: f}
		},
		// Replies come with the notifications however late they are.
		Reach: 0,
		// Edits and deletions are re-checked for a week after the post.
		Recheck: DefaultWindowAge,
		// getPosts re-reads the window's posts on every poll and the replies
		// under them in turn, 50 posts a poll: a busy week of ~120 tracked
		// replies takes three polls.
		Slack: 4 * time.Hour,
		// getAuthorFeed, listNotifications, getProfile, two getPosts (the
		// default recheck_calls) and refreshSession every other hourly poll
		// (2h access tokens).
		SteadyCalls: 6,
		ItemID:      itemURI,
		UserID:      fakeDID,
	}
}

func TestConformance(t *testing.T) {
	t.Parallel()
	connectortest.Run(t, harness())
}

func TestTID(t *testing.T) {
	t.Parallel()
	a, b := tid("116384789012345678"), tid("116384789012345679")
	if len(a) != 13 || a >= b || !validRKey(a) {
		t.Errorf("tid: %q %q", a, b)
	}
}

// TestScenarioWorld checks the rendering the conformance suite relies on.
func TestScenarioWorld(t *testing.T) {
	t.Parallel()
	sc := connectortest.Month(1, connectortest.Epoch)
	registerAuthors(t, sc)
	wd := scenarioWorld(sc)(sc.End)
	if len(wd.Posts) == 0 {
		t.Fatal("empty world")
	}
	for _, p := range wd.Posts {
		if _, _, err := parsePostURI(p.URI); err != nil {
			t.Fatal(err)
		}
		if (p.Parent == nil) != (p.Root == nil) {
			t.Fatalf("%s: half a reply reference", p.URI)
		}
		b, err := json.Marshal(wd.postView(p))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodePostView(b); err != nil {
			t.Fatalf("the fake renders a post the decoder refuses: %v\n%s", err, b)
		}
	}
	for _, it := range sc.Items {
		if !strings.HasPrefix(itemURI(it.ID), "at://did:plc:") {
			t.Fatalf("itemURI(%s) = %s", it.ID, itemURI(it.ID))
		}
	}
}
