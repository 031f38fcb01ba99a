package simulated

// Template banks for the simulated world, in Mexican Spanish. Slots in braces are
// filled by filler.fill; see there for the list. The banks are data: adding a line
// changes the generated world for every seed, which is fine for a simulator but
// means golden values in tests must come from Truth, never be hard-coded.

// place is a municipality (or delegación) and its state, with the state's
// two-digit entity code used by the Registro Federal de Electores.
type place struct {
	municipio string
	estado    string
	code      int
}

// states lists the 32 federal entities in the order of their official codes.
var states = []struct {
	name   string
	abbrev string
	munis  []string
}{
	{"Aguascalientes", "ags", []string{"Aguascalientes", "Jesús María", "Calvillo", "Rincón de Romos"}},
	{"Baja California", "bc", []string{"Tijuana", "Mexicali", "Ensenada", "Tecate"}},
	{"Baja California Sur", "bcs", []string{"La Paz", "Los Cabos", "Comondú", "Mulegé"}},
	{"Campeche", "camp", []string{"Campeche", "Carmen", "Champotón", "Escárcega"}},
	{"Coahuila", "coah", []string{"Saltillo", "Torreón", "Monclova", "Piedras Negras"}},
	{"Colima", "col", []string{"Colima", "Manzanillo", "Tecomán", "Villa de Álvarez"}},
	{"Chiapas", "chis", []string{"Tuxtla Gutiérrez", "San Cristóbal de las Casas", "Tapachula", "Comitán de Domínguez"}},
	{"Chihuahua", "chih", []string{"Chihuahua", "Juárez", "Cuauhtémoc", "Delicias", "Hidalgo del Parral"}},
	{"Distrito Federal", "df", []string{"Iztapalapa", "Coyoacán", "Gustavo A. Madero", "Cuauhtémoc", "Tlalpan", "Álvaro Obregón"}},
	{"Durango", "dgo", []string{"Durango", "Gómez Palacio", "Lerdo", "Santiago Papasquiaro"}},
	{"Guanajuato", "gto", []string{"León", "Irapuato", "Celaya", "Guanajuato", "Salamanca"}},
	{"Guerrero", "gro", []string{"Acapulco de Juárez", "Chilpancingo de los Bravo", "Iguala de la Independencia", "Taxco de Alarcón"}},
	{"Hidalgo", "hgo", []string{"Pachuca de Soto", "Tulancingo de Bravo", "Tula de Allende", "Huejutla de Reyes"}},
	{"Jalisco", "jal", []string{"Guadalajara", "Zapopan", "San Pedro Tlaquepaque", "Puerto Vallarta", "Tonalá"}},
	{"Estado de México", "edomex", []string{"Ecatepec de Morelos", "Nezahualcóyotl", "Toluca", "Naucalpan de Juárez", "Chimalhuacán"}},
	{"Michoacán", "mich", []string{"Morelia", "Uruapan", "Zamora", "Lázaro Cárdenas", "Pátzcuaro"}},
	{"Morelos", "mor", []string{"Cuernavaca", "Jiutepec", "Cuautla", "Temixco"}},
	{"Nayarit", "nay", []string{"Tepic", "Bahía de Banderas", "Santiago Ixcuintla", "Compostela"}},
	{"Nuevo León", "nl", []string{"Monterrey", "Guadalupe", "San Nicolás de los Garza", "Apodaca", "Santa Catarina"}},
	{"Oaxaca", "oax", []string{"Oaxaca de Juárez", "Juchitán de Zaragoza", "Salina Cruz", "Putla Villa de Guerrero", "Tuxtepec"}},
	{"Puebla", "pue", []string{"Puebla", "Tehuacán", "San Martín Texmelucan", "Atlixco"}},
	{"Querétaro", "qro", []string{"Querétaro", "San Juan del Río", "Corregidora", "El Marqués"}},
	{"Quintana Roo", "qroo", []string{"Benito Juárez", "Othón P. Blanco", "Solidaridad", "Cozumel"}},
	{"San Luis Potosí", "slp", []string{"San Luis Potosí", "Soledad de Graciano Sánchez", "Ciudad Valles", "Matehuala"}},
	{"Sinaloa", "sin", []string{"Culiacán", "Mazatlán", "Ahome", "Guasave"}},
	{"Sonora", "son", []string{"Hermosillo", "Cajeme", "Nogales", "Nacozari de García", "San Luis Río Colorado"}},
	{"Tabasco", "tab", []string{"Centro", "Cárdenas", "Comalcalco", "Macuspana"}},
	{"Tamaulipas", "tamps", []string{"Reynosa", "Matamoros", "Nuevo Laredo", "Tampico", "Ciudad Victoria"}},
	{"Tlaxcala", "tlax", []string{"Tlaxcala", "Apizaco", "Huamantla", "Chiautempan"}},
	{"Veracruz", "ver", []string{"Veracruz", "Xalapa", "Coatzacoalcos", "Poza Rica de Hidalgo", "Córdoba", "Orizaba"}},
	{"Yucatán", "yuc", []string{"Mérida", "Valladolid", "Tizimín", "Progreso"}},
	{"Zacatecas", "zac", []string{"Zacatecas", "Fresnillo", "Guadalupe", "Jerez"}},
}

