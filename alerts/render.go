package alerts

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// What people read: Spanish titles, summaries and what to do, per rule. Every
// untrusted text (a comment, an author's handle, a link) goes through sanitize and
// then the escaping of the format it lands in: HTML for e-mail and Telegram,
// Markdown for Mattermost and Teams, Slack's own escaping, JSON for the rest. A
// mention (@channel, @here, @all, @someone) is broken with a zero-width space so no
// chat turns it into a notification.

// maxText bounds an untrusted text shown in a message, in runes.
const maxText = 1500

var ruleTitles = map[string]string{
	RuleSLAAtRisk:        "Comentario por vencer sin respuesta",
	RuleSLABreached:      "Comentario sin respuesta fuera de plazo",
	RuleOffensiveComment: "Comentario ofensivo",
	RuleOwnContent:       "Contenido propio contrario a los Criterios",
	RuleTakeover:         "Posible toma de control de la cuenta",
	RulePollingBroken:    "No se puede consultar la cuenta",
	RuleStaleAccount:     "Cuenta sin actividad",
	RuleRegistryChange:   "Cambio en el registro de cuentas institucionales",
	RuleTest:             "Mensaje de prueba",
	RuleDigest:           "Resumen",
}

var ruleActions = map[string][]string{
	RuleSLAAtRisk: {
		"Responda el comentario de forma clara y personalizada antes de que venza el plazo (Criterios 5.2.e y 6.xvii).",
		"Si es una solicitud de información, redirija a INFOMEX-IFE, IFETEL o la Unidad de Enlace (6.vii).",
	},
	RuleSLABreached: {
		"Responda el comentario cuanto antes, de forma clara y personalizada (5.2.e y 6.xvii).",
		"Si es una solicitud de información, redirija a INFOMEX-IFE, IFETEL o la Unidad de Enlace (6.vii).",
	},
	RuleOffensiveComment: {
		"Revise el comentario; si es ofensivo, bloquee al autor en la red (6.xv).",
		"Registre la decisión con «vigia label» (block_confirmed o false_positive).",
	},
	RuleOwnContent: {
		"Retire o corrija de inmediato la publicación de la cuenta (6.xix, 6.iii).",
		"Si nadie de la cuenta la escribió, trátela como posible toma de control y notifique a UNICOM (6.xxvi).",
	},
	RuleTakeover: {
		"Verifique de inmediato quién opera la cuenta y cambie sus contraseñas.",
		"Notifique al titular del área, a la CNCS y a la UNICOM (6.xxvi).",
	},
	RulePollingBroken: {
		"Revise las credenciales de la cuenta en la configuración de Vigía.",
		"Si fueron revocadas o la cuenta cambió de dueño, notifique a la UNICOM.",
	},
	RuleStaleAccount: {
		"Publique contenido conforme a la periodicidad de la red (6.xx); una cuenta no debe abandonarse (7.viii).",
	},
	RuleRegistryChange: {
		"Verifique que el cambio fue autorizado y actualice el registro de cuentas institucionales de la CNCS (7.iv, 7.vii).",
		"Si nadie lo autorizó, revise quién modificó la configuración de Vigía.",
	},
	RuleTest: {"Ninguna: este mensaje prueba la configuración de las alertas."},
}

// RuleTitle returns the Spanish title of a rule.
func RuleTitle(rule string) string {
	if t, ok := ruleTitles[rule]; ok {
		return t
	}
	return "Alerta " + rule
}

func stateWord(s State) string {
	switch s {
	case StateResolved:
		return "RESUELTA"
	case StateEscalated:
		return "ESCALADA"
	}
	return ""
}

// defaultSummary says what happened when the event carried no summary.
func defaultSummary(a Alert) string {
	acct := accountName(a)
	if a.State == StateResolved {
		switch a.Rule {
		case RuleSLAAtRisk, RuleSLABreached:
			return fmt.Sprintf("El comentario en %s ya fue respondido.", acct)
		case RulePollingBroken:
			return fmt.Sprintf("La cuenta %s se consulta de nuevo con normalidad.", acct)
		}
		return fmt.Sprintf("La alerta «%s» de %s quedó resuelta.", RuleTitle(a.Rule), acct)
	}
	switch a.Rule {
	case RuleSLAAtRisk:
		return fmt.Sprintf("Un comentario en %s lleva %s sin respuesta en horario de atención y está por vencer.", acct, formatWait(a.Waited))
	case RuleSLABreached:
		return fmt.Sprintf("Un comentario en %s lleva %s sin respuesta en horario de atención: venció el plazo.", acct, formatWait(a.Waited))
	case RuleOffensiveComment:
		return fmt.Sprintf("Se recibió en %s un comentario que el clasificador recomienda bloquear.", acct)
	case RuleOwnContent:
		return fmt.Sprintf("La cuenta %s publicó un texto con insultos o datos personales.", acct)
	case RuleTakeover:
		return fmt.Sprintf("La cuenta %s muestra señales de estar operada por personas no autorizadas.", acct)
	case RulePollingBroken:
		return fmt.Sprintf("Vigía no puede consultar la cuenta %s.", acct)
	case RuleStaleAccount:
		return fmt.Sprintf("La cuenta %s no publica desde hace demasiado tiempo.", acct)
	case RuleRegistryChange:
		return fmt.Sprintf("Cambió el registro de %s.", acct)
	case RuleTest:
		return "Mensaje de prueba de Vigía: si lo recibe, esta ruta funciona."
	}
	return RuleTitle(a.Rule)
}

