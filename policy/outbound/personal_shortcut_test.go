package outbound

import (
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/connectors/simulated"
)

// personalDataEveryRule is PersonalData as it was before its shortcuts: every
// expression run on every text.
func personalDataEveryRule(text string, allowed []string) []Finding {
	if allowed == nil {
		allowed = DefaultAllowedDomains
	}
	var out []Finding
	add := func(rule, detail string, a, b int) {
		out = append(out, Finding{Rule: rule, Criterio: criterioPersonal, Evidence: []Span{span(text, a, b)}, Detail: detail})
	}
	for _, m := range reCURP.FindAllStringIndex(text, -1) {
		if validCURP(strings.ToUpper(text[m[0]:m[1]])) {
			add(RuleCURP, "CURP", m[0], m[1])
		}
	}
	for _, m := range reClave.FindAllStringIndex(text, -1) {
		if validClave(strings.ToUpper(text[m[0]:m[1]])) {
			add(RuleClaveElector, "clave de elector", m[0], m[1])
		}
	}
	for _, m := range reRFC.FindAllStringIndex(text, -1) {
		if validRFC(strings.ToUpper(text[m[0]:m[1]])) {
			add(RuleRFC, "RFC con homoclave", m[0], m[1])
		}
	}
	for _, m := range reEmail.FindAllStringSubmatchIndex(text, -1) {
		domain := strings.ToLower(text[m[2]:m[3]])
		if hostAllowed(domain, allowed) {
			continue
		}
		add(RuleEmail, "correo electrónico", m[0], m[1])
	}
	out = append(out, numbers(text)...)
	out = append(out, addresses(text)...)
	return out
}

// TestPersonalData_ShortcutsChangeNothing compares PersonalData with running
// every expression, over the simulated world's texts, this package's test texts
// and random mixes of digits, letters and address words.
func TestPersonalData_ShortcutsChangeNothing(t *testing.T) {
	t.Parallel()
	epoch := time.Date(2012, time.June, 1, 12, 0, 0, 0, time.UTC)
	w, err := simulated.NewWorld(simulated.Config{Seed: 11, Epoch: epoch, Anchor: epoch, Hostile: 0.005}, epoch)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, it := range w.Truth(connectors.Account{ID: "ife_mx", Network: "x", Handle: "IFE_mx"}, epoch).Items {
		texts = append(texts, it.Final().Text)
	}
	// The quoted texts of the package's tests.
	for _, m := range regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(testSources(t), -1) {
		if s, err := strconv.Unquote(`"` + m[1] + `"`); err == nil {
			texts = append(texts, s)
		}
	}
	rng := rand.New(rand.NewPCG(6, 3))
	parts := []string{"Calle Hidalgo ", "Av. Juárez ", "#45", " No. 10", ", Col. Centro", " C.P. 06000", "HEGG560427MVZRRL04",
		"GODE561231GR8", "GMVLMR80070501M100", "55-1234-5678", "(55) 5628-4200", "4111 1111 1111 1111", "ana@gmail.com",
		"x@ife.org.mx", "@", "1", "123456", " ", ", ", "prolongación ", "CALLEJÓN ", "ſ", "K", "é", "\n"}
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		texts = append(texts, b.String())
	}
	found := 0
	for _, text := range texts {
		got, want := PersonalData(text, nil), personalDataEveryRule(text, nil)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("PersonalData(%q) = %+v, every expression run gives %+v", text, got, want)
		}
		found += len(got)
	}
	if found < 100 {
		t.Errorf("only %d findings in %d texts: the comparison covers too little", found, len(texts))
	}
}

// testSources returns the text of this package's test files.
func testSources(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("outbound_test.go")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
