package offensive

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ife-mx/vigia/policy/offensive/internal/obfuscate"
)

func classifier(t testing.TB) *Classifier {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// falsePositives must never be flagged: OFFENSIVE.md §4.3 and the brief's list, alone and
// in sentences an electoral institute receives every day.
var falsePositives = []string{
	"diputado", "diputada", "diputados", "diputación", "cómputo", "cómputos", "computo",
	"cómputos distritales", "computadora", "disputa", "disputar", "disputó", "imputar",
	"imputado", "imputación", "reputación", "putativo", "Caputo", "Putin", "Putla",
	"vehículo", "artículo", "cálculo", "ridículo", "currículo", "minúsculo", "músculo",
	"espectáculo", "obstáculo", "vínculo", "película", "matrícula", "escoger", "recoger",
	"acoger", "encoger", "sobrecoger", "escojo", "recojo", "cojo", "vergüenza",
	"barata", "pirata", "trata", "aristócrata", "demócrata", "burócrata", "ratificar",
	"ratificación", "año", "anotar", "anoche", "ánodo", "humano", "mexicano", "ciudadano",
	"pitó", "pitón", "pitonisa", "capitolio", "pijama", "penetrar", "penetración",
	"Nacozari", "mamario", "mamá", "cagó", "concha", "pero", "pera",
	"El diputado de Putla pidió el recuento",
	"¿Cuándo terminan los cómputos distritales en Oaxaca?",
	"El cómputo de la elección de diputados empieza el miércoles",
	"Puedo ver el cómputo desde mi computadora?",
	"La disputa por la diputación se resolvió en el tribunal",
	"Mi vehículo está en el estacionamiento, ¿puedo dejarlo?",
	"Según el artículo 41 los spots son del IFE",
	"¿Puedo escoger la casilla donde voto?",
	"Fui a recoger mi credencial y no estaba",
	"El demócrata ganó en Estados Unidos",
	"Ratificaron al consejero en su cargo",
	"Feliz año nuevo a todo el equipo del IFE",
	"Feliz ano nuevo a todos",
	"Los ciudadanos mexicanos tenemos derecho a votar",
	"El árbitro pitó penal",
	"Vendo computadora barata",
	"Es una vergüenza que no haya rampa para sillas de ruedas",
	"Mi mamá ya votó",
	"Compré conchas para los funcionarios de casilla",
	"Me puse la pijama y vi los resultados del PREP",
	"Qué ridículo el cálculo de las multas, un espectáculo",
	"La reputación del instituto está en juego",
	"El módulo de Nacozari abre el sábado",
	"Hay mucha basura afuera del módulo",
	"Se metió una rata al módulo y nadie hizo nada",
	"Mi perro se comió la credencial",
	"Este calor me va a matar, pero ya voté",
	"Me quiero morir, la fila está enorme",
	"Vamos a romper el récord de participación",
	"Hay que matar el tiempo en la fila",
	"Les vamos a ganar en las urnas",
}

func TestClassify_FalsePositivesNeverFlag(t *testing.T) {
	t.Parallel()
	c := classifier(t)
	words, err := ReadAllowList(bytes.NewReader(embeddedAllow))
	if err != nil {
		t.Fatal(err)
	}
	cases := append(append([]string(nil), falsePositives...), words...)
	for _, w := range words {
		cases = append(cases, "¿Qué pasa con "+w+"?")
	}
	for _, text := range cases {
		v := c.Classify(text)
		if v.Band != BandNone || len(v.Evidence) != 0 {
			t.Errorf("%q: band %s, evidence %+v", text, v.Band, v.Evidence)
		}
	}
}

var idioms = []string{
	"no mames", "No mames, ya salió mi credencial", "está cabrón", "Está cabrón encontrar la casilla",
	"de poca madre", "De poca madre el PREP este año", "a huevo", "A huevo, ya voté",
	"a toda madre", "me vale madre quién gane, yo voy a votar", "me vale verga la lluvia, hoy voto",
	"qué pedo con la página", "güey ya fui a votar", "Está chingón el nuevo diseño",
	"un chingo de gente en la casilla", "Pinche fila enorme", "ni madres que me quedo sin votar",
	"nmms qué rápido", "no manches", "hasta la madre de tantos spots", "no hay pedo",
	"Puta madre, perdí mi credencial", "Ptm ya cerraron", "Todo el puto día esperando",
	"Bien perrón el debate", "Me cagué de risa con los memes", "Qué desmadre en la casilla jaja",
	"Está de la verga la fila", "Me lleva la chingada, la fila no avanza", "wey dónde me toca votar",
	"En la madre, se me olvidó la credencial", "Qué chingados pasó con el PREP", "El puto amo del PREP",
}

func TestClassify_IdiomsStayNone(t *testing.T) {
	t.Parallel()
	c := classifier(t)
	for _, text := range idioms {
		if v := c.Classify(text); v.Band != BandNone {
			t.Errorf("%q: band %s (score %.3f) %+v", text, v.Band, v.Score, v.Evidence)
		}
	}
}

var threats = []string{
	"te voy a matar", "@lalo_mx te voy a partir la madre", "Hay que colgarlos a todos",
	"ojalá se mueran todos los consejeros", "sabemos dónde viven, consejeros", "Muérete",
	"Los vamos a linchar si hay fraude", "Vamos a quemar el IFE", "Deberían fusilarlos a todos",
	"ojalá te mueras", "Consejeros, les va a cargar la verga", "te vamos a encontrar",
	"Mátenlos a todos", "Hay que quemar las casillas", "Ojalá que los maten",
	"@PepeTorres ya te cargó el payaso 💀", "Paredón para todos los consejeros",
	"te voy a romper la cara", "Los vamos a desaparecer", "Ojalá les caiga un rayo",
	"t3 v0y a m4t4r", "hay que c0lg4rl0s", "te boy a matar", "ojala se mueran",
	"@lalo_mx te parto la madre", "Consejeros, los mato", "te doy un balazo", "Púdrete",
}

func TestClassify_ThreatsReachReview(t *testing.T) {
	t.Parallel()
	c := classifier(t)
	for _, text := range threats {
		v := c.Classify(text)
		if v.Band < BandReview {
			t.Errorf("%q: band %s (score %.3f)", text, v.Band, v.Score)
			continue
		}
		found := false
		for _, cat := range v.Categories {
			found = found || cat == CatThreat
		}
		if !found {
			t.Errorf("%q: categories %v lack threat", text, v.Categories)
		}
	}
}

// offensiveSeeds are clean offensive comments; TestClassify_Obfuscations hides their
// evidence words every way people do and checks that the classifier still catches them.
var offensiveSeeds = []string{
	"eres un pendejo", "Consejeros, son unos pendejos", "@lalo_mx eres una idiota",
	"Bola de imbéciles", "son unos culeros los del IFE", "@MariaG_ cállate estúpida",
	"chinga tu madre IFE", "Váyanse a la verga consejeros", "hijos de su puta madre",
	"@beto_gdl eres un joto", "Pinches maricones del IFE", "La consejera es una puta",
	"esa perra del módulo", "@ana_lu88 pinche india", "Pinches nacos que venden su voto",
	"Son unas ratas", "@Fer_Rmz eres una basura", "consejeros, escoria de la sociedad",
	"te voy a matar", "Hay que colgarlos a todos", "@lalo_mx te voy a partir la madre",
	"@RicardoSM mámame la verga", "Eres un cabrón", "@PepeTorres eres un mamón",
	"consejeros son unos cerdos", "Eres una zorra", "@la_tere_ malcogida",
	"Son unos parásitos", "@chuchito_13 eres un imbécil", "Esos consejeros son unos idiotas",
}

func TestClassify_Obfuscations(t *testing.T) {
	t.Parallel()
	c := classifier(t)
	total, caught := 0, 0
	for _, seed := range offensiveSeeds {
		v := c.Classify(seed)
		if v.Band < BandReview || len(v.Evidence) == 0 {
			t.Errorf("seed %q not caught: %+v", seed, v)
			continue
		}
		for _, k := range obfuscate.Kinds() {
			// Hide every evidence span, right to left so offsets stay valid.
			text := seed
			for i := len(v.Evidence) - 1; i >= 0; i-- {
				e := v.Evidence[i]
				if i < len(v.Evidence)-1 && e.End > v.Evidence[i+1].Start {
					continue
				}
				text = text[:e.Start] + obfuscate.Text(e.Text, k) + text[e.End:]
			}
			if text == seed {
				continue
			}
			total++
			got := c.Classify(text)
			if got.Band >= BandReview {
				caught++
			} else {
				t.Logf("missed %-12s %q (score %.3f)", k, text, got.Score)
			}
		}
	}
	rate := float64(caught) / float64(total)
	t.Logf("obfuscations caught: %d/%d = %.3f", caught, total, rate)
	if rate < 0.95 {
		t.Errorf("caught %.3f of obfuscated offensive comments, want ≥ 0.95", rate)
	}
}

func TestClassify_EvidenceSpans(t *testing.T) {
	t.Parallel()
	c := classifier(t)
	for _, text := range append(append([]string(nil), offensiveSeeds...), threats...) {
		for _, k := range obfuscate.Kinds() {
			s := obfuscate.Text(text, k)
			v := c.Classify(s)
			for _, e := range v.Evidence {
				if e.Start < 0 || e.End > len(s) || e.Start > e.End || s[e.Start:e.End] != e.Text {
					t.Errorf("%q: bad span %+v", s, e)
				}
				if e.Category == "" || e.Rule == "" {
					t.Errorf("%q: span without category or rule %+v", s, e)
				}
			}
			if v.Score < 0 || v.Score > 1 {
				t.Errorf("%q: score %v", s, v.Score)
			}
		}
	}
}

func TestClassify_PoliticalCriticismNeverBlocks(t *testing.T) {
	t.Parallel()
	c := classifier(t)
	for _, text := range []string{
		"Consejeros corruptos y vendidos, renuncien ya",
		"El IFE es un fraude, son cómplices del PRI",
		"Chairos, fifís y pejezombies: el IFE es parcial",
		"Ustedes son unos ineptos y unos mentirosos",
		"Qué poca madre tienen, consejeros, el PREP no cuadra",
		"FRAUDE, FRAUDE, FRAUDE. EL IFE ES UNA FARSA",
		"Traidores a la patria, la historia los juzgará",
		"Prianistas vendepatrias, títeres del gobierno",
		"Son unos cínicos, cobran millones y no hacen nada",
		"Ladrones de la democracia #FraudeElectoral",
	} {
		if v := c.Classify(text); v.Band == BandBlock {
			t.Errorf("%q reached recommend_block: %+v", text, v)
		}
	}
}

func TestClassify_Bands(t *testing.T) {
	t.Parallel()
	c := classifier(t)
	cases := []struct {
		text string
		min  Band
		max  Band
	}{
		{"¿Dónde tramito mi credencial?", BandNone, BandNone},
		{"Gracias por la atención en el módulo", BandNone, BandNone},
		{"Chinguen a su madre consejeros", BandBlock, BandBlock},
		{"@lalo_mx eres un pendejo", BandBlock, BandBlock},
		{"eres un pen-de-jo", BandReview, BandBlock},
		{"son unos pen.de.jos", BandReview, BandBlock},
		{"eres un ca-brón", BandReview, BandBlock},
		{"son unos pndjs", BandReview, BandBlock},
		{"@lalo_mx cbrn", BandReview, BandBlock},
		{"ｅｒｅｓ ｕｎ ｐｅｎｄｅｊｏ", BandReview, BandBlock},
		{"eres un p\u200bendejo", BandReview, BandBlock},
		{"еrеs un pеndеjо", BandReview, BandBlock}, // Cyrillic е and о
		{"#FueraPendejos del IFE", BandReview, BandBlock},
		{"p u t o s consejeros", BandReview, BandBlock},
		{"el puto día en la fila", BandNone, BandNone},
		{"pinche página no carga", BandNone, BandNone},
		{"El PRD, el PT y la CDMX", BandNone, BandNone},
	}
	for _, tc := range cases {
		v := c.Classify(tc.text)
		if v.Band < tc.min || v.Band > tc.max {
			t.Errorf("%q: band %s (score %.3f), want %s..%s; %+v", tc.text, v.Band, v.Score, tc.min, tc.max, v.Evidence)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []string // Text of each token, in order
	}{
		{"Feliz AÑO", []string{"feliz", "año"}},
		{"Mamá pitó", []string{"mama", "pito"}},
		{"ｐｕｔｏ", []string{"puto"}},
		{"pu\u200bto", []string{"puto"}},
		{"pu\u00adto", []string{"puto"}},
		{"реndејо", []string{"pendejo"}},
		{"p3nd3j0", []string{"pendejo"}},
		{"el 4 de julio", []string{"el", "4", "de", "julio"}},
		{"putoooooo", []string{"putoo"}},
		{"p*to", []string{"p?to"}},
		{"ching@", []string{"chinga"}},
		{"@IFEMexico hola", []string{"ifemexico", "hola"}},
		{"#FueraPendejos", []string{"fuerapendejos", "fuera", "pendejos"}},
		{"pingüino", []string{"pinguino"}},
		{"n\u0303o", []string{"ño"}},
		{"p u t o", []string{"p", "u", "t", "o", "puto", "put"}},
		{"c-h-i-n-g-a", []string{"c", "h", "i", "n", "g", "a", "chinga", "ching"}},
		{"a m a t a r", []string{"a", "m", "a", "t", "a", "r", "amatar", "matar"}},
		{"🖕 tú", []string{"🖕", "tu"}},
		{"ve https://ife.org.mx/x ya", []string{"ve", "https://ife.org.mx/x", "ya"}},
		{"ﬁn", []string{"fin"}},
	}
	for _, tc := range cases {
		toks := Normalize(tc.in)
		var got []string
		for _, tk := range toks {
			got = append(got, tk.Text)
			if tk.Start < 0 || tk.End > len(tc.in) || tk.Start >= tk.End {
				t.Errorf("%q: token %+v outside the text", tc.in, tk)
			}
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// The unfolded form keeps accents for the allow-list.
	if tk := Normalize("pitó"); len(tk) != 1 || tk[0].Lower != "pitó" {
		t.Errorf("Lower of pitó = %+v", tk)
	}
}

func TestNormalize_Offsets(t *testing.T) {
	t.Parallel()
	in := "¡Hola, ＰＵＴＯ p\u200bendejo!"
	for _, tk := range Normalize(in) {
		orig := in[tk.Start:tk.End]
		if !utf8.ValidString(orig) {
			t.Errorf("span %q not valid UTF-8", orig)
		}
	}
	toks := Normalize(in)
	if in[toks[1].Start:toks[1].End] != "ＰＵＴＯ" || in[toks[2].Start:toks[2].End] != "p\u200bendejo" {
		t.Errorf("spans: %q %q", in[toks[1].Start:toks[1].End], in[toks[2].Start:toks[2].End])
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range append(append(append([]string(nil), falsePositives...), offensiveSeeds...), threats...) {
		f.Add(s)
	}
	f.Add("\x00\xff\xfe p\u0303\u0301 #A_b1C @ @@ ## http:// ｐ*ｕ.ｔ-ｏ ﬁ \u200d🏳️‍🌈")
	f.Add(strings.Repeat("a ", 5000))
	c := classifier(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, tk := range Normalize(s) {
			if tk.Start < 0 || tk.End > len(s) || tk.Start > tk.End {
				t.Fatalf("%q: token %+v outside the text", s, tk)
			}
		}
		v := c.Classify(s)
		for _, e := range v.Evidence {
			if e.Start < 0 || e.End > len(s) || e.Start > e.End || s[e.Start:e.End] != e.Text {
				t.Fatalf("%q: bad span %+v", s, e)
			}
		}
		if !(v.Score >= 0 && v.Score <= 1) {
			t.Fatalf("%q: score %v", s, v.Score)
		}
	})
}

func TestClassify_HugeAndBinaryInput(t *testing.T) {
	t.Parallel()
	c := classifier(t)
	for _, s := range []string{"", "\x00", "\xff\xfe\xfd", strings.Repeat("pendejo ", 100000), strings.Repeat("\u200b", 10000), strings.Repeat("🐀", 20000)} {
		v := c.Classify(s)
		if v.Score < 0 || v.Score > 1 {
			t.Errorf("score %v", v.Score)
		}
	}
}
