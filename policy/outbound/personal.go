package outbound

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PersonalData finds personal data in text (Criterio 6.iii): CURP with a valid check digit,
// RFC with homoclave and valid check digit, clave de elector, Mexican phone numbers,
// e-mail addresses (except at the institutional domains in allowed; nil means
// DefaultAllowedDomains), card numbers that pass Luhn, and street addresses.
func PersonalData(text string, allowed []string) []Finding {
	if allowed == nil {
		allowed = DefaultAllowedDomains
	}
	var out []Finding
	add := func(rule, detail string, a, b int) {
		out = append(out, Finding{Rule: rule, Criterio: criterioPersonal, Evidence: []Span{span(text, a, b)}, Detail: detail})
	}
	// The expressions run only on texts they can match: the CURP, the clave and
	// the RFC hold six digits in a row, an e-mail address an "@", an address a
	// digit. Most own texts have none of these, and the expressions cost most of
	// an own text's review.
	run := digitRun(text)
	if run >= 6 {
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
	}
	if strings.IndexByte(text, '@') >= 0 {
		for _, m := range reEmail.FindAllStringSubmatchIndex(text, -1) {
			domain := strings.ToLower(text[m[2]:m[3]])
			if hostAllowed(domain, allowed) {
				continue
			}
			add(RuleEmail, "correo electrónico", m[0], m[1])
		}
	}
	out = append(out, numbers(text)...)
	if run > 0 {
		out = append(out, addresses(text)...)
	}
	return out
}

// digitRun returns the longest run of ASCII digits (the expressions' \d) in s.
func digitRun(s string) int {
	longest, n := 0, 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}

