package response

import (
	"testing"

	"github.com/ife-mx/vigia/connectors"
)

func TestSpam(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		rule string // empty: not spam
	}{
		{"🔥Gana hasta $5,000 al día desde tu casa🔥 Info aquí 👉 bit.ly/3xYz", "spam/promocion"},
		{"Créditos sin buró, aprobación inmediata. WhatsApp 55 1234 5678", "spam/promocion"},
		{"Sígueme y te sigo 🔁 #FollowBack #IFE", "spam/promocion"},
		{"Compra seguidores reales y baratos en seguidores-ya.com", "spam/promocion"},
		{"¡Felicidades! Ganaste un iPhone, reclámalo en premios-mx.xyz/claim", "spam/promocion"},
		{"Lentes de marca al 80% de descuento lentes.shop", "spam/promocion"},
		{"Invierte $1,500 y recibe el doble en 7 días 💸 inversion.site", "spam/promocion"},
		{"TRABAJO DESDE CASA, sin experiencia, pago semanal $800. Escríbeme", "spam/promocion"},
		{"https://bit.ly/abc123", "spam/solo_enlace"},
		{"👉👉 www.ofertas-buenfin.mx 👈👈 #BuenFin", "spam/solo_enlace"},
		{"mira esto http://promo.example.com/a y esto http://promo.example.com/a", "spam/enlace_repetido"},
		{"vean a.com/x b.com/y c.com/z todo es verdad", "spam/muchos_enlaces"},
		{"Oferta especial solo hoy, da clic 👉 promo.example.com", "spam/llamado_a_la_accion"},
		{"Lentes baratos, escríbeme al 55 1234 5678", "spam/llamado_a_la_accion"},
		// Citizens who mention links, money and phones are not spam.
		{"¿Dónde puedo tramitar mi credencial en Zapopan?", ""},
		{"La página https://www.ife.org.mx/casillas no carga desde ayer", ""},
		{"Marqué al 01 800 433 2000 y nadie contesta", ""},
		{"¿El trámite es gratis? Llamé gratis al 01 800 433 2000 y nadie contesta", ""},
		{"Vendo lentes, pedidos al 55 1234 5678", "spam/llamado_a_la_accion"},
		{"Gasté $300 en copias para el trámite y me regresaron", ""},
		{"Me llegó un mensaje diciendo que gané un premio del IFE, ¿es real?", ""},
		{"Hoy fui por mi credencial 📸 #YaTengoMiCredencial", ""},
	}
	for _, tc := range tests {
		got := Spam(tc.text)
		if (tc.rule != "") != got.Spam || got.Rule != tc.rule {
			t.Errorf("Spam(%q) = %+v, want rule %q", tc.text, got, tc.rule)
		}
		if got.Spam && got.Match == "" {
			t.Errorf("Spam(%q) has no evidence", tc.text)
		}
	}
}

