package simulated

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// The profile is a pure function of (seed, account, time). Display name and bio
// each live in blocks of a fixed length; inside block b there is one instant c_b
// at which the variant of block b takes over from that of block b−1 (often the
// same one: then nothing visibly changes). The follower count grows daily with
// hourly noise.
const (
	nameBlock = 19 * daySeconds
	bioBlock  = 23 * daySeconds
	// followersEpoch is 2005-01-01T00:00:00Z, when the count is at its base.
	followersEpoch = 1104537600
)

var bios = []string{
	"Cuenta oficial del Instituto Federal Electoral. Información sobre credencial para votar, casillas y procesos electorales. IFETEL 01 800 433 2000.",
	"Cuenta institucional del IFE 🇲🇽 Atendemos de lunes a viernes de 9:00 a 18:00 h. Criterios de uso: www.ife.org.mx/redes",
	"Instituto Federal Electoral: organizamos las elecciones federales. #CredencialParaVotar #TuVotoCuenta",
	"Información oficial del IFE. Dudas sobre tu credencial: IFETEL 01 800 433 2000 🗳️",
	"Somos el Instituto Federal Electoral. Proceso Electoral Federal en curso: consulta tu casilla en www.ife.org.mx",
	"IFE · Certeza, legalidad, independencia, imparcialidad y objetividad.",
}

// nameVariants is how many display names an account goes through.
const nameVariants = 4

// displayName is variant i (0 to nameVariants−1) of the account's display name.
func displayName(acct connectors.Account, i int) string {
	base := acct.Options["display_name"]
	switch {
	case base != "":
	case acct.Organ != "":
		base = "IFE – " + acct.Organ
	default:
		base = "Instituto Federal Electoral"
	}
	return base + [nameVariants]string{"", " 🇲🇽", " | Proceso Electoral Federal", " (cuenta oficial)"}[i]
}

// variantAt returns which of n variants of a profile field holds at time at.
func (w *World) variantAt(acctID, tag string, block int64, n int, at int64) int {
	b := floorDiv(at, block)
	if at < w.changeAt(acctID, tag, block, b) {
		b--
	}
	return w.variant(acctID, tag, n, b)
}

func (w *World) changeAt(acctID, tag string, block, b int64) int64 {
	return b*block + int64(hashKey(w.cfg.Seed, tag+"/change", acctID, b)%uint64(block))
}

func (w *World) variant(acctID, tag string, n int, b int64) int {
	h := hashKey(w.cfg.Seed, tag, acctID, b)
	if h%100 < 55 {
		return 0
	}
	return 1 + int((h>>8)%uint64(n-1))
}

type profileState struct {
	name, bio int
}

func (w *World) profileState(acctID string, at int64) profileState {
	return profileState{
		name: w.variantAt(acctID, "name", nameBlock, nameVariants, at),
		bio:  w.variantAt(acctID, "bio", bioBlock, len(bios), at),
	}
}

func (w *World) followers(acctID string, at int64) int64 {
	h := hashKey(w.cfg.Seed, "followers", acctID)
	base := int64(20000 + h%480000)
	growth := int64(20 + (h>>20)%180)
	days := floorDiv(at-followersEpoch, daySeconds)
	noise := int64(hashKey(w.cfg.Seed, "followers/hour", acctID, floorDiv(at, 3600))%201) - 100
	return max(0, base+growth*days+noise)
}

func ownAuthorID(acct connectors.Account) string {
	if acct.ExternalID != "" {
		return acct.ExternalID
	}
	return "sim-" + acct.ID
}

func handleOf(acct connectors.Account) string {
	if acct.Handle != "" {
		return acct.Handle
	}
	return acct.ID
}

// displayNameAt is the account's display name at a simulated instant.
func (w *World) displayNameAt(acct connectors.Account, at int64) string {
	return displayName(acct, w.variantAt(acct.ID, "name", nameBlock, nameVariants, at))
}

type rawProfile struct {
	ID          string `json:"id"`
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	Bio         string `json:"bio"`
	AvatarURL   string `json:"avatar_url"`
	Link        string `json:"link"`
	Verified    bool   `json:"verified"`
	Followers   int64  `json:"followers_count"`
	FetchedAt   string `json:"fetched_at"`
}

// Profile returns the account's public profile at a simulated instant.
func (w *World) Profile(acct connectors.Account, at time.Time) connectors.Profile {
	t := at.Unix()
	st := w.profileState(acct.ID, t)
	p := connectors.Profile{
		ExternalID:  ownAuthorID(acct),
		Handle:      handleOf(acct),
		DisplayName: displayName(acct, st.name),
		Bio:         bios[st.bio],
		AvatarURL:   fmt.Sprintf("https://media.simulated.invalid/avatar/%s/%d.png", ownAuthorID(acct), st.name),
		Link:        "https://www.ife.org.mx",
		Verified:    true,
		Followers:   w.followers(acct.ID, t),
	}
	p.Raw, _ = json.Marshal(rawProfile{
		ID: p.ExternalID, Handle: p.Handle, DisplayName: p.DisplayName, Bio: p.Bio,
		AvatarURL: p.AvatarURL, Link: p.Link, Verified: p.Verified, Followers: p.Followers,
		FetchedAt: time.Unix(t, 0).UTC().Format(time.RFC3339),
	})
	return p
}

// ProfileChange is the account's display name, bio and avatar from an instant on.
type ProfileChange struct {
	At          time.Time
	DisplayName string
	Bio         string
	AvatarURL   string
}

// profileChanges lists the profile in force at from, then every visible change
// in (from, upTo].
func (w *World) profileChanges(acct connectors.Account, from, upTo int64) []ProfileChange {
	mk := func(at int64) ProfileChange {
		p := w.Profile(acct, time.Unix(at, 0))
		return ProfileChange{At: time.Unix(at, 0).UTC(), DisplayName: p.DisplayName, Bio: p.Bio, AvatarURL: p.AvatarURL}
	}
	out := []ProfileChange{mk(from)}
	var instants []int64
	for _, f := range []struct {
		tag   string
		block int64
	}{{"name", nameBlock}, {"bio", bioBlock}} {
		for b := floorDiv(from, f.block); b <= floorDiv(upTo, f.block); b++ {
			if c := w.changeAt(acct.ID, f.tag, f.block, b); c > from && c <= upTo {
				instants = append(instants, c)
			}
		}
	}
	slices.Sort(instants)
	for _, c := range instants {
		ch := mk(c)
		last := out[len(out)-1]
		if ch.DisplayName != last.DisplayName || ch.Bio != last.Bio {
			out = append(out, ch)
		}
	}
	return out
}
