package outbound

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ife-mx/vigia/policy/offensive"
)

func rules(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func checkSpans(t *testing.T, text string, fs []Finding) {
	t.Helper()
	for _, f := range fs {
		if f.Criterio == "" || len(f.Evidence) == 0 {
			t.Errorf("%q: finding without criterio or evidence: %+v", text, f)
		}
		if f.Rule == RuleBurst || f.Rule == RuleDuplicate {
			continue
		}
		for _, e := range f.Evidence {
			if e.Start < 0 || e.End > len(text) || e.Start > e.End || text[e.Start:e.End] != e.Text {
				t.Errorf("%q: bad span %+v", text, e)
			}
		}
	}
}

func TestPersonalData(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, text string
		want       []string // rules, in order
		evidence   string   // text of the first span, when checked
	}{
		{"curp", "Mi CURP es HEGG560427MVZRRL04, ¿me ayudan?", []string{RuleCURP}, "HEGG560427MVZRRL04"},
		{"curp lower case", "curp: badd110313hcmlns06", []string{RuleCURP}, "badd110313hcmlns06"},
		{"curp second", "GOMJ800101HDFRRN00", []string{RuleCURP}, ""},
		{"curp bad check digit", "HEGG560427MVZRRL05", nil, ""},
		{"curp bad state", "HEGG560427MXXRRL04", nil, ""},
		{"curp bad month", "HEGG561327MVZRRL04", nil, ""},
		{"rfc person", "RFC GODE561231GR8 para la factura", []string{RuleRFC}, "GODE561231GR8"},
		{"rfc person 2", "vecj880326xx1", []string{RuleRFC}, ""},
		{"rfc company", "Facturar a ABC680524P73", []string{RuleRFC}, "ABC680524P73"},
		{"rfc bad check digit", "GODE561231GR9", nil, ""},
		{"rfc without homoclave", "GODE561231", nil, ""},
		{"clave de elector", "Su clave de elector GMVLMR80070501M100 ya está activa", []string{RuleClaveElector}, "GMVLMR80070501M100"},
		{"clave bad state", "GMVLMR80070599M100", nil, ""},
		{"clave bad date", "GMVLMR80130501M100", nil, ""},
		{"phone dashed", "Llámale al 55-1234-5678 para tu cita", []string{RulePhone}, "55-1234-5678"},
		{"phone spaced", "cel 33 1234 5678", []string{RulePhone}, "33 1234 5678"},
		{"phone parens", "Tel. (55) 5628-4200", []string{RulePhone}, "(55) 5628-4200"},
		{"phone +52", "WhatsApp +52 1 55 1234 5678", []string{RulePhone}, "+52 1 55 1234 5678"},
		{"phone +52 no 1", "+52 81 1234 5678", []string{RulePhone}, "+52 81 1234 5678"},
		{"phone bare", "marca al 5512345678", []string{RulePhone}, "5512345678"},
		{"phone dotted", "55.1234.5678", []string{RulePhone}, ""},
		{"phone 044", "044 55 1234 5678", []string{RulePhone}, ""},
		{"toll free", "IFETEL 01 800 433 2000", nil, ""},
		{"toll free 800", "Llama al 800 433 2000", nil, ""},
		{"email", "Escríbeme a juan.perez82@gmail.com", []string{RuleEmail}, "juan.perez82@gmail.com"},
		{"email institutional", "Escriba a contacto@ife.org.mx", nil, ""},
		{"email institutional subdomain", "Escriba a atencion@deceyec.ife.org.mx", nil, ""},
		{"mention is not email", "Gracias @IFEMexico por la info", nil, ""},
		{"visa", "Tarjeta 4111 1111 1111 1111", []string{RuleCard}, "4111 1111 1111 1111"},
		{"mastercard dashed", "5500-0000-0000-0004", []string{RuleCard}, ""},
		{"amex", "3782 822463 10005", []string{RuleCard}, ""},
		{"card bad luhn", "4111 1111 1111 1112", nil, ""},
		{"address marked", "Acude a Calle Hidalgo #123, Col. Centro", []string{RuleAddress}, "Calle Hidalgo #123, Col. Centro"},
		{"address no.", "Vive en Av. Juárez No. 45 int. 3, Col. Roma, C.P. 06700", []string{RuleAddress}, "Av. Juárez No. 45 int. 3, Col. Roma, C.P. 06700"},
		{"address colonia", "entrega en calle Morelos 88, colonia San Rafael", []string{RuleAddress}, "calle Morelos 88, colonia San Rafael"},
		{"address cp", "Privada Los Pinos 12 C.P. 44100", []string{RuleAddress}, ""},
		// False positives that must not flag.
		{"date iso", "La jornada es el 2012-07-01", nil, ""},
		{"date slashes", "Vence el 01/07/2012", nil, ""},
		{"date words", "1 de julio de 2012", nil, ""},
		{"folio", "Su número de folio es 1203456789", nil, ""},
		{"folio word", "Folio 1203456789, acuda al módulo", nil, ""},
		{"price", "La multa fue de $1,234,567.00", nil, ""},
		{"price dotted", "$12.345.678", nil, ""},
		{"price pesos", "multa de 1234567890 pesos", nil, ""},
		{"postal code", "C.P. 14300, Tlalpan", nil, ""},
		{"section", "sección 1432 casilla básica", nil, ""},
		{"casilla", "casilla 1432 contigua 2", nil, ""},
		{"year range", "2006-2012", nil, ""},
		{"short numbers", "Votaron 1234 personas de 5678", nil, ""},
		{"street no number", "El módulo está en Avenida Insurgentes", nil, ""},
		{"street date name", "Calle 5 de Mayo, cerca del zócalo", nil, ""},
		{"plain text", "Gracias por votar, el PREP abre a las 8 pm", nil, ""},
		{"time", "de 08:00 a 20:00 horas", nil, ""},
		{"code with letters", "Trámite 1234567890AB en proceso", nil, ""},
		{"percent", "participación de 63.14%", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := PersonalData(tc.text, nil)
			checkSpans(t, tc.text, fs)
			if strings.Join(rules(fs), ",") != strings.Join(tc.want, ",") {
				t.Fatalf("PersonalData(%q) = %v, want %v; %+v", tc.text, rules(fs), tc.want, fs)
			}
			if tc.evidence != "" && fs[0].Evidence[0].Text != tc.evidence {
				t.Errorf("evidence %q, want %q", fs[0].Evidence[0].Text, tc.evidence)
			}
		})
	}
}

