package simulated

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/ife-mx/vigia/connectors"
)

// Label is the ground-truth class of a user's comment, reply or mention.
type Label string

// The labels a user item can carry; the account's own items carry none.
const (
	LabelQuestion    Label = "question"
	LabelInfoRequest Label = "info_request"
	LabelSuggestion  Label = "suggestion"
	LabelComplaint   Label = "complaint"
	LabelPraise      Label = "praise"
	LabelCriticism   Label = "criticism"
	LabelOffensive   Label = "offensive"
	LabelSpam        Label = "spam"
	LabelOther       Label = "other"
)

// Labels lists every Label in a stable order.
var Labels = []Label{
	LabelQuestion, LabelInfoRequest, LabelSuggestion, LabelComplaint, LabelPraise,
	LabelCriticism, LabelOffensive, LabelSpam, LabelOther,
}

// Calendar constants. The world lives in Mexico City time, UTC−6 with no
// daylight saving (Mexico abolished it in 2022). A fixed offset keeps the world
// independent of the host's tzdata.
const (
	daySeconds  = 86400
	tzOffset    = -6 * 3600
	officeOpen  = 9 * 3600
	officeClose = 18 * 3600
	// maxSpill is how many days after day d the consequences of day d's posts
	// (comments, answers, edits, deletions) may still happen.
	maxSpill = 7
)

var mxZone = time.FixedZone("CST", tzOffset)

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// dayOf is the local (Mexico City) day number of a Unix time.
func dayOf(unix int64) int64 { return floorDiv(unix+tzOffset, daySeconds) }

// dayStart is the Unix time of local midnight starting day d.
func dayStart(d int64) int64 { return d*daySeconds - tzOffset }

func weekday(d int64) time.Weekday {
	return time.Weekday(((d+4)%7 + 7) % 7) // 1970-01-01 was a Thursday
}

func businessDay(d int64) bool {
	wd := weekday(d)
	return wd >= time.Monday && wd <= time.Friday
}

// nextOpen returns t if it falls in office hours, else the next opening.
func nextOpen(t int64) int64 {
	d := dayOf(t)
	sec := t - dayStart(d)
	if businessDay(d) && sec < officeClose {
		if sec < officeOpen {
			return dayStart(d) + officeOpen
		}
		return t
	}
	for d++; !businessDay(d); d++ {
	}
	return dayStart(d) + officeOpen
}

// addBusiness adds dur seconds of office time to t.
func addBusiness(t, dur int64) int64 {
	t = nextOpen(t)
	for {
		end := dayStart(dayOf(t)) + officeClose
		if t+dur < end {
			return t + dur
		}
		dur -= end - t
		t = nextOpen(end)
	}
}

type author struct {
	id, handle, name, first string
}

type version struct {
	text string
	at   int64
}

// item is one generated post, comment, reply or mention, with its whole future:
// versions, deletion and first own answer.
type item struct {
	id        string
	seq       int // creation index within its day
	kind      connectors.Kind
	parent    *item
	root      *item
	own       bool
	author    *author // nil for own items
	label     Label
	versions  []version
	isDeleted bool
	deleted   int64
	answer    *item
	media     []connectors.Media
	dropped   bool
}

func (it *item) created() int64 { return it.versions[0].at }

type evType uint8

const (
	evCreate evType = iota
	evEdit
	evDelete
)

// event is one thing that happens at an instant: an item is published, edited
// or deleted. (at, day, seq) orders the whole stream of an account.
type event struct {
	at  int64
	day int64
	seq int64
	typ evType
	ver int
	it  *item
}

// pos is a position in an account's event stream.
type pos struct{ at, day, seq int64 }

func (e *event) pos() pos { return pos{e.at, e.day, e.seq} }

func (p pos) compare(q pos) int {
	if c := cmp.Compare(p.at, q.at); c != 0 {
		return c
	}
	if c := cmp.Compare(p.day, q.day); c != 0 {
		return c
	}
	return cmp.Compare(p.seq, q.seq)
}

// dayData is everything caused by one account's activity on one day. It is
// immutable once built and shared through the World's cache.
type dayData struct {
	items  []*item // surviving items, in creation-time order
	events []event // sorted by (at, seq)
	size   int64   // approximate bytes held, for the cache's bound
}

