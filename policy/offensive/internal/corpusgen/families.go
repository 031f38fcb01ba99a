package main

func fam(name, cat string, off bool, n int, tpls ...string) family {
	return family{name: name, cat: cat, off: off, n: n, tpls: tpls}
}

// families are the template families, by category. Offensive categories follow
// OFFENSIVE.md §5; the others are the legitimate comments an institute receives.
var families = []family{
	// ---- 1. insults (intelligence or character) ----
	fam("insult/eres", "insult", true, 12, "{mention} eres un {ins1!}", "{mention} eres una {ins1!}, no sabes nada del IFE", "Eres un {ins1!} {mention}, lee antes de opinar", "{mention} eres bien {ins1!}"),
	fam("insult/son-unos", "insult", true, 14, "{cons} son unos {insp!}", "Son unos {insp!} los del {ife}", "{cons}, son unos {insp!}, no saben hacer su trabajo", "Puros {insp!} trabajan en el {ife}"),
	fam("insult/bola-de", "insult", true, 12, "Bola de {insp!}", "Bola de {insp!}, ya arreglen {topic}", "Pinche bola de {insp!} del {ife}", "{ife} bola de {insp!}"),
	fam("insult/vocative", "insult", true, 12, "Ya arreglen {topic}, {insp!}", "{insp!}, ¿cuándo van a contestar?", "Contesten, {insp!}", "No entienden nada, {insp!}", "¿Qué no saben leer, {insp!}?"),
	fam("insult/pinche", "insult", true, 12, "Pinches {insp!} del {ife}", "pinche {cons1} {ins1!}", "Pinches {insp!}, otra vez se cayó {topic}", "Qué pinches {insp!} son en el {ife}"),
	fam("insult/reply", "insult", true, 12, "{mention} cállate {ins1!}, tú qué sabes", "{mention} no digas pendejadas, {ins1!}", "{mention} a ver {ins1!}, el IFE no cuenta votos así", "{mention} ya cállate, eres un {ins1!}"),
	fam("insult/ese", "insult", true, 10, "Ese {cons1} es un {ins1!}", "Esa {cons1} es una {ins1!}", "Ese consejero es un {ins1!} y un vendido", "Esos {cons} son unos {insp!}"),
	fam("insult/mierda", "insult", true, 10, "Son una mierda, {cons}", "{ife} eres una mierda", "Pedazo de mierda, {mention}", "{mention} pedazo de {ins1!}", "{cons} pendejos de mierda"),
	fam("insult/caps", "insult", true, 8, "{ife} SON UNOS {insp!}", "PINCHES {insp!} DEL IFE", "{mention} ERES UN {ins1!}"),
	fam("insult/emoji", "insult", true, 10, "{cons} son unos {insp!} 🖕", "🖕🖕 {ife} {insp!}", "{mention} 🖕 {ins1!}"),
	fam("insult/intelligence", "insult", true, 10, "Tienes cerebro de mosquito {mention}", "{cons} no tienen cerebro, son bien {insp!}", "Qué {insp!} están en el {ife}, no pueden ni contar", "Hay que ser bien {ins1!} para creerle al {ife}"),
	fam("insult/asco", "insult", true, 10, "{mention} me das asco", "{cons} dan asco", "Qué asco me dan, {cons}", "{mention} das asco, {ins1!}", "{mention} pinche gorda, das asco"),
	fam("insult/third-party", "insult", true, 10, "El {ins1!} de mi vecino vendió su voto", "Mi cuñado es un {ins1!}, votó por el {party} por una despensa", "El {ins1!} del presidente de casilla no sabía nada", "La {ins1!} de la vecina no me dejó pasar a la casilla", "Mi jefe es un {ins1!}, no me dejó salir a votar"),
	fam("insult/abbrev", "insult", true, 10, "{mention} eres un pndjo", "{cons} pndjs", "{mention} kbron no sabes nada", "{mention} cállate mmgv", "{cons} son unos kbrones"),

	// ---- 2. mother and family formulae ----
	fam("curse/cons", "family_curse", true, 14, "{cons} {curse!}", "{ife} {curse!}", "{curse!} {cons}", "{curse!}, {cons}, ya dejen de robar"),
	fam("curse/mention", "family_curse", true, 14, "{mention} {curse1!}", "{curse1!} {mention}", "{mention} {curse1!}, tú qué sabes", "{mention} ya {curse1!}"),
	fam("curse/ife", "family_curse", true, 12, "Chinga tu madre {ife}", "{ife} chinga tu madre", "Chinguen a su madre los del {ife}", "Que chinguen a su madre todos los del {ife}"),
	fam("curse/hdp", "family_curse", true, 12, "{cons} hdp", "Hijos de su puta madre, nos robaron {topic}", "Hdp del {ife}", "Son unos hijos de la chingada", "Bola de hijos de puta"),
	fam("curse/vayanse", "family_curse", true, 12, "Váyanse a la verga {cons}", "Que se vayan a la chingada los del {ife}", "Que se vayan a la verga todos", "Váyanse al carajo, {ife}", "Ya váyanse a la chingada con su {topic}"),
	fam("curse/puta-que", "family_curse", true, 10, "La puta que los parió {cons}", "{ife} la puta que los parió", "{mention} la puta que te parió", "Me cago en su madre {cons}"),
	fam("curse/caps", "family_curse", true, 8, "CHINGUEN A SU MADRE {cons}", "{ife} CHINGA TU MADRE", "VAYANSE A LA VERGA"),

	// ---- 3. sexual vulgarity aimed at a person ----
	fam("sexual/consejera", "sexual", true, 12, "{mention} estás bien buena, te quiero coger", "Consejera, qué nalgas tienes", "Consejera, enséñame las chichis", "{mention} qué chichotas tienes mami", "La del módulo está bien nalgona, te quiero coger mamacita"),
	fam("sexual/chupala", "sexual", true, 12, "{cons} chúpenmela", "{ife} chúpamela", "{mention} mámame la verga", "{mention} me la pelas", "{cons} me la pelan, ya voté por quien quise", "{mention} chúpame la verga"),
	fam("sexual/verga", "sexual", true, 10, "{mention} te voy a dar verga", "{cons} les vamos a dar verga", "{mention} eres una verga", "{mention} cara de verga", "{mention} te doy por el culo"),
	fam("sexual/emoji", "sexual", true, 10, "{mention} 🍆🍆 para ti", "{mention} 🍆🍑 mamacita", "Consejera te tengo 🍆", "{mention} te quiero coger 🍆"),
	fam("sexual/acoso", "sexual", true, 10, "{mention} mándame fotos de tus nalgas", "{mention} ¿cuánto cobras? te cojo gratis", "Consejera, con esas tetas quién se fija en el PREP", "{mention} qué rica estás, te quiero mamar las chichis"),

	// ---- 4. homophobic slurs ----
	fam("homo/cons", "homophobic", true, 12, "{cons} son unos {homop!}", "Pinches {homop!} del {ife}", "Puros {homop!} en el {ife}", "{ife} lleno de {homop!}"),
	fam("homo/one", "homophobic", true, 12, "{mention} eres un {homo1!}", "Ese {cons1} es bien {homo1!}", "{mention} cállate {homo1!}", "El {cons1} es un {homo1!} vendido"),
	fam("homo/vocative", "homophobic", true, 10, "Contesta, {homo1!}", "Ya cállense, {homop!}", "{homop!}, arreglen {topic}", "No sirves para nada, {homo1!}"),
	fam("homo/identity", "homophobic", true, 10, "Los {homop!} no deberían poder votar", "Qué asco que el IFE deje votar a los {homop!}", "Los {homop!} deberían estar en la cárcel, no en casillas", "Funcionarios {homop!}, qué asco"),

	// ---- 5. misogynistic ----
	fam("miso/consejera", "misogynistic", true, 12, "La consejera es una {miso1!}", "Esa consejera es una {miso1!} vendida", "{mention} eres una {miso1!}", "Pinche {miso1!} del módulo"),
	fam("miso/calladita", "misogynistic", true, 12, "Calladita te ves más bonita, consejera", "{mention} calladita te ves más bonita", "Vete a la cocina {mention}", "Regrésate a la cocina, consejera", "{mention} mejor ponte a lavar los trastes"),
	fam("miso/vieja", "misogynistic", true, 12, "Pinche vieja loca {mention}", "{mention} vieja histérica", "Pinches viejas del {ife}, no saben nada", "Esa vieja loca no debería ser consejera", "{mention} eres una vieja loca"),
	fam("miso/votar", "misogynistic", true, 10, "Las mujeres no deberían votar", "Por eso las mujeres no deben votar, puras {misop!}", "{mention} las viejas no saben de política, a lavar trastes", "Feminazis del {ife}, váyanse a la cocina"),
	fam("miso/malcogida", "misogynistic", true, 10, "{mention} malcogida", "Esa consejera es una mal cogida", "{mention} luchona resentida", "{mention} eres una ofrecida", "Zorras todas las del módulo"),

	// ---- 6. racist, classist, xenophobic ----
	fam("racist/indio", "racist", true, 12, "{mention} pinche {rac1!}", "{mention} eres un {rac1!}", "Ese {cons1} es un {rac1!}", "{mention} cállate {rac1!}"),
	fam("racist/group", "racist", true, 12, "Pinches {racp!} que votan por una despensa", "Los {racp!} no deberían votar", "Puros {racp!} en la casilla", "{racp!} vendiendo su voto por una torta"),
	fam("racist/xeno", "racist", true, 10, "Pinches hondureños, vienen a votar con credenciales falsas", "Centroamericanos de mierda, fuera de México", "Pinches haitianos, que se regresen a su país", "Los guatemaltecos de mierda no deberían tener credencial"),
	fam("racist/simios", "racist", true, 10, "{mention} simio", "Parecen simios los del {ife}", "{mention} pinche simio prieto", "Muertos de hambre, por eso venden su voto", "{mention} eres un muerto de hambre"),

	// ---- 7. dehumanising ----
	fam("deh/son", "dehumanising", true, 14, "{cons} son {dehp!}", "Son una {deh1!} los del {ife}", "{cons}, son {dehp!}", "Puras ratas en el {ife}", "Son {dehp!}, {cons}"),
	fam("deh/eres", "dehumanising", true, 12, "{mention} eres una {deh1!}", "{mention} {deh1!} vendida", "Ese {cons1} es una {deh1!}", "{mention} eres una {deh1!} igual que los del IFE"),
	fam("deh/emoji", "dehumanising", true, 12, "{cons} {emoji_bad}", "{ife} {emoji_bad} {emoji_bad}", "{mention} {emoji_bad} eres una {deh1!}", "Los del IFE son unas ratas {emoji_bad}"),
	fam("deh/lacras", "dehumanising", true, 12, "Lacras, eso es lo que son {cons}", "{cons}, escoria de la sociedad", "Parásitos del presupuesto, eso son ustedes", "Son una plaga los consejeros", "Basura humana, {cons}"),
	fam("deh/fuera", "dehumanising", true, 10, "#FueraRatas del {ife}", "Fuera ratas del IFE #FueraRatas", "Fuera ratas del instituto", "#FueraRatas #IFE"),
	fam("deh/animales", "dehumanising", true, 10, "{cons} son unos animales", "Cerdos, son unos cerdos {cons}", "{mention} puerco asqueroso", "Cucarachas del {ife}, van a caer"),

	// ---- 8. threats and incitement ----
	fam("threat/voy", "threat", true, 14, "{mention} te voy a {vcl1}", "{mention} te voy a partir la madre", "{mention} te voy a romper la cara", "Te voy a matar {mention}", "{mention} te voy a encontrar y te voy a partir la madre"),
	fam("threat/hay-que", "threat", true, 14, "Hay que {vcl} a todos", "Hay que {vcl} a los consejeros", "A los {cons} hay que {vcl}", "Deberían {vcl} a todos los del {ife}"),
	fam("threat/vamos", "threat", true, 12, "Los vamos a {vcl1} {cons}", "{cons} los vamos a colgar", "Si hay fraude los vamos a {vcl1}", "Vamos a {vcl} a todos, {cons}"),
	fam("threat/ojala", "threat", true, 12, "Ojalá {subj} todos los {cons}", "Ojalá que {subj}", "Que {subj} todos los del {ife}", "Ojalá les caiga un rayo {cons}", "{mention} ojalá te mueras"),
	fam("threat/donde", "threat", true, 10, "{cons} sabemos dónde viven", "{mention} sé dónde vives", "Ya sabemos quién eres {mention}", "{cons1}, sabemos dónde trabajas"),
	fam("threat/quemar", "threat", true, 10, "Hay que quemar las casillas", "Vamos a quemar el IFE si hay fraude", "Hay que quemar las oficinas del IFE", "Van a quemar los módulos si no cuentan bien"),
	fam("threat/muerete", "threat", true, 10, "{mention} muérete", "Muéranse {cons}", "{mention} muérete ya", "{cons} muéranse todos"),
	fam("threat/emoji", "threat", true, 10, "{cons} 🔪🔪🔪 ya saben", "{mention} 🔫 te vamos a encontrar", "{cons} les va a cargar la verga 🔫", "{mention} ya te cargó el payaso 💀"),
	fam("threat/cargar", "threat", true, 10, "{cons} les va a cargar la chingada", "{mention} te va a cargar la verga", "Ya les cargó el payaso {cons}", "{mention} te va a llevar la chingada"),
	fam("threat/paredon", "threat", true, 10, "Paredón para todos los consejeros", "Al paredón los del {ife}", "Plomo para todos ustedes", "A balazos los vamos a sacar del IFE", "Mátenlos a todos"),

	// ---- harsh but legitimate political criticism ----
	fam("crit/son", "criticism", false, 14, "{cons} son {critadj}", "Los del {ife} son {critadj} y {critadj}", "{ife} ustedes son {critadj}", "Son {critadj}, {cons}, y lo saben"),
	fam("crit/es", "criticism", false, 14, "{topic} es {critnoun}", "Esta elección es {critnoun}", "El {ife} es {critnoun}", "{angry}, {topic} fue {critnoun}"),
	fam("crit/fraude", "criticism", false, 14, "Fraude electoral, el {ife} lo sabe y se calla", "Exigimos que se cuente voto por voto, casilla por casilla", "El {ife} avaló la compra de votos del {party}", "¿Dónde está la fiscalización de los gastos del {party}? Huele a fraude", "Voto por voto, casilla por casilla #NoAlFraude"),
	fam("crit/renuncien", "criticism", false, 14, "{cons} renuncien ya, no nos representan", "Que renuncie el consejero presidente", "Exigimos la renuncia de todo el Consejo General", "Váyanse todos, no sirven para nada", "Ustedes deberían renunciar, {cons}"),
	fam("crit/dinero", "criticism", false, 12, "Cobran millones y no hacen nada", "Con nuestros impuestos les pagan sueldos de ricos para esto", "Sueldos millonarios para {critadj}", "El {ife} cuesta miles de millones y no sirve para nada", "Qué caro nos salen, {cons}"),
	fam("crit/partido", "criticism", false, 14, "El {ife} está al servicio del {party}", "Son el brazo electoral del {party}", "Consejeros a modo del {party}", "Nunca sancionan al {party}, son cómplices", "El {party} compró la elección y el {ife} lo permitió"),
	fam("crit/prep", "criticism", false, 12, "¿Por qué se cayó {topic} justo cuando iba perdiendo el {party}? Muy sospechoso", "{topic} no cuadra con las actas, expliquen", "Las actas de la casilla {num} no coinciden con {topic}", "¿Cómo confiar en {topic} si ni ustedes lo entienden?"),
	fam("crit/verguenza", "criticism", false, 12, "{angry}. {ife} no tiene vergüenza", "Qué poca vergüenza tienen, {cons}", "Es una vergüenza lo que hacen con {topic}", "Vergüenza debería darles, {cons}"),
	fam("crit/corrupcion", "criticism", false, 12, "Corruptos, devuelvan el dinero de las multas", "Instituto corrupto y vendido al mejor postor", "Consejeros corruptos, la historia los va a juzgar", "La corrupción en el {ife} es evidente"),
	fam("crit/democracia", "criticism", false, 12, "Le fallaron a la democracia", "La democracia en México es una farsa gracias al {ife}", "Nos robaron la elección y el {ife} fue cómplice", "Sin árbitro imparcial no hay democracia", "El {ife} dejó de ser ciudadano hace mucho"),
	fam("crit/hashtag", "criticism", false, 12, "#FraudeElectoral {ife} cómplice", "#YoSoy132 no al fraude, no al {ife} vendido", "#IFEvendido {critadj}", "#NoAlFraude {cons} {critadj}"),
	fam("crit/caps", "criticism", false, 10, "{ife} {critadj}", "FRAUDE, FRAUDE, FRAUDE", "NO NOS VAMOS A CALLAR, {critadj}", "EXIGIMOS TRANSPARENCIA"),
	fam("crit/incompetencia", "criticism", false, 12, "Ineptos, llevo {hora} esperando y nadie atiende", "No pueden ni organizar una fila, incompetentes", "Qué incompetencia la de {cons}", "Inútiles, otra vez se cayó el sistema"),
	fam("crit/mentiras", "criticism", false, 12, "Mienten, {cons}, los datos no cuadran", "Son unos mentirosos, dijeron que {topic} estaría a las 8", "Dejen de mentir, todos vimos el acarreo", "Mentirosos, ustedes dijeron que no habría problemas"),
	fam("crit/spots", "criticism", false, 10, "Gastan millones en spots mientras en {place} no hay casillas suficientes", "Menos spots y más capacitación", "Sus spots son una burla", "Tanta publicidad para nada"),
	fam("crit/epithets", "criticism", false, 12, "Los chairos y los fifís pueden gritar lo que quieran, el {ife} sigue siendo parcial", "Peñabots y pejezombies, todos se quejan del {ife} con razón", "Prianistas y vendepatrias, y el {ife} como títere", "El {ife} es cómplice de la mafia del poder", "Vendidos y títeres, eso son los consejeros"),
	fam("crit/mapaches", "criticism", false, 10, "Los mapaches del {party} operaron en {place} y el {ife} no hizo nada", "Acarreados en la casilla {num}, ¿y el {ife}?", "Compra de votos con tarjetas en {place} y nadie dice nada", "Carro completo con dinero sucio y el {ife} tan tranquilo"),
	fam("crit/ustedes", "criticism", false, 12, "Ustedes tienen la culpa de que nadie confíe en las elecciones", "Ustedes permitieron el rebase de topes de campaña", "{cons}, ustedes son responsables de este desastre", "¿Ustedes creen que somos tontos? Nadie les cree"),
	fam("crit/sinverguenzas", "criticism", false, 10, "Qué poca madre tienen, {cons}", "Qué descaro, ni siquiera disimulan", "Son unos cínicos, {cons}, y además nos cobran", "No tienen madre, {cons}, cómo permiten eso"),
	fam("crit/burla", "criticism", false, 12, "La multa al {party} es una burla", "Multas ridículas para un partido que gastó millones", "Una burla la sanción, {cons}", "Sanciones de risa, el {ife} es un tigre sin dientes"),
	fam("crit/ladrones", "criticism", false, 10, "Nos están robando la democracia", "Se robaron la elección a la vista de todos", "El robo fue en las actas, no en las urnas", "Roban con la ley en la mano"),
	fam("crit/traidores", "criticism", false, 10, "Traidores a la patria, eso son {cons}", "Traicionaron a los ciudadanos que les creímos", "La historia no perdona a los traidores de la democracia", "Cómplices y traidores"),
	fam("crit/hard-words", "criticism", false, 12, "Su trabajo es una porquería, {cons}", "El {ife} está podrido por dentro", "Una institución podrida y corrupta", "El {ife} apesta a fraude"),
	fam("crit/compare", "criticism", false, 10, "En otros países el árbitro electoral es serio, aquí es un chiste", "Hasta una escuela organiza mejor una votación que el {ife}", "Dan pena, {cons}", "Dan lástima, de verdad"),
	fam("crit/long", "criticism", false, 10, "Llevo años votando y nunca había visto tanta manipulación. El {ife} debería dar la cara y explicar por qué {topic} no coincide con las actas de mi casilla.", "Señores consejeros: su silencio sobre la compra de votos en {place} los hace cómplices. Exijo una investigación seria.", "Ya basta de simulación. Ustedes saben que hubo rebase de topes y no hacen nada."),

	// ---- idiomatic swearing that offends nobody ----
	fam("idiom/nomames", "idiom", false, 14, "{idiomx}, ya salió mi credencial", "{idiomx}, {ife} ya publicó los resultados", "{idiomx} qué rápido me atendieron", "{idiomx}, la fila le da la vuelta a la cuadra", "{idiomx}, otra vez se cayó la página"),
	fam("idiom/chingon", "idiom", false, 12, "Está {goodx} el nuevo diseño de la credencial", "{goodx} el PREP este año", "Qué {goodx} que ya se pueda consultar la casilla en línea", "La app está {goodx}"),
	fam("idiom/cabron", "idiom", false, 12, "{hardx} encontrar mi casilla", "{hardx} llegar al módulo de {place}", "{hardx} el tráfico pero ya voté", "Estuvo cabrón el calor en la fila"),
	fam("idiom/valemadre", "idiom", false, 12, "A mí {dontcare} quién gane, yo voy a votar", "{dontcare} la lluvia, hoy voto", "{dontcare} lo que digan, yo sí confío en la casilla", "{dontcare}, voy a ir a votar aunque llueva"),
	fam("idiom/ahuevo", "idiom", false, 12, "A huevo, ya voté 🇲🇽", "A huevo, ya tengo mi credencial", "¡A huevo! primera vez que voto", "A huevo, salí en la lista nominal"),
	fam("idiom/chingo", "idiom", false, 12, "Hay {lotsx} gente en la casilla {num}", "{lotsx} gente en el módulo de {place}", "Había {lotsx} gente pero avanzó rápido", "Un chingo de boletas, cuál es cuál"),
	fam("idiom/wey", "idiom", false, 12, "{wey} ya fui a votar, vayan", "{wey} dónde me toca votar", "Oye {wey}, ¿ya sacaste tu credencial?", "{wey} la casilla está en la escuela de la esquina"),
	fam("idiom/pinche", "idiom", false, 12, "Pinche fila enorme en el módulo de {place}", "Pinche calor en la casilla", "Pinche sistema, otra vez caído", "Esta pinche página no carga", "Todo el pinche día esperando mi credencial"),
	fam("idiom/hastalamadre", "idiom", false, 10, "Ya estoy hasta la madre de tantos spots", "Hasta la madre de la propaganda en mi calle", "Ni madres que me quedo sin votar", "Ni de pedo falto a votar este domingo"),
	fam("idiom/qpedo", "idiom", false, 12, "¿Qué pedo con {topic}? No carga", "Qué pedo, ¿ya abrieron las casillas?", "No hay pedo, ya me dieron otra cita", "¿Qué onda con el módulo de {place}? Sigue cerrado"),
	fam("idiom/puta-madre", "idiom", false, 10, "Puta madre, perdí mi credencial", "Chingada madre, se me olvidó la credencial en la casa", "Ptm, ya cerraron el módulo", "Me lleva la chingada, la fila no avanza"),
	fam("idiom/culero", "idiom", false, 10, "Está bien culero el clima para ir a votar", "Estuvo de la verga la fila, pero ya voté", "Qué desmadre en la casilla, pero todo bien", "Está de la chingada el tráfico a la junta distrital"),
	fam("idiom/risa", "idiom", false, 10, "Me cagué de risa con el spot del {ife} jaja", "Jajaja me cago de risa con los memes del debate", "Qué pedo con los memes del PREP jajaja", "Me dio una hueva ir, pero sí fui a votar"),
	fam("idiom/dark", "idiom", false, 12, "Me quiero morir, la fila está enorme", "Me voy a morir de hambre esperando en el módulo", "Este calor me va a matar, pero ya voté", "La espera me está matando", "Hay que matar el tiempo en la fila, traigan libro"),
	fam("idiom/perron", "idiom", false, 10, "Perrón el simulacro de casilla en mi escuela", "Se rifaron los funcionarios de casilla", "Bien perrón el debate", "Se la rifó la presidenta de casilla"),
	fam("idiom/puto-intens", "idiom", false, 10, "El puto PREP no carga", "La pinche página del {ife} otra vez caída", "Toda la pinche mañana en la fila", "El puto sistema de citas no sirve", "Tres putas horas en el módulo de {place}"),
	fam("idiom/madrazo", "idiom", false, 10, "Me di un madrazo con la puerta del módulo jaja", "Se dio un madrazo el de la fila, pero está bien", "Qué madrazo se dio el camión enfrente de la casilla", "Casi me doy un madrazo en la escalera de la escuela"),

	// ---- ordinary questions ----
	fam("q/credencial", "question", false, 14, "¿Dónde puedo {tramite}?", "¿Qué documentos necesito para {tramite}?", "¿Puedo {tramite} en {place}?", "¿Cuánto tarda {tramite}?", "Buenas tardes, ¿dónde puedo {tramite}?"),
	fam("q/casilla", "question", false, 14, "¿Dónde me toca votar? Mi sección es la {num}", "¿A qué hora abren las casillas?", "¿Dónde queda la casilla {num}?", "¿Puedo votar en una casilla especial si estoy de viaje?", "¿Cómo ubico mi casilla?"),
	fam("q/vigencia", "question", false, 12, "¿Puedo votar si mi credencial dice 2009?", "¿Sigue vigente la credencial 03?", "Mi credencial vence este año, ¿todavía puedo votar?", "¿Hasta cuándo tengo para recoger mi credencial?"),
	fam("q/funcionario", "question", false, 12, "¿Cómo puedo ser funcionario de casilla?", "Me llegó una notificación para ser funcionario, ¿es obligatorio?", "¿Les pagan a los funcionarios de casilla?", "¿Cuándo es la capacitación para funcionarios de casilla en {place}?"),
	fam("q/extranjero", "question", false, 12, "¿Puedo votar desde el extranjero?", "Vivo en Estados Unidos, ¿cómo voto?", "¿Hasta cuándo hay para registrarse para votar desde el extranjero?", "¿Me mandan la boleta por correo?"),
	fam("q/perdi", "question", false, 12, "¿Qué hago si perdí mi credencial?", "Me robaron la cartera con la credencial, ¿cómo la repongo?", "¿Puedo votar con el comprobante de reposición?", "¿Cuánto cuesta reponer la credencial?"),
	fam("q/resultados", "question", false, 12, "¿Cuándo salen los resultados de {topic}?", "¿Dónde consulto {topic}?", "¿A qué hora empiezan los cómputos distritales?", "¿Qué diferencia hay entre el PREP y el cómputo?", "¿Qué es el conteo rápido?"),
	fam("q/modulo", "question", false, 12, "¿El módulo de {place} abre en sábado?", "¿Hasta qué hora atiende el módulo de {place}?", "¿Necesito cita para el módulo?", "¿Dónde está el módulo más cercano a {place}?"),
	fam("q/diputados", "question", false, 12, "¿Cuántos diputados se eligen este año?", "¿Cómo se asignan los diputados plurinominales?", "¿Qué diputados le tocan a mi distrito?", "¿Cuántas diputaciones hay por estado?"),
	fam("q/computo", "question", false, 10, "¿Cuándo termina el cómputo distrital en {place}?", "¿Puedo ver el cómputo desde mi computadora?", "¿Los cómputos distritales son públicos?", "¿En qué consiste el cómputo de la elección?"),
	fam("q/misc", "question", false, 12, "¿Se puede votar con credencial de elector de otro estado?", "¿Qué pasa si no aparezco en la lista nominal?", "¿Se puede escoger la casilla donde voto?", "¿Dónde recojo mi credencial si cambié de domicilio?", "¿Puedo llevar a mi perro a la casilla?"),
	fam("q/datos", "question", false, 10, "¿Es seguro dar mis datos en el módulo?", "¿Quién tiene acceso al padrón?", "¿Venden el padrón electoral?", "¿Cómo protegen mis datos personales?"),
	fam("q/articulo", "question", false, 10, "¿Qué dice el artículo 41 sobre los spots?", "¿Dónde consulto el artículo del COFIPE sobre casillas especiales?", "¿El artículo 116 aplica a las elecciones locales?", "¿Qué artículo regula el voto en el extranjero?"),
	fam("q/vehiculos", "question", false, 10, "¿Puedo estacionar mi vehículo afuera de la casilla?", "¿Hay estacionamiento para vehículos en el módulo de {place}?", "¿Los vehículos con propaganda pueden estar cerca de la casilla?", "¿Se permite propaganda en vehículos el día de la elección?"),

	// ---- ordinary complaints ----
	fam("c/fila", "complaint", false, 14, "Llevo {hora} en el módulo de {place} y no avanza la fila", "Ya es la tercera vez que voy al módulo y no me entregan mi credencial", "En el módulo de {place} solo hay una persona atendiendo", "Mucha gente y poco personal en el módulo de {place}"),
	fam("c/sistema", "complaint", false, 12, "El sistema de citas no funciona", "{topic} no carga desde mi computadora", "La página del {ife} está caída desde la mañana", "No me llega el correo de confirmación de la cita"),
	fam("c/datos", "complaint", false, 12, "Mi credencial tiene mal escrito mi nombre", "Me pusieron mal el domicilio en la credencial", "Mi foto salió borrosa y no me la quieren cambiar", "En mi credencial aparece otro año de nacimiento"),
	fam("c/casilla", "complaint", false, 12, "En la casilla {num} no llegaron las boletas", "La casilla {num} abrió dos horas tarde", "No hay rampa para personas en silla de ruedas en la casilla {num}", "Los funcionarios de la casilla {num} no sabían qué hacer"),
	fam("c/ifetel", "complaint", false, 10, "Llamé a IFETEL y nadie contesta", "Llevo una semana llamando a IFETEL", "En IFETEL me dijeron una cosa y en el módulo otra", "Nadie responde en el chat del {ife}"),
	fam("c/basura", "complaint", false, 10, "Hay mucha basura afuera del módulo de {place}, nadie la recoge", "Dejaron basura y propaganda en la escuela donde estuvo la casilla", "La propaganda se volvió basura en las calles de {place}", "¿Quién va a recoger la basura electoral de mi calle?"),
	fam("c/propaganda", "complaint", false, 10, "En mi colonia hay propaganda del {party} pegada en postes", "Siguen los spots del {party} en plena veda", "Reparten despensas con logotipo del {party} en {place}", "Hay propaganda dentro de la escuela donde está la casilla {num}"),
	fam("c/animales", "complaint", false, 10, "Había perros sueltos afuera de la casilla", "Se metió una rata al módulo y nadie hizo nada", "Un gato se subió a la mesa de la casilla jaja", "Los perros de la colonia no dejaban pasar a la gente"),
	fam("c/polite", "complaint", false, 10, "Buenas tardes, solicito información sobre mi trámite {num}, no he recibido respuesta", "Agradecería que revisaran mi caso, llevo un mes esperando", "Por favor revisen la casilla {num}, faltaban boletas", "Solicito que se corrija mi domicilio, ya entregué el comprobante"),

	// ---- praise ----
	fam("p/modulo", "praise", false, 12, "Gracias por la atención en el módulo de {place}, muy rápido", "Excelente servicio en el módulo de {place}", "Me atendieron muy bien, gracias {ife}", "Muy amables en el módulo, salí en 20 minutos"),
	fam("p/funcionarios", "praise", false, 12, "Felicidades a los funcionarios de casilla, gran trabajo", "Gracias a todos los ciudadanos que fueron funcionarios de casilla", "Reconocimiento a los capacitadores del {ife}", "Qué bonito ver a los vecinos contando los votos"),
	fam("p/jornada", "praise", false, 12, "Excelente la jornada, todo muy ordenado en la casilla {num}", "Todo tranquilo en {place}, gracias {ife}", "Muy buena organización este año", "Felicidades por el PREP, muy claro"),
	fam("p/app", "praise", false, 10, "Muy buena la app para ubicar mi casilla", "Qué práctico consultar la lista nominal en línea", "Me gustó el nuevo diseño de la credencial", "Buen video explicando el conteo rápido"),
	fam("p/democracia", "praise", false, 10, "Orgulloso de votar, viva la democracia 🇲🇽", "La democracia la hacemos todos, gracias {ife}", "Feliz de haber votado por primera vez", "Gracias a quienes hacen posible la elección"),

	// ---- neutral information ----
	fam("n/votar", "neutral", false, 12, "Ya voté en la casilla {num}", "Listo, ya voté, ahora a esperar resultados", "Ya fui a votar con mi familia", "Voté temprano, no había fila"),
	fam("n/info", "neutral", false, 12, "Hoy es el último día para actualizar tu credencial", "Recuerden que mañana cierran los módulos", "Comparto la liga del PREP para quien la busque", "Mañana es el debate, no se lo pierdan"),
	fam("n/ano", "neutral", false, 10, "Feliz año nuevo a todo el equipo del {ife}", "Este año voto por primera vez", "Año electoral, a informarse", "El próximo año hay elecciones locales en {place}"),
	fam("n/misc", "neutral", false, 10, "Vendo computadora barata, buen estado (perdón, me equivoqué de página)", "El árbitro pitó penal y todos en la casilla viendo el partido jaja", "La disputa por la diputación de {place} se resolvió en el tribunal", "Ratificaron al consejero en su cargo", "El demócrata ganó en Estados Unidos y aquí seguimos esperando el PREP"),
	fam("n/reply", "neutral", false, 12, "{mention} no estoy de acuerdo contigo, el {ife} sí publicó los resultados a tiempo", "{mention} tienes razón, la fila estaba larga", "{mention} eso no es cierto, el conteo rápido es una muestra", "{mention} te paso el link del PREP", "{mention} tú tranquilo, sí puedes votar con la credencial 03"),
	fam("n/hard-rata", "neutral", false, 12, "Cuidado con las credenciales piratas que venden en {place}", "La impresión de boletas salió más barata este año", "Trato de entrar a la página y no puedo", "Ratificaron a los consejeros distritales de {place}", "¿Cuándo ratifican a los consejeros locales?", "Los burócratas del módulo de {place} fueron muy amables", "Una campaña barata no significa que sea ilegal", "Trata de personas: ¿la credencial ayuda a identificar víctimas?"),
	fam("n/hard-mama", "neutral", false, 12, "Mi mamá no encuentra su casilla", "Mi mamá ya votó y yo voy en la tarde", "Ayer mi mamá recogió su credencial en {place}", "Mamá y papá ya votaron, faltamos nosotros", "Mi hijo se cagó de risa con el spot del {ife}", "¿Mi mamá puede votar si está en silla de ruedas?"),
	fam("n/hard-puta", "neutral", false, 12, "Diputados y diputadas del distrito de {place}", "La diputación local de Putla se decidió en el cómputo", "Imputaron al exfuncionario por peculado", "La reputación del instituto depende de los cómputos", "Putin ganó en Rusia y aquí seguimos con el PREP", "Disputaron la casilla {num} en el tribunal", "¿Los diputados plurinominales también se cuentan en el cómputo distrital?"),
	fam("n/hard-culo", "neutral", false, 12, "La película del debate estuvo larga", "El artículo 41 habla de los tiempos en radio y televisión", "Qué espectáculo el debate de anoche", "El obstáculo es la fila, no el trámite", "Es ridículo que no haya rampa en la casilla {num}", "¿Mi vehículo puede entrar al estacionamiento del módulo?", "El cálculo de las multas está en el acuerdo del Consejo"),
	fam("n/hard-coger", "neutral", false, 12, "Voy a recoger mi credencial mañana", "¿Puedo escoger otra casilla?", "Fui a recoger mi credencial al módulo de {place}", "Es difícil escoger entre tantos candidatos", "Recojo mi credencial el lunes", "Escojo con calma mi voto, no con despensas"),
	fam("n/hard-ano", "neutral", false, 12, "Anoche revisé {topic}", "Voy a anotar mi número de folio", "Soy mexicano y vivo en Texas, ¿cómo voto?", "Como ciudadano exijo información clara", "¿El ciudadano puede pedir copia del acta de la casilla {num}?", "Derechos humanos también para votar en {place}", "Este año sí voy a votar"),
	fam("n/short", "neutral", false, 14, "Gracias", "Saludos", "Buenas tardes", "Excelente", "Informes por favor", "Gracias {ife}", "Listo", "Ok, gracias", "Muy bien", "Información por favor", "Buen día", "Enterado", "Gracias por la respuesta", "De acuerdo"),
	fam("crit/short", "criticism", false, 12, "Fraude", "Vendidos", "Corruptos", "Ineptos", "Qué vergüenza", "Mentirosos", "Renuncien", "Voto por voto", "Farsantes", "Cínicos", "Tramposos", "Cómplices", "Traidores"),
	fam("n/loco", "neutral", false, 10, "Está loco el clima, llueve y hace calor en la fila", "Me volví loco buscando mi casilla", "El premio gordo es votar informado jaja", "Una vaca se metió a la escuela donde está la casilla en {place}", "Qué feo está el día, pero vamos a votar", "Corriente eléctrica cortada en la casilla {num}, ¿qué hacemos?"),
	fam("n/self", "neutral", false, 12, "Qué idiota soy, olvidé mi credencial en la casa", "Soy bien pendejo para los trámites en línea jaja", "Me sentí un idiota, llevé el comprobante equivocado", "Qué tonto, me formé en la fila equivocada", "Soy un menso, ya pasó mi cita", "Me siento estúpido, no sabía que había que sacar cita"),
	fam("n/animals", "neutral", false, 12, "Hay ratas en la bodega de las boletas, revisen", "La basura electoral se recicla, ¿verdad?", "¿Qué hacen con la basura de la propaganda?", "Un perro se quedó dormido junto a la urna jaja", "En {place} los cerdos y las gallinas andaban sueltos junto a la casilla", "Hay una plaga de propaganda en los postes de {place}", "¿Reciclan las boletas o se van a la basura?"),
	fam("n/humanos", "neutral", false, 10, "Los ciudadanos mexicanos tenemos derecho a votar", "Derechos humanos también en las casillas", "Mexicanos en el extranjero ya pueden registrarse", "Los ciudadanos contamos los votos, no el gobierno"),
}
