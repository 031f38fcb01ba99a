package agent

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ife-mx/vigia/alerts"
	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/policy/calendar"
)

// The configuration's alerts section (see alerts.Config and the README's
// "Alerts"): notifiers with their secrets, contacts, routes with their escalation
// ladders, the rules' routes and severities, quiet hours, rate limit, grouping,
// retries and digests. Every reference (a route's notifier, a rule's route, a
// step's recipient) is checked here, with its line.

// notifierKeys are the keys each notifier type accepts besides name, type and timeout.
var notifierKeys = map[string][]string{
	alerts.TypeEmail:        {"host", "port", "tls", "username", "from", "credentials"},
	alerts.TypeWebhook:      {"credentials"},
	alerts.TypeSlack:        {"credentials"},
	alerts.TypeMattermost:   {"credentials"},
	alerts.TypeTeams:        {"credentials"},
	alerts.TypeTelegram:     {"chat_id", "api_url", "credentials"},
	alerts.TypeAlertmanager: {"url", "firing_ttl"},
}

// notifierSecrets are the credentials each type takes, and whether each is required.
var notifierSecrets = map[string]map[string]bool{
	alerts.TypeEmail:      {"password": false},
	alerts.TypeWebhook:    {"url": true},
	alerts.TypeSlack:      {"url": true},
	alerts.TypeMattermost: {"url": true},
	alerts.TypeTeams:      {"url": true},
	alerts.TypeTelegram:   {"token": true},
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"domingo": time.Sunday, "lunes": time.Monday, "martes": time.Tuesday, "miércoles": time.Wednesday,
	"jueves": time.Thursday, "viernes": time.Friday, "sábado": time.Saturday,
}

func (d *decoder) alerts(c *Config, e entry) {
	if e.absent() {
		return
	}
	f, ok := d.mapping(e, "notifiers", "contacts", "routes", "rules", "quiet_hours", "rate_limit", "group", "retry", "digests", "sla_max_age")
	if !ok {
		return
	}
	ac := alerts.DefaultConfig()
	notifiers := d.alertNotifiers(&ac, f["notifiers"])

	cf, _ := d.mapping(f["contacts"], "cncs", "unicom")
	contactLines := map[string]int{}
	if !cf["cncs"].absent() {
		ac.Contacts.CNCS = personOf(d.person(cf["cncs"], "el contacto de la CNCS"))
		contactLines[alerts.ToCNCS] = cf["cncs"].line
	}
	if !cf["unicom"].absent() {
		ac.Contacts.UNICOM = personOf(d.person(cf["unicom"], "el contacto de la UNICOM"))
		contactLines[alerts.ToUNICOM] = cf["unicom"].line
	}

	d.alertRoutes(&ac, f["routes"], notifiers, contactLines)
	d.alertRules(&ac, f["rules"])

	ac.QuietHours = d.boolean(f["quiet_hours"], true)
	ac.SLAMaxAge = d.duration(f["sla_max_age"], alerts.DefaultSLAMaxAge, 0)
	rf, _ := d.mapping(f["rate_limit"], "messages", "per")
	ac.RateLimit.Messages = d.integer(rf["messages"], alerts.DefaultRateMessages, 0, 100000)
	ac.RateLimit.Per = d.duration(rf["per"], alerts.DefaultRatePer, time.Minute)
	gf, _ := d.mapping(f["group"], "wait", "max")
	ac.Group.Wait = d.duration(gf["wait"], alerts.DefaultGroupWait, 0)
	ac.Group.Max = d.integer(gf["max"], alerts.DefaultGroupMax, 1, 1000)
	tf, _ := d.mapping(f["retry"], "initial", "max")
	ac.Retry.Initial = d.duration(tf["initial"], alerts.DefaultRetryInitial, time.Second)
	ac.Retry.Max = d.duration(tf["max"], alerts.DefaultRetryMax, time.Second)
	if ac.Retry.Max < ac.Retry.Initial {
		d.errorf(tf["max"].line, tf["max"].path, "el máximo (%s) es menor que la espera inicial (%s)", ac.Retry.Max, ac.Retry.Initial)
	}
	d.alertDigests(&ac, f["digests"], notifiers)
	c.Alerts = &ac
}

func parseAddress(s string) (*mail.Address, error) { return mail.ParseAddress(s) }

func secretOf(s string) connectors.Secret { return connectors.NewSecret(s) }

func personOf(p Person) alerts.Person { return alerts.Person{Name: p.Name, Email: p.Email} }

