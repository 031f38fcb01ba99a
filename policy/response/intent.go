package response

import (
	"fmt"
	"regexp"
)

// Intent is what a user's comment asks of the account.
type Intent string

// The intents, in the order Classify prefers them when rules of several match.
const (
	// IntentInfoRequest is a request for information or documents of the institute
	// (a solicitud de información); the Criterios 6.vii send it to INFOMEX-IFE or
	// the Unidad de Enlace.
	IntentInfoRequest Intent = "info_request"
	// IntentComplaint is a complaint about a service or the institute.
	IntentComplaint Intent = "complaint"
	// IntentSuggestion is a suggestion or proposal (Criterios 3.vii and 8.ii).
	IntentSuggestion Intent = "suggestion"
	// IntentQuestion is any other question.
	IntentQuestion Intent = "question"
	// IntentPraise is praise or thanks.
	IntentPraise Intent = "praise"
	// IntentOther is everything else: greetings, jokes, chatter.
	IntentOther Intent = "other"
)

// Intents lists every Intent in a stable order, for metrics initialisation.
var Intents = []Intent{IntentQuestion, IntentInfoRequest, IntentSuggestion, IntentComplaint, IntentPraise, IntentOther}

// Valid reports whether i is one of the defined intents.
func (i Intent) Valid() bool {
	switch i {
	case IntentQuestion, IntentInfoRequest, IntentSuggestion, IntentComplaint, IntentPraise, IntentOther:
		return true
	}
	return false
}

// InfoRequestRedirect is the text the Criterios 6.vii suggest for a request for
// information: the channels the institute answers them through.
const InfoRequestRedirect = "Las solicitudes de información se atienden por medio del sistema INFOMEX-IFE " +
	"o en la Unidad de Enlace del Instituto; también puedes orientarte en IFETEL 01 800 433 2000."

// Classification is the intent of a text with the rule that decided it.
type Classification struct {
	Intent Intent
	// Rule names the rule that matched ("complaint/espera_prolongada"); it is
	// "other/sin_coincidencia" when none did.
	Rule string
	// Match is the matched span of the folded text (lowercased, without accents).
	Match string
}

// String formats the classification as "complaint (complaint/queja: «exijo»)".
func (c Classification) String() string {
	if c.Match == "" {
		return fmt.Sprintf("%s (%s)", c.Intent, c.Rule)
	}
	return fmt.Sprintf("%s (%s: «%s»)", c.Intent, c.Rule, c.Match)
}

// Advice returns the text the alert for a comment of this intent suggests, empty
// when there is none: the redirect of the Criterios 6.vii for requests for
// information.
func (c Classification) Advice() string {
	if c.Intent == IntentInfoRequest {
		return InfoRequestRedirect
	}
	return ""
}

// rule is one pattern over the folded text (see fold).
type rule struct {
	intent Intent
	name   string
	re     *regexp.Regexp
}

func r(intent Intent, name, pattern string) rule {
	return rule{intent: intent, name: string(intent) + "/" + name, re: regexp.MustCompile(pattern)}
}

// Words the request rules look for after a verb of asking.
const infoObjects = `(?:informacion|info|datos|copia|copias|documento|documentos|directorio|acuerdo|acuerdos|actas?|estadisticas?|cifras?|listado|relacion|calendario|convocatoria|presupuesto|telefono|correo|requisitos|version publica|minuta|versiones estenograficas|padron)`

