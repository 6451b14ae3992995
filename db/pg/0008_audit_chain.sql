-- Tamper evidence for the access log: each record's hash chained to the previous one
-- (store/audit_chain.py). The trigger computes it in the database, so every way a record is
-- written extends the chain in the same transaction.
-- The office store's (PostgreSQL) form of db/0008_audit_chain.sql. mdb_chain_hash computes
-- exactly what audit_chain.chain_hash computes in Python (SHA-256 over the previous hash and
-- each field as its length and text, '-' for NULL, joined by U+001E), so a log carried over
-- from a workstation store keeps its chain. Many workstations write at once here: the chain
-- is extended under a transaction-level advisory lock, and a record whose number was drawn
-- before a record committed meanwhile gets a new, higher number, so the chain follows the
-- order of the log numbers. The chain is written by the owner's functions (SECURITY DEFINER):
-- the application's roles can read the chain but not write it themselves.

CREATE FUNCTION mdb_chain_hash(previous text, VARIADIC fields text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    parts text[] := ARRAY[coalesce(previous, '')];
    field text;
BEGIN
    FOREACH field IN ARRAY fields LOOP
        IF field IS NULL THEN
            parts := parts || '-'::text;
        ELSE
            parts := parts || (length(field)::text || ':' || field);
        END IF;
    END LOOP;
    RETURN encode(sha256(convert_to(array_to_string(parts, chr(30)), 'UTF8')), 'hex');
END
$$;

CREATE TABLE audit_chain (
    log_id  bigint PRIMARY KEY,
    hash    text NOT NULL
);
-- No index on hash: a random key in an index costs every import; 'check --anchor' scans.

-- The records written before this step, oldest first.
DO $$
DECLARE
    record audit_log%ROWTYPE;
    previous text := NULL;
BEGIN
    FOR record IN SELECT * FROM audit_log ORDER BY log_id LOOP
        previous := mdb_chain_hash(previous, record.log_id::text, record.at, record.event,
            record.client_id::text, record.case_ref, record.user_id, record.user_name,
            record.role, record.on_behalf_of, record.outcome, record.purpose, record.details);
        INSERT INTO audit_chain (log_id, hash) VALUES (record.log_id, previous);
    END LOOP;
END
$$;

-- Before a record is written: one writer at a time extends the chain (the lock is held until
-- commit), and the record's number comes after every record already in the chain.
CREATE FUNCTION mdb_audit_chain_order() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $$
DECLARE
    sequence_name text := pg_get_serial_sequence('audit_log', 'log_id');
BEGIN
    -- 0x4D444254 ('MDBT'), 8: the access log's chain.
    PERFORM pg_advisory_xact_lock(1296319060, 8);
    IF NEW.log_id <= coalesce((SELECT max(log_id) FROM audit_chain), 0) THEN
        NEW.log_id := nextval(sequence_name);
    ELSIF NEW.log_id > coalesce(pg_sequence_last_value(sequence_name::regclass), 0) THEN
        -- A number given by the writer (records carried over): later numbers come after it.
        PERFORM setval(sequence_name, NEW.log_id);
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION mdb_audit_chain_extend() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT
AS $$
BEGIN
    INSERT INTO audit_chain (log_id, hash) VALUES (NEW.log_id, mdb_chain_hash(
        (SELECT hash FROM audit_chain WHERE log_id < NEW.log_id ORDER BY log_id DESC LIMIT 1),
        NEW.log_id::text, NEW.at, NEW.event, NEW.client_id::text, NEW.case_ref, NEW.user_id,
        NEW.user_name, NEW.role, NEW.on_behalf_of, NEW.outcome, NEW.purpose, NEW.details));
    RETURN NULL;
END
$$;

CREATE TRIGGER audit_log_chain_order BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION mdb_audit_chain_order();

CREATE TRIGGER audit_log_chain AFTER INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION mdb_audit_chain_extend();

CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
FOR EACH ROW EXECUTE FUNCTION
    mdb_refuse('de hashketen van het toegangslogboek is alleen aan te vullen: wijzigen is niet toegestaan');

CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
FOR EACH ROW EXECUTE FUNCTION
    mdb_refuse('de hashketen van het toegangslogboek is alleen aan te vullen: verwijderen is niet toegestaan');

CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
FOR EACH STATEMENT EXECUTE FUNCTION
    mdb_refuse('de hashketen van het toegangslogboek is alleen aan te vullen: leegmaken is niet toegestaan');