func (d *decoder) boolean(e entry, def bool) bool {
	if e.absent() {
		return def
	}
	var v bool
	if e.val.Kind != yaml.ScalarNode || e.val.ShortTag() != "!!bool" || e.val.Decode(&v) != nil {
		d.wrongTypeQuoted(e, "true o false")
		return def
	}
	return v
}

// mapItems returns the items of a list of mappings; a value that is not a list
// (listWhat) or an item that is not a mapping (itemWhat) is reported.
func (d *decoder) mapItems(e entry, listWhat, itemWhat string) []entry {
	if e.absent() {
		return nil
	}
	if e.val.Kind != yaml.SequenceNode {
		d.wrongType(e, listWhat)
		return nil
	}
	var out []entry
	for i, item := range e.val.Content {
		item = resolve(item)
		if item == nil {
			continue
		}
		ie := entry{val: item, path: fmt.Sprintf("%s[%d]", e.path, i), line: item.Line}
		if item.Kind != yaml.MappingNode {
			d.wrongType(ie, itemWhat)
			continue
		}
		out = append(out, ie)
	}
	return out
}

// strList reads a list of texts (a single text is taken as a list of one).
func (d *decoder) strList(e entry, what string) []entry {
	if e.absent() {
		return nil
	}
	if e.val.Kind == yaml.ScalarNode {
		return []entry{e}
	}
	if e.val.Kind != yaml.SequenceNode {
		d.wrongType(e, what)
		return nil
	}
	var out []entry
	for i, item := range e.val.Content {
		item = resolve(item)
		ie := entry{val: item, path: fmt.Sprintf("%s[%d]", e.path, i), line: e.line}
		if item != nil {
			ie.line = item.Line
		}
		out = append(out, ie)
	}
	return out
}

// alertNotifiers decodes the notifiers; it returns each valid one's type by name.
func (d *decoder) alertNotifiers(ac *alerts.Config, e entry) map[string]string {
	types := map[string]string{}
	lines := map[string]int{}
	for _, ne := range d.mapItems(e, "una lista de notificadores ({name, type, …})", "un mapa con el notificador (name, type, …)") {
		// Read the type first: it decides the keys the notifier accepts.
		var typ string
		for _, p := range d.pairs(ne) {
			if p.key.Value == "type" && p.val != nil && p.val.Kind == yaml.ScalarNode {
				typ = strings.TrimSpace(p.val.Value)
			}
		}
		keys := []string{"name", "type", "timeout"}
		if extra, ok := notifierKeys[typ]; ok {
			keys = append(keys, extra...)
		} else {
			keys = append(keys, "host", "port", "tls", "username", "from", "credentials", "chat_id", "api_url", "url", "firing_ttl")
		}
		f, _ := d.mapping(ne, keys...)
		nc := alerts.NotifierConfig{Line: ne.line}
		nc.Name = d.id(f["name"], "el nombre del notificador")
		if nc.Name != "" {
			if first, dup := lines[nc.Name]; dup {
				d.errorf(f["name"].line, f["name"].path, "nombre de notificador repetido %q (ya usado en la línea %d)", nc.Name, first)
				nc.Name = ""
			} else {
				lines[nc.Name] = f["name"].line
			}
		}
		if f["type"].absent() {
			d.errorf(f["type"].line, f["type"].path, "falta el tipo del notificador (%s)", strings.Join(alerts.NotifierTypes, ", "))
			continue
		}
		nc.Type = d.oneOf(f["type"], "", alerts.NotifierTypes, "tipo de notificador")
		if nc.Type == "" {
			continue
		}
		nc.Timeout = d.duration(f["timeout"], alerts.DefaultTimeout, time.Second)
		ok := true
		if secrets, takes := notifierSecrets[nc.Type]; takes {
			refs, vals := d.credentials(f["credentials"], !d.skipSecrets)
			for name := range refs {
				if _, known := secrets[name]; !known {
					d.errorf(f["credentials"].line, f["credentials"].child(name), "credencial desconocida %q para un notificador %s (admitidas: %s)",
						name, nc.Type, strings.Join(sortedKeys(secrets), ", "))
					ok = false
				}
			}
			for name, required := range secrets {
				if _, set := refs[name]; required && !set {
					d.errorf(f["credentials"].line, f["credentials"].child(name), "falta la credencial %s del notificador (%s)", name, secretHelp)
					ok = false
				}
			}
			nc.Password, nc.URL, nc.Token = vals["password"], vals["url"], vals["token"]
			if nc.Type == alerts.TypeEmail {
				hasPassword := keyLine(f["credentials"], "password") > 0
				nc.Username = d.str(f["username"])
				if hasPassword != (nc.Username != "") {
					d.errorf(ne.line, ne.child("username"), "indique usuario (username) y contraseña (credentials.password) juntos, o ninguno")
					ok = false
				}
			}
		}
		switch nc.Type {
		case alerts.TypeEmail:
			nc.Host = d.required(f["host"], "el servidor SMTP (host)")
			nc.TLS = d.oneOf(f["tls"], alerts.TLSStartTLS, []string{alerts.TLSStartTLS, alerts.TLSImplicit, alerts.TLSNone}, "modo TLS")
			nc.Port = d.integer(f["port"], map[string]int{alerts.TLSStartTLS: 587, alerts.TLSImplicit: 465, alerts.TLSNone: 25}[nc.TLS], 1, 65535)
			nc.From = d.required(f["from"], "el remitente (from)")
			if nc.From != "" {
				if _, err := parseAddress(nc.From); err != nil {
					d.errorf(f["from"].line, f["from"].path, "remitente inválido %q (ejemplo: \"Vigía <vigia@ife.org.mx>\")", nc.From)
					ok = false
				}
			}
			if nc.TLS == alerts.TLSNone && nc.Username != "" {
				d.errorf(f["tls"].line, f["tls"].path, "no se envían credenciales SMTP sin cifrar: use tls: starttls o tls: tls")
				ok = false
			}
		case alerts.TypeTelegram:
			nc.ChatID = d.required(f["chat_id"], "el chat de Telegram (chat_id)")
			nc.APIURL = d.str(f["api_url"])
			if nc.APIURL != "" && !httpURL(nc.APIURL) {
				d.errorf(f["api_url"].line, f["api_url"].path, "URL inválida %q: debe ser absoluta (https://…)", nc.APIURL)
				ok = false
			}
		case alerts.TypeAlertmanager:
			u := d.required(f["url"], "la dirección de Alertmanager (url)")
			if u != "" && !httpURL(u) {
				d.errorf(f["url"].line, f["url"].path, "URL inválida %q: debe ser absoluta (http://127.0.0.1:9093)", u)
				ok = false
			}
			nc.URL = secretOf(u)
			nc.FiringTTL = d.duration(f["firing_ttl"], alerts.DefaultFiringTTL, time.Minute)
		}
		if nc.URL.Reveal() != "" && nc.Type != alerts.TypeAlertmanager && !httpURL(nc.URL.Reveal()) {
			// Never quote it: a webhook's URL is its secret.
			d.errorf(keyLine(f["credentials"], "url"), f["credentials"].child("url"), "la URL del webhook no es una dirección http o https absoluta")
			ok = false
		}
		if !ok || nc.Name == "" {
			continue
		}
		types[nc.Name] = nc.Type
		ac.Notifiers = append(ac.Notifiers, nc)
	}
	return types
}