// rules are tried in order; the first that matches decides. Explicit wording comes
// first (a request, a complaint, a proposal said in so many words), then weaker
// cues (modal suggestions, indirect requests), then the question mark, then the
// weakest complaint cues, then praise and chatter. A question that carries thanks
// is a question; a complaint phrased as "¿cómo es posible?" is a complaint.
var rules = []rule{
	// Explicit requests for information.
	r(IntentInfoRequest, "transparencia", `\bsolicitud(?:es)? de (?:acceso a la )?(?:informacion|transparencia|datos)\b|\b(?:infomex|unidad de enlace|acceso a la informacion|versi(?:o|on)(?:es)? publicas?|ley de transparencia|plataforma nacional de transparencia)\b`),
	r(IntentInfoRequest, "solicito_informacion", `\b(?:solicito|solicitamos|pido|pedimos|requiero|requerimos|necesito|necesitamos|quisiera|quiero|queremos|me interesa|nos interesa|busco|ocupo)(?: (?:toda|todo))?(?: (?:la|el|los|las|una|un|mas|su|sus))? `+infoObjects+`\b`),
	r(IntentInfoRequest, "envio_de_informacion", `\b(?:me|nos)? ?(?:pueden|podrian|puede|podria|podrias|puedes|pudieran|pudiera) (?:enviar|mandar|pasar|compartir|proporcionar|facilitar|informar|hacer llegar)\b`),
	r(IntentInfoRequest, "pasame_el_dato", `\b(?:me|nos) (?:pasas|pasan|mandas|mandan|compartes|comparten|envias|envian|das|dan|regalas|regalan) (?:el|la|los|las|un|una|tu|su) (?:dato|datos|link|liga|enlace|informacion|info|telefono|numero|correo|direccion|horario|horarios|requisitos|convocatoria)\b|\b(?:tienes|tienen|tendras|tendran) (?:el|la|un|una) (?:link|liga|enlace|dato|datos|numero|telefono|correo)\b`),
	r(IntentInfoRequest, "favor_de_informar", `\b(?:favor de|les agradecere|agradeceria) (?:informar|enviar|proporcionar|compartir|indicar|me informen|la informacion)\b`),

	// Explicit complaints.
	r(IntentComplaint, "queja", `\b(?:queja|quejas|me quejo|quejarme|reclamo|exijo|exigimos|exigo|inaceptable|indignante|que verguenza|una verguenza|es el colmo|ya basta|como es posible|no es posible|no puede ser que|no resuelve|no resuelven|es una burla|falta de respeto)\b`),
	r(IntentComplaint, "espera_prolongada", `\b(?:llevo|llevamos|tengo|tenemos) (?:ya )?(?:mas de )?(?:\d+|un|una|dos|tres|cuatro|cinco|seis|siete|ocho|diez|quince|varios|varias|muchos|muchas) (?:dias|semanas|meses|horas|anos|visitas|veces|intentos)\b|\b(?:llevo|llevamos) [^.?!]{0,40}esperando\b|\bsigo esperando\b|\bnadie (?:me |nos )?(?:contesta|responde|atiende|da razon|hace caso|resuelve)\b|\bno (?:contestan|responden|atienden|hacen caso|me atendieron|me han (?:entregado|dado|respondido|contestado))\b|\bme dejaron (?:esperando|en espera)\b|\bcontestan lo mismo\b`),
	r(IntentComplaint, "mal_servicio", `\b(?:pesim[oa]s?|malisim[oa]s?|mal servicio|malservicio|mala atencion|deficiente|no sirven?|no funciona|sin sistema|(?:no|nunca) hay sistema|no habia sistema|se cayo el sistema|perdi (?:el|mi|todo el|toda la) (?:dia|tiempo|manana|tarde)|me (?:negaron|regresaron|rechazaron|cobraron|trataron mal)|nunca (?:vinieron|llego|llegaron|contestan|responden|contestaron)|estaba cerrado|estaban cerrados|cerrado en pleno|(?:ya )?no alcance (?:ficha|turno|lugar))\b`),

	// Explicit suggestions and proposals.
	r(IntentSuggestion, "sugerencia", `\b(?:sugiero|sugerimos|sugerencia|sugerencias|propongo|proponemos|propuesta|propuestas|mi idea|una idea|les recomiendo que)\b`),

	// Weaker cues of a suggestion: a modal or an imperative addressed to the institute.
	r(IntentSuggestion, "deberian", `\b(?:deberian|debieran|deberia de|tendrian que|podrian (?:poner|hacer|abrir|habilitar|agregar|publicar|instalar|ampliar|implementar|considerar|contratar|mejorar))\b`),
	r(IntentSuggestion, "seria_bueno", `\b(?:seria|estaria|serian) (?:bueno|buena idea|util|muy util|padre|muy padre|bien|excelente|genial|conveniente|importante|mejor|ideal|increible)\b|\bojala (?:que )?(?:pusieran|hicieran|abrieran|habilitaran|pongan|hagan|abran|habiliten|publiquen|hubiera)\b|\bpor ?que no (?:ponen|hacen|abren|habilitan|publican|mandan|instalan|amplian)\b`),
	r(IntentSuggestion, "consejo", `\b(?:mejor|te recomiendo|les recomiendo|te sugiero|les sugiero) (?:que )?(?:haz|hagan|hagas|ve|vayan|vayas|ven|llama|llamen|llames|marca|marquen|pide|pidan|saca|saquen|busca|busquen|intenta|intenten|tramita|tramiten|agenda|agenden|acude|acudan)\b|(?:^|[.!¡,;:>)] ?)(?:ve|vayan|llega|lleguen) (?:temprano|antes)\b`),
	r(IntentSuggestion, "imperativo", `(?:^|[.!¡,;:>)] ?|por favor )(?:pongan|hagan|habiliten|abran|instalen|agreguen|incluyan|publiquen|implementen|amplien|contraten|manden|mejoren|consideren|transmitan|traduzcan|subtitulen) `),

	// Indirect requests for information.
	r(IntentInfoRequest, "quisiera_saber", `\b(?:quisiera|quiero|quisieramos|me gustaria|deseo|deseamos) (?:saber|conocer|consultar|obtener|tener acceso)\b`),
	r(IntentInfoRequest, "donde_consultar", `\b(?:donde|como) (?:puedo|podemos|se puede|se pueden|encuentro|encontrar|consulto|consultar|leer|descargar|obtener|obtengo|veo|ver|se publican?|estan publicad[oa]s)\b[^?.!]{0,30}\b(?:documentos?|acuerdos?|actas?|resultados|estadisticas?|datos|informes?|presupuesto|lista nominal|gastos|cifras|padron|versiones?)\b|\bdonde se publican\b`),
	r(IntentInfoRequest, "tienen_el", `\b(?:tienen|tendran|tendrian|hay) (?:el|la|los|las|algun|alguna|algunos) (?:calendario|directorio|listado|lista|informe|documento|estadisticas?|datos|actas?|version|presupuesto|convocatoria)\b`),

	// Questions to other users, not to the account.
	r(IntentOther, "pregunta_a_usuarios", `^[¿¡]?(?:<@> )?alguien (?:mas|tambien)\b`),

	// Questions.
	r(IntentQuestion, "signo_de_interrogacion", `[?¿]`),
	r(IntentQuestion, "pregunta", `\b(?:pregunta|una duda|tengo una duda|tengo duda|alguien sabe|quisiera preguntar|les pregunto|me pueden decir|me podrian decir|me pueden orientar|me podrian orientar|me explican)\b`),
	r(IntentQuestion, "interrogativo_inicial", `^(?:(?:hola|buen[oa]s?(?: (?:dias|tardes|noches))?|oigan|disculpen|una pregunta|<@>),? )*(?:como|donde|cuando|cuanto|cuanta|cuantos|cuantas|cual|cuales|quien|quienes|por que|porque|puedo|se puede|hay que|sigo|sirve|es necesario|necesito saber|que (?:hago|necesito|pasa|paso|requisitos|documentos|dia|hora|tengo que))\b`),

	// Weaker cues of a complaint.
	r(IntentComplaint, "molestia", `\b(?:muy mal|que mal|mal hecho|no carga|esta caida|esta caido|se cayo|mal escrit[oa]|no (?:era|es|fue) valid[oa]|foto de otra persona|me dijeron otra cosa|siempre lo mismo|nadie sabe nada|ni me volteo|para nada|es un abuso|que abuso|abusivos?)\b|😡|🤬|😤|👎|🙄|😒|🤦|😠`),

	// Praise and thanks.
	r(IntentPraise, "agradecimiento", `\b(?:gracias|grax|agradezco|agradecemos|agradecid[oa]s?|mil gracias)\b`),
	r(IntentPraise, "felicitacion", `\b(?:felicidades|felicito|felicitaciones|enhorabuena|excelente|buen trabajo|buena labor|gran trabajo|muy bien|muy buen[oa]s?|muy buen|buen comentario|buen dato|buena info|muy amables?|muy util|muy clar[oa]|que buena|que bueno|me encanto|me encanta|genial|padrisimo|chingon|chido|de poca madre|sigan asi|orgullos[oa]|orgullosamente|bien hecho|impecable|me sorprendio|de primera|10 de 10|los felicito)\b`),
	r(IntentPraise, "emoji_positivo", `👏|🙏|👍|❤|🙌|💪|😍|🥰|💯`),

	// Chatter, named so the evidence says why a text needs no particular answer.
	r(IntentOther, "saludo", `^(?:hola|buen[oa]s?(?: (?:dias|tardes|noches))?|saludos|que onda|que tal)\b`),
	r(IntentOther, "risa", `\b(?:ja(?:ja)+|je(?:je)+|xd|lol)\b`),
}

// rulesFilter tells which rules can match a folded text (see prefilter.go).
var rulesFilter = func() *prefilter {
	res := make([]*regexp.Regexp, len(rules))
	for i, ru := range rules {
		res[i] = ru.re
	}
	return mustPrefilter(res...)
}()

// Classify returns the intent of a user's text by the first rule that matches its
// folded form, or IntentOther when none does.
func Classify(text string) Classification {
	return classifyFolded(fold(text))
}

// classifyFolded is Classify of a text already folded. Only the rules whose
// required literals occur in f are tried: the others cannot match.
func classifyFolded(f string) Classification {
	cand := rulesFilter.candidates(f)
	for i, ru := range rules {
		if cand&(1<<i) == 0 {
			continue
		}
		if loc := ru.re.FindStringIndex(f); loc != nil {
			return Classification{Intent: ru.intent, Rule: ru.name, Match: f[loc[0]:loc[1]]}
		}
	}
	return Classification{Intent: IntentOther, Rule: string(IntentOther) + "/sin_coincidencia"}
}
