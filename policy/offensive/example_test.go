package offensive_test

import (
	"fmt"
	"strings"

	"github.com/ife-mx/vigia/policy/offensive"
)

func ExampleClassifier_Classify() {
	c, err := offensive.Default()
	if err != nil {
		panic(err)
	}
	for _, text := range []string{
		"¿Dónde tramito mi credencial?",
		"No mames, ya salió mi credencial",
		"Consejeros corruptos, renuncien",
		"@lalo_mx eres un p3nd3j0",
		"te voy a partir la madre",
	} {
		v := c.Classify(text)
		fmt.Printf("%-16s %v", v.Band, v.Categories)
		for _, e := range v.Evidence {
			fmt.Printf(" %q(%s)", e.Text, e.Rule)
		}
		fmt.Println()
	}
	// Output:
	// none             []
	// none             []
	// none             []
	// recommend_block  [insult] "p3nd3j0"(term:pendejo/leet)
	// recommend_block  [threat] "te voy a partir la madre"(pattern:threat)
}

func ExampleTrain() {
	examples, err := offensive.LoadExamples(strings.NewReader(`{"text":"eres un pendejo","label":"offensive","category":"insult"}
{"text":"chinga tu madre","label":"offensive","category":"family_curse"}
{"text":"¿dónde voto?","label":"ok","category":"question"}
{"text":"el IFE es un fraude","label":"ok","category":"criticism"}
`))
	if err != nil {
		panic(err)
	}
	m, err := offensive.Train(examples, offensive.TrainOptions{Bits: 12, Folds: 2})
	if err != nil {
		panic(err)
	}
	c, err := offensive.New(offensive.Options{Model: m})
	if err != nil {
		panic(err)
	}
	r := offensive.Evaluate(c, examples)
	fmt.Println(r.Examples, r.Positives, len(m.Weights))
	// Output: 4 2 4096
}