func TestCapitals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, text string
		want       bool
	}{
		{"shouting", "RECUERDA QUE MAÑANA ES EL ÚLTIMO DÍA PARA TRAMITAR TU CREDENCIAL", true},
		{"mostly", "ATENCIÓN: MAÑANA CIERRAN LOS MÓDULOS en todo el país", true},
		{"mixed case", "Recuerda que mañana es el último día para tramitar tu credencial", false},
		{"acronyms", "El INE, el IFE y la CURP: consulta el PREP en línea hoy mismo", false},
		{"long acronyms", "Llama a IFETEL o escribe a INFOMEX para cualquier duda que tengas", false},
		{"highlight one word", "Recuerda: la credencial es GRATUITA en todos los módulos del país", false},
		{"short", "¡GRACIAS!", false},
		{"short shout", "YA VOTÉ", false},
		{"hashtags ignored", "#VOTAESTEDOMINGO #ELECCIONES2012 #CREDENCIALPARAVOTAR Consulta tu casilla", false},
		{"mentions ignored", "@IFEMEXICO @TEPJF_INFORMA gracias por la respuesta rápida", false},
		{"url ignored", "Consulta https://WWW.IFE.ORG.MX/PREP/RESULTADOS para ver avances", false},
		{"shout with hashtags", "CONSULTA DÓNDE VOTAR EN NUESTRA PÁGINA #Elecciones2012", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := Capitals(tc.text, CapitalsOptions{})
			checkSpans(t, tc.text, fs)
			if (len(fs) > 0) != tc.want {
				t.Errorf("Capitals(%q) = %+v, want flagged=%v", tc.text, fs, tc.want)
			}
		})
	}
}