// sizeOf approximates the bytes a day holds: its items (struct, id, versions
// and their texts, media) and its events.
func sizeOf(items []*item, events []event) int64 {
	n := int64(cap(events))*int64(unsafe.Sizeof(event{})) + int64(cap(items))*int64(unsafe.Sizeof((*item)(nil)))
	for _, it := range items {
		n += int64(unsafe.Sizeof(*it)) + int64(len(it.id)) + int64(cap(it.versions))*int64(unsafe.Sizeof(version{}))
		for _, v := range it.versions {
			n += int64(len(v.text))
		}
		for _, m := range it.media {
			n += int64(unsafe.Sizeof(m)) + int64(len(m.URL)+len(m.AltText))
		}
	}
	return n
}

// pool is an account's deterministic population of users.
type pool struct {
	users []*author
	spam  []*author
}

const poolSize = 600

func newPool(seed int64, acctID string) *pool {
	r := newRNG(seed, "pool", acctID)
	seen := map[string]bool{}
	p := &pool{}
	for i := range poolSize {
		first, sur, sur2 := pick(r, firstNames), pick(r, surnames), pick(r, surnames)
		nick := pick(r, nicknames)
		fs, fs2 := fold(sur), fold(sur2)
		var h string
		switch r.intn(7) {
		case 0:
			h = fold(first) + "_" + fs[:min(3, len(fs))] + strconv.Itoa(int(r.between(10, 99)))
		case 1:
			h = fold(first) + fs
		case 2:
			h = pick(r, []string{"el", "la", "soy"}) + nick + "_" + strconv.Itoa(int(r.between(1, 999)))
		case 3:
			h = nick + "_" + pick(r, states).abbrev
		case 4:
			h = fold(first)[:1] + fs + fs2[:1]
		case 5:
			h = "user" + strconv.Itoa(int(r.between(10000000, 99999999)))
		default:
			h = fold(first) + "_" + fs + "_" + strconv.Itoa(int(r.between(1950, 2005)))
		}
		for seen[h] {
			h += "_" + strconv.Itoa(i)
		}
		seen[h] = true
		var name string
		switch r.intn(6) {
		case 0:
			name = first + " " + sur + " " + sur2
		case 1:
			name = strings.ToUpper(nick[:1]) + nick[1:] + " " + pick(r, happyEmoji)
		case 2:
			name = first + " " + sur[:1] + "."
		case 3:
			name = strings.ToLower(first + " " + sur)
		case 4:
			name = first + " " + sur + " 🇲🇽"
		default:
			name = first + " " + sur
		}
		p.users = append(p.users, &author{
			id:     strconv.FormatUint(hashKey(seed, "user", acctID, i)>>1, 10),
			handle: h, name: name, first: first,
		})
	}
	for i, s := range spamNames {
		p.spam = append(p.spam, &author{
			id:     strconv.FormatUint(hashKey(seed, "spam", acctID, i)>>1, 10),
			handle: s.handle + "_" + strconv.Itoa(int(hashKey(seed, "spamh", acctID, i)%900+100)),
			name:   s.name, first: s.name,
		})
	}
	return p
}

// gen builds one day of one account.
type gen struct {
	r       *rng // structure and texts
	h       *rng // hostile decisions; drawn a fixed number of times per user item
	seed    int64
	acctID  string
	handle  string
	day     int64
	limit   int64 // every event of the day happens before limit
	pool    *pool
	hostile float64
	items   []*item
}

func genDay(seed int64, acctID, handle string, d int64, p *pool, hostile float64) *dayData {
	g := &gen{
		r:       newRNG(seed, "day", acctID, d),
		h:       newRNG(seed, "hostile", acctID, d),
		seed:    seed,
		acctID:  acctID,
		handle:  handle,
		day:     d,
		limit:   dayStart(d + maxSpill + 1),
		pool:    p,
		hostile: hostile,
	}
	g.run()
	return g.finish()
}