// places is states flattened into (municipio, estado) pairs; built once.
var places = func() []place {
	var ps []place
	for i, s := range states {
		for _, m := range s.munis {
			ps = append(ps, place{municipio: m, estado: s.name, code: i + 1})
		}
	}
	return ps
}()

var firstNames = []string{
	"María", "Guadalupe", "José", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Alejandro",
	"Fernanda", "Daniela", "Sofía", "Valeria", "Ana", "Rosa", "Patricia", "Verónica",
	"Alejandra", "Leticia", "Gabriela", "Claudia", "Martha", "Francisco", "Antonio", "Jesús",
	"Ricardo", "Eduardo", "Roberto", "Fernando", "Raúl", "Arturo", "Sergio", "Héctor", "Óscar",
	"Ramón", "Ximena", "Itzel", "Citlali", "Xóchitl", "Yolanda", "Araceli", "Adriana",
	"Mónica", "Beatriz", "Concepción", "Dolores", "Socorro", "Refugio", "Efraín", "Tomás",
	"Joaquín", "Ángel", "Iván", "Diana", "Karla", "Brenda", "Erika", "Marisol", "Rocío",
	"Cuauhtémoc", "Emiliano", "Santiago", "Regina", "Renata", "Nayeli", "Yesenia", "Gerardo",
	"Armando", "Rubén", "Salvador", "Rigoberto", "Ernesto", "Esperanza", "Ofelia", "Lucía",
}

var nicknames = []string{
	"lupita", "chuy", "pepe", "paco", "memo", "nacho", "lalo", "tono", "conchita", "chelo",
	"lolita", "beto", "quique", "rafa", "guero", "chayo", "pancho", "chava", "poncho", "rulo",
	"pili", "maru", "gaby", "vero", "pato", "fer", "dany", "caro", "nena", "flaco", "gordo",
	"compa", "morra", "chaparra", "profe", "licenciado", "tio", "don", "dona", "abue",
}

var surnames = []string{
	"Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez",
	"Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres",
	"Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero",
	"Álvarez", "Méndez", "Chávez", "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera",
	"Medina", "Castro", "Vargas", "Guzmán", "Velázquez", "Muñoz", "Rojas", "Contreras",
	"Salazar", "Luna", "Ortega", "Santiago", "Guerrero", "Estrada", "Bautista", "Cortés",
	"Núñez", "Ibarra", "Peña", "Cárdenas", "Ávila", "Valdez", "Zúñiga", "Íñiguez", "Treviño",
	"Garza", "Cantú", "Villarreal", "Quintanilla", "Olvera", "Maldonado", "Espinoza",
}

var spamNames = []struct{ handle, name string }{
	{"promo_creditos_mx", "Créditos Rápidos MX"},
	{"ganadinero_desdecasa", "💰 Gana Dinero 💰"},
	{"seguidores_ya", "Seguidores Reales YA"},
	{"ofertas_buenfin", "Ofertas El Buen Fin 🔥"},
	{"prestamos_sin_buro", "Préstamos sin Buró"},
	{"trabajo_en_casa_mx", "Trabajo desde Casa"},
	{"lentes_baratos_oficial", "Lentes de Marca -80%"},
	{"bajar_de_peso_ya", "Baja 10 kg en un mes"},
	{"sorteo_iphone_mx", "Sorteo Oficial 🎁"},
	{"inversion_segura_fx", "Inversión Segura FX"},
	{"tarot_y_amarres", "Amarres y Tarot 🔮"},
	{"followback_latam", "Sígueme y te sigo 🔁"},
}

// Label distributions per context; each gives offensive 5%.
var (
	commentLabels = dist{
		{LabelQuestion, 0.24}, {LabelInfoRequest, 0.14}, {LabelSuggestion, 0.08},
		{LabelComplaint, 0.14}, {LabelPraise, 0.10}, {LabelCriticism, 0.12},
		{LabelOffensive, 0.05}, {LabelSpam, 0.05}, {LabelOther, 0.08},
	}
	mentionLabels = dist{
		{LabelQuestion, 0.22}, {LabelInfoRequest, 0.16}, {LabelSuggestion, 0.06},
		{LabelComplaint, 0.18}, {LabelPraise, 0.08}, {LabelCriticism, 0.15},
		{LabelOffensive, 0.05}, {LabelSpam, 0.04}, {LabelOther, 0.06},
	}
	userReplyLabels = dist{
		{LabelQuestion, 0.10}, {LabelInfoRequest, 0.05}, {LabelSuggestion, 0.05},
		{LabelComplaint, 0.10}, {LabelPraise, 0.15}, {LabelCriticism, 0.25},
		{LabelOffensive, 0.05}, {LabelSpam, 0.05}, {LabelOther, 0.20},
	}
	followUpLabels = dist{
		{LabelPraise, 0.45}, {LabelComplaint, 0.30}, {LabelQuestion, 0.10},
		{LabelCriticism, 0.05}, {LabelOffensive, 0.05}, {LabelOther, 0.05},
	}
)

