package response

import (
	"hash/fnv"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Reply is one own reply as the canned-answer check sees it.
type Reply struct {
	ID string
	// Recipient is who the reply answers: the author of its parent (id or handle).
	// Replies with no known recipient each count as a different user.
	Recipient string
	At        time.Time
	Text      string
}

// CannedVerdict is the check's answer for one reply.
type CannedVerdict struct {
	// Canned is true when the reply, or nearly the same text, went to at least
	// MinUsers different users within Window of it (Criterios 6.xvi).
	Canned bool
	// Users is the number of different recipients of the reply and its copies.
	Users int
	// Copies are the ids of the other replies judged the same text, by time.
	Copies []string
	// Normalized is the reply's text as compared (see Normalize).
	Normalized string
}

// fingerprint is a reply prepared for comparison. The check holds days of them,
// so a fingerprint keeps neither the text nor its normalised form: a hash of the
// normalised words (for equality) and their number.
type fingerprint struct {
	Reply
	norm     uint64 // FNV-1a of the normalised words
	nwords   int
	shingles []uint64 // sorted, distinct
}

func newFingerprint(r Reply, k int) (fingerprint, string) {
	ws := words(r.Text)
	r.Text = ""
	norm := strings.Join(ws, " ")
	h := fnv.New64a()
	h.Write([]byte(norm))
	fp := fingerprint{Reply: r, norm: h.Sum64(), nwords: len(ws)}
	if len(ws) == 0 {
		return fp, norm
	}
	if len(ws) < k {
		k = len(ws)
	}
	for i := 0; i+k <= len(ws); i++ {
		h.Reset()
		for j := i; j < i+k; j++ {
			h.Write([]byte(ws[j]))
			h.Write([]byte{0})
		}
		fp.shingles = append(fp.shingles, h.Sum64())
	}
	slices.Sort(fp.shingles)
	fp.shingles = slices.Clip(slices.Compact(fp.shingles))
	return fp, norm
}

func (fp *fingerprint) words() int { return fp.nwords }

// Jaccard returns the Jaccard similarity of the word k-shingles of two texts after
// Normalize: 1 for the same words in the same order, 0 for nothing in common.
func Jaccard(a, b string, k int) float64 {
	fa, _ := newFingerprint(Reply{Text: a}, max(1, k))
	fb, _ := newFingerprint(Reply{Text: b}, max(1, k))
	return jaccard(fa.shingles, fb.shingles)
}

func jaccard(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// similar reports whether two fingerprints are copies under cfg.
func similar(a, b *fingerprint, cfg CannedConfig) bool {
	if a.norm == b.norm {
		return true
	}
	la, lb := len(a.shingles), len(b.shingles)
	if la == 0 || lb == 0 {
		return false
	}
	// J ≤ min/max: skip pairs whose sizes alone rule them out.
	if float64(min(la, lb)) < cfg.Similarity*float64(max(la, lb)) {
		return false
	}
	return jaccard(a.shingles, b.shingles) >= cfg.Similarity
}

func recipientKey(r *Reply) string {
	if r.Recipient == "" {
		return "\x00" + r.ID
	}
	return handleKey(r.Recipient)
}

// index finds the candidate copies of a reply without comparing it to every other:
// prefix filtering (Chaudhuri, Ganti and Kaushik, 2006). Two shingle sets with
// Jaccard similarity t or more share at least ⌈t·|A|⌉ shingles, so under one
// global order of shingles (their hash) the first |A| − ⌈t·|A|⌉ + 1 of A and the
// first |B| − ⌈t·|B|⌉ + 1 of B intersect. Each reply is listed under its prefix.
type index struct {
	cfg  CannedConfig
	byID map[string]*fingerprint
	post map[uint64][]*fingerprint
}

func newIndex(cfg CannedConfig) *index {
	return &index{cfg: cfg, byID: map[string]*fingerprint{}, post: map[uint64][]*fingerprint{}}
}

// prefix returns the shingles a fingerprint is listed under.
func (x *index) prefix(fp *fingerprint) []uint64 {
	n := len(fp.shingles)
	p := n - int(math.Ceil(x.cfg.Similarity*float64(n)-1e-9)) + 1
	return fp.shingles[:max(1, min(n, p))]
}

// judged reports whether a fingerprint is long enough to be judged.
func (x *index) judged(fp *fingerprint) bool {
	return fp.words() >= x.cfg.MinWords && len(fp.shingles) > 0
}

func (x *index) add(fp *fingerprint) {
	x.remove(fp.ID)
	x.byID[fp.ID] = fp
	if !x.judged(fp) {
		return
	}
	for _, h := range x.prefix(fp) {
		x.post[h] = append(x.post[h], fp)
	}
}

func (x *index) remove(id string) {
	fp := x.byID[id]
	if fp == nil {
		return
	}
	delete(x.byID, id)
	if !x.judged(fp) {
		return
	}
	for _, h := range x.prefix(fp) {
		l := slices.DeleteFunc(x.post[h], func(o *fingerprint) bool { return o == fp })
		if len(l) == 0 {
			delete(x.post, h)
		} else {
			x.post[h] = l
		}
	}
}

// judge returns the verdict on fp, whose normalised text is norm, against the
// replies indexed.
func (x *index) judge(fp *fingerprint, norm string) CannedVerdict {
	v := CannedVerdict{Normalized: norm}
	if !x.judged(fp) {
		return v
	}
	users := map[string]bool{recipientKey(&fp.Reply): true}
	seen := map[*fingerprint]bool{}
	var copies []*fingerprint
	for _, h := range x.prefix(fp) {
		for _, c := range x.post[h] {
			if seen[c] || c.ID == fp.ID {
				continue
			}
			seen[c] = true
			if d := c.At.Sub(fp.At); d > x.cfg.Window || d < -x.cfg.Window {
				continue
			}
			if similar(fp, c, x.cfg) {
				copies = append(copies, c)
				users[recipientKey(&c.Reply)] = true
			}
		}
	}
	slices.SortFunc(copies, func(a, b *fingerprint) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	for _, c := range copies {
		v.Copies = append(v.Copies, c.ID)
	}
	v.Users = len(users)
	v.Canned = v.Users >= x.cfg.MinUsers
	return v
}

// FindCanned judges every reply against all the others: a reply is canned when it
// and its copies within Window either side reached MinUsers different users. The
// verdicts are keyed by reply id; when an id repeats, the last reply wins.
func FindCanned(replies []Reply, cfg CannedConfig) map[string]CannedVerdict {
	x := newIndex(cfg)
	norms := map[string]string{}
	for _, r := range replies {
		fp, norm := newFingerprint(r, cfg.ShingleSize)
		x.add(&fp)
		norms[r.ID] = norm
	}
	out := make(map[string]CannedVerdict, len(x.byID))
	for id, fp := range x.byID {
		out[id] = x.judge(fp, norms[id])
	}
	return out
}

// Canned checks own replies as they arrive, keeping those within twice the window
// of the latest. A reply is judged against the replies seen so far; FindCanned,
// which sees them all, can also flag the first copies of a text that only later
// reached MinUsers users. Canned is safe for concurrent use.
type Canned struct {
	mu     sync.Mutex
	cfg    CannedConfig
	x      *index
	fps    []*fingerprint // by At, for eviction
	latest time.Time
}

// NewCanned returns an empty check with cfg (Config.Canned).
func NewCanned(cfg CannedConfig) *Canned {
	return &Canned{cfg: cfg, x: newIndex(cfg)}
}

// Add records an own reply and returns the verdict on it. A reply added again (an
// edit) replaces its earlier text.
func (c *Canned) Add(r Reply) CannedVerdict {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.x.byID[r.ID] != nil {
		c.x.remove(r.ID)
		c.fps = slices.DeleteFunc(c.fps, func(fp *fingerprint) bool { return fp.ID == r.ID })
	}
	fp, norm := newFingerprint(r, c.cfg.ShingleSize)
	i := sort.Search(len(c.fps), func(i int) bool { return c.fps[i].At.After(r.At) })
	c.fps = slices.Insert(c.fps, i, &fp)
	c.x.add(&fp)
	if r.At.After(c.latest) {
		c.latest = r.At
		c.evict()
	}
	return c.x.judge(&fp, norm)
}

// Remove forgets a reply (deleted from the platform): it no longer counts as a copy.
func (c *Canned) Remove(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.x.byID[id] == nil {
		return
	}
	c.x.remove(id)
	c.fps = slices.DeleteFunc(c.fps, func(fp *fingerprint) bool { return fp.ID == id })
}

func (c *Canned) evict() {
	edge := c.latest.Add(-2 * c.cfg.Window)
	n := sort.Search(len(c.fps), func(i int) bool { return !c.fps[i].At.Before(edge) })
	if n == 0 {
		return
	}
	for _, fp := range c.fps[:n] {
		c.x.remove(fp.ID)
	}
	c.fps = slices.Delete(c.fps, 0, n)
}

// Len returns the number of replies held.
func (c *Canned) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.fps)
}
