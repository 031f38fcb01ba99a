package mastodon

import (
	"html"
	"strings"
	"testing"
)

func TestHTMLToText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"<p>Hola</p>", "Hola"},
		{"<p>uno</p><p>dos</p>", "uno\n\ndos"},
		{"<p>línea 1<br />línea 2<br>línea 3<br/>fin</p>", "línea 1\nlínea 2\nlínea 3\nfin"},
		{`<p><span class="h-card" translate="no"><a href="https://mastodon.social/@karel" class="u-url mention">@<span>karel</span></a></span> hola</p>`, "@karel hola"},
		{`<a href="https://www.ife.org.mx/credencial" rel="nofollow noopener" target="_blank"><span class="invisible">https://www.</span><span class="">ife.org.mx/credencial</span><span class="invisible"></span></a>`, "https://www.ife.org.mx/credencial"},
		{`<a href="x"><span class="invisible">https://</span><span class="ellipsis">listanominal.ife.org.mx/consul</span><span class="invisible">ta?tipo=1&amp;b=2</span></a>`, "https://listanominal.ife.org.mx/consulta?tipo=1&b=2"},
		{"a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &#x27;f&#x27; &nbsp;g", "a & b <c> \"d\" 'e' 'f' \u00a0g"},
		{"&amp;lt;script&amp;gt;", "&lt;script&gt;"},
		{"1 < 2 y 3 > 2", "1 < 2 y 3 > 2"},
		{"<3 te quiero", "<3 te quiero"},
		{"<p>a\nb\tc</p>", "a b c"},
		{"<pre>x\n  y</pre><p>z</p>", "x\n  y\n\nz"},
		{"<ul><li>uno</li><li>dos</li></ul><p>fin</p>", "uno\ndos\n\nfin"},
		{"<blockquote><p>cita</p></blockquote><p>respuesta</p>", "cita\n\nrespuesta"},
		{"antes<!-- comentario <p> -->después", "antesdespués"},
		{"sin cierre <!-- nunca", "sin cierre "},
		{`<a href="x>y" title='q>r'>enlace</a>`, "enlace"},
		{"<p>roto <a href=\"x", "roto <a href=\"x"},
		{"<P>Mayúsculas</P><BR>x", "Mayúsculas\n\nx"},
		{"<p></p><p></p>", ""},
		{"<br><br>hola", "hola"},
		{"", ""},
		{`<p class="quote-inline">RE: <a href="https://a.example/@b/1">a.example/@b/1</a></p><p>texto</p>`, "RE: a.example/@b/1\n\ntexto"},
		{"\u202eoculto\u202c", "\u202eoculto\u202c"},
	} {
		if got := HTMLToText(c.in); got != c.want {
			t.Errorf("HTMLToText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHTMLToText_EscapedPlainTextRoundTrips(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		`<script>alert("fraude")</script> ¡Esto es un fraude!`,
		"Mi voto &amp; mi voz <b>no</b> se venden",
		`1 < 2 && 3 > 2 "comillas" 'simples' y &lt;entidades&gt; &#39;`,
		"ÑÁÉÍÓÚ ñáéíóú ü ¿¡ … — «comillas» ‘tipográficas’",
	} {
		if got := HTMLToText("<p>" + html.EscapeString(s) + "</p>"); got != s {
			t.Errorf("round trip of %q gave %q", s, got)
		}
	}
	long := strings.Repeat("<span>", 10000) + "x" + strings.Repeat("</span>", 10000)
	if got := HTMLToText(long); got != "x" {
		t.Errorf("deep nesting gave %q", got)
	}
}
