package response

import (
	"strings"
	"testing"
)

// classifyCases are comments as users write them to the institute's accounts.
var classifyCases = []struct {
	text string
	want Intent
	rule string // expected rule suffix, optional
}{
	// Questions.
	{"¿Dónde puedo tramitar mi credencial en Zapopan, Jalisco?", IntentQuestion, "signo_de_interrogacion"},
	{"¿Mi credencial con terminación 09 todavía sirve para votar?", IntentQuestion, ""},
	{"¿A qué hora abren los módulos el sábado?", IntentQuestion, ""},
	{"Buenas, ¿el módulo de Tlalpan abre el lunes?", IntentQuestion, ""},
	{"Vivo en Estados Unidos, ¿cómo me registro para votar desde el extranjero?", IntentQuestion, ""},
	{"¿Qué hago si mi nombre viene mal escrito en la credencial?", IntentQuestion, ""},
	{"Pregunta: si cumplo 18 años el 3 de junio, ¿alcanzo a sacar mi credencial para votar?", IntentQuestion, ""},
	{"como saco mi credencial si perdi mi acta de nacimiento", IntentQuestion, "interrogativo_inicial"},
	{"donde me toca votar", IntentQuestion, "interrogativo_inicial"},
	{"@IFE_mx cuanto cuesta reponer la credencial", IntentQuestion, "interrogativo_inicial"},
	{"Tengo una duda sobre las casillas especiales", IntentQuestion, "pregunta"},
	{"¿Me pueden decir si mi folio 1234567 ya está listo para recoger?", IntentQuestion, ""},
	{"Alguien sabe si ya se puede consultar la lista de casillas", IntentQuestion, "pregunta"},
	{"oigan y si no tengo comprobante de domicilio a mi nombre???", IntentQuestion, ""},
	{"¿Sirve el comprobante de domicilio a nombre de mi mamá? gracias", IntentQuestion, ""},
	{"¿Me pueden multar si no acudo a ser funcionario de casilla?", IntentQuestion, ""},
	{"QUE DOCUMENTOS NECESITO PARA CAMBIAR MI DOMICILIO", IntentQuestion, ""},

	// Requests for information (6.vii).
	{"Solicito información sobre la convocatoria para capacitadores-asistentes en el distrito 05 de Sonora.", IntentInfoRequest, "solicito_informacion"},
	{"¿Me pueden enviar por mensaje el horario del módulo 140251? Gracias", IntentInfoRequest, "envio_de_informacion"},
	{"Quisiera saber cuántos ciudadanos hay en la lista nominal de Tonalá, ¿dónde lo consulto?", IntentInfoRequest, "quisiera_saber"},
	{"Favor de informar los requisitos para ser observador electoral.", IntentInfoRequest, "favor_de_informar"},
	{"Me interesa el acuerdo que aprobaron hoy, ¿dónde puedo leer el documento completo?", IntentInfoRequest, ""},
	{"Solicito el directorio de la Junta Distrital 12 en Veracruz.", IntentInfoRequest, "solicito_informacion"},
	{"¿Podrían compartir el presupuesto del Instituto de este año? Lo quiero para una clase.", IntentInfoRequest, "envio_de_informacion"},
	{"Necesito la informacion de los modulos que atienden en Toluca los fines de semana", IntentInfoRequest, "solicito_informacion"},
	{"Quiero hacer una solicitud de transparencia sobre los gastos de los partidos en Yucatán", IntentInfoRequest, "transparencia"},
	{"¿Dónde se publican las actas de cómputo distrital del distrito 3?", IntentInfoRequest, "donde_consultar"},
	{"¿Tienen el calendario de capacitación para funcionarios de casilla en Celaya?", IntentInfoRequest, "tienen_el"},
	{"@IFE_mx ¿me pueden pasar el teléfono de la Junta Local de Oaxaca?", IntentInfoRequest, "envio_de_informacion"},
	{"Requiero copia certificada del acuerdo CG123/2012 del Consejo General", IntentInfoRequest, "solicito_informacion"},
	{"Soy estudiante y hago mi tesis, ¿dónde encuentro los resultados por sección de 2009?", IntentInfoRequest, "donde_consultar"},
	{"Por INFOMEX no me han respondido mi solicitud, ¿a quién recurro?", IntentInfoRequest, "transparencia"},

	// Suggestions and proposals (3.vii, 8.ii).
	{"Deberían poner módulos móviles en las comunidades de Mulegé, la gente tiene que viajar horas.", IntentSuggestion, "deberian"},
	{"Sugiero que habiliten citas en línea para no hacer filas de 4 horas.", IntentSuggestion, "sugerencia"},
	{"Sería bueno que publicaran los horarios de cada módulo en un mapa interactivo.", IntentSuggestion, "seria_bueno"},
	{"Propongo que la credencial se pueda tramitar en las prepas para los que cumplen 18.", IntentSuggestion, "sugerencia"},
	{"Hagan sus avisos también en lenguas indígenas: náhuatl, maya, zapoteco, mixteco.", IntentSuggestion, "imperativo"},
	{"Una sugerencia: manden un SMS cuando la credencial ya esté lista para recoger.", IntentSuggestion, "sugerencia"},
	{"Estaría padre que el módulo abriera también los domingos", IntentSuggestion, "seria_bueno"},
	{"Buenas tardes, pongan más personal en el módulo de Ecatepec, solo hay dos ventanillas abiertas.", IntentSuggestion, "imperativo"},
	{"@IFE_mx pongan un módulo en la unidad habitacional de Iztapalapa, somos miles", IntentSuggestion, "imperativo"},
	{"ojala pusieran rampas en todas las casillas para los que vamos en silla de ruedas", IntentSuggestion, "seria_bueno"},
	{"Por qué no ponen un chat en la página para resolver dudas", IntentSuggestion, "seria_bueno"},
	{"Propuesta: que las casillas tengan rampa para personas en silla de ruedas.", IntentSuggestion, "sugerencia"},

	// Complaints.
	{"Llevo 45 días esperando mi credencial y nada. Tramité en Iguala con folio 1312345678.", IntentComplaint, "espera_prolongada"},
	{"El módulo 120301 estaba cerrado en pleno horario de atención 😡", IntentComplaint, "mal_servicio"},
	{"Marqué a IFETEL 10 veces y nadie contesta.", IntentComplaint, "espera_prolongada"},
	{"Pésima atención en el módulo de Tehuacán, la señorita de la ventanilla ni me volteó a ver.", IntentComplaint, "mal_servicio"},
	{"Llevo tres visitas al módulo y siempre me dicen que no hay sistema.", IntentComplaint, "espera_prolongada"},
	{"No es posible que el único módulo de Comondú atienda solo hasta las 3 de la tarde.", IntentComplaint, "queja"},
	{"Hice mi cita por teléfono y al llegar no aparecía en la lista. Muy mal.", IntentComplaint, "molestia"},
	{"Mi credencial trae la foto de otra persona. ¿Cómo es posible?", IntentComplaint, "queja"},
	{"Me negaron el trámite porque mi acta de nacimiento es de Chiapas. Exijo una explicación.", IntentComplaint, ""},
	{"Cuatro horas en el módulo 090402 y me regresaron por un papel. Gracias @IFE_mx 🙄", IntentComplaint, "mal_servicio"},
	{"La página de @IFE_mx está caída desde la mañana y hoy es el último día del trámite", IntentComplaint, "molestia"},
	{"Eso no resuelve nada, siempre contestan lo mismo 🙄", IntentComplaint, "queja"},
	{"MARQUÉ A IFETEL Y ME DEJARON EN ESPERA 40 MINUTOS", IntentComplaint, "espera_prolongada"},
	{"fui al modulo a las 7 de la mañana y ya no alcance ficha", IntentComplaint, "mal_servicio"},
	{"Me cambié de domicilio y me dijeron que mi recibo de luz no era válido. ¡Es el recibo de luz!", IntentComplaint, "molestia"},
	{"quiero poner una queja contra el personal del módulo de León", IntentComplaint, "queja"},

	// Praise and thanks.
	{"Excelente atención en el módulo de Mérida, en 20 minutos salí. ¡Gracias! 👏", IntentPraise, ""},
	{"Muchas gracias por la información, muy clara 🙏", IntentPraise, "agradecimiento"},
	{"Felicidades al personal del distrito 8, muy amables.", IntentPraise, "felicitacion"},
	{"Me llegó mi credencial en una semana, muy bien IFE 👍", IntentPraise, "felicitacion"},
	{"Gracias por responder tan rápido.", IntentPraise, "agradecimiento"},
	{"Está chingón el nuevo sistema de citas, ya no hice fila 😄", IntentPraise, "felicitacion"},
	{"Buen trabajo con la transmisión de la sesión, se escuchó perfecto.", IntentPraise, "felicitacion"},
	{"Graciassss 🙌🙌", IntentPraise, "agradecimiento"},
	{"Orgullosamente fui funcionario de casilla en la sección 1234. ¡Gracias por la capacitación!", IntentPraise, ""},

	// Other.
	{"Primer comentario 😎", IntentOther, ""},
	{"Jajaja", IntentOther, "risa"},
	{"Saludos desde Ciudad Valles, San Luis Potosí 🇲🇽", IntentOther, "saludo"},
	{"¿Alguien más está viendo la sesión?", IntentOther, "pregunta_a_usuarios"},
	{"Buenos días", IntentOther, "saludo"},
	{"Interesante", IntentOther, "sin_coincidencia"},
	{"Hoy hace un calor en Mexicali que ni les cuento 🥵", IntentOther, ""},
	{"x2", IntentOther, ""},
	{"", IntentOther, "sin_coincidencia"},
}