func TestLinks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, text string
		want       []string
		opts       LinkOptions
	}{
		{"institutional", "Consulta tu casilla en https://www.ife.org.mx/ubica-tu-casilla", nil, LinkOptions{}},
		{"subdomain", "Resultados en http://prep2012.ife.org.mx/ hoy a las 20 h", nil, LinkOptions{}},
		{"bare domain allowed", "Más información en ife.org.mx/credencial, gracias", nil, LinkOptions{}},
		{"outside", "Mira esto https://bit.ly/3xYz9 sobre la elección de hoy", []string{RuleLinkOutside}, LinkOptions{}},
		{"outside bare domain", "Noticia completa en eluniversal.com.mx/nacion/123 del día", []string{RuleLinkOutside}, LinkOptions{}},
		{"lookalike domain", "Entra a https://ife.org.mx.example.com/login para votar", []string{RuleLinkOutside}, LinkOptions{}},
		{"suffix trick", "Entra a https://fakeife.org.mx para votar en línea", []string{RuleLinkOutside}, LinkOptions{}},
		{"bare link", "https://www.ife.org.mx/boletin/123", []string{RuleBareLink}, LinkOptions{}},
		{"bare outside link", "https://t.co/abc123", []string{RuleLinkOutside, RuleBareLink}, LinkOptions{}},
		{"bare link hashtags", "#IFE #Elecciones2012 https://www.ife.org.mx/x", []string{RuleBareLink}, LinkOptions{}},
		{"link with headline", "Boletín: inicia la campaña de credencialización https://www.ife.org.mx/b/1", nil, LinkOptions{}},
		{"configured allow-list", "Ver https://www.te.gob.mx/sentencia para el fallo completo", nil, LinkOptions{Allowed: []string{"ife.org.mx", "te.gob.mx"}}},
		{"email not link", "Escriba a contacto@ife.org.mx para dudas", nil, LinkOptions{}},
		{"no link", "Gracias por participar en la jornada electoral", nil, LinkOptions{}},
		{"decimal not link", "La participación fue de 63.14 por ciento", nil, LinkOptions{}},
		{"abbreviation not link", "El Lic. Pérez y la Dra. López atenderán a las 10 a.m. hoy", nil, LinkOptions{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := Links(tc.text, tc.opts)
			checkSpans(t, tc.text, fs)
			if strings.Join(rules(fs), ",") != strings.Join(tc.want, ",") {
				t.Errorf("Links(%q) = %v, want %v; %+v", tc.text, rules(fs), tc.want, fs)
			}
		})
	}
}

