-- The store's identity: a random id recorded once, when the store is created (or, for a store
-- made before identities existed, when it is migrated). Backups carry it, so a restore can
-- tell a backup of this store from a backup of another one.
-- The office store's (PostgreSQL) form of db/0006_store_identity.sql: 128 random bits as 32
-- lower-case hexadecimal digits (gen_random_uuid() is PostgreSQL's strong random source).

CREATE TABLE store_identity (
    singleton   integer PRIMARY KEY CHECK (singleton = 1),
    store_id    text NOT NULL CHECK (length(store_id) = 32 AND store_id !~ '[^0-9a-f]'),
    recorded_at text NOT NULL DEFAULT mdb_utc_now()
);

INSERT INTO store_identity (singleton, store_id)
    VALUES (1, replace(gen_random_uuid()::text, '-', ''));
