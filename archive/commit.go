package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ife-mx/vigia/connectors"
)

// AccountInfo is an account as registered in the archive.
type AccountInfo struct {
	ID         string
	Network    string
	Handle     string
	Organ      string
	ExternalID string
	Status     string
}

// Flag is a policy finding on an item of the batch, referenced by its external id.
type Flag struct {
	ExternalID string
	Rule       string
	Category   string
	Severity   string
	Score      float64
	// Evidence is a JSON document (matched spans and the like).
	Evidence string
}

// Poll is one successful poll to commit.
type Poll struct {
	Account  string
	Network  string
	Started  time.Time
	Finished time.Time
	Batch    connectors.Batch
	Flags    []Flag
	// NextPollAt is when the scheduler plans the account's next poll.
	NextPollAt time.Time
}

// Failure is one failed poll to record in the fetch log.
type Failure struct {
	Account    string
	Started    time.Time
	Finished   time.Time
	Calls      int
	Reason     string
	Error      string
	NextPollAt time.Time
}

// Result says what a Commit changed.
type Result struct {
	FetchID   int64
	New       int
	Changed   int
	Deleted   int
	Unchanged int
	// NewByKind counts new items per kind.
	NewByKind map[connectors.Kind]int
	// ProfileChanged is true when a new profile snapshot was stored.
	ProfileChanged bool
	// Stored holds the external ids of the items that got a new version (new or
	// edited); items re-delivered unchanged are not in it. Flags were stored for
	// these only.
	Stored map[string]bool
}

// ValidationError reports a batch the archive refuses as a whole; nothing of it is
// stored and the cursor does not move.
type ValidationError struct {
	Index int
	Msg   string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("archive: batch item %d: %s", e.Index, e.Msg)
}

type writeStmts struct {
	insFetch, insItem, insVersion, insEvent, insProfile, insFlag, insAlert            *sql.Stmt
	updFetchCounts, updItem, updDeleted, upsCursor, upsAuthor, upsPollOK, upsPollFail *sql.Stmt
	lastProfile                                                                       *sql.Stmt
}

func prepareWrite(ctx context.Context, db *sql.Conn) (*writeStmts, error) {
	st := &writeStmts{}
	chained := func(table string, extra ...string) string {
		t := tableByName(table)
		q := "INSERT INTO " + t.name + "(id"
		for _, c := range t.cols {
			q += ", " + c
		}
		q += ", hash"
		for _, c := range extra {
			q += ", " + c
		}
		q += ") VALUES (?"
		for range len(t.cols) + len(extra) {
			q += ", ?"
		}
		return q + ", ?)"
	}
	list := []struct {
		dst **sql.Stmt
		q   string
	}{
		{&st.insFetch, chained("fetch_log")},
		{&st.insItem, chained("items", "current_version", "content_hash")},
		{&st.insVersion, chained("item_versions")},
		{&st.insEvent, chained("item_events")},
		{&st.insProfile, chained("profile_snapshots")},
		{&st.insFlag, chained("flags")},
		{&st.insAlert, chained("alerts")},
		{&st.updFetchCounts, `UPDATE fetch_log SET items_new = ?, items_changed = ?, items_deleted = ? WHERE id = ?`},
		{&st.updItem, `UPDATE items SET current_version = ?, content_hash = ? WHERE id = ?`},
		{&st.updDeleted, `UPDATE items SET deleted_at = ? WHERE id = ?`},
		{&st.upsCursor, `INSERT INTO cursors(account_id, cursor, fetch_id, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT(account_id) DO UPDATE SET cursor = excluded.cursor, fetch_id = excluded.fetch_id, updated_at = excluded.updated_at`},
		{&st.upsAuthor, `INSERT INTO authors(network, external_id, handle, name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT(network, external_id) DO UPDATE SET handle = excluded.handle, name = excluded.name, last_seen = excluded.last_seen`},
		{&st.upsPollOK, `INSERT INTO poll_state(account_id, last_attempt_at, last_success_at, consecutive_errors, next_poll_at) VALUES (?, ?, ?, 0, ?)
			ON CONFLICT(account_id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
				last_success_at = excluded.last_success_at, consecutive_errors = 0, next_poll_at = excluded.next_poll_at`},
		{&st.upsPollFail, `INSERT INTO poll_state(account_id, last_attempt_at, last_success_at, consecutive_errors, next_poll_at) VALUES (?, ?, 0, 1, ?)
			ON CONFLICT(account_id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
				consecutive_errors = poll_state.consecutive_errors + 1, next_poll_at = excluded.next_poll_at`},
		{&st.lastProfile, `SELECT external_id, handle, display_name, bio, avatar_url, link, verified, followers, observed_at
			FROM profile_snapshots WHERE account_id = ? ORDER BY id DESC LIMIT 1`},
	}
	for _, l := range list {
		s, err := db.PrepareContext(ctx, l.q)
		if err != nil {
			st.close()
			return nil, fmt.Errorf("archive: prepare %q: %w", l.q, err)
		}
		*l.dst = s
	}
	return st, nil
}

