package response_test

import (
	"fmt"
	"time"

	"github.com/ife-mx/vigia/connectors"
	"github.com/ife-mx/vigia/policy/calendar"
	"github.com/ife-mx/vigia/policy/response"
)

func ExampleClassify() {
	c := response.Classify("Solicito información sobre la convocatoria para capacitadores en Sonora")
	fmt.Println(c)
	fmt.Println(c.Advice() != "")
	// Output:
	// info_request (info_request/solicito_informacion: «solicito informacion»)
	// true
}

func ExampleTracker() {
	cal, _ := calendar.New(calendar.DefaultConfig())
	cfg := response.DefaultConfig()
	tr := response.NewTracker(response.NewSLA(cal, cfg), cfg.Answers)
	mx := cal.Location()

	comment := connectors.Item{
		ExternalID: "c1", Kind: connectors.KindComment, ParentID: "p1", RootID: "p1",
		AuthorID: "u1", AuthorHandle: "lupita_gzz", Text: "¿Dónde me toca votar?",
		CreatedAt: time.Date(2013, time.March, 15, 18, 0, 0, 0, mx),
	}
	d := response.NeedsAnswer(comment, response.Options{Intents: cfg.Intents, AccountHandle: "IFE_mx"})
	for _, e := range tr.Observe(response.EntryOf(comment, d.Needs)) {
		fmt.Println(e.Kind, e.Comment)
	}
	fmt.Println(tr.Evaluate(time.Date(2013, time.March, 19, 15, 0, 0, 0, mx)).Counts[response.StateAtRisk])

	answer := connectors.Item{
		ExternalID: "a1", Kind: connectors.KindReply, ParentID: "c1", RootID: "p1", Own: true,
		Text: "Hola, consulta tu casilla en ife.org.mx", CreatedAt: time.Date(2013, time.March, 19, 16, 0, 0, 0, mx),
	}
	for _, e := range tr.Observe(response.EntryOf(answer, false)) {
		fmt.Println(e.Kind, e.Comment, e.Answer.ID, e.Business, e.State)
	}
	for _, e := range tr.Delete("a1", time.Date(2013, time.March, 19, 17, 0, 0, 0, mx)) {
		fmt.Println(e.Kind, e.Comment)
	}
	// Output:
	// opened c1
	// 1
	// answered c1 a1 7h0m0s answered_in_time
	// reopened c1
}
