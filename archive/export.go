package archive

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// An export is a slice of the archive written as evidence: the items an account (or
// every account) published or received in a period, with every version, deletion,
// flag and decision, as JSON Lines a person can read, and the same records exactly
// as the hash chain covers them, so that anyone can recompute their hashes.
//
//	items.jsonl    one item a line: identity, versions (text, raw payload, media,
//	               when observed), deletion events, flags, decisions
//	media.jsonl    the media metadata of every version that has any
//	records.jsonl  every chained record of the slice in chain order: id, table,
//	               previous hash, hash and each hashed column with its SQLite type
//	manifest.json  the filter, counts, the chain's anchors (each run of consecutive
//	               records with the hash before it and its last hash, and the archive's
//	               head when exported) and the SHA-256 of every other file
//
// VerifyExport checks a copy of the directory on its own: file sums, no file
// missing or added, every record's hash, and every run's links and anchors.
// VerifyExportAnchors also checks the anchors against an archive.

// ExportFormat is the manifest's format name.
const ExportFormat = "vigia-export/1"

// The files of an export.
const (
	ExportManifest = "manifest.json"
	ExportItems    = "items.jsonl"
	ExportMedia    = "media.jsonl"
	ExportRecords  = "records.jsonl"
)

// ExportOptions select the slice to export.
type ExportOptions struct {
	// From and To bound the items' creation time: From ≤ created_at < To. A zero To
	// is no upper bound.
	From, To time.Time
	// Account restricts the slice to one account; empty exports every account.
	Account string
	// Progress, when set, is called after each item with the items written so far
	// and the total.
	Progress func(done, total int64)
}

// Manifest is manifest.json.
type Manifest struct {
	Format      string         `json:"format"`
	GeneratedAt time.Time      `json:"generated_at"`
	Filter      ManifestFilter `json:"filter"`
	Counts      ManifestCounts `json:"counts"`
	Chain       ManifestChain  `json:"chain"`
	Files       []ManifestFile `json:"files"`
}

// ManifestFilter records the slice's selection.
type ManifestFilter struct {
	From    time.Time  `json:"from"`
	To      *time.Time `json:"to,omitempty"`
	Account string     `json:"account,omitempty"`
}

// ManifestCounts counts what the export holds.
type ManifestCounts struct {
	Items    int64 `json:"items"`
	Versions int64 `json:"versions"`
	Records  int64 `json:"records"`
}

// ManifestChain holds the hash-chain anchors of the export.
type ManifestChain struct {
	// HeadID and HeadHash are the archive's chain head when the export was taken.
	HeadID   int64  `json:"head_id"`
	HeadHash string `json:"head_hash"`
	// Segments are the runs of consecutive chain records in records.jsonl.
	Segments []Segment `json:"segments"`
}

// Segment is a run of consecutive records of the chain: PrevHash is the hash of
// record FirstID-1 (zeros for the first record of the chain) and LastHash the hash
// of record LastID. Recomputing the run from PrevHash must end at LastHash.
type Segment struct {
	FirstID  int64  `json:"first_id"`
	LastID   int64  `json:"last_id"`
	PrevHash string `json:"prev_hash"`
	LastHash string `json:"last_hash"`
}

// ManifestFile is one file's size and SHA-256.
type ManifestFile struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// ExportRecord is one line of records.jsonl.
type ExportRecord struct {
	ID     int64         `json:"id"`
	Table  string        `json:"table"`
	Prev   string        `json:"prev_hash"`
	Hash   string        `json:"hash"`
	Values []ExportValue `json:"values"`
}

// ExportValue is one hashed column with its SQLite storage class: "null",
// "integer", "real", "text" or "blob" (Value is then base64). A text that is not
// valid UTF-8, which JSON cannot carry byte for byte, is base64 too, with Encoding
// "base64".
type ExportValue struct {
	Column   string `json:"column"`
	Type     string `json:"type"`
	Value    any    `json:"value"`
	Encoding string `json:"encoding,omitempty"`
}

// ExportReport says what Export wrote.
type ExportReport struct {
	Dir      string
	Manifest Manifest
	// ManifestSHA256 is the SHA-256 of manifest.json: recorded elsewhere (a report, an
	// acta), it pins the whole export.
	ManifestSHA256 string
}