func TestNeedsAnswer(t *testing.T) {
	t.Parallel()
	item := func(kind connectors.Kind, text string) connectors.Item {
		return connectors.Item{ExternalID: "1", Kind: kind, Text: text, AuthorHandle: "lupita_gzz"}
	}
	own := item(connectors.KindReply, "Hola, con gusto te ayudamos.")
	own.Own = true
	tests := []struct {
		name   string
		it     connectors.Item
		opts   Options
		needs  bool
		reason Reason
		intent Intent
	}{
		{"a question under a post", item(connectors.KindComment, "¿Dónde me toca votar?"), Options{}, true, ReasonNeedsAnswer, IntentQuestion},
		{"a complaint in a mention", item(connectors.KindMention, "@IFE_mx llevo 30 días esperando mi credencial"), Options{}, true, ReasonNeedsAnswer, IntentComplaint},
		{"a suggestion", item(connectors.KindComment, "Sugiero que abran los domingos"), Options{}, true, ReasonNeedsAnswer, IntentSuggestion},
		{"an information request", item(connectors.KindComment, "Solicito el directorio de la junta"), Options{}, true, ReasonNeedsAnswer, IntentInfoRequest},
		{"chatter needs an answer by default", item(connectors.KindComment, "Saludos desde Tepic"), Options{}, true, ReasonNeedsAnswer, IntentOther},
		{"praise does not by default", item(connectors.KindComment, "Muchas gracias, muy amables"), Options{}, false, ReasonIntent, IntentPraise},
		{"praise does when configured", item(connectors.KindComment, "Muchas gracias, muy amables"), Options{Intents: Intents}, true, ReasonNeedsAnswer, IntentPraise},
		{"only questions configured", item(connectors.KindComment, "Sugiero que abran los domingos"), Options{Intents: []Intent{IntentQuestion}}, false, ReasonIntent, IntentSuggestion},
		{"own items never", own, Options{}, false, ReasonOwn, ""},
		{"posts never", item(connectors.KindPost, "¿Qué opinan?"), Options{}, false, ReasonKind, IntentQuestion},
		{"offensive ones are for blocking", item(connectors.KindComment, "¿Dónde me toca votar, inútiles?"), Options{Offensive: true}, false, ReasonOffensive, IntentQuestion},
		{"spam flagged by the caller", item(connectors.KindComment, "¿Dónde me toca votar?"), Options{Spam: true}, false, ReasonSpam, IntentQuestion},
		{"spam by the heuristic", item(connectors.KindComment, "🔥Gana dinero desde casa🔥 bit.ly/x"), Options{}, false, ReasonSpam, IntentOther},
		{"spam already checked by the caller: its verdict stands", item(connectors.KindComment, "🔥Gana dinero desde casa🔥 bit.ly/x"), Options{Spam: true, SpamChecked: true}, false, ReasonSpam, IntentOther},
		{"checked and not spam: the heuristic is not run again", item(connectors.KindComment, "🔥Gana dinero desde casa🔥 bit.ly/x"), Options{SpamChecked: true}, true, ReasonNeedsAnswer, IntentOther},
		{"a reply to an own answer", item(connectors.KindReply, "¿Y el trámite tiene costo?"), Options{ParentOwn: true}, true, ReasonNeedsAnswer, IntentQuestion},
		{"a reply between users", item(connectors.KindReply, "@pepe ¿a qué módulo fuiste?"), Options{AccountHandle: "IFE_mx"}, false, ReasonNotAddressed, IntentQuestion},
		{"a reply between users that mentions the account", item(connectors.KindReply, "@pepe @IFE_mx ¿a qué módulo debo ir?"), Options{AccountHandle: "@ife_mx"}, true, ReasonNeedsAnswer, IntentQuestion},
		{"a reply mentioning the account on mastodon", item(connectors.KindReply, "@ine@mastodon.social ¿dónde voto?"), Options{AccountHandle: "ine@mastodon.social"}, true, ReasonNeedsAnswer, IntentQuestion},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := NeedsAnswer(tc.it, tc.opts)
			if d.Needs != tc.needs || d.Reason != tc.reason || d.Intent.Intent != tc.intent {
				t.Errorf("NeedsAnswer = %+v, want needs %v, reason %s, intent %s", d, tc.needs, tc.reason, tc.intent)
			}
		})
	}
}

func TestMentions(t *testing.T) {
	t.Parallel()
	ms := mentions("Hola @Lupita_Gzz y @ine@mastodon.social. Gracias @pepe.")
	for _, h := range []string{"lupita_gzz", "@LUPITA_GZZ", "ine@mastodon.social", "ine", "pepe"} {
		if !mentionsHandle(ms, h) {
			t.Errorf("%q not found in %v", h, ms)
		}
	}
	for _, h := range []string{"lupita", "pep", "", "mastodon.social"} {
		if mentionsHandle(ms, h) {
			t.Errorf("%q found in %v", h, ms)
		}
	}
}