// answerProb is the chance the account answers a comment or mention of a label.
var answerProb = map[Label]float64{
	LabelQuestion: 0.95, LabelInfoRequest: 0.95, LabelComplaint: 0.92, LabelSuggestion: 0.90,
	LabelCriticism: 0.75, LabelPraise: 0.70, LabelOther: 0.60,
}

// postTemplates are the institutional account's own posts.
var postTemplates = []string{
	"📢 Recuerda: las credenciales para votar con terminación {cred} pierden vigencia el {fecha}. Renueva la tuya en tu módulo de atención ciudadana. #CredencialParaVotar",
	"Hoy a las {hora} h sesiona el Consejo General del IFE en sesión {sesion}. Síguela en vivo en {url}",
	"¿Ya sabes dónde te toca votar? Consulta la ubicación de tu casilla con tu número de sección en {url} 🗳️",
	"Los módulos de atención ciudadana en {estado} amplían su horario del {fecha} al {fecha2}: de 8:00 a 20:00 h, de lunes a sábado.",
	"Si vives en el extranjero puedes votar por correo 🇲🇽✉️ Solicita tu inscripción a la Lista Nominal de Electores Residentes en el Extranjero antes del {fecha}.",
	"Convocatoria abierta: buscamos capacitadores-asistentes electorales en el distrito {distrito} de {estado}. Requisitos y registro en {url}",
	"Aviso: el módulo {modulo} en {municipio}, {estado}, permanecerá cerrado el {fecha} por mantenimiento. Te esperamos a partir del día siguiente.",
	"El Consejo General aprobó hoy el acuerdo sobre la ubicación de casillas especiales para el Proceso Electoral Federal {anio}.",
	"¿Fuiste insaculado? Si recibes la visita de un capacitador del IFE, ¡participa! Las elecciones las hacemos las y los ciudadanos. #FuncionarioDeCasilla",
	"Tramitar tu credencial para votar es gratuito. Necesitas acta de nacimiento, identificación con fotografía y comprobante de domicilio. Infórmate en IFETEL {tel}.",
	"El IFE te invita al foro «Democracia y participación juvenil» el {fecha} a las {hora} h en {municipio}, {estado}. Entrada libre.",
	"Recuerda que tu credencial es tu identificación oficial: cuídala y no la prestes. Si la extraviaste, repórtala en IFETEL {tel}.",
	"🗓️ {dia} {fecha}: último día para solicitar la reposición de tu credencial por robo o extravío y aparecer en la lista nominal.",
	"Los cómputos distritales inician el miércoles siguiente a la jornada electoral. Consulta cómo funcionan en {url}",
	"El módulo móvil del distrito {distrito} estará en la plaza principal de {municipio} del {fecha} al {fecha2}. ¡Acércate!",
	"Conoce el Programa de Resultados Electorales Preliminares (PREP) y cómo se publican las actas de escrutinio y cómputo: {url}",
	"Hoy se llevó a cabo el segundo simulacro del PREP con la participación de {cifra} centros de acopio en todo el país.",
	"Si cambiaste de domicilio, actualiza tu credencial antes del {fecha} para votar en la casilla que te corresponde.",
	"Jornada de credencialización en {municipio}, {estado}: el {fecha} habrá módulos instalados en escuelas y plazas. #CredencialParaVotar",
	"Estamos en {estado} 📍 La Junta Local Ejecutiva informa los horarios de atención de los {cifra} módulos de la entidad en {url}",
	"El voto es libre y secreto. Nadie puede obligarte ni pedirte tu credencial a cambio de apoyos. Denuncia en FEPADETEL.",
	"¿Sabías que en cada casilla hay funcionarios que son tus vecinos? Este año participan más de {cifra} ciudadanos en {estado}.",
	"Consulta el orden del día de la sesión {sesion} del Consejo General del {fecha} en {url}",
	"Gracias a las y los ciudadanos de {municipio} que acudieron a la capacitación electoral de este fin de semana 🙌",
	"Actualizamos la información sobre casillas especiales: podrás votar fuera de tu sección si estás en tránsito el día de la elección.",
	"La lista nominal de {estado} cuenta con {cifra} ciudadanos inscritos al corte del {fecha}.",
	"Hoy, {dia} {fecha}, los módulos de atención ciudadana operan en horario normal de 8:00 a 15:00 h.",
	"Resultados del conteo rápido se darán a conocer la noche de la jornada electoral. Mantente informado solo por fuentes oficiales.",
	"El IFE y las autoridades de {estado} firmaron un convenio de colaboración para la educación cívica de niñas, niños y jóvenes.",
	"📚 Consulta los materiales de educación cívica para docentes en {url}",
	"Ya puedes consultar en línea si tu credencial está vigente y si estás en la lista nominal: {url}",
	"La Comisión de Capacitación y Organización Electoral sesiona hoy a las {hora} h. Transmisión en {url}",
	"¿Eres observador electoral? El registro cierra el {fecha}. Requisitos en {url}",
	"Si recibiste tu credencial, recuerda recogerla en el módulo donde hiciste el trámite a más tardar el {fecha}.",
	"Atención {estado}: por las lluvias, el módulo {modulo} de {municipio} atenderá solo por la mañana el {fecha}.",
	"#DatoIFE En el Proceso Electoral Federal se instalan más de {cifra} casillas en todo el país.",
	"Te compartimos el calendario del Proceso Electoral Federal {anio}: {url}",
	"El Consejo General ratificó a los consejeros locales de {estado} en su sesión {sesion} de hoy.",
	"Conferencia de prensa a las {hora} h sobre el avance de la credencialización en {estado}. Síguela en {url}",
	"Buenos días, {estado} ☀️ Nuestros módulos te esperan hoy. Revisa el más cercano en {url}",
	"¿Tienes dudas sobre tu casilla, tu credencial o la jornada electoral? Escríbenos o llama a IFETEL {tel}.",
	"Se presentó el informe de actividades del Registro Federal de Electores correspondiente al mes anterior: {url}",
}

