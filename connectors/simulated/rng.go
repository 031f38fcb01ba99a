package simulated

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/bits"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// rng is a small deterministic generator over PCG-DXSM. Only the PCG output is
// used (its algorithm is specified), with our own derivations, so the world does
// not change if math/rand/v2 ever changes how Rand derives IntN or Float64.
type rng struct{ p rand.PCG }

// hashKey hashes a seed and a list of parts (strings or int64) with FNV-1a.
func hashKey(seed int64, parts ...any) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			h.Write([]byte(v))
			h.Write([]byte{0})
		case int64:
			binary.LittleEndian.PutUint64(b[:], uint64(v))
			h.Write(b[:])
		case int:
			binary.LittleEndian.PutUint64(b[:], uint64(v))
			h.Write(b[:])
		}
	}
	return h.Sum64()
}

func newRNG(seed int64, parts ...any) *rng {
	h := hashKey(seed, parts...)
	r := &rng{}
	r.p.Seed(h, splitmix(h))
	return r
}

func newRNGFrom(u uint64) *rng {
	r := &rng{}
	r.p.Seed(u, splitmix(u))
	return r
}

// splitmix is the SplitMix64 finaliser, used to derive a second seed word.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (r *rng) u64() uint64 { return r.p.Uint64() }

// intn returns a value in [0, n); n must be positive.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.u64(), uint64(n))
	return int(hi)
}

// between returns a value in [lo, hi].
func (r *rng) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + int64(r.intn(int(hi-lo+1)))
}

// float returns a value in [0, 1).
func (r *rng) float() float64 { return float64(r.u64()>>11) / (1 << 53) }

func (r *rng) chance(p float64) bool { return r.float() < p }

// exp returns an exponentially distributed value with the given mean.
func (r *rng) exp(mean float64) float64 { return -mean * math.Log(1-r.float()) }

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// dist is a discrete distribution of labels; probabilities sum to 1.
type dist []struct {
	l Label
	p float64
}

func (r *rng) label(d dist) Label {
	u := r.float()
	for _, e := range d {
		if u < e.p {
			return e.l
		}
		u -= e.p
	}
	return d[len(d)-1].l
}

// fold removes Spanish accents and lower-cases, for handles (ASCII only).
func fold(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case 'á', 'Á':
			c = 'a'
		case 'é', 'É':
			c = 'e'
		case 'í', 'Í':
			c = 'i'
		case 'ó', 'Ó':
			c = 'o'
		case 'ú', 'Ú', 'ü', 'Ü':
			c = 'u'
		case 'ñ', 'Ñ':
			c = 'n'
		}
		c = unicode.ToLower(c)
		if c < utf8.RuneSelf && (unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_') {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// stripAccents drops the accents people often skip when typing on a phone, but
// keeps ñ (folding it would turn "año" into something else).
func stripAccents(s string) string { return accentStripper.Replace(s) }

// accentStripper is immutable and safe for concurrent use.
var accentStripper = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "Á", "A", "É", "E", "Í", "I", "Ó", "O", "Ú", "U")
