package offensive

import (
	"strings"
	"testing"
)

// pathological are long inputs built to hit every quadratic path the classifier could
// have; BenchmarkClassify_Pathological measures them (no timed assertions in tests).
var pathological = map[string]string{
	"letters":  strings.Repeat("a ", 30000),
	"dots":     strings.Repeat("a.", 30000),
	"masks":    strings.Repeat("ab*", 20000),
	"stars":    strings.Repeat("*", 60000),
	"at":       strings.Repeat("@", 60000),
	"atword":   strings.Repeat("@a", 30000),
	"hash":     strings.Repeat("#Aa", 20000),
	"longword": strings.Repeat("a", 65000),
	"leet":     "a" + strings.Repeat("4@", 30000),
	"insults":  strings.Repeat("pendejo, ", 7000),
	"threats":  strings.Repeat("te voy a matar ", 4000),
	"emoji":    strings.Repeat("🐀", 16000),
	"marks":    "a" + strings.Repeat("\u0301", 30000),
	"urls":     strings.Repeat("http://a ", 7000),
	"hw":       strings.Repeat("hw", 30000),
	"digits":   strings.Repeat("1 ", 30000),
	"ch":       strings.Repeat("ch.", 20000),
	"spaced":   strings.Repeat("p u t o ", 7000),
}

func TestClassify_Pathological(t *testing.T) {
	t.Parallel()
	c := classifier(t)
	for name, s := range pathological {
		v := c.Classify(s)
		for _, e := range v.Evidence {
			if e.End > len(s) || s[e.Start:e.End] != e.Text {
				t.Errorf("%s: bad span %+v", name, e)
			}
		}
	}
}

func BenchmarkClassify_Pathological(b *testing.B) {
	c := classifier(b)
	for name, s := range pathological {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for i := 0; i < b.N; i++ {
				c.Classify(s)
			}
		})
	}
}
