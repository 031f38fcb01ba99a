package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseDecisionLine feeds arbitrary lines of a decisions file (vigia label
// --import): parsing never panics, a rejected line gets a message, and an
// accepted one names a network, an item, a known decision and who decided.
func FuzzParseDecisionLine(f *testing.F) {
	f.Add(`{"network":"x","id":"1790000000000000001","decision":"block_confirmed","by":"Ana","reason":"insulto","at":"2026-03-02T15:04:05-06:00"}`)
	f.Add(`{"network":"mastodon","id":109876543210,"decision":"false_positive","by":"Beto"}`)
	f.Add(`{"network":"x","id":null,"decision":"x","by":""}`)
	f.Add(`{"network":"x","id":"1","decision":"unblocked","by":"A"} {}`)
	f.Add(`{"network":"x","id":1e400,"decision":"unblocked","by":"A","at":"ayer"}`)
	f.Fuzz(func(t *testing.T, line string) {
		d, err := parseDecisionLine([]byte(line))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("a rejected line has no message")
			}
			return
		}
		if strings.TrimSpace(d.Network) == "" || strings.TrimSpace(d.ExternalID) == "" || strings.TrimSpace(d.By) == "" {
			t.Fatalf("accepted %q with an empty field: %+v", line, d)
		}
		if checkDecision(d.Decision) != "" {
			t.Fatalf("accepted %q with an unknown decision %q", line, d.Decision)
		}
	})
}

// FuzzCommentText feeds arbitrary input lines of vigia classify: reading never
// panics; a line that is not a JSON object is the comment itself, and a JSON
// object's comment is its "text" field.
func FuzzCommentText(f *testing.F) {
	f.Add(`{"text":"eres un pendejo"}`)
	f.Add(`{"id":1}`)
	f.Add(`{"text":null}`)
	f.Add("¿a qué hora abre el módulo?\r")
	f.Add(" {no json")
	f.Fuzz(func(t *testing.T, line string) {
		text, err := commentText([]byte(line))
		if err != nil {
			if !strings.HasPrefix(strings.TrimSpace(line), "{") {
				t.Fatalf("a plain line %q was refused: %v", line, err)
			}
			return
		}
		if !strings.HasPrefix(strings.TrimSpace(line), "{") && text != strings.TrimRight(line, "\r") {
			t.Fatalf("plain line %q read as %q", line, text)
		}
		if utf8.ValidString(line) && !utf8.ValidString(text) {
			t.Fatalf("valid UTF-8 %q gave invalid %q", line, text)
		}
	})
}
