package response

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestConfig_Validate(t *testing.T) {
	t.Parallel()
	mod := func(f func(*Config)) Config { c := DefaultConfig(); f(&c); return c }
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"default", DefaultConfig(), nil},
		{"unknown intent", mod(func(c *Config) { c.Intents = []Intent{"pregunta"} }), []string{`response: intents[0]: intención desconocida "pregunta"`}},
		{"no thresholds", mod(func(c *Config) { c.AtRisk, c.Breached = 0, 0 }), []string{"response: at_risk: ", "response: breached: "}},
		{"breached before at risk", mod(func(c *Config) { c.AtRisk, c.Breached = 8*time.Hour, 4*time.Hour }), []string{"response: breached: 4h0m0s es menor que at_risk (8h0m0s)"}},
		{"unknown scope", mod(func(c *Config) { c.Answers = "thread" }), []string{`response: answers: valor "thread" no válido`}},
		{"bad canned", mod(func(c *Config) { c.Canned = CannedConfig{MinUsers: 1, Similarity: 1.5} }), []string{"canned.min_users", "canned.window", "canned.similarity", "canned.shingle_size", "canned.min_words"}},
	}
	for _, tc := range tests {
		err := tc.cfg.Validate()
		if len(tc.want) == 0 {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: Validate succeeded", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error\n%v\ndoes not mention %q", tc.name, err, w)
			}
		}
	}
}

func TestConfig_UnmarshalYAML(t *testing.T) {
	t.Parallel()
	decode := func(doc string) (Config, error) {
		var c Config
		dec := yaml.NewDecoder(bytes.NewBufferString(doc))
		dec.KnownFields(true)
		err := dec.Decode(&c)
		return c, err
	}
	c, err := decode("{}")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Intents, DefaultIntents) || c.AtRisk != 4*time.Hour || c.Breached != 8*time.Hour || c.Answers != ScopeConversation || c.Canned.MinUsers != 5 {
		t.Errorf("defaults %+v", c)
	}
	c, err = decode("intents: [question, praise]\nat_risk: 2h\nbreached: 6h30m\nanswers: direct\ncanned: {min_users: 3, window: 24h}\n")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Intents, []Intent{IntentQuestion, IntentPraise}) || c.AtRisk != 2*time.Hour || c.Breached != 6*time.Hour+30*time.Minute ||
		c.Answers != ScopeDirect || c.Canned.MinUsers != 3 || c.Canned.Window != 24*time.Hour || c.Canned.Similarity != DefaultCannedSimilarity {
		t.Errorf("decoded %+v", c)
	}
	if _, err := decode("breached: 1h"); err == nil || !strings.Contains(err.Error(), "menor que at_risk") {
		t.Errorf("breached before at risk: %v", err)
	}
	if _, err := decode("at_risk: cuatro horas"); err == nil {
		t.Error("a bad duration was accepted")
	}
}
