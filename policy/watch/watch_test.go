package watch

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMatcher_Match(t *testing.T) {
	t.Parallel()
	m, err := New([]List{
		{Name: "casillas", Severity: "urgent", Phrases: []string{"casillas cerradas", "no habrá elecciones", "votar por internet"}},
		{Name: "credencial", Severity: "warning", Phrases: []string{"credencial vencida", "año", "INE"}},
		{Name: "voto", Severity: "info", Phrases: []string{"voto"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       map[string][]string // list → matched texts, in order
	}{
		{"exact", "dicen que hay casillas cerradas en Tlalpan", map[string][]string{"casillas": {"casillas cerradas"}}},
		{"case", "¡CASILLAS CERRADAS en todo el país!", map[string][]string{"casillas": {"CASILLAS CERRADAS"}}},
		{"accents in the text", "No habra elecciones este año", map[string][]string{"casillas": {"No habra elecciones"}, "credencial": {"año"}}},
		{"accents in the phrase and the text", "NO HABRÁ ELECCIONES", map[string][]string{"casillas": {"NO HABRÁ ELECCIONES"}}},
		{"decomposed accents", "no habra\u0301 elecciones", map[string][]string{"casillas": {"no habra\u0301 elecciones"}}},
		{"ñ is its own letter", "me duele el ano", nil},
		{"ñ decomposed", "feliz an\u0303o", map[string][]string{"credencial": {"an\u0303o"}}},
		{"punctuation and spaces between words", "casillas...\n\t, cerradas", nil},
		{"commas and quotes between words", "«casillas», “cerradas”", map[string][]string{"casillas": {"casillas», “cerradas"}}},
		{"a sentence end breaks a phrase", "Revisa tus casillas. Cerradas las urnas, ya no", nil},
		{"not inside other words", "el devoto; tu votoxvoto, prevotos", nil},
		{"the accent of another word is still the word", "ya votó", map[string][]string{"voto": {"votó"}}},
		{"no prefix of a word", "casillas cerradasxx", nil},
		{"a word before and after", "xcasillas cerradas", nil},
		{"word boundaries at the ends", "voto", map[string][]string{"voto": {"voto"}}},
		{"hyphen and digits are boundaries", "voto-2026 y 2026voto", map[string][]string{"voto": {"voto"}}},
		{"invisible characters do not split a word", "credencial ven\u200bcida", map[string][]string{"credencial": {"credencial ven\u200bcida"}}},
		{"several matches, in order", "voto, voto y VOTO", map[string][]string{"voto": {"voto", "voto", "VOTO"}}},
		{"acronym in capitals", "la Ine y el INE", map[string][]string{"credencial": {"Ine", "INE"}}},
		{"fullwidth letters", "ｖｏｔｏ", map[string][]string{"voto": {"ｖｏｔｏ"}}},
		{"invalid UTF-8 is a boundary", "voto\xffvoto", map[string][]string{"voto": {"voto", "voto"}}},
		{"nothing", "¿a qué hora abre el módulo?", nil},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hits := m.Match(tc.text)
			got := map[string][]string{}
			for _, h := range hits {
				for _, mt := range h.Matches {
					if tc.text[mt.Start:mt.End] != mt.Text {
						t.Errorf("span [%d,%d) is %q, Text is %q", mt.Start, mt.End, tc.text[mt.Start:mt.End], mt.Text)
					}
					got[h.List] = append(got[h.List], mt.Text)
				}
			}
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Match(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}

	t.Run("lists in configuration order with their severity", func(t *testing.T) {
		t.Parallel()
		hits := m.Match("votar por internet con credencial vencida, voto")
		if len(hits) != 3 || hits[0].List != "casillas" || hits[0].Severity != "urgent" || hits[1].List != "credencial" || hits[2].List != "voto" {
			t.Fatalf("hits = %+v", hits)
		}
		if mt := hits[0].Matches[0]; mt.Phrase != "votar por internet" || mt.Start != 0 || mt.End != len("votar por internet") {
			t.Fatalf("phrase = %q", mt.Phrase)
		}
	})
}

func TestNew(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", "   ", "¡¿…?!", "\u200b"} {
		if _, err := New([]List{{Name: "x", Phrases: []string{"ok", p}}}); !errors.Is(err, ErrNoWords) {
			t.Errorf("phrase %q: err = %v, want ErrNoWords", p, err)
		}
	}
	var nilM *Matcher
	if !nilM.Empty() || nilM.Match("voto") != nil {
		t.Error("a nil matcher matches")
	}
	m, err := New(nil)
	if err != nil || !m.Empty() || m.Match("voto") != nil {
		t.Errorf("empty matcher: %v", err)
	}
}

func TestWords(t *testing.T) {
	t.Parallel()
	got := Words("¡Ya NO habrá   Elecciones en el AÑO 2027!")
	want := []string{"ya", "no", "habra", "elecciones", "en", "el", "año", "2027"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Words = %q, want %q", got, want)
	}
}

func FuzzMatch(f *testing.F) {
	m, err := New([]List{{Name: "a", Phrases: []string{"casillas cerradas", "año", "voto"}}})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"casillas cerradas", "AÑO an\u0303o", "vo\u200bto.voto", "\xff\xfe", strings.Repeat("voto ", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Where characters start, an invalid byte counting as one: a span may hold
		// the text's own invalid bytes, but never begin or end inside a character.
		bounds := map[int]bool{len(s): true}
		for i := 0; i < len(s); {
			bounds[i] = true
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
		for _, h := range m.Match(s) {
			for _, mt := range h.Matches {
				if mt.Start < 0 || mt.End > len(s) || mt.Start >= mt.End || s[mt.Start:mt.End] != mt.Text {
					t.Fatalf("bad span %+v in %q", mt, s)
				}
				if !bounds[mt.Start] || !bounds[mt.End] {
					t.Fatalf("span cuts a character: %+v in %q", mt, s)
				}
			}
		}
	})
}
