package alerts

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Digests: every day at Digests.At (in Digests.TimeZone) a summary per account to
// its administrators and per organ to the titular del órgano; every Digests.Weekday
// one for CNCS covering the week. Each is queued once per period (the archive
// remembers it), through the outbox like any alert, so a restart neither repeats
// nor skips one.

// Digest kinds.
const (
	DigestAccount = "daily_account"
	DigestOrgan   = "daily_organ"
	DigestWeekly  = "weekly_cncs"
)

// oldestShown is how many waiting comments a digest lists per account.
const oldestShown = 5

// DigestSource provides the figures of the digests (the agent: its response clocks
// and the archive).
type DigestSource interface {
	AccountDigest(ctx context.Context, account string, from, to time.Time) (AccountDigest, error)
}

// AccountDigest is one account's figures for a digest.
type AccountDigest struct {
	// Backlog of comments awaiting an answer, by SLA state, now.
	Within, AtRisk, Breached int
	// Oldest are the comments waiting longest (business time), oldest first.
	Oldest []WaitingComment
	// Flags in the period: comments recommended for blocking, comments to review,
	// and the account's own texts flagged, by rule.
	Offensive, Review int
	Own               map[string]int
}

// WaitingComment is a comment awaiting an answer.
type WaitingComment struct {
	Text, Author, Link string
	Waited             time.Duration
}

func (d *Dispatcher) queueDigests(ctx context.Context) error {
	cfg, notifiers, dir := d.snapshot()
	if d.digests == nil || len(cfg.Digests.Via) == 0 {
		return nil
	}
	now := d.now()
	loc := cfg.Digests.TimeZone
	if loc == nil {
		loc = time.UTC
	}
	local := now.In(loc)
	at, err := time.Parse("15:04", cfg.Digests.At)
	if err != nil {
		at, _ = time.Parse("15:04", DefaultDigestTime)
	}
	due := time.Date(local.Year(), local.Month(), local.Day(), at.Hour(), at.Minute(), 0, 0, loc)
	if local.Before(due) {
		return nil
	}
	period := due.Format("2006-01-02")
	from := due.Add(-24 * time.Hour)
	accounts := dir.Accounts()
	figures := map[string]AccountDigest{}
	get := func(id string, from time.Time) (AccountDigest, error) {
		return d.digests.AccountDigest(ctx, id, from, now)
	}
	organs := map[string][]AccountInfo{}
	var organOrder []string
	for _, info := range accounts {
		fig, err := get(info.ID, from)
		if err != nil {
			return err
		}
		figures[info.ID] = fig
		if _, ok := organs[info.Organ]; !ok {
			organOrder = append(organOrder, info.Organ)
		}
		organs[info.Organ] = append(organs[info.Organ], info)
		title := fmt.Sprintf("Resumen diario de @%s (%s), %s", info.Handle, info.Network, due.Format("02/01/2006"))
		body := renderAccount(info, fig, true)
		if err := d.queueDigest(ctx, cfg, notifiers, DigestAccount, info.ID, period, title, body, []string{ToAdmins}, info); err != nil {
			return err
		}
	}
	for _, o := range organOrder {
		infos := organs[o]
		title := fmt.Sprintf("Resumen diario de %s, %s", infos[0].OrganName, due.Format("02/01/2006"))
		var b strings.Builder
		writeTotals(&b, infos, figures)
		for _, info := range infos {
			b.WriteString("\n" + renderAccount(info, figures[info.ID], true))
		}
		if err := d.queueDigest(ctx, cfg, notifiers, DigestOrgan, o, period, title, b.String(), []string{ToHead}, infos[0]); err != nil {
			return err
		}
	}
	if local.Weekday() == cfg.Digests.Weekday && cfg.Contacts.CNCS.Email != "" {
		weekFrom := due.Add(-7 * 24 * time.Hour)
		weekly := map[string]AccountDigest{}
		for _, info := range accounts {
			fig, err := get(info.ID, weekFrom)
			if err != nil {
				return err
			}
			weekly[info.ID] = fig
		}
		var b strings.Builder
		fmt.Fprintf(&b, "Semana del %s al %s.\n\n", weekFrom.Format("02/01/2006"), due.Format("02/01/2006"))
		writeTotals(&b, accounts, weekly)
		for _, o := range organOrder {
			fmt.Fprintf(&b, "\n== %s ==\n", organs[o][0].OrganName)
			for _, info := range organs[o] {
				b.WriteString(renderAccount(info, weekly[info.ID], false))
			}
		}
		title := "Resumen semanal de las cuentas institucionales, " + due.Format("02/01/2006")
		if err := d.queueDigest(ctx, cfg, notifiers, DigestWeekly, "cncs", period, title, b.String(), []string{ToCNCS}, AccountInfo{}); err != nil {
			return err
		}
	}
	return nil
}