// Export writes the slice opts selects into dir, which must not exist or be empty.
// The whole slice is read in one read transaction: a consistent snapshot, also
// while the daemon commits.
//
// A failed or cancelled export removes what it wrote, so the same command can run
// again into the same directory.
func (s *Store) Export(ctx context.Context, dir string, opts ExportOptions) (rep ExportReport, err error) {
	rep = ExportReport{Dir: dir}
	created, err := prepareExportDir(dir)
	if err != nil {
		return rep, fmt.Errorf("archive: export: %w", err)
	}
	defer func() {
		if err == nil {
			return
		}
		for _, name := range []string{ExportItems, ExportMedia, ExportRecords, ExportManifest} {
			os.Remove(filepath.Join(dir, name))
		}
		if created {
			os.Remove(dir)
		}
	}()
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("archive: export: %w", err)
	}
	defer tx.Rollback()

	to := opts.To
	if to.IsZero() {
		to = time.Unix(0, 1<<62)
	}
	sel := itemSelection{account: opts.Account, from: nanos(opts.From), to: to.UnixNano()}
	m := Manifest{Format: ExportFormat, GeneratedAt: time.Now().UTC(),
		Filter: ManifestFilter{From: opts.From.UTC(), Account: opts.Account}}
	if !opts.To.IsZero() {
		t := opts.To.UTC()
		m.Filter.To = &t
	}
	head, err := readHead(ctx, tx.QueryRowContext)
	if err != nil {
		return rep, fmt.Errorf("archive: export: %w", err)
	}
	m.Chain.HeadID, m.Chain.HeadHash = head.id, hex.EncodeToString(head.hash[:])

	var total int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM items i WHERE `+sel.where(), sel.args()...).Scan(&total); err != nil {
		return rep, fmt.Errorf("archive: export: count items: %w", err)
	}

	items, err := newExportFile(dir, ExportItems)
	if err != nil {
		return rep, fmt.Errorf("archive: export: %w", err)
	}
	defer items.close()
	media, err := newExportFile(dir, ExportMedia)
	if err != nil {
		return rep, fmt.Errorf("archive: export: %w", err)
	}
	defer media.close()
	if err := writeItems(ctx, tx, sel, items, media, &m.Counts, total, opts.Progress); err != nil {
		return rep, fmt.Errorf("archive: export: %w", err)
	}
	records, err := newExportFile(dir, ExportRecords)
	if err != nil {
		return rep, fmt.Errorf("archive: export: %w", err)
	}
	defer records.close()
	if m.Chain.Segments, m.Counts.Records, err = writeRecords(ctx, tx, sel, records); err != nil {
		return rep, fmt.Errorf("archive: export: %w", err)
	}
	for _, f := range []*exportFile{items, media, records} {
		mf, err := f.finish()
		if err != nil {
			return rep, fmt.Errorf("archive: export: %w", err)
		}
		m.Files = append(m.Files, mf)
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return rep, fmt.Errorf("archive: export: %w", err)
	}
	body = append(body, '\n')
	if err := writeSynced(filepath.Join(dir, ExportManifest), body); err != nil {
		return rep, fmt.Errorf("archive: export: %w", err)
	}
	if err := syncFile(dir); err != nil {
		return rep, fmt.Errorf("archive: export: %w", err)
	}
	sum := sha256.Sum256(body)
	rep.Manifest, rep.ManifestSHA256 = m, hex.EncodeToString(sum[:])
	return rep, nil
}

// prepareExportDir creates dir, or accepts it when it exists and is empty; created
// says which.
func prepareExportDir(dir string) (created bool, err error) {
	if dir == "" {
		return false, errors.New("empty directory path")
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true, os.MkdirAll(dir, 0o750)
	}
	if err != nil {
		return false, err
	}
	if len(entries) > 0 {
		return false, fmt.Errorf("%s is not empty", dir)
	}
	return false, nil
}

// itemSelection is the WHERE clause over items (aliased i) of a slice.
type itemSelection struct {
	account  string
	from, to int64
}

func (sel itemSelection) where() string {
	return `(?1 = '' OR i.account_id = ?1) AND i.created_at >= ?2 AND i.created_at < ?3`
}

func (sel itemSelection) args() []any { return []any{sel.account, sel.from, sel.to} }

// exportFile writes one file of an export and sums it on the way.
type exportFile struct {
	name string
	f    *os.File
	w    *bufio.Writer
	h    hash.Hash
	n    int64
}

func newExportFile(dir, name string) (*exportFile, error) {
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, err
	}
	ef := &exportFile{name: name, f: f, h: sha256.New()}
	ef.w = bufio.NewWriterSize(io.MultiWriter(f, ef.h, countWriter{&ef.n}), 1<<16)
	return ef, nil
}

type countWriter struct{ n *int64 }

func (c countWriter) Write(p []byte) (int, error) { *c.n += int64(len(p)); return len(p), nil }

// line writes v as one JSON line.
func (ef *exportFile) line(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", ef.name, err)
	}
	b = append(b, '\n')
	if _, err := ef.w.Write(b); err != nil {
		return fmt.Errorf("%s: %w", ef.name, err)
	}
	return nil
}

// finish flushes and syncs the file and returns its manifest entry.
func (ef *exportFile) finish() (ManifestFile, error) {
	if err := ef.w.Flush(); err != nil {
		return ManifestFile{}, fmt.Errorf("%s: %w", ef.name, err)
	}
	if err := ef.f.Sync(); err != nil {
		return ManifestFile{}, fmt.Errorf("%s: %w", ef.name, err)
	}
	return ManifestFile{Name: ef.name, Bytes: ef.n, SHA256: hex.EncodeToString(ef.h.Sum(nil))}, nil
}

func (ef *exportFile) close() { ef.f.Close() }

func writeSynced(path string, body []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	_, err = f.Write(body)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ---- items.jsonl and media.jsonl --------------------------------------------

// RecordRef names a chained record.
type RecordRef struct {
	ID   int64  `json:"id"`
	Hash string `json:"hash"`
}

// ExportItem is one line of items.jsonl.
type ExportItem struct {
	Network    string          `json:"network"`
	ExternalID string          `json:"external_id"`
	Account    string          `json:"account"`
	Kind       string          `json:"kind"`
	ParentID   string          `json:"parent_id,omitempty"`
	RootID     string          `json:"root_id,omitempty"`
	AuthorID   string          `json:"author_id"`
	Own        bool            `json:"own"`
	CreatedAt  time.Time       `json:"created_at"`
	FirstSeen  time.Time       `json:"first_seen"`
	DeletedAt  *time.Time      `json:"deleted_at,omitempty"`
	Record     RecordRef       `json:"record"`
	Versions   []ExportVersion `json:"versions"`
	Events     []ExportEvent   `json:"events,omitempty"`
	Flags      []ExportFlag    `json:"flags,omitempty"`
	Decisions  []ExportDecide  `json:"decisions,omitempty"`
}

// ExportVersion is one version of an exported item.
type ExportVersion struct {
	Version      int             `json:"version"`
	Text         string          `json:"text"`
	AuthorHandle string          `json:"author_handle"`
	AuthorName   string          `json:"author_name"`
	Lang         string          `json:"lang,omitempty"`
	EditedAt     *time.Time      `json:"edited_at,omitempty"`
	ObservedAt   time.Time       `json:"observed_at"`
	URL          string          `json:"url,omitempty"`
	Media        json.RawMessage `json:"media,omitempty"`
	ContentHash  string          `json:"content_sha256"`
	// Raw is the platform's payload when it is JSON; RawBase64 otherwise.
	Raw       json.RawMessage `json:"raw,omitempty"`
	RawBase64 string          `json:"raw_base64,omitempty"`
	Record    RecordRef       `json:"record"`
}

// ExportEvent is a deletion or restoration of an exported item.
type ExportEvent struct {
	Event      string    `json:"event"`
	ObservedAt time.Time `json:"observed_at"`
	Record     RecordRef `json:"record"`
}

// ExportFlag is a policy flag on an exported item.
type ExportFlag struct {
	Version   int             `json:"version"`
	Rule      string          `json:"rule"`
	Category  string          `json:"category"`
	Severity  string          `json:"severity"`
	Score     float64         `json:"score"`
	Evidence  json.RawMessage `json:"evidence,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	Record    RecordRef       `json:"record"`
}