// keyLine returns the line of a key of a mapping entry, 0 when absent.
func keyLine(e entry, key string) int {
	if e.absent() || e.val.Kind != yaml.MappingNode {
		return 0
	}
	for i := 0; i+1 < len(e.val.Content); i += 2 {
		if k := e.val.Content[i]; k.Value == key {
			return k.Line
		}
	}
	return 0
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func (d *decoder) alertRoutes(ac *alerts.Config, e entry, notifiers map[string]string, contacts map[string]int) {
	lines := map[string]int{}
	for _, re := range d.mapItems(e, "una lista de rutas ({name, steps})", "un mapa con la ruta (name, steps)") {
		f, _ := d.mapping(re, "name", "steps")
		r := alerts.Route{Name: d.id(f["name"], "el nombre de la ruta"), Line: re.line}
		if r.Name != "" {
			if first, dup := lines[r.Name]; dup {
				d.errorf(f["name"].line, f["name"].path, "nombre de ruta repetido %q (ya usado en la línea %d)", r.Name, first)
				continue
			}
			lines[r.Name] = f["name"].line
		}
		se := f["steps"]
		switch {
		case se.absent():
			d.errorf(se.line, se.path, "faltan los pasos de la ruta (steps: [{after, to, via}, …])")
			continue
		case se.val.Kind == yaml.SequenceNode && len(se.val.Content) == 0:
			d.errorf(se.line, se.path, "la lista de pasos está vacía: escriba al menos uno")
			continue
		}
		var prev time.Duration
		for _, ste := range d.mapItems(se, "una lista de pasos ({after, to, via})", "un mapa con el paso (after, to, via)") {
			sf, _ := d.mapping(ste, "after", "to", "via")
			s := alerts.Step{After: d.duration(sf["after"], 0, 0)}
			if s.After < prev {
				d.errorf(sf["after"].line, sf["after"].path, "los pasos van en orden: %s es antes que el paso anterior (%s)", s.After, prev)
			}
			prev = s.After
			hasEmail := false
			for _, ve := range d.strList(sf["via"], "una lista de notificadores") {
				name := d.str(ve)
				typ, known := notifiers[name]
				switch {
				case name == "":
				case !known:
					d.errorf(ve.line, ve.path, "notificador desconocido %q (configurados: %s)", name, strings.Join(sortedKeys(notifiers), ", "))
				case slices.Contains(s.Via, name):
					d.errorf(ve.line, ve.path, "notificador repetido %q", name)
				default:
					s.Via = append(s.Via, name)
					hasEmail = hasEmail || typ == alerts.TypeEmail
				}
			}
			if sf["via"].absent() {
				d.errorf(sf["via"].line, sf["via"].path, "falta por dónde enviar (via: [notificador, …])")
			}
			for _, te := range d.strList(sf["to"], "una lista de destinatarios") {
				name := d.str(te)
				switch {
				case name == "":
				case !slices.Contains(alerts.RecipientNames, name):
					d.errorf(te.line, te.path, "destinatario desconocido %q (admitidos: %s)", name, strings.Join(alerts.RecipientNames, ", "))
				case (name == alerts.ToCNCS || name == alerts.ToUNICOM) && contacts[name] == 0:
					d.errorf(te.line, te.path, "la ruta envía a %s pero falta su contacto en alerts.contacts.%s", strings.ToUpper(name), name)
				default:
					s.To = append(s.To, name)
				}
			}
			if hasEmail && sf["to"].absent() {
				d.errorf(sf["to"].line, sf["to"].path, "el paso envía correo pero no dice a quién (to: [admins, head, …])")
			}
			r.Steps = append(r.Steps, s)
		}
		ac.Routes = append(ac.Routes, r)
	}
}

func (d *decoder) alertRules(ac *alerts.Config, e entry) {
	if e.absent() {
		return
	}
	f, ok := d.mapping(e, alerts.Rules...)
	if !ok {
		return
	}
	sev := make([]string, len(alerts.Severities))
	for i, s := range alerts.Severities {
		sev[i] = string(s)
	}
	for _, rule := range alerts.Rules {
		re := f[rule]
		if re.absent() {
			continue
		}
		rf, ok := d.mapping(re, "route", "severity")
		if !ok {
			continue
		}
		rc := alerts.RuleConfig{Route: d.required(rf["route"], "la ruta de la regla (route)")}
		rc.Severity = alerts.Severity(d.oneOf(rf["severity"], string(alerts.DefaultSeverity[rule]), sev, "nivel de severidad"))
		if rc.Route == "" {
			continue
		}
		if _, ok := ac.Route(rc.Route); !ok {
			names := make([]string, len(ac.Routes))
			for i, r := range ac.Routes {
				names[i] = r.Name
			}
			d.errorf(rf["route"].line, rf["route"].path, "ruta desconocida %q (configuradas: %s)", rc.Route, strings.Join(names, ", "))
			continue
		}
		ac.Rules[rule] = rc
	}
}

func (d *decoder) alertDigests(ac *alerts.Config, e entry, notifiers map[string]string) {
	f, ok := d.mapping(e, "via", "at", "time_zone", "weekday")
	if !ok || e.absent() {
		return
	}
	for _, ve := range d.strList(f["via"], "una lista de notificadores") {
		name := d.str(ve)
		if _, known := notifiers[name]; !known && name != "" {
			d.errorf(ve.line, ve.path, "notificador desconocido %q (configurados: %s)", name, strings.Join(sortedKeys(notifiers), ", "))
			continue
		}
		ac.Digests.Via = append(ac.Digests.Via, name)
	}
	if at := d.str(f["at"]); at != "" {
		if _, err := calendar.ParseSpan(at + "-23:59"); err != nil || len(at) != 5 {
			d.errorf(f["at"].line, f["at"].path, "hora inválida %q (formato HH:MM, por ejemplo 08:00)", at)
		} else {
			ac.Digests.At = at
		}
	}
	if tz := d.str(f["time_zone"]); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			d.errorf(f["time_zone"].line, f["time_zone"].path, "zona horaria desconocida %q (ejemplo: America/Mexico_City)", tz)
		} else {
			ac.Digests.TimeZone = loc
		}
	}
	if wd := strings.ToLower(d.str(f["weekday"])); wd != "" {
		day, ok := weekdays[wd]
		if !ok {
			d.errorf(f["weekday"].line, f["weekday"].path, "día inválido %q (monday … sunday, o lunes … domingo)", wd)
		} else {
			ac.Digests.Weekday = day
		}
	}
}