// postEditSuffixes are appended when the account edits a post.
var postEditSuffixes = []string{
	"\n\nActualización: la sede cambió, ahora será en {municipio}.",
	"\n\nActualización: se amplía el plazo hasta el {fecha}.",
	"\n\n[Corrección] La transmisión inicia a las {hora} h.",
	"\n\n[Corregimos el enlace] {url}",
	"\n\nEdit: el horario es de 9:00 a 17:00 h.",
}

// mediaAlts are alt texts for the images attached to posts.
var mediaAlts = []string{
	"Infografía sobre los requisitos para tramitar la credencial para votar",
	"Fotografía de la sesión del Consejo General",
	"Mapa de módulos de atención ciudadana",
	"Cartel de la convocatoria para capacitadores-asistentes electorales",
	"Calendario del Proceso Electoral Federal",
	"Imagen de una casilla electoral con ciudadanos votando",
	"",
}

// commentTemplates are users' comments under posts, by label.
var commentTemplates = map[Label][]string{
	LabelQuestion: {
		"¿Dónde puedo tramitar mi credencial en {municipio}, {estado}?",
		"¿Mi credencial con terminación {cred} todavía sirve para votar?",
		"¿Qué documentos necesito para reponer mi credencial si me la robaron?",
		"¿Cómo sé en qué casilla me toca votar? Vivo en la sección {seccion}.",
		"¿Hay casillas especiales en {municipio}? Ese día voy a estar de viaje",
		"¿Cuánto tarda en llegar la credencial después de hacer el trámite?",
		"¿A qué hora abren los módulos el sábado?",
		"¿Se necesita cita o puedo llegar directo al módulo {modulo}?",
		"Vivo en Estados Unidos, ¿cómo me registro para votar desde el extranjero?",
		"¿Me pueden multar si no acudo a ser funcionario de casilla?",
		"¿Sigo apareciendo en la lista nominal si me cambié a {municipio} y no actualicé mi domicilio?",
		"¿El trámite de la credencial tiene algún costo?",
		"¿Qué pasa si pierdo mi credencial una semana antes de la elección?",
		"¿Puedo votar con mi credencial vencida el {fecha}?",
		"Buenas, ¿el módulo de {municipio} abre el {dia}?",
		"¿Dónde consulto los resultados de mi casilla, la {seccion} básica?",
		"¿Me pueden decir si mi folio {folio} ya está listo para recoger?",
		"¿Qué hago si mi nombre viene mal escrito en la credencial?",
		"¿Los menores de edad pueden acompañar a sus papás a votar?",
		"¿Cuándo es la próxima sesión del Consejo General?",
		"¿Cómo me inscribo para ser observador electoral en {estado}?",
		"Pregunta: si cumplo 18 años el {fecha}, ¿alcanzo a sacar mi credencial para votar?",
		"¿En {municipio} hay módulo móvil? Mi abuelita no puede ir hasta el centro",
		"¿Por qué en mi credencial aparece otra sección si no me he mudado?",
		"¿Sirve el comprobante de domicilio a nombre de mi mamá?",
	},
	LabelInfoRequest: {
		"Solicito información sobre la convocatoria para capacitadores-asistentes en el distrito {distrito} de {estado}.",
		"¿Me pueden enviar por mensaje el horario del módulo {modulo}? Gracias",
		"Quisiera saber cuántos ciudadanos hay en la lista nominal de {municipio}, ¿dónde lo consulto?",
		"Pido información de la sesión del Consejo General del {fecha}: ¿habrá transmisión?",
		"Soy estudiante y hago mi tesis sobre participación electoral en {estado}, ¿dónde encuentro los resultados por sección?",
		"Favor de informar los requisitos para ser observador electoral.",
		"Me interesa el acuerdo que aprobaron hoy, ¿dónde puedo leer el documento completo?",
		"Solicito el directorio de la Junta Distrital {distrito} en {estado}.",
		"¿Podrían compartir el presupuesto del Instituto de este año? Lo quiero para una clase.",
		"Necesito la información de los módulos que atienden en {municipio} los fines de semana.",
		"Buenas tardes, requiero información sobre cómo solicitar una constancia de inscripción en el padrón.",
		"¿Tienen el calendario de capacitación para funcionarios de casilla en {municipio}?",
		"Quiero información para hacer una solicitud de transparencia sobre los gastos de los partidos en {estado}.",
		"¿Dónde se publican las actas de cómputo distrital del distrito {distrito}?",
	},
	LabelSuggestion: {
		"Deberían poner módulos móviles en las comunidades de {municipio}, la gente tiene que viajar horas.",
		"Sugiero que habiliten citas en línea para no hacer filas de 4 horas.",
		"Sería bueno que publicaran los horarios de cada módulo en un mapa interactivo.",
		"Propongo que la credencial se pueda tramitar en las prepas para los jóvenes que cumplen 18.",
		"Hagan sus avisos también en lenguas indígenas: náhuatl, maya, zapoteco, mixteco.",
		"Pongan intérprete de lengua de señas en las transmisiones del Consejo General, por favor.",
		"Una sugerencia: manden un SMS cuando la credencial ya esté lista para recoger.",
		"Estaría padre que el módulo {modulo} abriera también los domingos.",
		"Deberían hacer más campañas en radio comunitaria en {estado}, no todos tienen internet.",
		"Propuesta: que las casillas tengan rampa para personas en silla de ruedas.",
		"Sugiero que publiquen los debates con subtítulos.",
		"Sería útil una app para consultar la casilla sin tener que entrar a la página.",
		"Pongan más personal en el módulo de {municipio}, solo hay dos ventanillas abiertas.",
	},
	LabelComplaint: {
		"Llevo {dias} días esperando mi credencial y nada. Tramité en {municipio} con folio {folio}.",
		"El módulo {modulo} estaba cerrado en pleno horario de atención 😡",
		"Marqué a IFETEL 10 veces y nadie contesta.",
		"Mi nombre salió mal escrito en la credencial y me piden hacer todo el trámite otra vez.",
		"Me cambié de domicilio y en el módulo me dijeron que mi recibo de luz no era válido. ¡Es el recibo de luz!",
		"Fui al módulo de {municipio} a las 7 de la mañana y ya no alcancé ficha.",
		"La página para consultar la casilla no carga desde ayer.",
		"Pésima atención en el módulo de {municipio}, la señorita de la ventanilla ni me volteó a ver.",
		"Llevo tres visitas al módulo y siempre me dicen que no hay sistema.",
		"Me llegó un mensaje de que mi credencial estaba lista y cuando fui no estaba. Perdí el día de trabajo.",
		"No es posible que el único módulo de {municipio} atienda solo hasta las 3 de la tarde.",
		"Hice mi cita por teléfono y al llegar no aparecía en la lista. Muy mal.",
		"Mi credencial trae la foto de otra persona. ¿Cómo es posible?",
		"Los capacitadores nunca vinieron a mi casa y ahora me dicen que soy funcionario de casilla.",
		"Me negaron el trámite porque mi acta de nacimiento es de {estado}. Exijo una explicación.",
	},
	LabelPraise: {
		"Excelente atención en el módulo de {municipio}, en 20 minutos salí. ¡Gracias! 👏",
		"Muchas gracias por la información, muy clara 🙏",
		"Felicidades al personal del distrito {distrito}, muy amables.",
		"Me llegó mi credencial en una semana, muy bien IFE 👍",
		"Gracias por responder tan rápido.",
		"Está chingón el nuevo sistema de citas, ya no hice fila 😄",
		"De poca madre la atención en {municipio}, la neta sí me sorprendió.",
		"Buen trabajo con la transmisión de la sesión, se escuchó perfecto.",
		"Orgullosamente fui funcionario de casilla en la sección {seccion}. ¡Gracias por la capacitación!",
		"Qué buena iniciativa lo del módulo móvil en {municipio} 👏👏",
		"Muy útil la infografía, la compartí con mi familia.",
		"Gracias IFE, ya encontré mi casilla 🗳️",
	},
	LabelCriticism: {
		"El IFE cuesta miles de millones de pesos al año y los consejeros ganan más que el presidente. Eso es un insulto para los mexicanos.",
		"Su conteo rápido no convenció a nadie. Exigimos transparencia total en los cómputos de {estado}.",
		"Instituto autónomo de papel: los partidos y los diputados ponen a los consejeros.",
		"¿Y las multas a los partidos por rebasar topes de campaña? Puro cuento.",
		"Otra vez el padrón con muertos en {municipio}. Den explicaciones.",
		"Vergonzoso que el módulo de {municipio} solo atienda a 20 personas al día con el presupuesto que tienen.",
		"La ratificación de consejeros en {estado} fue un reparto de cuotas entre partidos. Así no hay democracia.",
		"Gastan en spots y vehículos nuevos mientras los capacitadores trabajan sin viáticos.",
		"Un demócrata de verdad no defendería este sistema tan caro y tan lento.",
		"Su publicidad dice 'tu voto cuenta', pero nadie explica por qué se anularon casillas en el distrito {distrito}.",
		"El IFE perdió credibilidad desde hace años. Necesitamos una reforma electoral a fondo.",
		"Sin vergüenza alguna aprueban aumentos a su propio presupuesto. Que rindan cuentas.",
		"La fiscalización a los partidos es ridícula: multas que nunca se pagan.",
		"Mucha campaña en redes y poca atención real en los módulos. Primero cumplan con lo básico.",
		"¿Dónde quedó la imparcialidad? El Consejo General votó dividido por colores partidistas.",
		"Los cómputos distritales de {estado} estuvieron llenos de irregularidades y nadie respondió.",
		"Con lo que cuesta una elección en México se podrían construir cientos de escuelas.",
	},
	LabelOffensive: {
		"Pinches rateros del IFE, nomás están para robar 🤬",
		"Bola de pendejos, ni una credencial saben hacer",
		"Váyanse a la verga, fraude electoral otra vez",
		"Hijos de su puta madre, me tuvieron 5 horas formado en el módulo de {municipio}",
		"Consejeros mantenidos y corruptos, son unas ratas 🐀",
		"Qué asco de institución, son una mierda",
		"Inútiles de mierda, chinguen a su madre todos",
		"P3ND3J0S no sirven para nada",
		"p u t o s  todos los del módulo",
		"Hdp, otra vez sin sistema",
		"Culeros, me negaron el trámite por sus pistolas",
		"Ojetes, así roban la elección",
		"La del módulo {modulo} es una vieja estúpida y mamona",
		"Escoria, eso es lo que son. Basura de gente 💩",
		"Ching@ tu madre IFE",
		"Los del IFE son unos cerdos tragones 🐷 lacras del país",
		"Payasos 🤡🤡 pendejos vendidos",
		"Pinche consejero imbécil, cállate ya",
		"Estúpidos, ni contestar saben",
		"Me vale verga su credencial, bola de ojetes rateros",
	},
	LabelSpam: {
		"🔥Gana hasta {monto} al día desde tu casa🔥 Info aquí 👉 {spamurl}",
		"Créditos sin buró, aprobación inmediata. WhatsApp 55 {telspam}",
		"Sígueme y te sigo 🔁 #FollowBack #{hashtag}",
		"Compra seguidores reales y baratos en {spamurl}",
		"¡Felicidades! Ganaste un iPhone, reclámalo en {spamurl}",
		"Lentes de marca al 80% de descuento {spamurl}",
		"Invierte {monto} y recibe el doble en 7 días 💸 {spamurl}",
		"Amarres de amor efectivos, resultados garantizados 🔮 {spamurl}",
		"Baja 10 kg en un mes sin dieta 👉 {spamurl}",
		"TRABAJO DESDE CASA, sin experiencia, pago semanal {monto}. Escríbeme",
	},
	LabelOther: {
		"Primer comentario 😎",
		"Jajaja",
		"Saludos desde {municipio}, {estado} 🇲🇽",
		"¿Alguien más está viendo la sesión?",
		"👍",
		"Buenos días",
		"Aquí reportándome desde la sección {seccion}",
		"Hoy hace un calor en {municipio} que ni les cuento 🥵",
		"Ya voté en el simulacro de mi escuela 😂",
		"Interesante",
		"Comparto",
		"Esa foto está bien bonita",
		"Qué onda, raza de {estado}",
		"x2",
		"No mames, ya es {fecha} y ni cuenta me di",
	},
}