func (g *gen) run() {
	start := dayStart(g.day)
	biz := businessDay(g.day)
	var n int
	if biz {
		n = 3 + g.r.intn(6)
	} else {
		n = 1 + g.r.intn(3)
	}
	times := make([]int64, n)
	for i := range times {
		switch {
		case !biz:
			times[i] = start + g.r.between(10*3600, 20*3600)
		case g.r.chance(0.75):
			times[i] = start + g.r.between(8*3600, 19*3600)
		default:
			times[i] = start + g.r.between(19*3600, 22*3600+1800)
		}
	}
	slices.Sort(times)
	for _, t := range times {
		g.post(t)
	}
	var m int
	if biz {
		m = 3 + g.r.intn(7)
	} else {
		m = 2 + g.r.intn(5)
	}
	for range m {
		g.mention(start + g.r.between(7*3600, daySeconds-1))
	}
}

func (g *gen) newItem(kind connectors.Kind, parent *item, at int64, a *author, label Label, text string) *item {
	if parent != nil && at <= parent.created() {
		at = parent.created() + 1
	}
	if at >= g.limit {
		return nil
	}
	if a != nil {
		u, v := g.h.float(), g.h.u64()
		if u < g.hostile {
			text = hostilize(text, v)
		}
	}
	it := &item{
		id:       g.itemID(len(g.items)),
		seq:      len(g.items),
		kind:     kind,
		parent:   parent,
		own:      a == nil,
		author:   a,
		label:    label,
		versions: []version{{text: text, at: at}},
	}
	if parent != nil {
		it.root = parent.root
		if it.root == nil {
			it.root = parent
		}
	}
	g.items = append(g.items, it)
	return it
}

// itemID is the external id of the day's item number seq: account-day-seq.
func (g *gen) itemID(seq int) string {
	b := make([]byte, 0, len(g.acctID)+16)
	b = append(b, g.acctID...)
	b = append(b, '-')
	b = strconv.AppendInt(b, g.day, 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(seq), 10)
	return string(b)
}

func (g *gen) post(t int64) {
	p := g.newItem(connectors.KindPost, nil, t, nil, "", g.fill(pick(g.r, postTemplates), t, nil))
	if p == nil {
		return
	}
	switch u := g.r.float(); {
	case u < 0.35:
		p.media = []connectors.Media{{Type: "photo", URL: "https://media.simulated.invalid/" + p.id + ".jpg", AltText: pick(g.r, mediaAlts)}}
	case u < 0.42:
		p.media = []connectors.Media{{Type: "video", URL: "https://media.simulated.invalid/" + p.id + ".mp4"}}
	}
	if g.r.chance(0.04) {
		g.edit(p, postEditSuffixes, 300, 3*3600)
		if g.r.chance(0.25) {
			g.edit(p, postEditSuffixes, 300, 3*3600)
		}
	}
	if g.r.chance(0.015) {
		g.del(p, 1800, 36*3600)
	}
	nc := int(g.r.exp(9))
	if g.r.chance(0.08) {
		nc += int(g.r.exp(40)) // a post that catches on
	}
	nc = min(nc, 150)
	for range nc {
		var dt int64
		if g.r.chance(0.06) {
			dt = g.r.between(6*3600, 48*3600)
		} else {
			dt = min(30+int64(g.r.exp(2.5*3600)), 48*3600)
		}
		g.comment(p, t+dt)
	}
}

func (g *gen) comment(p *item, t int64) {
	label := g.r.label(commentLabels)
	a := g.author(label)
	c := g.newItem(connectors.KindComment, p, t, a, label, g.userText(commentTemplates, label, t, nil))
	if c == nil {
		return
	}
	g.userEditDelete(c)
	g.maybeAnswer(c, 1)
	if g.r.chance(0.22) {
		at := c.created()
		for range 1 + g.r.intn(3) {
			at += 60 + int64(g.r.exp(5400))
			g.userReply(c, at)
		}
	}
}

func (g *gen) userReply(c *item, at int64) {
	label := g.r.label(userReplyLabels)
	a := g.author(label)
	r := g.newItem(connectors.KindReply, c, at, a, label, g.userText(userReplyTemplates, label, at, c.author))
	if r != nil {
		g.userEditDelete(r)
	}
}

func (g *gen) mention(t int64) {
	label := g.r.label(mentionLabels)
	a := g.author(label)
	var text string
	if bank := mentionTemplates[label]; len(bank) > 0 && g.r.chance(0.35) {
		text = g.fill(pick(g.r, bank), t, nil)
	} else {
		text = g.userText(commentTemplates, label, t, nil)
		if g.r.chance(0.7) {
			text = "@" + g.handle + " " + text
		} else {
			text += " @" + g.handle
		}
	}
	m := g.newItem(connectors.KindMention, nil, t, a, label, text)
	if m == nil {
		return
	}
	g.userEditDelete(m)
	g.maybeAnswer(m, 0.9)
}