func TestSpam(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2012, 7, 1, 10, 0, 0, 0, time.UTC)
	at := func(min int, text string) Post {
		return Post{Time: t0.Add(time.Duration(min) * time.Minute), Text: text}
	}
	cases := []struct {
		name   string
		posts  []Post
		want   []string
		posts0 []int // Posts of the first finding, when checked
	}{
		{"quiet", []Post{at(0, "Abren las casillas a las 8 de la mañana"), at(60, "Recuerda llevar tu credencial para votar"), at(120, "Cierre de casillas a las 18 horas")}, nil, nil},
		{"burst", []Post{at(0, "uno a"), at(1, "dos b"), at(2, "tres c"), at(3, "cuatro d"), at(4, "cinco e"), at(5, "seis f")}, []string{RuleBurst}, []int{0, 1, 2, 3, 4, 5}},
		{"five is fine", []Post{at(0, "uno a"), at(1, "dos b"), at(2, "tres c"), at(3, "cuatro d"), at(4, "cinco e")}, nil, nil},
		{"spread out", []Post{at(0, "uno a"), at(3, "dos b"), at(6, "tres c"), at(9, "cuatro d"), at(12, "cinco e"), at(15, "seis f")}, nil, nil},
		{"burst unsorted", []Post{at(5, "seis f"), at(0, "uno a"), at(2, "tres c"), at(1, "dos b"), at(4, "cinco e"), at(3, "cuatro d"), at(90, "otra cosa")}, []string{RuleBurst}, []int{1, 3, 2, 5, 4, 0}},
		{"long burst is one finding", []Post{at(0, "a1"), at(1, "a2"), at(2, "a3"), at(3, "a4"), at(4, "a5"), at(5, "a6"), at(6, "a7"), at(7, "a8")}, []string{RuleBurst}, []int{0, 1, 2, 3, 4, 5, 6, 7}},
		{"duplicate", []Post{at(0, "Recuerda que mañana cierran los módulos de atención"), at(300, "RECUERDA que mañana cierran los módulos de atención!!")}, []string{RuleDuplicate}, []int{0, 1}},
		{"duplicate ignores links", []Post{at(0, "Consulta tu casilla aquí https://www.ife.org.mx/a"), at(30, "Consulta tu casilla aquí https://www.ife.org.mx/b")}, []string{RuleDuplicate}, []int{0, 1}},
		{"duplicate outside window", []Post{at(0, "Recuerda que mañana cierran los módulos de atención"), at(60*25, "Recuerda que mañana cierran los módulos de atención")}, nil, nil},
		{"short courtesy replies", []Post{at(0, "¡Gracias!"), at(10, "¡Gracias!"), at(20, "¡Gracias!")}, nil, nil},
		{"empty", nil, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := Spam(tc.posts, SpamOptions{})
			if strings.Join(rules(fs), ",") != strings.Join(tc.want, ",") {
				t.Fatalf("Spam = %v, want %v; %+v", rules(fs), tc.want, fs)
			}
			if tc.posts0 != nil {
				got := fs[0].Posts
				if len(got) != len(tc.posts0) {
					t.Fatalf("posts %v, want %v", got, tc.posts0)
				}
				for i := range got {
					if got[i] != tc.posts0[i] {
						t.Fatalf("posts %v, want %v", got, tc.posts0)
					}
				}
				for i, e := range fs[0].Evidence {
					if e.Text != tc.posts[got[i]].Text {
						t.Errorf("evidence %d = %q, want post %d", i, e.Text, got[i])
					}
				}
			}
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	text := "LLAMA HOY MISMO AL 55-1234-5678 O ESCRIBE A juan@gmail.com PARA RECIBIR INFORMACIÓN HTTPS://BIT.LY/X"
	fs := Check(text, Options{})
	checkSpans(t, text, fs)
	got := strings.Join(rules(fs), ",")
	for _, r := range []string{RulePhone, RuleEmail, RuleLinkOutside, RuleCapitals} {
		if !strings.Contains(got, r) {
			t.Errorf("Check missing %s: %s", r, got)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"HEGG560427MVZRRL04", "Calle Hidalgo #123, Col. Centro", "+52 1 55 1234 5678", "4111 1111 1111 1111",
		"https://bit.ly/x", "ÁÉÍ ÓÚ ÑÑÑ ññ", "\xff\xfe", "(((((", "# @ http:// www. .mx", "GODE561231GR8 juan@gmail.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fs := Check(s, Options{})
		for _, fd := range fs {
			for _, e := range fd.Evidence {
				if e.Start < 0 || e.End > len(s) || e.Start > e.End || s[e.Start:e.End] != e.Text {
					t.Fatalf("%q: bad span %+v in %+v", s, e, fd)
				}
			}
		}
		Spam([]Post{{Text: s}, {Text: s}, {Text: strings.ToUpper(s)}}, SpamOptions{DuplicateMinRunes: 1})
	})
}

func TestCheck_Insults(t *testing.T) {
	t.Parallel()
	c, err := offensive.Default()
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{
		"@lalo_mx eres un pendejo, no sabes leer":          true,
		"Gracias por tu pregunta, la casilla abre a las 8": false,
		"No mames, qué rápido se llenó la casilla":         false,
	} {
		fs := Check(text, Options{Classifier: c})
		checkSpans(t, text, fs)
		got := strings.Contains(strings.Join(rules(fs), ","), RuleOffensive)
		if got != want {
			t.Errorf("%q: offensive finding %v, want %v: %+v", text, got, want, fs)
		}
	}
}

func TestLinkHosts(t *testing.T) {
	t.Parallel()
	got := LinkHosts("Consulta https://www.ife.org.mx/casillas y (http://Promo-Cripto.example/gana). Escribe a a@b.mx")
	want := []string{"www.ife.org.mx", "promo-cripto.example"}
	if !slices.Equal(got, want) {
		t.Errorf("LinkHosts = %q, want %q", got, want)
	}
}