// mentionTemplates are posts by users that mention the account; {cuenta} is the
// account's handle. Most mentions reuse the comment banks with the handle
// prepended; these are the mention-only shapes.
var mentionTemplates = map[Label][]string{
	LabelQuestion: {
		"Oigan @{cuenta}, ¿qué pasó con el módulo de {municipio}? Lleva cerrado toda la semana",
		"@{cuenta} ¿mi credencial {cred} todavía sirve para el {fecha}? #CredencialParaVotar",
		"Alguien sabe si @{cuenta} va a poner casillas especiales en {municipio}?",
	},
	LabelComplaint: {
		"@{cuenta} llevo {dias} días esperando mi credencial. Nadie me da razón. #MalServicio",
		"Cuatro horas en el módulo {modulo} y me regresaron por un papel. Gracias @{cuenta} 🙄",
		"La página de @{cuenta} está caída desde la mañana y hoy es el último día del trámite",
	},
	LabelCriticism: {
		"El presupuesto de @{cuenta} para {anio} es un abuso. Que expliquen en qué se gasta. #ReformaElectoral",
		"@{cuenta} sigue sin explicar las inconsistencias del cómputo en el distrito {distrito} de {estado}",
	},
	LabelPraise: {
		"Gracias @{cuenta}, el módulo móvil llegó hasta mi comunidad en {municipio} 👏",
		"Muy buena la transmisión de @{cuenta}, todo muy claro",
	},
	LabelOffensive: {
		"@{cuenta} rateros de mierda, devuelvan el dinero",
		"Los de @{cuenta} son unos pendejos, ni contestan",
	},
	LabelSpam: {
		"@{cuenta} @{usuario} 🔥Gana {monto} diarios🔥 {spamurl}",
	},
	LabelInfoRequest: {
		"@{cuenta} ¿me pueden pasar el teléfono de la Junta Local de {estado}?",
	},
	LabelSuggestion: {
		"@{cuenta} pongan un módulo en la unidad habitacional de {municipio}, somos miles",
	},
	LabelOther: {
		"Viendo la sesión de @{cuenta} con mi café ☕",
		"Hoy fui por mi credencial con @{cuenta} 📸 #YaTengoMiCredencial",
	},
}