// maybeAnswer lets the account answer x (never spam or offensive), during
// office hours after a realistic delay; a user may then follow up.
func (g *gen) maybeAnswer(x *item, factor float64) {
	p, ok := answerProb[x.label]
	if !ok || !g.r.chance(p*factor) {
		return
	}
	at := g.answerTime(x.created())
	var text string
	if g.r.chance(0.3) {
		text = pick(g.r, cannedAnswers)
	} else {
		text = g.fill(pick(g.r, ownAnswerTemplates[x.label]), at, x.author)
	}
	kind := connectors.KindReply
	if x.kind == connectors.KindMention {
		kind = connectors.KindComment // a direct reply to someone else's post
	}
	a := g.newItem(kind, x, at, nil, "", text)
	if a == nil {
		return
	}
	x.answer = a
	if g.r.chance(0.01) {
		g.edit(a, ownEditSuffixes, 120, 3600)
	}
	if g.r.chance(0.005) {
		g.del(a, 600, 7200)
	}
	if x.parent != nil && x.parent.own {
		return // x is already a follow-up; stop the chain
	}
	if g.r.chance(0.15) {
		fl := g.r.label(followUpLabels)
		ft := a.created() + 120 + int64(g.r.exp(2*3600))
		f := g.newItem(connectors.KindReply, a, ft, x.author, fl, g.userText(followUpTemplates, fl, ft, nil))
		if f != nil {
			g.userEditDelete(f)
			g.maybeAnswer(f, 0.5)
		}
	}
}

func (g *gen) answerTime(t int64) int64 {
	switch {
	case g.r.chance(0.03): // the community manager on duty at night or on a weekend
		return t + g.r.between(600, 6600)
	case g.r.chance(0.2): // left for the next business day
		d := dayOf(t) + 1
		for !businessDay(d) {
			d++
		}
		return dayStart(d) + officeOpen + g.r.between(300, 4*3600)
	default:
		return addBusiness(t, min(300+int64(g.r.exp(5400)), 8*3600))
	}
}

func (g *gen) author(label Label) *author {
	if label == LabelSpam && g.r.chance(0.85) {
		return pick(g.r, g.pool.spam)
	}
	u := g.r.float()
	return g.pool.users[int(float64(len(g.pool.users))*u*u)]
}

func (g *gen) userEditDelete(x *item) {
	if g.r.chance(0.03) {
		g.edit(x, userEditSuffixes, 60, 2*3600)
	}
	p := 0.025
	switch x.label {
	case LabelSpam:
		p = 0.12
	case LabelOffensive:
		p = 0.10
	}
	if g.r.chance(p) {
		g.del(x, 120, 48*3600)
	}
}

func (g *gen) edit(x *item, suffixes []string, lo, hi int64) {
	last := x.versions[len(x.versions)-1]
	at := last.at + g.r.between(lo, hi)
	x.versions = append(x.versions, version{text: last.text + g.fill(pick(g.r, suffixes), at, nil), at: at})
}

func (g *gen) del(x *item, lo, hi int64) {
	x.isDeleted = true
	x.deleted = x.created() + g.r.between(lo, hi)
}