func accountName(a Alert) string {
	switch {
	case a.Handle != "" && a.Network != "":
		return "@" + a.Handle + " (" + a.Network + ")"
	case a.Account != "":
		return a.Account
	}
	return "la cuenta"
}

// formatWait writes a business-time duration for people: "3 h 20 min".
func formatWait(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "menos de un minuto"
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// sanitize makes untrusted text safe to place in any message: valid UTF-8, no
// control characters but newlines and tabs, no bidirectional overrides, mentions
// broken, at most maxText runes.
func sanitize(s string) string { return clean(s, true) }

// clean is sanitize; mentions are broken only when breakMentions is set (the
// configuration's own names, such as the account's handle, are left whole).
func clean(s string, breakMentions bool) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n >= maxText {
			b.WriteString("…")
			break
		}
		switch {
		case r == '\n' || r == '\t':
		case r == '\r':
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), r == '\u2028', r == '\u2029':
			continue
		}
		b.WriteRune(r)
		if breakMentions && (r == '@' || r == '＠') {
			b.WriteRune('\u200b') // @channel, @here, @all and @user no longer mention
		}
		n++
	}
	return b.String()
}

// oneLine is sanitize for headers and titles: no line breaks.
func oneLine(s string) string {
	return strings.Join(strings.Fields(sanitize(s)), " ")
}

// trustedLine is oneLine for the configuration's own names: mentions kept.
func trustedLine(s string) string {
	return strings.Join(strings.Fields(clean(s, false)), " ")
}

// safeLink returns the link when it is an absolute http(s) URL, else "".
func safeLink(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return u.String()
}

// line is one labelled fact of an alert; untrusted values are sanitized already.
type line struct {
	Label string
	Value string
	// Quote marks a comment's text: shown as a quoted block.
	Quote bool
	// Link marks a URL.
	Link bool
}

// view is an alert prepared for rendering.
type view struct {
	Title   string
	Summary string
	Lines   []line
	Actions []string
}

