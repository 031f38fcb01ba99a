package simulated

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// OptionTakeover simulates the hijacking of an account (Criterio 6.xxvi): from the
// simulated instant it names (RFC 3339), the account's profile is rewritten
// (handle, display name, bio, avatar and link), its own posts of the previous 48
// hours are deleted, and at the next 3 a.m. (Mexico City time) insulting own posts
// with links to a site the account never used appear, two of them in English.
const OptionTakeover = "simulated_takeover"

// takeoverWindow is how long after the takeover its deletions are reported again
// (re-reports are idempotent); takeoverDeletes is the span of own posts deleted.
const (
	takeoverWindow  = 7 * 24 * time.Hour
	takeoverDeletes = 48 * time.Hour
)

// Hijacker's profile and posts.
const (
	takeoverHandle = "gana_dinero_ya"
	takeoverName   = "GANA DINERO YA 💰💰"
	takeoverBio    = "Invierte hoy y duplica tu dinero. Escríbenos por DM."
	takeoverLink   = "https://promo-cripto.example/gana"
)

var takeoverTexts = []struct{ lang, text string }{
	{"es", "Pinches pendejos, el IFE es una mierda. Inviertan aquí: https://promo-cripto.example/gana"},
	{"en", "Double your money NOW, idiots!!! https://promo-cripto.example/gana"},
	{"en", "Free crypto for everyone, fuck the elections https://promo-cripto.example/bono"},
}

// TakeoverAt returns the takeover instant set for acct, if any.
func TakeoverAt(acct connectors.Account) (time.Time, bool, error) {
	s, ok := acct.Options[OptionTakeover]
	if !ok || s == "" {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("simulated: option %s: %q is not an RFC 3339 time", OptionTakeover, s)
	}
	return t, true, nil
}

// takeover rewrites a batch that reached simNow for an account that is taken over.
func (w *World) takeover(network string, acct connectors.Account, simNow time.Time, b *connectors.Batch) error {
	at, ok, err := TakeoverAt(acct)
	if err != nil {
		return err
	}
	if !ok || simNow.Before(at) || b.More {
		return nil
	}
	if b.Profile != nil {
		p := *b.Profile
		p.Handle, p.DisplayName, p.Bio, p.Link = takeoverHandle, takeoverName, takeoverBio, takeoverLink
		p.AvatarURL = "https://media.simulated.invalid/avatar/takeover.png"
		p.Raw, _ = json.Marshal(rawProfile{
			ID: p.ExternalID, Handle: p.Handle, DisplayName: p.DisplayName, Bio: p.Bio,
			AvatarURL: p.AvatarURL, Link: p.Link, Verified: p.Verified, Followers: p.Followers,
			FetchedAt: simNow.UTC().Format(time.RFC3339),
		})
		b.Profile = &p
	}
	if simNow.Sub(at) > takeoverWindow {
		return nil
	}
	observed := at.Add(10 * time.Minute)
	if !simNow.Before(observed) {
		from, to := at.Add(-takeoverDeletes).Unix(), at.Unix()
		for d := dayOf(from); d <= dayOf(to); d++ {
			for _, it := range w.day(acct, d).items {
				if c := it.created(); it.own && it.kind == connectors.KindPost && c > from && c <= to && c > w.start {
					b.Deletions = append(b.Deletions, connectors.Deletion{ExternalID: it.id, ObservedAt: observed.UTC()})
				}
			}
		}
	}
	// The next 3 a.m. in Mexico City at or after the takeover.
	local := at.In(mxZone)
	night := time.Date(local.Year(), local.Month(), local.Day(), 3, 0, 0, 0, mxZone)
	if night.Before(at) {
		night = night.AddDate(0, 0, 1)
	}
	for i, tt := range takeoverTexts {
		created := night.Add(time.Duration(i) * 4 * time.Minute)
		if created.After(simNow) {
			break
		}
		id := fmt.Sprintf("%s-takeover-%d", acct.ID, i)
		it := connectors.Item{
			ExternalID: id, Kind: connectors.KindPost, AuthorID: ownAuthorID(acct), AuthorHandle: takeoverHandle,
			AuthorName: takeoverName, Own: true, Text: tt.text, Lang: tt.lang, CreatedAt: created.UTC(),
			URL: fmt.Sprintf("https://%s.simulated.invalid/%s/status/%s", network, takeoverHandle, id),
		}
		it.Raw, _ = json.Marshal(rawItem{
			ID: id, Kind: it.Kind, Author: rawAuthor{ID: it.AuthorID, Handle: it.AuthorHandle, Name: it.AuthorName}, Own: true,
			Text: it.Text, Lang: it.Lang, CreatedAt: it.CreatedAt, URL: it.URL,
		})
		b.Items = append(b.Items, it)
	}
	return nil
}