// finish applies the platform's rules (deleting an item removes its replies; no
// one answers a deleted item; nothing happens after the spill limit) and builds
// the sorted event list.
func (g *gen) finish() *dayData {
	items := slices.Clone(g.items)
	slices.SortStableFunc(items, func(a, b *item) int {
		return cmp.Or(cmp.Compare(a.created(), b.created()), cmp.Compare(a.seq, b.seq))
	})
	kept := items[:0]
	for _, it := range items {
		if p := it.parent; p != nil {
			if p.dropped || (p.isDeleted && p.deleted <= it.created()) {
				it.dropped = true
				continue
			}
			if p.isDeleted && (!it.isDeleted || p.deleted < it.deleted) {
				it.isDeleted, it.deleted = true, p.deleted
			}
		}
		if it.isDeleted && it.deleted >= g.limit {
			it.isDeleted = false
		}
		n := 1
		for n < len(it.versions) && it.versions[n].at < g.limit && (!it.isDeleted || it.versions[n].at < it.deleted) {
			n++
		}
		it.versions = it.versions[:n]
		kept = append(kept, it)
	}
	var evs []event
	for _, it := range kept {
		if it.answer != nil && it.answer.dropped {
			it.answer = nil
		}
		for v, ver := range it.versions {
			typ := evEdit
			if v == 0 {
				typ = evCreate
			}
			evs = append(evs, event{at: ver.at, day: g.day, typ: typ, ver: v, it: it})
		}
		if it.isDeleted {
			evs = append(evs, event{at: it.deleted, day: g.day, typ: evDelete, ver: len(it.versions) - 1, it: it})
		}
	}
	slices.SortFunc(evs, func(a, b event) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.it.seq, b.it.seq), cmp.Compare(a.typ, b.typ), cmp.Compare(a.ver, b.ver))
	})
	for i := range evs {
		evs[i].seq = int64(i)
	}
	return &dayData{items: kept, events: evs, size: sizeOf(kept, evs)}
}

// userText fills a template of the label from bank (or the comment bank) and
// decorates it the way people type.
func (g *gen) userText(bank map[Label][]string, label Label, at int64, other *author) string {
	tpls := bank[label]
	if len(tpls) == 0 {
		tpls = commentTemplates[label]
	}
	s := g.fill(pick(g.r, tpls), at, other)
	if label == LabelSpam {
		return s
	}
	switch label {
	case LabelQuestion, LabelInfoRequest, LabelComplaint, LabelSuggestion:
		if g.r.chance(0.15) && !hasAnyPrefix(s, "@", "Buen", "Hola", "Oigan", "Pregunta") {
			if gr := pick(g.r, greetings); strings.HasSuffix(gr, ", ") {
				s = gr + lowerFirst(s)
			} else {
				s = gr + s
			}
		}
	}
	if g.r.chance(0.25) {
		switch label {
		case LabelComplaint, LabelCriticism, LabelOffensive:
			s += " " + pick(g.r, angryEmoji)
		case LabelPraise:
			s += " " + pick(g.r, happyEmoji)
		default:
			s += " " + pick(g.r, anyEmoji)
		}
	}
	switch label {
	case LabelComplaint, LabelCriticism, LabelOffensive:
		if g.r.chance(0.08) {
			s = strings.ToUpper(s)
		}
	}
	if g.r.chance(0.12) {
		s = stripAccents(s)
	}
	if g.r.chance(0.05) {
		s += pick(g.r, []string{"!!!", "???", "!!", " ..."})
	}
	return s
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// lowerFirst lower-cases the first letter, after an opening ¿ or ¡.
func lowerFirst(s string) string {
	lead := ""
	if strings.HasPrefix(s, "¿") || strings.HasPrefix(s, "¡") {
		lead, s = s[:len("¿")], s[len("¿"):]
	}
	c, size := utf8.DecodeRuneInString(s)
	return lead + string(unicode.ToLower(c)) + s[size:]
}

// fill replaces {slot}s in tpl. Slots that name a place, a district or a date
// are chosen once per text so that they agree with each other.
func (g *gen) fill(tpl string, at int64, other *author) string {
	if !strings.Contains(tpl, "{") {
		return tpl
	}
	f := filler{g: g, at: at, other: other}
	var b strings.Builder
	b.Grow(len(tpl) + 32)
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			b.WriteString(tpl)
			break
		}
		j := strings.IndexByte(tpl[i:], '}')
		if j < 0 {
			b.WriteString(tpl)
			break
		}
		b.WriteString(tpl[:i])
		b.WriteString(f.slot(tpl[i+1 : i+j]))
		tpl = tpl[i+j+1:]
	}
	return b.String()
}

type filler struct {
	g        *gen
	at       int64
	other    *author
	pl       *place
	distrito int
	fecha    int64
}

func (f *filler) place() place {
	if f.pl == nil {
		p := pick(f.g.r, places)
		f.pl = &p
	}
	return *f.pl
}

func (f *filler) district() int {
	if f.distrito == 0 {
		f.distrito = 1 + f.g.r.intn(27)
	}
	return f.distrito
}

func (f *filler) date() int64 {
	if f.fecha == 0 {
		f.fecha = f.at + f.g.r.between(1, 45)*daySeconds
	}
	return f.fecha
}

