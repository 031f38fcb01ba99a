package response

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

const cannedText = "Gracias por escribirnos. Para atención personalizada comunícate a IFETEL 01 800 433 2000, de lunes a viernes de 8:00 a 20:00 h."

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Hola, @lupita_gzz. ¡Gracias por tu comentario! 🇲🇽", "hola gracias por tu comentario"},
		{"Consulta https://www.ife.org.mx/casillas o www.ife.org.mx", "consulta o"},
		{"Tu folio 1312345678 está listo; IFETEL 01-800-433-2000.", "tu folio esta listo ifetel"},
		{"ÁÉÍÓÚ ñandú #CredencialParaVotar", "aeiou nandu credencialparavotar"},
		{"pa'l módulo", "pal modulo"},
		{"", ""},
		{"\u202e\u200b\xff", ""},
	}
	for _, tc := range tests {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJaccard(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("palabra ", 0) + "Te invitamos a consultar la información en la página del instituto o acudir a tu módulo de atención ciudadana más cercano de lunes a viernes en horario de oficina"
	tests := []struct {
		name string
		a, b string
		k    int
		min  float64
		max  float64
	}{
		{"identical", cannedText, cannedText, 3, 1, 1},
		{"other handle, link and number", "@pepe " + cannedText + " https://ife.org.mx/1", "@lupita " + strings.ReplaceAll(cannedText, "433", "111"), 3, 1, 1},
		{"case and accents", strings.ToUpper(cannedText), Normalize(cannedText), 3, 1, 1},
		{"a word appended to a long text", long, long + " Saludos", 3, 0.9, 0.99},
		{"one word changed in a long text", long, strings.Replace(long, "página", "web", 1), 3, 0.7, 0.9},
		{"a name in a short template", "Con gusto, María. Te enviamos la información por mensaje directo.", "Con gusto, José. Te enviamos la información por mensaje directo.", 3, 0.3, 0.6},
		{"different texts", cannedText, "Lamentamos lo ocurrido, envíanos tu folio por mensaje directo.", 3, 0, 0.1},
		{"bag of words", "a b c d", "d c b a", 1, 1, 1},
		{"empty", "", cannedText, 3, 0, 0},
	}
	for _, tc := range tests {
		got := Jaccard(tc.a, tc.b, tc.k)
		if got < tc.min || got > tc.max {
			t.Errorf("%s: Jaccard = %.3f, want in [%.2f, %.2f]", tc.name, got, tc.min, tc.max)
		}
	}
}

func TestFindCanned(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig().Canned
	day := tm("2013-04-08 10:00")
	rep := func(id, user string, hours int, text string) Reply {
		return Reply{ID: id, Recipient: user, At: day.Add(time.Duration(hours) * time.Hour), Text: text}
	}
	named := func(name string) string {
		return "Hola, " + name + ". La credencial se entrega en un plazo aproximado de 20 días hábiles después del trámite."
	}
	tests := []struct {
		name    string
		replies []Reply
		canned  []string
	}{
		{"the same text to five users in a week", []Reply{
			rep("a", "u1", 0, cannedText), rep("b", "u2", 5, "@u2 "+cannedText), rep("c", "u3", 30, cannedText),
			rep("d", "u4", 70, cannedText+" 🙏"), rep("e", "u5", 150, strings.ToLower(cannedText)),
		}, []string{"a", "b", "c", "d", "e"}},
		{"to four users only", []Reply{
			rep("a", "u1", 0, cannedText), rep("b", "u2", 5, cannedText), rep("c", "u3", 30, cannedText), rep("d", "u4", 70, cannedText),
		}, nil},
		{"five times to the same user", []Reply{
			rep("a", "u1", 0, cannedText), rep("b", "u1", 1, cannedText), rep("c", "@U1", 2, cannedText), rep("d", "u1", 3, cannedText), rep("e", "u1", 4, cannedText),
		}, nil},
		{"spread over more than the window", []Reply{
			rep("a", "u1", 0, cannedText), rep("b", "u2", 24*3, cannedText), rep("c", "u3", 24*6, cannedText),
			rep("d", "u4", 24*9, cannedText), rep("e", "u5", 24*12, cannedText),
		}, []string{"c"}},
		{"a template personalised with names", []Reply{
			rep("a", "u1", 0, named("María")), rep("b", "u2", 1, named("José")), rep("c", "u3", 2, named("Guadalupe")),
			rep("d", "u4", 3, named("Citlali")), rep("e", "u5", 4, named("Rubén")),
		}, nil},
		{"short thanks are not judged", []Reply{
			rep("a", "u1", 0, "¡Gracias!"), rep("b", "u2", 1, "¡Gracias!"), rep("c", "u3", 2, "¡Gracias!"),
			rep("d", "u4", 3, "¡Gracias!"), rep("e", "u5", 4, "¡Gracias!"),
		}, nil},
		{"unknown recipients count apart", []Reply{
			rep("a", "", 0, cannedText), rep("b", "", 1, cannedText), rep("c", "", 2, cannedText), rep("d", "", 3, cannedText), rep("e", "u1", 4, cannedText),
		}, []string{"a", "b", "c", "d", "e"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vs := FindCanned(tc.replies, cfg)
			var got []string
			for id, v := range vs {
				if v.Canned {
					got = append(got, id)
					if v.Users < cfg.MinUsers || len(v.Copies) < cfg.MinUsers-1 {
						t.Errorf("%s: verdict %+v", id, v)
					}
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.canned) {
				t.Errorf("canned %v, want %v", got, tc.canned)
			}
		})
	}
}

func TestCanned_Add(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig().Canned
	c := NewCanned(cfg)
	day := tm("2013-04-08 10:00")
	for i := range 4 {
		if v := c.Add(Reply{ID: fmt.Sprint(i), Recipient: fmt.Sprint("u", i), At: day.Add(time.Duration(i) * time.Hour), Text: cannedText}); v.Canned {
			t.Fatalf("reply %d flagged with %d users", i, v.Users)
		}
	}
	v := c.Add(Reply{ID: "4", Recipient: "u4", At: day.Add(4 * time.Hour), Text: cannedText})
	if !v.Canned || v.Users != 5 || !slices.Equal(v.Copies, []string{"0", "1", "2", "3"}) {
		t.Fatalf("fifth copy: %+v", v)
	}
	// A deleted copy no longer counts.
	c.Remove("0")
	if v := c.Add(Reply{ID: "4", Recipient: "u4", At: day.Add(4 * time.Hour), Text: cannedText}); v.Canned {
		t.Fatalf("after a deletion: %+v", v)
	}
	// Old replies are forgotten once the latest is two windows ahead.
	c.Add(Reply{ID: "late", Recipient: "u9", At: day.Add(3 * cfg.Window), Text: "Hola"})
	if n := c.Len(); n != 1 {
		t.Errorf("%d replies kept", n)
	}
}

// TestCanned_AddMatchesFindCanned: replies added in time order get, for the latest,
// the verdict FindCanned gives it over the same replies.
func TestCanned_AddMatchesFindCanned(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig().Canned
	cfg.MinUsers = 3
	texts := []string{
		cannedText,
		"Hola, por favor envíanos un mensaje directo con tus datos para darte seguimiento. Gracias.",
		"Agradecemos tu comentario; lo hacemos llegar al área correspondiente.",
		"Agradecemos tu comentario; lo hacemos llegar al área correspondiente. Saludos cordiales desde la Junta Local.",
	}
	r := rand.New(rand.NewPCG(9, 9))
	for round := range 15 {
		c := NewCanned(cfg)
		var all []Reply
		at := tm("2013-04-08 10:00")
		for i := range 40 {
			at = at.Add(time.Duration(r.IntN(20)) * time.Hour)
			rep := Reply{ID: fmt.Sprintf("r%d", i), Recipient: fmt.Sprintf("u%d", r.IntN(6)), At: at, Text: texts[r.IntN(len(texts))]}
			all = append(all, rep)
			got := c.Add(rep)
			want := FindCanned(all, cfg)[rep.ID]
			if got.Canned != want.Canned || got.Users != want.Users || !slices.Equal(got.Copies, want.Copies) {
				t.Fatalf("round %d reply %d: Add %+v, FindCanned %+v", round, i, got, want)
			}
		}
	}
}

// BenchmarkCanned_Add adds a busy account's replies: one every ten minutes (a
// thousand in the week's window), 30% pasted from four canned texts, the rest
// written from templates with the user's name, place and dates.
func BenchmarkCanned_Add(b *testing.B) {
	c := NewCanned(DefaultConfig().Canned)
	canned := []string{
		cannedText,
		"Te invitamos a consultar la información en www.ife.org.mx o acudir a tu módulo de atención ciudadana más cercano.",
		"Hola, por favor envíanos un mensaje directo con tus datos para darte seguimiento. Gracias.",
		"Agradecemos tu comentario; lo hacemos llegar al área correspondiente.",
	}
	names := []string{"María", "José", "Guadalupe", "Citlali", "Rubén", "Ximena", "Efraín", "Socorro"}
	places := []string{"Zapopan", "Tlalpan", "Mérida", "Tijuana", "Oaxaca de Juárez", "Saltillo", "León"}
	templates := []string{
		"Hola, %s. Puedes consultar la ubicación de tu módulo en %s o llamar a IFETEL. Saludos.",
		"Lamentamos lo ocurrido, %s. Ya lo reportamos al módulo de %s; te contactaremos a la brevedad.",
		"Gracias por tu propuesta, %s. La compartimos con la Junta Local en %s.",
		"Buen día, %s. Los módulos de %s atienden de lunes a viernes de 8:00 a 15:00 h.",
	}
	r := rand.New(rand.NewPCG(3, 3))
	at := tm("2013-04-08 10:00")
	for i := 0; b.Loop(); i++ {
		text := canned[r.IntN(len(canned))]
		if r.IntN(10) >= 3 {
			text = fmt.Sprintf(templates[r.IntN(len(templates))], names[r.IntN(len(names))], places[r.IntN(len(places))])
		}
		c.Add(Reply{ID: fmt.Sprint(i), Recipient: fmt.Sprint(r.IntN(5000)), At: at.Add(time.Duration(i) * 10 * time.Minute), Text: text})
	}
}