func (d *Dispatcher) queueDigest(ctx context.Context, cfg Config, notifiers map[string]Notifier, kind, key, period, title, body string, to []string, info AccountInfo) error {
	now := d.now()
	a := Alert{Rule: RuleDigest, Subject: kind + ":" + key + ":" + period, State: StateFiring, Severity: SeverityInfo,
		Account: info.ID, Network: info.Network, Handle: info.Handle, Organ: info.Organ, OrganName: info.OrganName,
		Summary: title, Body: body, StartsAt: now}
	entries := d.entries(cfg, notifiers, Step{To: to, Via: cfg.Digests.Via}, a, info, now)
	for i := range entries {
		entries[i].GroupKey = "digest|" + a.Subject // never merged with another digest
	}
	queued, err := d.store.QueueDigest(ctx, kind, key, period, entries)
	if queued {
		d.poke()
	}
	return err
}

func writeTotals(b *strings.Builder, infos []AccountInfo, figs map[string]AccountDigest) {
	var t AccountDigest
	own := 0
	for _, info := range infos {
		f := figs[info.ID]
		t.Within, t.AtRisk, t.Breached = t.Within+f.Within, t.AtRisk+f.AtRisk, t.Breached+f.Breached
		t.Offensive, t.Review = t.Offensive+f.Offensive, t.Review+f.Review
		for _, n := range f.Own {
			own += n
		}
	}
	fmt.Fprintf(b, "Cuentas: %d. Comentarios en espera de respuesta: %d (dentro del plazo %d, por vencer %d, fuera de plazo %d).\n",
		len(infos), t.Within+t.AtRisk+t.Breached, t.Within, t.AtRisk, t.Breached)
	fmt.Fprintf(b, "En el periodo: %d comentarios ofensivos recomendados para bloqueo, %d por revisar, %d señalamientos en textos propios.\n",
		t.Offensive, t.Review, own)
}

var ownRuleES = map[string]string{
	"own_offensive": "insultos", "capitals": "mayúsculas", "link_outside_allowlist": "enlaces externos",
	"bare_link": "enlaces sin texto", "burst": "ráfagas", "duplicate": "duplicados", "canned_reply": "respuestas repetidas",
}

func renderAccount(info AccountInfo, f AccountDigest, oldest bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "@%s (%s):\n", info.Handle, info.Network)
	fmt.Fprintf(&b, "  En espera de respuesta: %d (dentro del plazo %d, por vencer %d, fuera de plazo %d).\n",
		f.Within+f.AtRisk+f.Breached, f.Within, f.AtRisk, f.Breached)
	fmt.Fprintf(&b, "  Comentarios ofensivos: %d recomendados para bloqueo, %d por revisar.\n", f.Offensive, f.Review)
	if len(f.Own) > 0 {
		rules := make([]string, 0, len(f.Own))
		for r := range f.Own {
			rules = append(rules, r)
		}
		sort.Strings(rules)
		parts := make([]string, len(rules))
		for i, r := range rules {
			name := ownRuleES[r]
			if strings.HasPrefix(r, "personal_data") {
				name = "datos personales (" + strings.TrimPrefix(strings.TrimPrefix(r, "personal_data"), "_") + ")"
			}
			if name == "" {
				name = r
			}
			parts[i] = fmt.Sprintf("%s %d", name, f.Own[r])
		}
		fmt.Fprintf(&b, "  Textos propios señalados: %s.\n", strings.Join(parts, ", "))
	}
	if oldest && len(f.Oldest) > 0 {
		b.WriteString("  Los que más esperan:\n")
		for _, c := range f.Oldest {
			line := fmt.Sprintf("    - %s en horario de atención", formatWait(c.Waited))
			if c.Author != "" {
				line += ", de @" + strings.TrimPrefix(oneLine(c.Author), "@")
			}
			if c.Text != "" {
				t := oneLine(c.Text)
				if r := []rune(t); len(r) > 120 {
					t = string(r[:120]) + "…"
				}
				line += ": «" + t + "»"
			}
			if l := safeLink(c.Link); l != "" {
				line += " " + l
			}
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}
