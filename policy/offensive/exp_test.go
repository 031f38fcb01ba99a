package offensive

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestExp(t *testing.T) {
	if os.Getenv("EXP") == "" {
		t.Skip()
	}
	l2, _ := strconv.ParseFloat(os.Getenv("L2"), 64)
	ep, _ := strconv.Atoi(os.Getenv("EP"))
	rate, _ := strconv.ParseFloat(os.Getenv("RATE"), 64)
	m, err := Train(loadSplit(t, "train"), TrainOptions{L2: l2, Epochs: ep, Rate: rate})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := New(Options{Model: m})
	r := Evaluate(c, loadSplit(t, "heldout"))
	fmt.Printf("L2=%v ep=%d rate=%v review=%.2f block=%.2f\n%s", l2, ep, rate, m.Review, m.Block, r.String()[:250])
	for _, s := range strings.Split(os.Getenv("DBG"), ";") {
		if s == "" {
			continue
		}
		v := c.Classify(s)
		fmt.Printf("%-45q %.3f %-8s %v\n", s, v.Score, v.Band, v.Categories)
	}
}