var (
	reCURP  = regexp.MustCompile(`(?i)\b[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[A-Z0-9]\d\b`)
	reClave = regexp.MustCompile(`(?i)\b[A-Z]{6}\d{8}[HM]\d{3}\b`)
	reRFC   = regexp.MustCompile(`(?i)\b[A-Z&Ñ]{3,4}\d{6}[A-Z0-9]{2}[A0-9]\b`)
	reEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@((?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})\b`)
)

var curpStates = map[string]bool{}

func init() {
	for _, s := range strings.Fields("AS BC BS CC CL CM CS CH DF DG GT GR HG JC MC MN MS NT NL OC PL QT QR SP SL SR TC TS TL VZ YN ZS NE") {
		curpStates[s] = true
	}
}

func validDate(yymmdd string) bool {
	m := int(yymmdd[2]-'0')*10 + int(yymmdd[3]-'0')
	d := int(yymmdd[4]-'0')*10 + int(yymmdd[5]-'0')
	return m >= 1 && m <= 12 && d >= 1 && d <= 31
}

// validCURP checks the date, the state and the check digit of an upper-case CURP.
func validCURP(c string) bool {
	if len(c) != 18 || !validDate(c[4:10]) || !curpStates[c[11:13]] {
		return false
	}
	const dict = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ" // & stands for Ñ, which the regexp excludes
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(dict, c[i])
		if v < 0 {
			return false
		}
		sum += v * (18 - i)
	}
	dv := (10 - sum%10) % 10
	return int(c[17]-'0') == dv
}

// validClave checks the birth date and the state code of a clave de elector.
func validClave(c string) bool {
	if len(c) != 18 || !validDate(c[6:12]) {
		return false
	}
	st := int(c[12]-'0')*10 + int(c[13]-'0')
	return (st >= 1 && st <= 32) || st == 87 || st == 88
}

// validRFC checks the date and the homoclave's check digit of an upper-case RFC (12
// characters for companies, 13 for people).
func validRFC(r string) bool {
	n := len(r)
	if strings.Contains(r, "Ñ") {
		r = strings.ReplaceAll(r, "Ñ", "\x01")
		n = len(r)
	}
	if n != 12 && n != 13 {
		return false
	}
	if !validDate(r[n-9 : n-3]) {
		return false
	}
	const dict = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ \x01"
	s := r
	if n == 12 {
		s = " " + r
	}
	sum := 0
	for i := 0; i < 12; i++ {
		v := strings.IndexByte(dict, s[i])
		if v < 0 {
			return false
		}
		sum += v * (13 - i)
	}
	rem := sum % 11
	var want byte
	switch {
	case rem == 0:
		want = '0'
	case 11-rem == 10:
		want = 'A'
	default:
		want = byte('0' + 11 - rem)
	}
	return s[12] == want
}

// numbers finds phone numbers and card numbers among runs of digits and separators.
func numbers(text string) []Finding {
	var out []Finding
	for i := 0; i < len(text); {
		c := text[i]
		start := i
		if !(isDigit(c) || (c == '+' || c == '(') && i+1 < len(text) && isDigit(text[i+1])) {
			i++
			continue
		}
		if start > 0 {
			if r, _ := utf8.DecodeLastRuneInString(text[:start]); unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
				// Inside a word or a longer token (a CURP, a folio code).
				for i < len(text) && (isDigit(text[i]) || text[i] == '+' || text[i] == '(') {
					i++
				}
				continue
			}
		}
		var digits [32]byte
		nd := 0
		end := i
		seps := 0
		j := i
		if text[j] == '+' || text[j] == '(' {
			j++
		}
		for j < len(text) {
			ch := text[j]
			if isDigit(ch) {
				if nd < len(digits) {
					digits[nd] = ch
				}
				nd++
				j++
				end = j
				continue
			}
			if strings.IndexByte(" -.()", ch) >= 0 {
				k := j
				for k < len(text) && k-j < 2 && strings.IndexByte(" -.()", text[k]) >= 0 {
					k++
				}
				if k < len(text) && isDigit(text[k]) {
					seps++
					j = k
					continue
				}
			}
			break
		}
		i = j
		if i == start {
			i++
		}
		if end < len(text) {
			if r, _ := utf8.DecodeRuneInString(text[end:]); unicode.IsLetter(r) {
				continue // "123abc": a code, not a number
			}
		}
		if nd > len(digits) {
			continue
		}
		d := string(digits[:nd])
		ctx := strings.ToLower(text[max(0, start-24):start])
		if strings.HasSuffix(strings.TrimSpace(ctx), "$") || negativeContext(ctx) || unitAfter(text[end:]) {
			continue
		}
		plus := text[start] == '+'
		switch {
		case nd == 10:
			if tollFree(d) {
				continue
			}
			out = append(out, Finding{Rule: RulePhone, Criterio: criterioPersonal, Evidence: []Span{span(text, start, end)}, Detail: "teléfono"})
		case nd == 12 && strings.HasPrefix(d, "52") && (plus || seps > 0):
			if tollFree(d[2:]) {
				continue
			}
			out = append(out, Finding{Rule: RulePhone, Criterio: criterioPersonal, Evidence: []Span{span(text, start, end)}, Detail: "teléfono"})
		case nd == 13 && (strings.HasPrefix(d, "521") && (plus || seps > 0) || strings.HasPrefix(d, "044") || strings.HasPrefix(d, "045")):
			out = append(out, Finding{Rule: RulePhone, Criterio: criterioPersonal, Evidence: []Span{span(text, start, end)}, Detail: "teléfono"})
		case nd >= 13 && nd <= 19 && cardPrefix(d) && luhn(d):
			out = append(out, Finding{Rule: RuleCard, Criterio: criterioPersonal, Evidence: []Span{span(text, start, end)}, Detail: "número de tarjeta"})
		}
	}
	return out
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// negativeContext reports words before a number that make it a reference, not a phone.
func negativeContext(ctx string) bool {
	for _, w := range []string{"folio", "expediente", "oficio", "trámite", "tramite", "solicitud", "acuerdo", "sección", "seccion", "casilla", "clave", "referencia", "guía", "guia", "pedido", "reporte", "ticket", "no. de", "número de", "numero de", "mxn", "pesos"} {
		if strings.Contains(ctx, w) {
			return true
		}
	}
	return false
}

// unitAfter reports an amount: a number followed by a currency or a unit.
func unitAfter(rest string) bool {
	rest = strings.ToLower(strings.TrimLeft(rest, " "))
	for _, u := range []string{"pesos", "mxn", "mdp", "millones", "dólares", "dolares", "usd", "votos", "boletas", "ciudadanos", "personas", "%"} {
		if strings.HasPrefix(rest, u) {
			return true
		}
	}
	return false
}

func tollFree(d string) bool {
	return strings.HasPrefix(d, "800") || strings.HasPrefix(d, "900") || strings.HasPrefix(d, "01800") || strings.HasPrefix(d, "01900")
}

func cardPrefix(d string) bool {
	switch d[0] {
	case '4': // Visa
		return true
	case '5': // Mastercard 51–55
		return d[1] >= '1' && d[1] <= '5'
	case '2': // Mastercard 2221–2720
		p := (int(d[0]-'0')*1000 + int(d[1]-'0')*100 + int(d[2]-'0')*10 + int(d[3]-'0'))
		return p >= 2221 && p <= 2720
	case '3': // American Express
		return d[1] == '4' || d[1] == '7'
	case '6': // Discover, Carnet, UnionPay
		return true
	}
	return false
}

// luhn reports whether the digit string passes the Luhn check.
func luhn(d string) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

const streetTypes = `calle|c\.|av\.?|avenida|calzada|calz\.|blvd\.?|boulevard|bulevar|privada|priv\.|andador|callej[oó]n|cerrada|cda\.|prolongaci[oó]n|prol\.|circuito|retorno|carretera|camino`

var (
	// A street with an explicit number marker: "Calle Hidalgo #45", "Av. Juárez No. 10".
	reAddrMarked = regexp.MustCompile(`(?i)(?:^|[^\pL\pN])((?:` + streetTypes + `)\s+[^\n,#;:()]{1,40}?\s*(?:#|\bno\.?|\bnúm\.?|\bnum\.?|\bnúmero|\bnumero)\s*\d{1,5}(?:\s*-?\s*[a-z]\b)?(?:\s*,?\s*(?:int\.?|interior|depto\.?|dpto\.?)\s*\w+)?(?:\s*,?\s*(?:col\.?|colonia|fracc\.?|fraccionamiento|barrio)\s+[^\n,.;]{2,40})?(?:\s*,?\s*c\.?\s?p\.?\s*\d{5})?)`)
	// A street and a number followed by a colonia or a postal code: "Hidalgo 45, Col. Centro".
	reAddrCol = regexp.MustCompile(`(?i)(?:^|[^\pL\pN])((?:` + streetTypes + `)\s+[^\n,#;:()]{1,40}?\s\d{1,5}(?:\s*-?\s*[a-z]\b)?\s*,?\s*(?:(?:col\.?|colonia|fracc\.?|fraccionamiento|barrio)\s+[^\n,.;]{2,40}|c\.?\s?p\.?\s*\d{5}))`)
)

func addresses(text string) []Finding {
	var out []Finding
	taken := func(a, b int) bool {
		for _, f := range out {
			if a < f.Evidence[0].End && b > f.Evidence[0].Start {
				return true
			}
		}
		return false
	}
	for _, re := range []*regexp.Regexp{reAddrMarked, reAddrCol} {
		for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
			a, b := m[2], m[3]
			for b > a && strings.ContainsRune(" ,.", rune(text[b-1])) {
				b--
			}
			if taken(a, b) {
				continue
			}
			out = append(out, Finding{Rule: RuleAddress, Criterio: criterioPersonal, Evidence: []Span{span(text, a, b)}, Detail: "domicilio"})
		}
	}
	return out
}
