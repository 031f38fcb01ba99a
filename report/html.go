package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

//go:embed report.html.tmpl
var templateFS embed.FS

// intentOrder and intentNames label the intents in Spanish.
var (
	intentOrder = []string{"question", "info_request", "suggestion", "complaint", "praise", "other"}
	intentNames = map[string]string{"question": "Preguntas", "info_request": "Solicitudes de información",
		"suggestion": "Sugerencias", "complaint": "Quejas", "praise": "Elogios", "other": "Otros"}
	stateNames = map[string]string{Met: "Cumple", NotMet: "No cumple", NotApplicable: "No aplica", NoData: "Sin datos"}
	ruleNames  = map[string]string{
		"canned_reply": "Respuestas no personalizadas (6.xvi)", "own_offensive": "Insultos propios (6.xix)",
		"offensive": "Insultos propios (6.xix)", "personal_data_curp": "CURP (6.iii)", "personal_data_rfc": "RFC (6.iii)",
		"personal_data_clave_elector": "Clave de elector (6.iii)", "personal_data_phone": "Teléfonos (6.iii)",
		"personal_data_email": "Correos electrónicos (6.iii)", "personal_data_card": "Números de tarjeta (6.iii)",
		"personal_data_address": "Domicilios (6.iii)", "capitals": "Mayúsculas (6.xxiii)", "burst": "Ráfagas (6.xxiv)",
		"duplicate": "Duplicados (6.xxiv)", "link_outside_allowlist": "Enlaces externos (6.vi)", "bare_link": "Solo enlace (6.vi)",
		"offensive_review": "Ofensivo a revisar", "watch": "Listas de vigilancia (3.ix)",
	}
	monthsES = []string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
		"octubre", "noviembre", "diciembre"}
)

// htmlAccount is an account with its charts, for the template.
type htmlAccount struct {
	*AccountReport
	WeeklyChart, IntentChart template.HTML
}

// WriteHTML writes the report as one self-contained HTML document: CSS, charts
// (inline SVG) and the summary table's sorting script are inside; it fetches
// nothing. Every text from the archive goes through html/template's escaping.
func WriteHTML(w io.Writer, r *Report) error {
	t, err := template.New("report.html.tmpl").Funcs(funcs).ParseFS(templateFS, "report.html.tmpl")
	if err != nil {
		return fmt.Errorf("report: template: %w", err)
	}
	accts := make([]htmlAccount, 0, len(r.Accounts))
	for _, a := range r.Accounts {
		wc, err := weeklyChart(a.WeeklyPosts, a.ExpectedPostsPerWeek)
		if err != nil {
			return err
		}
		ic, err := intentChart(a.CommentsByIntent)
		if err != nil {
			return err
		}
		accts = append(accts, htmlAccount{AccountReport: a, WeeklyChart: wc, IntentChart: ic})
	}
	data := struct {
		*Report
		PeriodText string
		Accounts   []htmlAccount
		Intents    []string
	}{r, periodText(r), accts, intentOrder}
	if err := t.Execute(w, data); err != nil {
		return fmt.Errorf("report: write html: %w", err)
	}
	return nil
}

func periodText(r *Report) string {
	f, _ := time.Parse(time.DateOnly, r.From)
	t, _ := time.Parse(time.DateOnly, r.To)
	s := fmt.Sprintf("del %s al %s", dateES(f), dateES(t))
	if r.Semester != "" {
		half := "primer"
		if strings.HasSuffix(r.Semester, "-2") {
			half = "segundo"
		}
		s = fmt.Sprintf("%s semestre de %d (%s)", half, f.Year(), s)
	}
	return s
}

func dateES(t time.Time) string {
	return fmt.Sprintf("%d de %s de %d", t.Day(), monthsES[t.Month()-1], t.Year())
}

var funcs = template.FuncMap{
	"inc": func(i int) int { return i + 1 },
	"notMet": func(cs []Compliance) int {
		n := 0
		for _, c := range cs {
			if c.State == NotMet {
				n++
			}
		}
		return n
	},
	"intentName": func(k string) string { return intentNames[k] },
	"stateName":  func(k string) string { return stateNames[k] },
	"ruleName": func(k string) string {
		if n, ok := ruleNames[k]; ok {
			return n
		}
		return k
	},
	"int": func(n int64) string { return thousands(n) },
	"pct": func(r *float64) string {
		if r == nil {
			return "sin datos"
		}
		return strconv.FormatFloat(*r*100, 'f', 1, 64) + " %"
	},
	"ratioPct": func(r float64) string { return strconv.FormatFloat(r*100, 'f', 1, 64) + " %" },
	"dec":      func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
	"dur":      durES,
	"when": func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return t.In(Location).Format("2006-01-02 15:04")
	},
	"sortRate": func(r *float64) string {
		if r == nil {
			return "-1"
		}
		return strconv.FormatFloat(*r, 'f', 6, 64)
	},
	"sortDur": func(n *int64) string {
		if n == nil {
			return strconv.FormatInt(math.MaxInt32, 10)
		}
		return strconv.FormatInt(*n, 10)
	},
	"verification": func(s string) string {
		switch s {
		case VerificationVerified:
			return "verificada"
		case VerificationUnverified:
			return "no verificada"
		}
		return "sin datos"
	},
	"optInt": func(n *int64) string {
		if n == nil {
			return "sin datos"
		}
		return thousands(*n)
	},
	"trend": func(cur, prev int64) string {
		switch {
		case cur > prev:
			return "▲"
		case cur < prev:
			return "▼"
		}
		return "="
	},
}

// durES writes seconds as "3 h 05 min" (or "sin datos").
func durES(n *int64) string {
	if n == nil {
		return "sin datos"
	}
	s := *n
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600:
		return fmt.Sprintf("%d min", s/60)
	case s < 48*3600:
		return fmt.Sprintf("%d h %02d min", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%d d %d h", s/86400, s%86400/3600)
}

// thousands writes n with a thin space between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