// userReplyTemplates are replies between users under a comment; {usuario} is the
// handle of the comment's author.
var userReplyTemplates = map[Label][]string{
	LabelQuestion: {
		"@{usuario} ¿y a ti cuánto te tardó?",
		"@{usuario} ¿también te pasó en {municipio}?",
		"@{usuario} ¿a qué módulo fuiste?",
	},
	LabelInfoRequest: {
		"@{usuario} ¿me pasas el dato del módulo?",
		"@{usuario} ¿tienes el link de la convocatoria?",
	},
	LabelSuggestion: {
		"@{usuario} mejor haz cita por teléfono, así no haces fila",
		"@{usuario} ve temprano, a las 8 ya no hay fichas",
	},
	LabelComplaint: {
		"@{usuario} igual a mí, llevo un mes esperando",
		"@{usuario} lo mismo en {municipio}, nunca hay sistema",
	},
	LabelPraise: {
		"@{usuario} gracias por el dato 🙌",
		"@{usuario} cierto, en {municipio} también atienden muy bien",
		"@{usuario} muy buen comentario",
	},
	LabelCriticism: {
		"@{usuario} exacto, y nadie les pide cuentas",
		"@{usuario} tienes razón, el instituto necesita una reforma a fondo",
		"@{usuario} no es tan sencillo, pero sí deberían transparentar los cómputos",
	},
	LabelOffensive: {
		"@{usuario} cállate, pendejo",
		"@{usuario} pinche chairo ignorante, vete a la verga",
		"@{usuario} eres un imbécil",
		"@{usuario} bot pagado, vete a la mierda",
		"@{usuario} ijo de tu pinche madre",
	},
	LabelOther: {
		"@{usuario} jajaja",
		"@{usuario} +1",
		"@{usuario} yo también",
		"@{usuario} a mí me la entregaron en {dias} días",
		"@{usuario} x2",
	},
}

