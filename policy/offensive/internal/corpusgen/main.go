// Command corpusgen writes Vigía's labelled corpus of comments addressed to an electoral
// institute's accounts in Mexican Spanish, from the templates and slot fillers in
// families.go. It is deterministic: the same source always writes the same files.
//
//	go run ./internal/corpusgen -out testdata/corpus
//
// It writes train.jsonl and heldout.jsonl; whole template families go to the held-out
// split (every fifth family of each category), so near-duplicates never straddle it.
// CORPUS.md describes the method.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ife-mx/vigia/policy/offensive/internal/obfuscate"
)

// scale multiplies each family's size by category (in tenths), to reach the corpus
// targets: at least 600 offensive, 600 criticism and 300 idiom examples.
var scale = map[string]int{
	"insult": 22, "family_curse": 20, "sexual": 20, "homophobic": 22, "misogynistic": 22,
	"racist": 22, "dehumanising": 20, "threat": 20, "criticism": 26, "idiom": 24,
	"question": 20, "complaint": 20, "praise": 20, "neutral": 20,
}

type family struct {
	name string
	cat  string
	off  bool
	n    int
	tpls []string
}

type example struct {
	Text     string `json:"text"`
	Label    string `json:"label"`
	Category string `json:"category"`
	Group    string `json:"group"`
}

func main() {
	out := flag.String("out", "testdata/corpus", "output directory")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "corpusgen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	train, held := generate()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, "train.jsonl"), train); err != nil {
		return err
	}
	if err := write(filepath.Join(dir, "heldout.jsonl"), held); err != nil {
		return err
	}
	count := func(xs []example) map[string]int {
		m := map[string]int{}
		for _, x := range xs {
			m[x.Category]++
			m["label:"+x.Label]++
		}
		return m
	}
	ct, ch := count(train), count(held)
	keys := []string{}
	for k := range ct {
		keys = append(keys, k)
	}
	for k := range ch {
		if _, ok := ct[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	fmt.Printf("%-22s %6s %6s\n", "category", "train", "held")
	for _, k := range keys {
		fmt.Printf("%-22s %6d %6d\n", k, ct[k], ch[k])
	}
	fmt.Printf("%-22s %6d %6d\n", "total", len(train), len(held))
	return nil
}

func write(path string, xs []example) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, x := range xs {
		if err := enc.Encode(x); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func seed(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// generate renders every family and splits them.
func generate() (train, held []example) {
	byCat := map[string][]family{}
	var cats []string
	for _, f := range families {
		if _, ok := byCat[f.cat]; !ok {
			cats = append(cats, f.cat)
		}
		byCat[f.cat] = append(byCat[f.cat], f)
	}
	seen := map[string]bool{}
	for _, c := range cats {
		fs := byCat[c]
		for i, f := range fs {
			xs := render(f, seen)
			if i%5 == 2 {
				held = append(held, xs...)
			} else {
				train = append(train, xs...)
			}
		}
	}
	return train, held
}

func render(f family, seen map[string]bool) []example {
	rng := rand.New(rand.NewPCG(seed(f.name), 7))
	n := f.n
	if n == 0 {
		n = 10
	}
	n = n * scale[f.cat] / 10
	label := "ok"
	if f.off {
		label = "offensive"
	}
	var out []example
	for tries := 0; len(out) < n && tries < n*8; tries++ {
		tpl := f.tpls[rng.IntN(len(f.tpls))]
		obf := f.off && rng.Float64() < 0.35
		kind := obfuscate.Kinds()[rng.IntN(len(obfuscate.Kinds()))]
		if f.cat == "idiom" && rng.Float64() < 0.12 {
			obf = true
		}
		t := articles.Replace(fill(tpl, rng, obf, kind, 0))
		t = noise(t, f, rng)
		key := strings.ToLower(t)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, example{Text: t, Label: label, Category: f.cat, Group: f.name})
	}
	return out
}

// articles repairs doubled articles where a template's article meets a filler's.
var articles = strings.NewReplacer("el el ", "el ", "El el ", "El ", "del el ", "del ", "al el ", "al ",
	"de el ", "del ", "los los ", "los ", "Los los ", "Los ", "el Instituto", "el Instituto", "El Instituto Federal", "El Instituto Federal")

// fill expands {slot}, {slot!} (obfuscatable) and {a|b|c} (inline alternatives).
func fill(t string, rng *rand.Rand, obf bool, kind obfuscate.Kind, depth int) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 || depth > 4 {
			b.WriteString(t)
			break
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			b.WriteString(t)
			break
		}
		b.WriteString(t[:i])
		body := t[i+1 : i+j]
		t = t[i+j+1:]
		var v string
		mark := strings.HasSuffix(body, "!")
		body = strings.TrimSuffix(body, "!")
		if strings.Contains(body, "|") {
			alts := strings.Split(body, "|")
			v = alts[rng.IntN(len(alts))]
		} else {
			vals, ok := slots[body]
			if !ok {
				panic("unknown slot " + body)
			}
			v = vals[rng.IntN(len(vals))]
		}
		v = fill(v, rng, obf, kind, depth+1)
		if mark && obf {
			v = obfuscate.Text(v, kind)
		}
		b.WriteString(v)
	}
	return b.String()
}

// noise adds what people do when they type: no accents, lower case, the account's
// handle, hashtags, emoji, "q" for "que".
func noise(t string, f family, rng *rand.Rand) string {
	t = strings.Join(strings.Fields(t), " ")
	if rng.Float64() < 0.3 {
		t = obfuscate.Word(t, obfuscate.NoAccents)
	}
	if rng.Float64() < 0.15 {
		t = strings.NewReplacer(" que ", " q ", "porque", "xq", " para ", " pa ").Replace(t)
	}
	switch r := rng.Float64(); {
	case r < 0.35:
		t = strings.ToLower(t)
	case r < 0.38 && (f.off || f.cat == "criticism"):
		t = strings.ToUpper(t)
	default:
		t = capFirst(t)
	}
	if rng.Float64() < 0.2 && !strings.Contains(t, "@IFEMexico") {
		t = "@IFEMexico " + t
	}
	if rng.Float64() < 0.12 {
		var tags []string
		switch f.cat {
		case "criticism":
			tags = []string{"#FraudeElectoral", "#YoSoy132", "#IFE", "#Elecciones2012", "#NoAlFraude"}
		case "question", "complaint":
			tags = []string{"#CredencialParaVotar", "#IFE", "#Elecciones2012", "#PREP"}
		default:
			tags = []string{"#IFE", "#Elecciones2012", "#Mexico", "#Votar"}
		}
		t += " " + tags[rng.IntN(len(tags))]
	}
	if rng.Float64() < 0.12 {
		var em []string
		switch {
		case f.off || f.cat == "criticism":
			em = []string{"😡", "🤬", "😤", "👎", "😒"}
		case f.cat == "praise":
			em = []string{"👏", "🙌", "👍", "😊", "🇲🇽"}
		case f.cat == "idiom":
			em = []string{"😂", "🤣", "😅", "🙌", "🔥"}
		default:
			em = []string{"🙏", "🤔", "😕", "👍"}
		}
		t += " " + em[rng.IntN(len(em))]
	}
	return t
}

func capFirst(s string) string {
	for i, r := range s {
		if unicode.IsLetter(r) {
			_, n := utf8.DecodeRuneInString(s[i:])
			return s[:i] + strings.ToUpper(s[i:i+n]) + s[i+n:]
		}
		if r != '¿' && r != '¡' && r != '"' {
			return s
		}
	}
	return s
}
