package offensive

import "math"

// Feature hashing: every feature is a 32-bit FNV-1a hash in its own namespace, masked to
// the model's 2^Bits weights. Nothing allocates: hashes are computed straight from the
// scratch buffers.

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func hstr(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= fnvPrime
	}
	return h
}

func hbytes(h uint32, b []byte) uint32 {
	for _, c := range b {
		h ^= uint32(c)
		h *= fnvPrime
	}
	return h
}

// fmix is murmur3's finaliser, to spread combined hashes.
func fmix(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

var (
	nsWord    = hstr(fnvOffset, "w:")
	nsChar    = hstr(fnvOffset, "c:")
	nsBigram  = uint32(0x9E3779B1)
	hMention  = fmix(hstr(nsWord, "@mention"))
	hNumber   = fmix(hstr(nsWord, "#number"))
	hURL      = fmix(hstr(nsWord, "#url"))
	hBOS      = fmix(hstr(nsWord, "#bos"))
	lexFeat   [len(allCatsArr)][4]uint32 // [cat][directed, undirected, intensifier, emoji+target]
	sevFeat   [4]uint32
	howFeat   [len(howNames)]uint32
	hThreat   = fmix(hstr(fnvOffset, "lx:threat_pattern"))
	hCue      = fmix(hstr(fnvOffset, "lx:cue"))
	hMentionT = fmix(hstr(fnvOffset, "lx:mention_target"))
	hNoLex    = fmix(hstr(fnvOffset, "lx:none"))
	hCueHit   = fmix(hstr(fnvOffset, "lx:cue_and_hit"))
)

// allCatsArr sizes the feature table; it must list allCats.
var allCatsArr = [...]string{CatInsult, CatFamilyCurse, CatSexual, CatHomophobic,
	CatMisogynistic, CatRacist, CatDehumanising, CatThreat, CatProfanity, CatPolitical, CatIdiom}

func init() {
	for i, c := range allCatsArr {
		for j, st := range [...]string{"directed", "undirected", "intensifier", "emoji"} {
			lexFeat[i][j] = fmix(hstr(fnvOffset, "lx:"+c+":"+st))
		}
	}
	for i := range sevFeat {
		sevFeat[i] = fmix(hstr(fnvOffset, "lx:sev:"+string(rune('0'+i))))
	}
	for i, n := range howNames {
		howFeat[i] = fmix(hstr(fnvOffset, "lx:how:"+n))
	}
}

// tokenForm returns the form a token contributes to word and character features: the
// lexicon's canonical word when it was recognised, otherwise its folded form.
func (s *scratch) tokenForm(lx *Lexicon, t *token) (string, []byte) {
	if t.word >= 0 {
		return lx.words[t.word], nil
	}
	if t.word <= -2 {
		return lx.entries[-2-t.word].Text, nil
	}
	return "", s.fold(t)
}

// features fills s.feats with the hashed features of the normalised text and the lexicon
// result; s.nText tells where the text features end. Text features are weighted by
// textScale(nText), so that a long text's many n-grams do not drown the few lexicon
// features, which carry the target analysis.
func (s *scratch) features(lx *Lexicon, res *lexResult, bits uint8) {
	mask := uint32(1)<<bits - 1
	feats := s.feats[:0]
	prev := hBOS
	prevSent := int32(-1)
	for i := range s.toks {
		t := &s.toks[i]
		var hw uint32
		chars := false
		switch t.kind {
		case KindWord, KindHashtagPart:
			chars = true
		case KindHashtag:
			// Whole hashtags count only when they were not split into parts.
			if i+1 < len(s.toks) && s.toks[i+1].kind == KindHashtagPart {
				continue
			}
			chars = true
		case KindJoined, KindMasked:
			if t.word == -1 {
				continue
			}
		case KindEmoji:
		case KindMention:
			hw = hMention
		case KindNumber:
			hw = hNumber
		case KindURL:
			hw = hURL
		default:
			continue
		}
		str, b := s.tokenForm(lx, t)
		if hw == 0 {
			if b == nil {
				hw = fmix(hstr(nsWord, str))
			} else {
				hw = fmix(hbytes(nsWord, b))
			}
		}
		if t.mark != markNone {
			// A term that needs a target counts only together with the lexicon
			// layer's finding: "rata" aimed at someone and "una rata en el módulo"
			// are different features, and its letters give no n-grams.
			hw = fmix(hw ^ uint32(t.mark)*0x27d4eb2f)
			chars = false
		}
		feats = append(feats, hw&mask)
		if t.kind != KindJoined && t.kind != KindMasked {
			if t.sent != prevSent {
				prev = hBOS
				prevSent = t.sent
			}
			feats = append(feats, fmix(prev*nsBigram^hw)&mask)
			prev = hw
		}
		if !chars || t.how == howAllowed {
			// Allow-listed words give no character n-grams: "barata" must not look like
			// "rata".
			continue
		}
		// Character 3- to 5-grams of " form ", hashed incrementally from each start.
		pad := append(s.key[:0], ' ')
		if b != nil {
			pad = append(pad, b...)
		} else {
			pad = append(pad, str...)
		}
		pad = append(pad, ' ')
		s.key = pad
		for st := 0; st+3 <= len(pad); st++ {
			h := uint32(nsChar)
			h = (h ^ uint32(pad[st])) * fnvPrime
			h = (h ^ uint32(pad[st+1])) * fnvPrime
			for k := st + 2; k < st+5 && k < len(pad); k++ {
				h = (h ^ uint32(pad[k])) * fnvPrime
				feats = append(feats, fmix(h^uint32(k-st))&mask)
			}
		}
	}
	s.nText = len(feats)
	// Lexicon-layer features.
	anyHit := false
	for i := range s.hits {
		h := &s.hits[i]
		st := 1
		switch {
		case h.emoji && (h.directed || res.mention):
			st = 3
		case h.emoji:
			st = 1
		case h.intens:
			st = 2
		case h.directed:
			st = 0
		}
		feats = append(feats, lexFeat[h.cat][st]&mask)
		if h.directed && int(h.cat) < len(offensiveCats) {
			feats = append(feats, sevFeat[h.sev&3]&mask)
		}
		if h.how != howExact {
			feats = append(feats, howFeat[h.how]&mask)
		}
		anyHit = true
	}
	if !anyHit {
		feats = append(feats, hNoLex&mask)
	}
	if res.threat {
		feats = append(feats, hThreat&mask)
	}
	if res.cues > 0 {
		feats = append(feats, hCue&mask)
		if anyHit {
			feats = append(feats, hCueHit&mask)
		}
	}
	if res.mention {
		feats = append(feats, hMentionT&mask)
	}
	s.feats = feats
}

// textScale is the value of each text feature: the text features of one comment form a
// vector of unit length (with repeats counted), whatever the comment's length.
func textScale(n int) float64 {
	if n <= 0 {
		return 0
	}
	return 1 / math.Sqrt(float64(n))
}
