package offensive

import (
	"fmt"
	"testing"
)

func dbgHits(c *Classifier, text string) string {
	s := new(scratch)
	s.normalize(text)
	res := c.lx.match(s, &c.mo)
	out := fmt.Sprintf("%+v", res)
	for _, h := range s.hits {
		out += fmt.Sprintf(" [%s %q dir=%v int=%v %s]", allCats[h.cat], text[h.start:h.end], h.directed, h.intens, c.rule(&h))
	}
	return out
}

func TestDbg(t *testing.T) {
	lx, err := defaultLexicon()
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Lexicon: lx, Model: &Model{Bits: 18, Weights: make([]float32, 1<<18), Review: 0.4, Block: 0.9}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Eres un PENDEJO", "p u t o", "#FueraPendejos del IFE", "pend.jo", "p3nd3j0 tú", "Oye, k-b-r-o-n", "te voy a matar", "hay que colgarlos a todos", "ojalá se mueran", "no mames, está cabrón", "los diputados y el cómputo", "ｐｕｔｏ", "pu\u200bto eres", "xinga tu madre", "ijo de puta", "eres un berga", "putoooo", "el puto día", "me quiero morir", "Feliz año nuevo", "ching@ tu m@dre", "m@m0n", "Consejeros, son unos pendejos", "esa vieja loca", "pinche IFE de mierda", "te voy a partir la madre", "pitó el árbitro", "pito"} {
		fmt.Printf("%-35q %s\n", s, dbgHits(c, s))
	}
}