func spanishDate(unix int64) string {
	t := time.Unix(unix, 0).In(mxZone)
	return strconv.Itoa(t.Day()) + " de " + months[t.Month()-1]
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (f *filler) slot(name string) string {
	r := f.g.r
	switch name {
	case "estado":
		return f.place().estado
	case "municipio":
		return f.place().municipio
	case "modulo":
		return string(zpad(zpad(zpad(nil, f.place().code, 2), f.district(), 2), 1+r.intn(9), 2))
	case "distrito":
		return string(zpad(nil, f.district(), 2))
	case "seccion":
		return string(zpad(nil, 1+r.intn(4999), 4))
	case "fecha":
		return spanishDate(f.date())
	case "fecha2":
		return spanishDate(f.date() + r.between(2, 20)*daySeconds)
	case "dia":
		return weekdays[time.Unix(f.date(), 0).In(mxZone).Weekday()]
	case "hora":
		return pick(r, hours)
	case "cred":
		return pick(r, []string{"03", "06", "09", "12", "15", "18"})
	case "folio":
		yy := time.Unix(f.at, 0).In(mxZone).Year() % 100
		return string(zpad(zpad(zpad(zpad(make([]byte, 0, 13), yy, 2), f.place().code, 2), f.district(), 2), r.intn(10000000), 7))
	case "tel":
		return "01 800 433 2000"
	case "url":
		return "https://www.ife.org.mx/" + pick(r, urlPaths)
	case "spamurl":
		const alnum = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
		var b [7]byte
		for i := range b {
			b[i] = alnum[r.intn(len(alnum))]
		}
		return pick(r, shortHosts) + string(b[:])
	case "telspam":
		a := zpad(make([]byte, 0, 9), r.intn(10000), 4)
		return string(zpad(append(a, ' '), r.intn(10000), 4))
	case "monto":
		return pick(r, amounts)
	case "dias":
		return strconv.Itoa(int(r.between(5, 90)))
	case "cifra":
		return thousands(r.between(120, 150000))
	case "anio":
		return strconv.Itoa(time.Unix(f.at, 0).In(mxZone).Year())
	case "usuario":
		if f.other != nil {
			return f.other.handle
		}
		return pick(r, f.g.pool.users).handle
	case "nombre":
		if f.other != nil {
			return f.other.first
		}
		return "ciudadano"
	case "cuenta":
		return f.g.handle
	case "hashtag":
		return pick(r, hashtags)
	case "sesion":
		return pick(r, sessions)
	case "emoji":
		return pick(r, anyEmoji)
	}
	return "{" + name + "}"
}

// zpad appends the decimal form of a non-negative n, zero-padded to width (as
// fmt's %0Nd).
func zpad(b []byte, n, width int) []byte {
	var d [20]byte
	ds := strconv.AppendInt(d[:0], int64(n), 10)
	for i := len(ds); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, ds...)
}

// maxBody caps generated bodies (hostile long texts included) at 64 KiB.
const maxBody = 64 << 10

// hostilize turns a text into one of the hostile shapes a real network lets
// through: markup and injection attempts, invalid UTF-8, NUL, bidi overrides,
// invisible characters, and very long bodies.
func hostilize(text string, v uint64) string {
	r := newRNGFrom(v)
	switch r.intn(8) {
	case 0:
		return text + pick(r, hostileSnippets)
	case 1:
		return text + " \xff\xfe\xc3( fin"
	case 2:
		return text + "\x00oculto"
	case 3:
		return "\u202e" + text + "\u202c"
	case 4:
		var b strings.Builder
		for i, c := range text {
			b.WriteRune(c)
			if i < 40 && c != ' ' {
				b.WriteString("\u200b")
			}
		}
		return b.String()
	case 5:
		var b strings.Builder
		for _, c := range text {
			b.WriteRune(c)
			b.WriteString("\u0301\u0336")
		}
		return b.String()
	default:
		n := int(r.between(8<<10, maxBody-512))
		var b strings.Builder
		b.Grow(n + len(text) + 1)
		for b.Len() < n {
			b.WriteString(text)
			b.WriteByte(' ')
		}
		s := b.String()
		if len(s) > n {
			for n > 0 && !utf8.RuneStart(s[n]) {
				n--
			}
			s = s[:n]
		}
		return s
	}
}