// followUpTemplates are the user's replies to the account's answer.
var followUpTemplates = map[Label][]string{
	LabelPraise: {
		"¡Muchas gracias! Ya quedó 🙏",
		"Gracias por la respuesta, muy amables.",
		"Perfecto, gracias por la atención.",
		"Ya me atendieron, gracias 👍",
	},
	LabelComplaint: {
		"Ya les mandé mensaje y nadie responde.",
		"Marqué a IFETEL y me dejaron en espera 40 minutos.",
		"Eso no resuelve nada, siempre contestan lo mismo 🙄",
		"Ya fui y me dijeron otra cosa en el módulo.",
	},
	LabelQuestion: {
		"¿Y si no tengo comprobante de domicilio a mi nombre?",
		"¿Y el trámite tiene costo?",
		"¿Me puedo llevar a mi hijo para que también la tramite?",
	},
}

// userEditSuffixes are appended when a user edits a comment.
var userEditSuffixes = []string{
	" (edito: ya me respondieron por DM, gracias)",
	" (edito: me equivoqué de sección)",
	" EDIT: ya encontré mi casilla",
	" (corrijo: era el módulo de {municipio})",
	" (perdón por la ortografía)",
	" EDITO: ya me atendieron",
}

// ownAnswerTemplates are the account's personalised answers, by the label of what
// it answers; {nombre} is the user's first name.
var ownAnswerTemplates = map[Label][]string{
	LabelQuestion: {
		"Hola, {nombre}. Puedes consultar la ubicación de tu módulo en {url} o llamar a IFETEL {tel}. Saludos.",
		"Buen día, {nombre}. Para reponer tu credencial necesitas acta de nacimiento, identificación con fotografía y comprobante de domicilio. El trámite es gratuito.",
		"Hola. Tu casilla la puedes consultar con tu número de sección en {url}. Si tienes más dudas, escríbenos por mensaje directo.",
		"Hola, {nombre}. Las credenciales con terminación {cred} siguen vigentes hasta el {fecha}.",
		"Buenas tardes. Los módulos de {estado} atienden de lunes a viernes de 8:00 a 15:00 h y sábados de 9:00 a 13:00 h.",
		"Hola, {nombre}. La credencial se entrega en un plazo aproximado de 20 días hábiles después del trámite.",
		"Hola. Sí, en {municipio} se instalarán casillas especiales; la lista se publica en {url}",
	},
	LabelInfoRequest: {
		"Con gusto, {nombre}. Te enviamos la información por mensaje directo.",
		"Hola. La información que solicitas está disponible en {url}. También puedes presentar una solicitud en INFOMEX-IFE.",
		"Buen día. Para solicitudes de información te sugerimos acudir a la Unidad de Enlace o a INFOMEX-IFE; con gusto te orientamos en IFETEL {tel}.",
		"Hola, {nombre}. La convocatoria y sus requisitos están en {url}.",
	},
	LabelComplaint: {
		"Lamentamos lo ocurrido, {nombre}. Por favor envíanos por mensaje directo tu folio y el módulo donde hiciste el trámite para darle seguimiento.",
		"Ofrecemos una disculpa. Tu reporte fue turnado a la Vocalía del Registro Federal de Electores en {estado}.",
		"Hola, {nombre}. Sentimos la molestia; ya lo reportamos al módulo {modulo}. Te contactaremos a la brevedad.",
		"Lamentamos la situación. Puedes levantar una queja formal llamando a IFETEL {tel}.",
	},
	LabelSuggestion: {
		"Gracias por tu propuesta, {nombre}. La compartimos con el área correspondiente.",
		"Agradecemos mucho tu sugerencia; la turnamos a la Junta Local de {estado}.",
		"Hola, {nombre}. Tu propuesta es muy valiosa, la haremos llegar a la Dirección Ejecutiva correspondiente.",
	},
	LabelCriticism: {
		"Respetamos tu opinión, {nombre}. Puedes consultar el informe de gasto del Instituto en {url}.",
		"El IFE es un organismo autónomo; sus sesiones son públicas y puedes seguirlas en {url}.",
		"Gracias por tu comentario. Los cómputos distritales son públicos y los resultados por casilla están en {url}.",
	},
	LabelPraise: {
		"¡Gracias por tu comentario, {nombre}! 🇲🇽",
		"Nos da mucho gusto que hayas tenido una buena experiencia. ¡Saludos!",
		"¡Gracias! Te esperamos en la jornada electoral 🗳️",
	},
	LabelOther: {
		"¡Saludos, {nombre}! 👋",
		"¡Gracias por seguirnos!",
	},
}