func TestClassify(t *testing.T) {
	t.Parallel()
	if len(classifyCases) < 60 {
		t.Fatalf("only %d cases", len(classifyCases))
	}
	for _, tc := range classifyCases {
		got := Classify(tc.text)
		if got.Intent != tc.want {
			t.Errorf("Classify(%q) = %v, want %s", tc.text, got, tc.want)
			continue
		}
		if tc.rule != "" && got.Rule != string(tc.want)+"/"+tc.rule {
			t.Errorf("Classify(%q) = %v, want rule %s/%s", tc.text, got, tc.want, tc.rule)
		}
		if !strings.HasPrefix(got.Rule, string(got.Intent)+"/") {
			t.Errorf("rule %q does not name intent %s", got.Rule, got.Intent)
		}
	}
}

func TestClassify_Robust(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       Intent
	}{
		{"without accents", "solicito informacion sobre la sesion", IntentInfoRequest},
		{"capitals", "SOLICITO INFORMACIÓN SOBRE LA SESIÓN", IntentInfoRequest},
		{"zero-width space inside a word", "soli\u200bcito información", IntentInfoRequest},
		{"bidi override", "\u202enadie contesta\u202c", IntentComplaint},
		{"invalid utf-8", "\xffnadie\xfe contesta", IntentComplaint},
		{"stretched letters", "graciaaaaas", IntentPraise},
		{"handle that looks like a word", "@queja_ife hola", IntentOther},
		{"link that looks like a word", "https://example.com/queja hola", IntentOther},
		{"huge body", strings.Repeat("bla ", 20000) + "¿dónde voto?", IntentOther},
	}
	for _, tc := range tests {
		if got := Classify(tc.text); got.Intent != tc.want {
			t.Errorf("%s: Classify(%q…) = %v, want %s", tc.name, trunc(tc.text), got, tc.want)
		}
	}
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}

