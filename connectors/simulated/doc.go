// Package simulated is Vigía's built-in social network: a deterministic world of
// institutional accounts of the Instituto Federal Electoral and the Mexican
// public that writes to them, used by `vigia demo`, the tests and the benchmarks.
//
// # Model
//
// Simulated time is Epoch + (wall − Anchor) × Speed, with the wall clock taken
// from connectors.Deps.Now. The content of an account is a pure function of
// (seed, account ID and handle, simulated time): for every local day d (Mexico
// City, a fixed UTC−6) a generator seeded with hash(seed, account, d) decides the
// day's posts, mentions and everything they cause: users' comments, replies
// between users, the account's answers in office hours (Monday to Friday,
// 9:00–18:00; some the next business day, about 15% never, spam and offensive
// comments never), users' follow-ups, edits and deletions. Those consequences may
// spill up to seven days past d, so the events in (a, b] are found by generating
// days from day(a) − 7 to day(b) and filtering by time. A restarted process with
// the same configuration sees exactly the same world. Generated days are
// cached (at most maxCachedDays account-days and maxCacheBytes), and a day
// evicted from the cache is generated again, identically, when it is needed
// again, so the world's memory does not grow with its history.
//
// Texts come from template banks in Mexican Spanish (credencial para votar,
// módulos de atención ciudadana, casillas, sesiones del Consejo General, voto en
// el extranjero, …) with slots for states, municipalities, sections, districts,
// dates and people, and every user item carries a ground-truth Label. About 5%
// of users' items are offensive. A configurable share of users' texts is made
// hostile: markup, invalid UTF-8, NUL, bidi overrides, invisible characters and
// bodies up to 64 KiB.
//
// # Stream and cursor
//
// Each account's history is one ordered stream of events: an item is published
// (delivered as an Item), edited (the Item again, with its new text and
// EditedAt) or deleted (a Deletion). The cursor is the position (time, day,
// sequence) of the last event delivered, as versioned JSON; a nil cursor starts
// at Epoch − Backfill (World.Start), and nothing of items created before then is
// delivered. Poll returns the next events up to the simulated now, at most
// PageSize, with More set while events remain; a batch never carries two events
// of the same item. The profile (display name and bio changing every few weeks,
// a growing follower count) comes with every batch.
//
// # Ground truth and faults
//
// World.Truth returns what a perfect archive would hold: every item with all
// its versions, its deletion, its label and the account's first answer to it,
// plus the profile changes. Faults inject rate limits, server errors, timeouts
// and malformed responses; they never change the world or move a cursor, so a
// faulty run converges to the same archive as a clean one.
package simulated