// cannedAnswers are texts the account pastes verbatim to many users.
var cannedAnswers = []string{
	"Gracias por escribirnos. Para atención personalizada comunícate a IFETEL 01 800 433 2000, de lunes a viernes de 8:00 a 20:00 h.",
	"Te invitamos a consultar la información en www.ife.org.mx o acudir a tu módulo de atención ciudadana más cercano.",
	"Hola, por favor envíanos un mensaje directo con tus datos para darte seguimiento. Gracias.",
	"Agradecemos tu comentario; lo hacemos llegar al área correspondiente.",
}

var ownEditSuffixes = []string{
	" (Corrección: el número de IFETEL es {tel}).",
	" Actualización: el horario cambió a 9:00-17:00 h.",
}

var greetings = []string{"Buenas tardes, ", "Hola, ", "Buenos días. ", "Oigan, ", "Disculpen, ", "Una pregunta: ", "Buenas noches, "}

var happyEmoji = []string{"🙏", "👍", "👏", "😊", "🇲🇽", "🗳️", "✅", "🙌", "❤️", "😄"}
var angryEmoji = []string{"😡", "🤬", "😤", "🙄", "👎", "😒", "🤦"}
var anyEmoji = []string{"🤔", "😅", "📢", "📅", "🗓️", "☕", "😂", "👀"}

var hashtags = []string{"IFE", "Elecciones", "CredencialParaVotar", "MiCasilla", "VotoLibre", "Democracia", "FollowBack", "México"}

var months = []string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}
var weekdays = []string{"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"}

var hours = []string{"9:00", "10:00", "11:00", "12:00", "13:00", "16:00", "17:00", "18:00", "19:30"}
var sessions = []string{"ordinaria", "extraordinaria", "especial"}
var amounts = []string{"$1,500", "$3,000", "$5,000", "$800", "$10,000", "$2,500"}
var urlPaths = []string{"", "credencial", "casillas", "consejo-general/sesiones", "transparencia", "modulos", "votoextranjero", "prep", "capacitacion"}
var shortHosts = []string{"http://bit.ly/", "https://tinyurl.com/", "http://goo.gl/", "http://ow.ly/"}

// hostile text shapes; see hostilize.
var hostileSnippets = []string{
	` <script>alert("xss")</script>`,
	` <img src=x onerror=alert(1)>`,
	`'); DROP TABLE items;--`,
	"\r\nlevel=ERROR msg=\"forged log line\"",
	"\x1b[31mROJO\x1b[0m",
	" &lt;b&gt;negritas&lt;/b&gt; &amp;&#0;",
}