// ExportDecide is an administrator's decision on an exported item.
type ExportDecide struct {
	Decision  string    `json:"decision"`
	DecidedBy string    `json:"decided_by"`
	Reason    string    `json:"reason,omitempty"`
	DecidedAt time.Time `json:"decided_at"`
	Source    string    `json:"source"`
	Record    RecordRef `json:"record"`
}

// exportMedia is one line of media.jsonl.
type exportMedia struct {
	Network    string          `json:"network"`
	ExternalID string          `json:"external_id"`
	Account    string          `json:"account"`
	Version    int             `json:"version"`
	Media      json.RawMessage `json:"media"`
}

// grouped walks rows ordered by item id, handing out each item's rows in turn.
type grouped struct {
	rows   *sql.Rows
	scan   func(rows *sql.Rows) (itemID int64, err error)
	itemID int64
	has    bool
}

func (g *grouped) advance() error {
	if !g.rows.Next() {
		g.has = false
		return g.rows.Err()
	}
	id, err := g.scan(g.rows)
	if err != nil {
		return err
	}
	g.itemID, g.has = id, true
	return nil
}

// take calls fn for the current row while it belongs to itemID.
func (g *grouped) take(itemID int64, fn func()) error {
	for g.has && g.itemID < itemID {
		if err := g.advance(); err != nil {
			return err
		}
	}
	for g.has && g.itemID == itemID {
		fn()
		if err := g.advance(); err != nil {
			return err
		}
	}
	return nil
}

