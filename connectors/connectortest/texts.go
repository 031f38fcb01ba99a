package connectortest

// Users of the scripted month: handle, home instance, display name.
var monthUsers = [][3]string{
	{"maria_lopez", "mastodon.social", "María López"},
	{"jgarcia", "", "Juan García"},
	{"ana_hdz", "mx.social", "Ana Hernández"},
	{"pedro_mx", "mastodon.social", "Pedro Martínez 🇲🇽"},
	{"luz_ramirez", "", "Luz Ramírez"},
	{"el_ciudadano", "fedi.example.org", "El Ciudadano <b>Libre</b>"},
	{"sofia_t", "mx.social", "Sofía Torres"},
	{"rodrigo_v", "", "Rodrigo Vázquez"},
	{"carmen88", "mastodon.social", "Carmen & Co."},
	{"beto_oax", "oaxaca.social", "Beto desde Oaxaca"},
	{"lupita_cdmx", "", "Lupita \"CDMX\""},
	{"observador_e", "fedi.example.org", "Observador Electoral"},
}

// ownPosts take the day of the month.
var ownPosts = []string{
	"Recuerda que puedes tramitar tu credencial para votar en cualquier módulo de atención ciudadana. Día %d de la campaña de actualización.",
	"Hoy, día %d, los módulos abren de 8:00 a 20:00 horas. Consulta el más cercano.",
	"Boletín %d: el Consejo General aprobó los lineamientos para el conteo rápido.",
	"¿Sabías que la credencial para votar es gratuita? Aviso número %d.",
	"Día %d: consulta el estado de tu trámite con tu número de solicitud.\nTe esperamos.",
	"Comunicado %d. La lista nominal se cierra al término del plazo legal.\n\nMás información en nuestros canales oficiales.",
}

var ownLinks = []string{
	"https://www.ife.org.mx/credencial",
	"https://listanominal.ife.org.mx/consulta?tipo=estado&folio=12345678901234567890",
	"https://www.ife.org.mx/modulos",
}

var ownEdits = []string{
	"(Actualización: horario extendido.)",
	"[corrige fecha]",
	"Editado para añadir el enlace correcto.",
}

var ownThread = []string{
	"Además, recuerda llevar comprobante de domicilio reciente.",
	"Hilo 2/2: los requisitos están en la sección de trámites.",
}

var commentTexts = []string{
	"¿Dónde queda el módulo más cercano a Iztapalapa?",
	"Llevo tres semanas esperando mi credencial y nadie me responde.",
	"Gracias por la información, muy útil.",
	"¿Se puede hacer el trámite sin cita?",
	"El módulo de Coyoacán estaba cerrado hoy a las 10 am.",
	"¿Qué documentos necesito si perdí mi credencial?",
	"Excelente servicio en el módulo de Puebla 👏",
	"No me llegó el SMS de confirmación.\n¿Qué hago?",
	"¿Hasta cuándo hay plazo para cambiar de domicilio?",
	"Mi folio es inválido según la página, ¿por qué?",
}

var commentEdits = []string{
	"EDITADO: ya me atendieron.",
	"(edit: era en Tlalpan, no en Coyoacán)",
	"Actualizo: sigo sin respuesta.",
}

// hostileTexts are HTML-ish or otherwise hostile: they must round-trip exactly.
var hostileTexts = []string{
	`<script>alert("fraude")</script> ¡Esto es un fraude!`,
	"Mi voto &amp; mi voz <b>no</b> se venden",
	`<a href="javascript:alert(1)">clic aquí</a> para ganar una despensa`,
	"Texto con \u202econtrol bidi\u202c y emoji 🗳️🔥",
	`1 < 2 && 3 > 2 "comillas" 'simples' y &lt;entidades&gt; &#39;`,
	"<p>párrafo falso</p><br> con <span class=\"invisible\">oculto</span>",
	"ÑÁÉÍÓÚ ñáéíóú ü ¿¡ … — «comillas» ‘tipográficas’",
	"Línea uno\nLínea dos\n\nPárrafo nuevo",
	"Visiten https://example.com/phish?x=<y>&z=1 para \"actualizar\" su credencial",
}

// userReplies take the handle of the comment's author.
var userReplies = []string{
	"@%s a mí me pasó lo mismo.",
	"@%s en el módulo de Tlalpan sí atienden sin cita.",
	"@%s ¿ya intentaste por teléfono?",
}

// ownReplies take the handle of the user answered.
var ownReplies = []string{
	"@%s Hola, por favor envíanos tu número de folio por mensaje directo para revisar tu caso.",
	"@%s Gracias por tu comentario. Puedes consultar los módulos en https://www.ife.org.mx/modulos",
	"@%s Lamentamos el inconveniente; ya lo reportamos a la vocalía correspondiente.",
}

// userFollowUps take the account's handle.
var userFollowUps = []string{
	"@%s gracias, ya lo envié.",
	"@%s sigo esperando respuesta.",
}

// mentionTexts take the account's handle.
var mentionTexts = []string{
	"¿Alguien sabe si @%s abre los módulos el domingo?",
	"Quiero felicitar a @%s por la atención en Monterrey.",
	"@%s su página de consulta no carga desde hace horas.",
	"Ojo con los mensajes falsos que dicen ser de @%s y piden datos.",
}
