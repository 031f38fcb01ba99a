package report

import "strings"

// Compliance states of a matrix cell.
const (
	Met           = "met"
	NotMet        = "not_met"
	NotApplicable = "not_applicable"
	NoData        = "no_data"
)

// Compliance is one row of an account's compliance matrix: a Criterio Vigía
// observes, its state and the evidence count behind it.
type Compliance struct {
	Criterio string `json:"criterio"`
	Rule     string `json:"rule"` // a stable key, e.g. "answer_every_comment"
	// Title is the rule as people read it, in Spanish.
	Title string `json:"title"`
	State string `json:"state"`
	// Evidence counts what made the state: comments left unanswered or late, flags,
	// weeks below the cadence, … (0 when met).
	Evidence int64 `json:"evidence"`
	// Section is the id of the report section with the detail.
	Section string `json:"section"`
}

// criterio describes one row of the matrix and how to judge it from an account's figures.
type criterio struct {
	clause, rule, title, section string
	judge                        func(a *AccountReport) (state string, evidence int64)
}

// zeroFlags judges a rule met when none of the account's own items carry a flag
// whose rule has one of the prefixes.
func zeroFlags(prefixes ...string) func(a *AccountReport) (string, int64) {
	return func(a *AccountReport) (string, int64) {
		var n int64
		for rule, c := range a.OwnContentFlags {
			for _, p := range prefixes {
				if strings.HasPrefix(rule, p) {
					n += c
					break
				}
			}
		}
		if a.Posts == 0 && n == 0 {
			return NotApplicable, 0
		}
		return metIf(n == 0), n
	}
}

func metIf(ok bool) string {
	if ok {
		return Met
	}
	return NotMet
}

// criterios are the matrix rows, in the order of CRITERIOS.md.
var criterios = []criterio{
	{"5.2.e, 6.xvii", "answer_every_comment", "Responder cada comentario a tiempo", "respuesta", func(a *AccountReport) (string, int64) {
		if a.NeedingAnswer == 0 {
			return NotApplicable, 0
		}
		n := a.Unanswered + a.AnsweredLate
		return metIf(n == 0), n
	}},
	{"6.xvi", "personal_answers", "Respuestas personalizadas, no pegadas a muchos usuarios", "contenido", zeroFlags("canned_reply")},
	{"6.xv", "offensive_blocked", "Bloquear a quien publica comentarios ofensivos", "conducta", func(a *AccountReport) (string, int64) {
		if a.Offensive.RepeatOffenders == 0 && a.Offensive.Comments == 0 {
			return NotApplicable, 0
		}
		// Repeat offenders with no block recorded in the period are the evidence.
		n := max(0, a.Offensive.RepeatOffenders-a.Offensive.BlocksConfirmed-a.Offensive.BlocksObserved)
		return metIf(n == 0), n
	}},
	{"6.xix", "no_insults", "No responder con insultos ni faltas de respeto", "contenido", zeroFlags("own_offensive", "offensive")},
	{"6.iii", "no_personal_data", "Sin datos personales ni información reservada", "contenido", zeroFlags("personal_data_")},
	{"6.xxiii", "mixed_case", "Mayúsculas y minúsculas; mayúsculas solo para resaltar", "contenido", zeroFlags("capitals")},
	{"6.xxiv", "no_spam", "Sin envíos indiscriminados (ráfagas, duplicados)", "contenido", zeroFlags("burst", "duplicate")},
	{"6.vi", "links", "Enlaces a sitios vinculados con los fines del Instituto", "contenido", zeroFlags("link_outside_allowlist", "bare_link")},
	{"6.xx, 7.viii", "cadence", "Actualizar con la frecuencia esperada; no abandonar la cuenta", "publicaciones", func(a *AccountReport) (string, int64) {
		// Evidence: complete weeks below the expected posts, and each time the
		// account became stale or abandoned (governance signals).
		n := int64(a.WeeksBelowExpected) + deref(a.CadenceSignals.Stale) + deref(a.CadenceSignals.Abandoned)
		if a.ExpectedPostsPerWeek <= 0 && n == 0 {
			return NotApplicable, 0
		}
		return metIf(n == 0), n
	}},
	{"6.xxv", "verified", "Cuenta verificada", "gobierno", func(a *AccountReport) (string, int64) {
		switch a.Verification.Status {
		case VerificationVerified:
			return Met, 0
		case VerificationUnverified:
			return NotMet, 1
		}
		return NoData, 0
	}},
	{"6.xxvi", "no_takeover", "Sin señales de toma de la cuenta por personas no autorizadas", "gobierno", func(a *AccountReport) (string, int64) {
		// Urgent takeover signals (at or above the threshold) and takeover alerts
		// are the evidence; sub-threshold signals are shown, not judged.
		t := a.Takeover
		if t.Alerts == nil && t.UrgentSignals == nil {
			return NoData, 0
		}
		n := max(deref(t.Alerts), deref(t.UrgentSignals))
		return metIf(n == 0), n
	}},
	{"3.vii, 8.ii", "suggestions_answered", "Analizar y responder sugerencias y propuestas", "sugerencias", func(a *AccountReport) (string, int64) {
		if a.Suggestions.NeedingAnswer == 0 {
			return NotApplicable, 0
		}
		n := a.Suggestions.NeedingAnswer - a.Suggestions.Answered
		return metIf(n == 0), n
	}},
	{"3.ix", "misinformation_clarified", "Aclarar la información equivocada sobre el Instituto (listas de vigilancia)", "conducta", func(a *AccountReport) (string, int64) {
		if a.Watch.Comments == 0 {
			return NotApplicable, 0
		}
		n := a.Watch.Comments - a.Watch.Answered
		return metIf(n == 0), n
	}},
	{"6.vii", "info_requests_redirected", "Canalizar las solicitudes de información (INFOMEX-IFE, IFETEL, Unidad de Enlace)", "sugerencias", func(a *AccountReport) (string, int64) {
		if a.InfoRequests.NeedingAnswer == 0 {
			return NotApplicable, 0
		}
		n := a.InfoRequests.NeedingAnswer - a.InfoRequests.Redirected
		return metIf(n == 0), n
	}},
}

// compliance judges every matrix row for an account.
func compliance(a *AccountReport) []Compliance {
	out := make([]Compliance, 0, len(criterios))
	for _, c := range criterios {
		st, n := c.judge(a)
		out = append(out, Compliance{Criterio: c.clause, Rule: c.rule, Title: c.title, State: st, Evidence: n,
			Section: "cuenta-" + a.ID + "-" + c.section})
	}
	return out
}

// deref is *p, or 0 when p is nil (no data).
func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