func timePtr(n int64) *time.Time {
	if n == 0 {
		return nil
	}
	t := fromNanos(n)
	return &t
}

func jsonOrNil(s string) json.RawMessage {
	if s == "" || s == "null" || s == "[]" || s == "{}" || !json.Valid([]byte(s)) {
		return nil
	}
	return json.RawMessage(s)
}

func writeItems(ctx context.Context, tx *sql.Tx, sel itemSelection, items, media *exportFile, counts *ManifestCounts, total int64, progress func(done, total int64)) error {
	inSel := `item_id IN (SELECT i.id FROM items i WHERE ` + sel.where() + `)`
	var cur ExportItem
	var vrow ExportVersion
	var vraw []byte
	var vmedia string
	var ev ExportEvent
	var fl ExportFlag
	var flEvidence string
	var dc ExportDecide
	open := func(q string, scan func(rows *sql.Rows) (int64, error)) (*grouped, error) {
		rows, err := tx.QueryContext(ctx, q, sel.args()...)
		if err != nil {
			return nil, err
		}
		g := &grouped{rows: rows, scan: scan}
		if err := g.advance(); err != nil {
			rows.Close()
			return nil, err
		}
		return g, nil
	}
	hexOf := func(b []byte) string { return hex.EncodeToString(b) }
	versions, err := open(`SELECT v.item_id, v.id, v.hash, v.version, v.text, v.author_handle, v.author_name, v.lang, v.edited_at,
			f.finished_at, v.url, v.media, v.content_hash, v.raw
		FROM item_versions v JOIN fetch_log f ON f.id = v.fetch_id WHERE v.`+inSel+` ORDER BY v.item_id, v.version`,
		func(rows *sql.Rows) (int64, error) {
			var itemID, edited, observed int64
			var h, ch []byte
			vrow = ExportVersion{}
			err := rows.Scan(&itemID, &vrow.Record.ID, &h, &vrow.Version, &vrow.Text, &vrow.AuthorHandle, &vrow.AuthorName,
				&vrow.Lang, &edited, &observed, &vrow.URL, &vmedia, &ch, &vraw)
			vrow.Record.Hash, vrow.ContentHash = hexOf(h), hexOf(ch)
			vrow.EditedAt, vrow.ObservedAt = timePtr(edited), fromNanos(observed)
			return itemID, err
		})
	if err != nil {
		return fmt.Errorf("read versions: %w", err)
	}
	defer versions.rows.Close()
	events, err := open(`SELECT item_id, id, hash, event, observed_at FROM item_events WHERE `+inSel+` ORDER BY item_id, id`,
		func(rows *sql.Rows) (int64, error) {
			var itemID, observed int64
			var h []byte
			err := rows.Scan(&itemID, &ev.Record.ID, &h, &ev.Event, &observed)
			ev.Record.Hash, ev.ObservedAt = hexOf(h), fromNanos(observed)
			return itemID, err
		})
	if err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	defer events.rows.Close()
	flags, err := open(`SELECT item_id, id, hash, version, rule, category, severity, score, evidence, created_at FROM flags WHERE `+inSel+` ORDER BY item_id, id`,
		func(rows *sql.Rows) (int64, error) {
			var itemID, created int64
			var h []byte
			err := rows.Scan(&itemID, &fl.Record.ID, &h, &fl.Version, &fl.Rule, &fl.Category, &fl.Severity, &fl.Score, &flEvidence, &created)
			fl.Record.Hash, fl.CreatedAt, fl.Evidence = hexOf(h), fromNanos(created), jsonOrNil(flEvidence)
			return itemID, err
		})
	if err != nil {
		return fmt.Errorf("read flags: %w", err)
	}
	defer flags.rows.Close()
	decisions, err := open(`SELECT item_id, id, hash, decision, decided_by, reason, decided_at, source FROM decisions WHERE `+inSel+` ORDER BY item_id, id`,
		func(rows *sql.Rows) (int64, error) {
			var itemID, at int64
			var h []byte
			err := rows.Scan(&itemID, &dc.Record.ID, &h, &dc.Decision, &dc.DecidedBy, &dc.Reason, &at, &dc.Source)
			dc.Record.Hash, dc.DecidedAt = hexOf(h), fromNanos(at)
			return itemID, err
		})
	if err != nil {
		return fmt.Errorf("read decisions: %w", err)
	}
	defer decisions.rows.Close()

	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.hash, i.network, i.external_id, i.account_id, i.kind, i.parent_id, i.root_id,
			i.author_id, i.own, i.created_at, f.finished_at, COALESCE(i.deleted_at, 0)
		FROM items i JOIN fetch_log f ON f.id = i.fetch_id WHERE `+sel.where()+` ORDER BY i.id`, sel.args()...)
	if err != nil {
		return fmt.Errorf("read items: %w", err)
	}
	defer rows.Close()
	var done int64
	for rows.Next() {
		var h []byte
		var created, seen, deleted int64
		cur = ExportItem{}
		if err := rows.Scan(&cur.Record.ID, &h, &cur.Network, &cur.ExternalID, &cur.Account, &cur.Kind, &cur.ParentID,
			&cur.RootID, &cur.AuthorID, &cur.Own, &created, &seen, &deleted); err != nil {
			return fmt.Errorf("read items: %w", err)
		}
		cur.Record.Hash, cur.CreatedAt, cur.FirstSeen, cur.DeletedAt = hexOf(h), fromNanos(created), fromNanos(seen), timePtr(deleted)
		id := cur.Record.ID
		err := versions.take(id, func() {
			v := vrow
			if m := jsonOrNil(vmedia); m != nil {
				v.Media = m
			}
			if json.Valid(vraw) {
				v.Raw = append(json.RawMessage(nil), vraw...)
			} else if len(vraw) > 0 {
				v.RawBase64 = base64.StdEncoding.EncodeToString(vraw)
			}
			cur.Versions = append(cur.Versions, v)
		})
		if err == nil {
			err = events.take(id, func() { cur.Events = append(cur.Events, ev) })
		}
		if err == nil {
			err = flags.take(id, func() { cur.Flags = append(cur.Flags, fl) })
		}
		if err == nil {
			err = decisions.take(id, func() { cur.Decisions = append(cur.Decisions, dc) })
		}
		if err != nil {
			return fmt.Errorf("read item %d: %w", id, err)
		}
		if err := items.line(cur); err != nil {
			return err
		}
		for _, v := range cur.Versions {
			if v.Media != nil {
				if err := media.line(exportMedia{Network: cur.Network, ExternalID: cur.ExternalID, Account: cur.Account,
					Version: v.Version, Media: v.Media}); err != nil {
					return err
				}
			}
		}
		counts.Items++
		counts.Versions += int64(len(cur.Versions))
		done++
		if progress != nil {
			progress(done, total)
		}
	}
	return rows.Err()
}

// ---- records.jsonl and the anchors -------------------------------------------

// sliceFilters say which records of each chained table belong to a slice.
func sliceFilters(sel itemSelection) map[string]string {
	inItems := `item_id IN (SELECT i.id FROM items i WHERE ` + sel.where() + `)`
	return map[string]string{
		"items":             `id IN (SELECT i.id FROM items i WHERE ` + sel.where() + `)`,
		"item_versions":     inItems,
		"item_events":       inItems,
		"flags":             inItems,
		"decisions":         inItems,
		"profile_snapshots": `(?1 = '' OR account_id = ?1) AND observed_at >= ?2 AND observed_at < ?3`,
		// The polls that first saw the items, observed their versions and their
		// deletions, and took the profiles: when each thing was seen.
		"fetch_log": `id IN (
			SELECT i.fetch_id FROM items i WHERE ` + sel.where() + `
			UNION SELECT v.fetch_id FROM item_versions v WHERE v.` + inItems + `
			UNION SELECT e.fetch_id FROM item_events e WHERE e.` + inItems + `
			UNION SELECT p.fetch_id FROM profile_snapshots p WHERE (?1 = '' OR p.account_id = ?1) AND p.observed_at >= ?2 AND p.observed_at < ?3)`,
	}
}

// typedValue encodes a scanned column for records.jsonl.
func typedValue(col string, v any) (ExportValue, error) {
	switch v := v.(type) {
	case nil:
		return ExportValue{Column: col, Type: "null"}, nil
	case int64:
		return ExportValue{Column: col, Type: "integer", Value: v}, nil
	case float64:
		return ExportValue{Column: col, Type: "real", Value: v}, nil
	case string:
		if !utf8.ValidString(v) {
			return ExportValue{Column: col, Type: "text", Value: base64.StdEncoding.EncodeToString([]byte(v)), Encoding: "base64"}, nil
		}
		return ExportValue{Column: col, Type: "text", Value: v}, nil
	case []byte:
		return ExportValue{Column: col, Type: "blob", Value: base64.StdEncoding.EncodeToString(v)}, nil
	}
	return ExportValue{}, fmt.Errorf("column %s: unsupported type %T", col, v)
}

// untypedValue decodes an ExportValue back to the value recordHash takes.
func untypedValue(ev ExportValue) (any, error) {
	switch ev.Type {
	case "null":
		if ev.Value != nil {
			return nil, fmt.Errorf("column %s: null with a value", ev.Column)
		}
		return nil, nil
	case "integer":
		n, ok := ev.Value.(json.Number)
		if !ok {
			return nil, fmt.Errorf("column %s: integer is not a number", ev.Column)
		}
		i, err := n.Int64()
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", ev.Column, err)
		}
		return i, nil
	case "real":
		n, ok := ev.Value.(json.Number)
		if !ok {
			return nil, fmt.Errorf("column %s: real is not a number", ev.Column)
		}
		f, err := n.Float64()
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", ev.Column, err)
		}
		return f, nil
	case "text":
		s, ok := ev.Value.(string)
		if !ok {
			return nil, fmt.Errorf("column %s: text is not a string", ev.Column)
		}
		switch ev.Encoding {
		case "":
			return s, nil
		case "base64":
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", ev.Column, err)
			}
			return string(b), nil
		}
		return nil, fmt.Errorf("column %s: unknown encoding %q", ev.Column, ev.Encoding)
	case "blob":
		s, ok := ev.Value.(string)
		if !ok {
			return nil, fmt.Errorf("column %s: blob is not a base64 string", ev.Column)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", ev.Column, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("column %s: unknown type %q", ev.Column, ev.Type)
}

// writeRecords writes the slice's chained records in chain order and returns the
// runs of consecutive records with their anchors.
func writeRecords(ctx context.Context, tx *sql.Tx, sel itemSelection, out *exportFile) ([]Segment, int64, error) {
	filters := sliceFilters(sel)
	var segs []Segment
	var n int64
	prevHashStmt := prevHashQuery()
	where := func(table string) (string, bool) {
		f, ok := filters[table] // alerts are not part of an item slice
		return f, ok
	}
	err := mergeRecords(ctx, tx.QueryContext, where, sel.args(), func(next *recordStream) error {
		var prev string
		if k := len(segs); k > 0 && segs[k-1].LastID == next.id-1 {
			prev = segs[k-1].LastHash
			segs[k-1].LastID, segs[k-1].LastHash = next.id, hex.EncodeToString(next.hash)
		} else {
			ph := make([]byte, 32)
			if next.id > 1 {
				if err := tx.QueryRowContext(ctx, prevHashStmt, next.id-1).Scan(&ph); err != nil {
					return fmt.Errorf("read the hash of record %d: %w", next.id-1, err)
				}
			}
			prev = hex.EncodeToString(ph)
			segs = append(segs, Segment{FirstID: next.id, LastID: next.id, PrevHash: prev, LastHash: hex.EncodeToString(next.hash)})
		}
		rec := ExportRecord{ID: next.id, Table: next.t.name, Prev: prev, Hash: hex.EncodeToString(next.hash)}
		for i, v := range next.vals {
			ev, err := typedValue(next.t.cols[i], v)
			if err != nil {
				return fmt.Errorf("record %d (%s): %w", next.id, next.t.name, err)
			}
			rec.Values = append(rec.Values, ev)
		}
		n++
		return out.line(rec)
	})
	if err != nil {
		return nil, 0, err
	}
	return segs, n, nil
}

// prevHashQuery finds a record's hash by id in whichever chained table holds it.
func prevHashQuery() string {
	parts := make([]string, len(chainedTables))
	for i, t := range chainedTables {
		parts[i] = "SELECT hash FROM " + t.name + " WHERE id = ?1"
	}
	return strings.Join(parts, " UNION ALL ")
}

// ---- verification of a copy ---------------------------------------------------

// The kinds of ExportProblem.
const (
	ExportManifestInvalid = "manifest_invalid"
	ExportFileMissing     = "file_missing"
	ExportFileExtra       = "file_extra"
	ExportFileChanged     = "file_changed"
	ExportRecordChanged   = "record_changed"
	ExportChainBroken     = "chain_broken"
	ExportAnchorMismatch  = "anchor_mismatch"
)

// ExportProblem is one finding of VerifyExport.
type ExportProblem struct {
	Kind string
	// File is the file concerned; RecordID the record, when the problem is one.
	File     string
	RecordID int64
	Detail   string
}

func (p ExportProblem) String() string {
	s := p.Kind + ": " + p.File
	if p.RecordID > 0 {
		s += fmt.Sprintf(" record %d", p.RecordID)
	}
	return s + ": " + p.Detail
}

// ExportCheck is the outcome of VerifyExport.
type ExportCheck struct {
	Manifest Manifest
	// ManifestSHA256 is the SHA-256 of manifest.json as found.
	ManifestSHA256 string
	// Records is the number of records whose hashes were recomputed.
	Records int64
	// Problems is empty when the copy is intact.
	Problems []ExportProblem
}

// VerifyExport checks an export directory on its own: every file the manifest
// names is there with its SHA-256, no other file is, every record of
// records.jsonl hashes to its recorded hash from its previous hash, consecutive
// records link, and the runs match the manifest's anchors. It returns an error
// only when dir cannot be read.
func VerifyExport(dir string) (ExportCheck, error) {
	var chk ExportCheck
	body, err := os.ReadFile(filepath.Join(dir, ExportManifest))
	if errors.Is(err, os.ErrNotExist) {
		chk.Problems = append(chk.Problems, ExportProblem{Kind: ExportFileMissing, File: ExportManifest, Detail: "no manifest"})
		return chk, nil
	}
	if err != nil {
		return chk, fmt.Errorf("archive: verify export: %w", err)
	}
	sum := sha256.Sum256(body)
	chk.ManifestSHA256 = hex.EncodeToString(sum[:])
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&chk.Manifest); err != nil || chk.Manifest.Format != ExportFormat {
		detail := fmt.Sprintf("format is %q, want %q", chk.Manifest.Format, ExportFormat)
		if err != nil {
			detail = err.Error()
		}
		chk.Problems = append(chk.Problems, ExportProblem{Kind: ExportManifestInvalid, File: ExportManifest, Detail: detail})
		return chk, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return chk, fmt.Errorf("archive: verify export: %w", err)
	}
	listed := map[string]ManifestFile{}
	for _, f := range chk.Manifest.Files {
		listed[f.Name] = f
	}
	present := map[string]bool{}
	for _, e := range entries {
		present[e.Name()] = true
		if e.Name() != ExportManifest && listed[e.Name()].Name == "" {
			chk.Problems = append(chk.Problems, ExportProblem{Kind: ExportFileExtra, File: e.Name(), Detail: "not in the manifest"})
		}
	}
	recordsOK := false
	for _, f := range chk.Manifest.Files {
		if f.Name != filepath.Base(f.Name) || f.Name == ExportManifest || strings.HasPrefix(f.Name, ".") {
			chk.Problems = append(chk.Problems, ExportProblem{Kind: ExportManifestInvalid, File: ExportManifest, Detail: fmt.Sprintf("bad file name %q", f.Name)})
			continue
		}
		if !present[f.Name] {
			chk.Problems = append(chk.Problems, ExportProblem{Kind: ExportFileMissing, File: f.Name, Detail: "listed in the manifest but absent"})
			continue
		}
		got, n, err := fileSum(filepath.Join(dir, f.Name))
		if err != nil {
			return chk, fmt.Errorf("archive: verify export: %w", err)
		}
		if got != f.SHA256 || n != f.Bytes {
			chk.Problems = append(chk.Problems, ExportProblem{Kind: ExportFileChanged, File: f.Name,
				Detail: fmt.Sprintf("SHA-256 %s (%d bytes), the manifest says %s (%d bytes)", got, n, f.SHA256, f.Bytes)})
			continue
		}
		if f.Name == ExportRecords {
			recordsOK = true
		}
	}
	if _, ok := listed[ExportRecords]; !ok {
		chk.Problems = append(chk.Problems, ExportProblem{Kind: ExportManifestInvalid, File: ExportManifest, Detail: "records.jsonl is not listed"})
	}
	if !recordsOK {
		return chk, nil
	}
	// The records are checked even though the file's sum matched: a manifest
	// rewritten along with a changed file is caught here, or by the anchors.
	probs, n, err := checkRecords(filepath.Join(dir, ExportRecords), chk.Manifest.Chain.Segments)
	if err != nil {
		return chk, fmt.Errorf("archive: verify export: %w", err)
	}
	chk.Records = n
	chk.Problems = append(chk.Problems, probs...)
	if len(probs) == 0 && n != chk.Manifest.Counts.Records {
		chk.Problems = append(chk.Problems, ExportProblem{Kind: ExportManifestInvalid, File: ExportManifest,
			Detail: fmt.Sprintf("records.jsonl holds %d records, the manifest counts %d", n, chk.Manifest.Counts.Records)})
	}
	return chk, nil
}

func fileSum(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// checkRecords recomputes every record's hash and the runs, and compares the runs
// with segs. It reports the first broken record (later ones follow from it).
func checkRecords(path string, segs []Segment) ([]ExportProblem, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<30)
	var got []Segment
	var n int64
	var lastID int64
	fail := func(id int64, kind, detail string) ([]ExportProblem, int64, error) {
		return []ExportProblem{{Kind: kind, File: ExportRecords, RecordID: id, Detail: detail}}, n, nil
	}
	for line := 1; sc.Scan(); line++ {
		var rec ExportRecord
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.UseNumber()
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return fail(0, ExportRecordChanged, fmt.Sprintf("line %d: %v", line, err))
		}
		if rec.ID <= lastID {
			return fail(rec.ID, ExportChainBroken, fmt.Sprintf("line %d: record %d after record %d: out of order or repeated", line, rec.ID, lastID))
		}
		t := tableOrNil(rec.Table)
		if t == nil || len(rec.Values) != len(t.cols) {
			return fail(rec.ID, ExportRecordChanged, fmt.Sprintf("line %d: unknown table %q or wrong number of columns", line, rec.Table))
		}
		vals := make([]any, len(rec.Values))
		for i, ev := range rec.Values {
			if ev.Column != t.cols[i] {
				return fail(rec.ID, ExportRecordChanged, fmt.Sprintf("column %d is %q, want %q", i+1, ev.Column, t.cols[i]))
			}
			v, err := untypedValue(ev)
			if err != nil {
				return fail(rec.ID, ExportRecordChanged, err.Error())
			}
			vals[i] = v
		}
		prev, err := hex.DecodeString(rec.Prev)
		if err != nil || len(prev) != 32 {
			return fail(rec.ID, ExportRecordChanged, "previous hash is not 32 bytes of hex")
		}
		var p [32]byte
		copy(p[:], prev)
		sum, err := recordHash(p, rec.ID, rec.Table, vals)
		if err != nil {
			return fail(rec.ID, ExportRecordChanged, err.Error())
		}
		if hex.EncodeToString(sum[:]) != rec.Hash {
			return fail(rec.ID, ExportRecordChanged, "content does not match its hash")
		}
		if k := len(got); k > 0 && got[k-1].LastID == rec.ID-1 {
			if got[k-1].LastHash != rec.Prev {
				return fail(rec.ID, ExportChainBroken, fmt.Sprintf("its previous hash is not the hash of record %d", rec.ID-1))
			}
			got[k-1].LastID, got[k-1].LastHash = rec.ID, rec.Hash
		} else {
			got = append(got, Segment{FirstID: rec.ID, LastID: rec.ID, PrevHash: rec.Prev, LastHash: rec.Hash})
		}
		lastID = rec.ID
		n++
	}
	if err := sc.Err(); err != nil {
		return nil, n, err
	}
	if len(got) != len(segs) {
		return fail(0, ExportAnchorMismatch, fmt.Sprintf("the records form %d runs, the manifest lists %d", len(got), len(segs)))
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].FirstID < segs[j].FirstID })
	for i := range got {
		if got[i] != segs[i] {
			return fail(got[i].FirstID, ExportAnchorMismatch, fmt.Sprintf("run %d–%d does not match the manifest's anchors", got[i].FirstID, got[i].LastID))
		}
	}
	return nil, n, nil
}

func tableOrNil(name string) *chainedTable {
	for i := range chainedTables {
		if chainedTables[i].name == name {
			return &chainedTables[i]
		}
	}
	return nil
}

// VerifyExportAnchors checks a manifest's anchors against this archive: the
// record before each run and its last record have, in the archive, the hashes
// the manifest gives. It returns the problems found; an export whose records and
// anchors check out alone and here is the archive's own content.
func (s *Store) VerifyExportAnchors(ctx context.Context, m Manifest) ([]ExportProblem, error) {
	q := prevHashQuery()
	hashAt := func(id int64) (string, error) {
		if id == 0 {
			return hex.EncodeToString(make([]byte, 32)), nil
		}
		var h []byte
		err := s.r.QueryRowContext(ctx, q, id).Scan(&h)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return hex.EncodeToString(h), err
	}
	var probs []ExportProblem
	for _, seg := range m.Chain.Segments {
		for _, c := range []struct {
			id   int64
			want string
		}{{seg.FirstID - 1, seg.PrevHash}, {seg.LastID, seg.LastHash}} {
			got, err := hashAt(c.id)
			if err != nil {
				return nil, fmt.Errorf("archive: verify export anchors: %w", err)
			}
			if got != c.want {
				detail := "the archive has a different hash for it"
				if got == "" {
					detail = "the archive has no such record"
				}
				probs = append(probs, ExportProblem{Kind: ExportAnchorMismatch, File: ExportManifest, RecordID: c.id, Detail: detail})
			}
		}
	}
	return probs, nil
}

// HasAccount reports whether the archive has registered the account id.
func (s *Store) HasAccount(ctx context.Context, id string) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE id = ?`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("archive: read account %q: %w", id, err)
	}
	return n > 0, nil
}
