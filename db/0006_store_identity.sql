-- The store's identity: a random id recorded once, when the store is created (or, for a store
-- made before identities existed, when it is migrated). Backups carry it, so a restore can
-- tell a backup of this store from a backup of another one.

CREATE TABLE store_identity (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    store_id    TEXT NOT NULL CHECK (length(store_id) = 32 AND store_id NOT GLOB '*[^0-9a-f]*'),
    recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

INSERT INTO store_identity (singleton, store_id) VALUES (1, lower(hex(randomblob(16))));