func (st *writeStmts) close() {
	for _, s := range []*sql.Stmt{st.insFetch, st.insItem, st.insVersion, st.insEvent, st.insProfile, st.insFlag, st.insAlert,
		st.updFetchCounts, st.updItem, st.updDeleted, st.upsCursor, st.upsAuthor, st.upsPollOK, st.upsPollFail, st.lastProfile} {
		if s != nil {
			s.Close()
		}
	}
}

// SyncAccounts registers or updates the configured accounts. Accounts missing from
// accts are left as they are: their archive stays.
func (s *Store) SyncAccounts(ctx context.Context, accts []AccountInfo) error {
	now := s.now().UnixNano()
	return s.write(ctx, func(tx *sql.Conn, _ *appender) error {
		for _, a := range accts {
			status := a.Status
			if status == "" {
				status = "active"
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO accounts(id, network, handle, organ, external_id, status, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(id) DO UPDATE SET network = excluded.network, handle = excluded.handle, organ = excluded.organ,
					external_id = excluded.external_id, status = excluded.status, updated_at = excluded.updated_at
				WHERE accounts.network <> excluded.network OR accounts.handle <> excluded.handle OR accounts.organ <> excluded.organ
					OR accounts.external_id <> excluded.external_id OR accounts.status <> excluded.status`,
				a.ID, a.Network, a.Handle, a.Organ, a.ExternalID, status, now, now)
			if err != nil {
				return fmt.Errorf("archive: sync account %q: %w", a.ID, err)
			}
		}
		return nil
	})
}

// contentHash identifies an item version's content: a change in it is an edit.
func contentHash(it *connectors.Item, media string) []byte {
	h := sha256.New()
	h.Write([]byte(it.Text))
	h.Write([]byte{0})
	fmt.Fprintf(h, "%d", nanos(it.EditedAt))
	h.Write([]byte{0})
	h.Write([]byte(media))
	return h.Sum(nil)
}

type itemState struct {
	id      int64
	version int64
	hash    []byte
	deleted bool
}

type action int

const (
	actUnchanged action = iota
	actNew
	actVersion
)

// Commit stores one poll's batch, its flags, its fetch-log row and its new cursor
// in one transaction. Items upsert on (network, external id): a known item with the
// same content changes nothing, a changed one gets a new version and keeps the old.
// Re-committing the same batch changes nothing but the fetch log.
func (s *Store) Commit(ctx context.Context, p Poll) (Result, error) {
	if err := validateBatch(&p.Batch); err != nil {
		return Result{}, err
	}
	var res Result
	var newAuthors map[authorKey]authorName
	err := s.write(ctx, func(tx *sql.Conn, a *appender) error {
		res = Result{NewByKind: map[connectors.Kind]int{}, Stored: map[string]bool{}}
		st := s.stmts
		ext := make([]string, 0, len(p.Batch.Items)+len(p.Batch.Deletions))
		for i := range p.Batch.Items {
			ext = append(ext, p.Batch.Items[i].ExternalID)
		}
		for _, d := range p.Batch.Deletions {
			ext = append(ext, d.ExternalID)
		}
		known, err := s.lookupItems(ctx, a, p.Network, ext)
		if err != nil {
			return fmt.Errorf("archive: look up items: %w", err)
		}

		// The fetch-log row heads the records of this poll; its counts are derived
		// columns, filled in at the end.
		var cur any
		if p.Batch.Cursor != nil {
			cur = []byte(p.Batch.Cursor)
		}
		fetchID, err := a.insert(ctx, st.insFetch, "fetch_log",
			p.Account, nanos(p.Started), nanos(p.Finished), int64(p.Batch.Budget.Calls), connectors.ReasonOK, "", cur)
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		res.FetchID = fetchID
		if err := s.notePoll(ctx, a, p.Account, nanos(p.Finished), true); err != nil {
			return err
		}
		observed := nanos(p.Finished)

		items := newBulk("items", map[string]any{"network": p.Network, "account_id": p.Account, "fetch_id": fetchID, "current_version": int64(1)},
			"current_version", "content_hash")
		versions := newBulk("item_versions", map[string]any{"fetch_id": fetchID})
		events := newBulk("item_events", map[string]any{"fetch_id": fetchID})
		var edits []itemState // edited items' state after this batch
		var restores []int64
		authors := map[authorKey]authorName{}
		flagged := make(map[string]int64, len(p.Batch.Items)) // external id -> version stored now
		for i := range p.Batch.Items {
			it := &p.Batch.Items[i]
			media, err := mediaJSON(it.Media)
			if err != nil {
				return &ValidationError{Index: i, Msg: "media: " + err.Error()}
			}
			hash := contentHash(it, media)
			prev, ok := known[it.ExternalID]
			act := actUnchanged
			switch {
			case !ok:
				act = actNew
				own := int64(0)
				if it.Own {
					own = 1
				}
				id, err := items.add(a, []any{p.Network, it.ExternalID, p.Account, string(it.Kind), it.ParentID, it.RootID, it.AuthorID,
					own, nanos(it.CreatedAt), fetchID}, int64(1), hash)
				if err != nil {
					return fmt.Errorf("archive: %w", err)
				}
				prev = itemState{id: id, version: 1, hash: hash}
				res.New++
				res.NewByKind[it.Kind]++
			case !bytes.Equal(prev.hash, hash):
				act = actVersion
				prev.version++
				prev.hash = hash
				res.Changed++
			default:
				res.Unchanged++
			}
			if ok && prev.deleted {
				prev.deleted = false
				if _, err := events.add(a, []any{prev.id, "restored", observed, fetchID}); err != nil {
					return fmt.Errorf("archive: %w", err)
				}
				restores = append(restores, prev.id)
			}
			known[it.ExternalID] = prev
			if act == actUnchanged {
				continue
			}
			raw := it.Raw
			if raw == nil {
				raw = []byte{}
			}
			if _, err := versions.add(a, []any{prev.id, prev.version, it.Text, it.AuthorHandle, it.AuthorName, it.Lang,
				nanos(it.EditedAt), it.URL, media, raw, hash, fetchID}); err != nil {
				return fmt.Errorf("archive: %w", err)
			}
			if act == actVersion {
				edits = append(edits, prev)
			}
			flagged[it.ExternalID] = prev.version
			res.Stored[it.ExternalID] = true
			if it.AuthorID != "" {
				authors[authorKey{p.Network, it.AuthorID}] = authorName{it.AuthorHandle, it.AuthorName}
			}
		}
		type deletion struct{ id, at int64 }
		var dels []deletion
		for _, d := range p.Batch.Deletions {
			prev, ok := known[d.ExternalID]
			if !ok || prev.deleted {
				continue // unknown or already deleted
			}
			prev.deleted = true
			known[d.ExternalID] = prev
			at := nanos(d.ObservedAt)
			if at == 0 {
				at = observed
			}
			if _, err := events.add(a, []any{prev.id, "deleted", at, fetchID}); err != nil {
				return fmt.Errorf("archive: %w", err)
			}
			dels = append(dels, deletion{prev.id, at})
			res.Deleted++
		}
		flags := newBulk("flags", map[string]any{"created_at": observed})
		type flagKey struct{ ext, rule, category string }
		seenFlag := map[flagKey]bool{}
		for i, f := range p.Flags {
			if k := (flagKey{f.ExternalID, f.Rule, f.Category}); seenFlag[k] {
				continue // one flag per item version, rule and category
			} else {
				seenFlag[k] = true
			}
			state, ok := known[f.ExternalID]
			if !ok {
				return &ValidationError{Index: i, Msg: fmt.Sprintf("flag refers to item %q, which is not in the batch", f.ExternalID)}
			}
			ver, ok := flagged[f.ExternalID]
			if !ok {
				continue // content unchanged: it was flagged when it was stored
			}
			ev := f.Evidence
			if ev == "" {
				ev = "{}"
			}
			if _, err := flags.add(a, []any{state.id, ver, f.Rule, f.Category, f.Severity, f.Score, ev, observed}); err != nil {
				return fmt.Errorf("archive: %w", err)
			}
		}
		for _, b := range []*bulkInsert{items, versions, events, flags} {
			if err := b.flush(ctx, s, a); err != nil {
				return fmt.Errorf("archive: %w", err)
			}
		}
		for _, e := range edits {
			if _, err := st.updItem.ExecContext(ctx, e.version, e.hash, e.id); err != nil {
				return fmt.Errorf("archive: update item: %w", err)
			}
		}
		for _, id := range restores {
			if _, err := st.updDeleted.ExecContext(ctx, nil, id); err != nil {
				return fmt.Errorf("archive: restore item: %w", err)
			}
		}
		for _, d := range dels {
			if _, err := st.updDeleted.ExecContext(ctx, d.at, d.id); err != nil {
				return fmt.Errorf("archive: mark deleted: %w", err)
			}
		}
		for k, n := range authors {
			if s.authors[k] == n {
				delete(authors, k)
				continue
			}
			if _, err := st.upsAuthor.ExecContext(ctx, k.network, k.id, n.handle, n.name, observed, observed); err != nil {
				return fmt.Errorf("archive: save author: %w", err)
			}
		}
		newAuthors = authors
		if p.Batch.Profile != nil {
			changed, err := s.storeProfile(ctx, a, p.Account, p.Batch.Profile, p.Finished, fetchID)
			if err != nil {
				return err
			}
			res.ProfileChanged = changed
		}
		if _, err := st.updFetchCounts.ExecContext(ctx, res.New, res.Changed, res.Deleted, fetchID); err != nil {
			return fmt.Errorf("archive: fetch counts: %w", err)
		}
		if p.Batch.Cursor != nil {
			if _, err := st.upsCursor.ExecContext(ctx, p.Account, []byte(p.Batch.Cursor), fetchID, observed); err != nil {
				return fmt.Errorf("archive: save cursor: %w", err)
			}
		}
		if _, err := st.upsPollOK.ExecContext(ctx, p.Account, nanos(p.Started), observed, nanos(p.NextPollAt)); err != nil {
			return fmt.Errorf("archive: save poll state: %w", err)
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	s.cacheAuthors(newAuthors)
	return res, nil
}

// lookupRows is the most external ids one lookup query carries.
const lookupRows = 256

// lookupItems returns the archived state of the items among ext, a few hundred ids
// per query.
func (s *Store) lookupItems(ctx context.Context, a *appender, network string, ext []string) (map[string]itemState, error) {
	out := make(map[string]itemState, len(ext))
	args := make([]any, 0, min(len(ext), lookupRows)+1)
	for _, n := range chunks(len(ext), lookupRows) {
		part := ext[:n]
		ext = ext[n:]
		q := `SELECT external_id, id, current_version, content_hash, deleted_at IS NOT NULL FROM items
			WHERE network = ? AND external_id IN (?` + strings.Repeat(", ?", len(part)-1) + `)`
		stmt, err := s.cache.get(ctx, s.wc, q)
		if err != nil {
			return nil, err
		}
		args = append(args[:0], network)
		for _, e := range part {
			args = append(args, e)
		}
		if err := func() error {
			rows, err := stmt.QueryContext(ctx, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var e string
				var st itemState
				if err := rows.Scan(&e, &st.id, &st.version, &st.hash, &st.deleted); err != nil {
					return err
				}
				out[e] = st
			}
			return rows.Err()
		}(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

type authorKey struct{ network, id string }
type authorName struct{ handle, name string }

// maxCachedAuthors bounds the author cache; past it the cache starts over.
const maxCachedAuthors = 200_000

// cacheAuthors remembers authors whose handle and name are stored, so later
// batches skip the upsert; called after the transaction committed.
func (s *Store) cacheAuthors(m map[authorKey]authorName) {
	if len(m) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.authors == nil || len(s.authors)+len(m) > maxCachedAuthors {
		s.authors = make(map[authorKey]authorName, len(m))
	}
	for k, v := range m {
		s.authors[k] = v
	}
}

// RecordFailure stores a failed poll in the fetch log and counts the error in the
// account's poll state. The cursor does not move.
func (s *Store) RecordFailure(ctx context.Context, f Failure) error {
	return s.write(ctx, func(tx *sql.Conn, a *appender) error {
		if _, err := a.insert(ctx, s.stmts.insFetch, "fetch_log",
			f.Account, nanos(f.Started), nanos(f.Finished), int64(f.Calls), f.Reason, f.Error, nil); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		if err := s.notePoll(ctx, a, f.Account, nanos(f.Finished), f.Reason == connectors.ReasonOK); err != nil {
			return err
		}
		if _, err := s.stmts.upsPollFail.ExecContext(ctx, f.Account, nanos(f.Started), nanos(f.NextPollAt)); err != nil {
			return fmt.Errorf("archive: save poll state: %w", err)
		}
		return nil
	})
}

// storeProfile stores a snapshot when anything but the follower count changed
// since the last one, or the follower count changed and the last one is a day old.
func (s *Store) storeProfile(ctx context.Context, a *appender, account string, pr *connectors.Profile, at time.Time, fetchID int64) (bool, error) {
	var last connectors.Profile
	var verified, observed int64
	err := s.stmts.lastProfile.QueryRowContext(ctx, account).Scan(
		&last.ExternalID, &last.Handle, &last.DisplayName, &last.Bio, &last.AvatarURL, &last.Link, &verified, &last.Followers, &observed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return false, fmt.Errorf("archive: read last profile: %w", err)
	default:
		last.Verified = verified == 1
		same := last.ExternalID == pr.ExternalID && last.Handle == pr.Handle && last.DisplayName == pr.DisplayName &&
			last.Bio == pr.Bio && last.AvatarURL == pr.AvatarURL && last.Link == pr.Link && last.Verified == pr.Verified
		if same && (last.Followers == pr.Followers || at.Sub(fromNanos(observed)) < 24*time.Hour) {
			return false, nil
		}
	}
	ver := int64(0)
	if pr.Verified {
		ver = 1
	}
	raw := pr.Raw
	if raw == nil {
		raw = []byte{}
	}
	if _, err := a.insert(ctx, s.stmts.insProfile, "profile_snapshots",
		account, nanos(at), pr.ExternalID, pr.Handle, pr.DisplayName, pr.Bio, pr.AvatarURL, pr.Link, ver, pr.Followers, raw, fetchID); err != nil {
		return false, fmt.Errorf("archive: %w", err)
	}
	return true, nil
}

func mediaJSON(m []connectors.Media) (string, error) {
	if len(m) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func validateBatch(b *connectors.Batch) error {
	for i := range b.Items {
		it := &b.Items[i]
		switch {
		case it.ExternalID == "":
			return &ValidationError{Index: i, Msg: "empty external id"}
		case !it.Kind.Valid():
			return &ValidationError{Index: i, Msg: fmt.Sprintf("unknown kind %q", it.Kind)}
		}
	}
	for i, d := range b.Deletions {
		if d.ExternalID == "" {
			return &ValidationError{Index: i, Msg: "deletion with empty external id"}
		}
	}
	return nil
}
