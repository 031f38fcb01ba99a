-- Administrators' decisions on items (Criterio 6.xv): a recommended block confirmed or
-- refused as a false positive, a block applied on the network, a block undone. A
-- chained table (archive/chain.go): a decision is part of the record and is never
-- changed or removed; a change of mind is a later decision.

CREATE TABLE decisions (
    id         INTEGER PRIMARY KEY,  -- the record's place in the chain
    item_id    INTEGER NOT NULL REFERENCES items(id),
    decision   TEXT NOT NULL CHECK (decision IN ('block_confirmed', 'false_positive', 'blocked_on_network', 'unblocked')),
    decided_by TEXT NOT NULL,        -- who decided (a person's name)
    reason     TEXT NOT NULL,
    decided_at INTEGER NOT NULL,     -- Unix nanoseconds: when it was decided
    source     TEXT NOT NULL CHECK (source IN ('cli', 'import', 'network')),
    created_at INTEGER NOT NULL,     -- when the archive recorded it
    hash       BLOB NOT NULL
);
CREATE INDEX decisions_item ON decisions(item_id, id);