func viewOf(a Alert) view {
	v := view{Title: RuleTitle(a.Rule), Summary: oneLine(a.Summary)}
	if a.Rule == RuleDigest {
		v.Summary = trustedLine(a.Summary)
	}
	if v.Summary == "" {
		v.Summary = oneLine(defaultSummary(a))
	}
	if w := stateWord(a.State); w != "" {
		v.Title = w + ": " + v.Title
	}
	add := func(label, value string) {
		if value != "" {
			v.Lines = append(v.Lines, line{Label: label, Value: value})
		}
	}
	if a.Body != "" {
		v.Lines = append(v.Lines, line{Label: "", Value: sanitize(a.Body), Quote: true})
		return v
	}
	add("Cuenta", trustedLine(accountName(a)))
	if a.OrganName != "" {
		add("Órgano responsable", trustedLine(a.OrganName))
	}
	add("Severidad", severityES(a.Severity))
	if a.Author != "" {
		add("Autor", "@"+strings.TrimPrefix(oneLine(a.Author), "@"))
	}
	if a.Text != "" {
		v.Lines = append(v.Lines, line{Label: "Texto", Value: sanitize(a.Text), Quote: true})
	}
	if l := safeLink(a.Link); l != "" {
		v.Lines = append(v.Lines, line{Label: "Enlace", Value: l, Link: true})
	}
	if a.Waited > 0 {
		add("Espera en horario de atención", formatWait(a.Waited))
	}
	if !a.StartsAt.IsZero() {
		add("Desde", a.StartsAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if !a.EndsAt.IsZero() {
		add("Resuelta", a.EndsAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if a.Step > 0 {
		add("Escalamiento", fmt.Sprintf("nivel %d: la alerta sigue sin atenderse", a.Step+1))
	}
	keys := make([]string, 0, len(a.Fields))
	for k := range a.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add(oneLine(k), oneLine(a.Fields[k]))
	}
	if a.State != StateResolved {
		v.Actions = ruleActions[a.Rule]
	}
	return v
}

func severityES(s Severity) string {
	switch s {
	case SeverityUrgent:
		return "urgente"
	case SeverityWarning:
		return "aviso"
	case SeverityInfo:
		return "informativa"
	}
	return string(s)
}

// Subject is the one-line Spanish subject of a message.
func Subject(m Message) string {
	if len(m.Alerts) == 0 {
		return "[Vigía] (vacío)"
	}
	a := m.Alerts[0]
	if a.Rule == RuleDigest {
		return "[Vigía] " + trustedLine(a.Summary) // written by the dispatcher from the configuration
	}
	v := viewOf(a)
	if len(m.Alerts) == 1 {
		return "[Vigía] " + v.Title + " en " + trustedLine(accountName(a))
	}
	return fmt.Sprintf("[Vigía] %d alertas: %s", len(m.Alerts), v.Title)
}

// PlainText renders a message as plain text.
func PlainText(m Message) string {
	var b strings.Builder
	if len(m.Alerts) > 1 {
		fmt.Fprintf(&b, "%d alertas del mismo tipo, en el orden en que ocurrieron.\n\n", len(m.Alerts))
	}
	for i, a := range m.Alerts {
		if i > 0 {
			b.WriteString("\n----------------------------------------\n\n")
		}
		v := viewOf(a)
		fmt.Fprintf(&b, "%s\n\n%s\n\n", v.Title, v.Summary)
		for _, l := range v.Lines {
			switch {
			case l.Quote && l.Label == "":
				b.WriteString(l.Value + "\n")
			case l.Quote:
				b.WriteString(l.Label + ":\n")
				for _, q := range strings.Split(l.Value, "\n") {
					b.WriteString("  > " + q + "\n")
				}
			default:
				fmt.Fprintf(&b, "%s: %s\n", l.Label, l.Value)
			}
		}
		if len(v.Actions) > 0 {
			b.WriteString("\nQué hacer:\n")
			for _, act := range v.Actions {
				b.WriteString("  - " + act + "\n")
			}
		}
	}
	b.WriteString("\n--\nVigía, monitoreo de las cuentas institucionales en redes sociales.\n")
	return b.String()
}

var htmlTmpl = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; max-width: 42em">
{{if gt (len .Views) 1}}<p>{{len .Views}} alertas del mismo tipo, en el orden en que ocurrieron.</p>{{end}}
{{range .Views}}<h2>{{.Title}}</h2>
<p>{{.Summary}}</p>
<table>{{range .Lines}}{{if .Quote}}<tr><td colspan="2">{{if .Label}}<b>{{.Label}}:</b>{{end}}<blockquote style="white-space: pre-wrap; border-left: 3px solid #999; padding-left: 1em">{{.Value}}</blockquote></td></tr>{{else if .Link}}<tr><td><b>{{.Label}}:</b></td><td><a href="{{.Value}}">{{.Value}}</a></td></tr>{{else}}<tr><td><b>{{.Label}}:</b></td><td>{{.Value}}</td></tr>{{end}}{{end}}</table>
{{if .Actions}}<h3>Qué hacer</h3><ul>{{range .Actions}}<li>{{.}}</li>{{end}}</ul>{{end}}
<hr>{{end}}
<p style="color: #666">Vigía, monitoreo de las cuentas institucionales en redes sociales.</p>
</body></html>
`))

// HTML renders a message as an HTML document; every value is escaped.
func HTML(m Message) (string, error) {
	views := make([]view, len(m.Alerts))
	for i, a := range m.Alerts {
		views[i] = viewOf(a)
	}
	var buf bytes.Buffer
	err := htmlTmpl.Execute(&buf, struct {
		Subject string
		Views   []view
	}{Subject(m), views})
	return buf.String(), err
}

// markdownEscape escapes every character Markdown (CommonMark, Mattermost, Teams'
// Adaptive Cards) gives a meaning to, so text renders literally.
func markdownEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_{}[]()<>#+-.!|~>=\"'&:", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Markdown renders a message as Markdown with every value escaped.
func Markdown(m Message) string {
	var b strings.Builder
	if len(m.Alerts) > 1 {
		fmt.Fprintf(&b, "**%d alertas del mismo tipo, en el orden en que ocurrieron.**\n\n", len(m.Alerts))
	}
	for i, a := range m.Alerts {
		if i > 0 {
			b.WriteString("\n---\n\n")
		}
		v := viewOf(a)
		fmt.Fprintf(&b, "**%s**\n\n%s\n\n", markdownEscape(v.Title), markdownEscape(v.Summary))
		for _, l := range v.Lines {
			switch {
			case l.Quote:
				if l.Label != "" {
					b.WriteString("**" + markdownEscape(l.Label) + ":**\n")
				}
				for _, q := range strings.Split(l.Value, "\n") {
					b.WriteString("> " + markdownEscape(q) + "\n")
				}
				b.WriteString("\n")
			default:
				fmt.Fprintf(&b, "**%s:** %s  \n", markdownEscape(l.Label), markdownEscape(l.Value))
			}
		}
		if len(v.Actions) > 0 {
			b.WriteString("\n**Qué hacer:**\n")
			for _, act := range v.Actions {
				b.WriteString("- " + markdownEscape(act) + "\n")
			}
		}
	}
	return b.String()
}

// slackEscape applies Slack's escaping (&, <, >): with it no text becomes a link,
// a mention or a special command such as <!channel>.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// htmlEscape is the escaping of Telegram's HTML mode.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