func TestClassification_Advice(t *testing.T) {
	t.Parallel()
	if a := Classify("Solicito información sobre el presupuesto").Advice(); !strings.Contains(a, "INFOMEX-IFE") || !strings.Contains(a, "Unidad de Enlace") {
		t.Errorf("advice for an information request = %q", a)
	}
	if a := Classify("¿dónde voto?").Advice(); a != "" {
		t.Errorf("advice for a question = %q", a)
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"¿Dónde está el módulo?", "¿donde esta el modulo?"},
		{"LLEVO   3 días", "llevo 3 dias"},
		{"Graciassss!!!", "gracias!!!"},
		{"carro llevo leer", "carro llevo leer"},
		{"ver https://ife.org.mx/x y @IFE_mx", "ver <url> y <@>"},
		{"año ÑANDÚ", "ano nandu"},
		{"a\u200bb\u00adc", "abc"},
	}
	for _, tc := range tests {
		if got := fold(tc.in); got != tc.want {
			t.Errorf("fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, tc := range classifyCases {
		f.Add(tc.text)
	}
	f.Add("\xff\xfe\u202e@@@@ http://")
	f.Fuzz(func(t *testing.T, s string) {
		c := Classify(s)
		if !c.Intent.Valid() || !strings.HasPrefix(c.Rule, string(c.Intent)+"/") {
			t.Fatalf("Classify(%q) = %+v", s, c)
		}
		_ = Spam(s)
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize is not idempotent on %q: %q then %q", s, n, Normalize(n))
		}
		for _, m := range mentions(s) {
			if m == "" {
				t.Fatalf("empty mention in %q", s)
			}
		}
	})
}
