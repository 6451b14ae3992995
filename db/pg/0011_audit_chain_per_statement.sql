-- The access log's hash chain extended once per statement instead of once per record: a batch
-- of thousands of records (an import, the demo data) took two row triggers per record, each
-- with its own queries (the chain's lock and highest number, the previous hash). The office
-- store's (PostgreSQL) form of db/0011_audit_chain_per_statement.sql.
--
-- Before an INSERT into audit_log produces its rows, a statement trigger takes the chain's
-- lock (held until commit), so every number the log's sequence gives out from then on comes
-- after every record already chained: writers at several workstations queue, and the chain
-- follows the order of the log numbers. After the statement, a trigger reads the new records
-- (the statement's transition table) in number order and chains them to the last hash, with
-- what mdb_chain_hash and audit_chain.chain_hash compute (SHA-256 over the previous hash and
-- each field as its length and text, '-' for NULL, joined by U+001E). A record whose number
-- is not after the chain (a number given by the writer) is refused with the statement; a
-- given number above the sequence moves the sequence past it. Only READ COMMITTED writes the
-- log: in a transaction with one snapshot for all statements (REPEATABLE READ, SERIALIZABLE)
-- the chain's last hash could be older than the lock, and the chain would fork. The functions
-- run as the owner with a search path of their own, temporary tables last, so a login's
-- temporary table cannot stand in for the chain.

DROP TRIGGER audit_log_chain_order ON audit_log;
DROP TRIGGER audit_log_chain ON audit_log;
DROP FUNCTION mdb_audit_chain_order();
DROP FUNCTION mdb_audit_chain_extend();

CREATE FUNCTION mdb_audit_chain_lock() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp
AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_transaction_state',
            MESSAGE = 'het toegangslogboek wordt alleen geschreven in een transactie met '
                || 'isolatieniveau READ COMMITTED (nu: '
                || current_setting('transaction_isolation') || ')';
    END IF;
    -- 0x4D444254 ('MDBT'), 8: the access log's chain.
    PERFORM pg_advisory_xact_lock(1296319060, 8);
    RETURN NULL;
END
$$;

CREATE FUNCTION mdb_audit_chain_extend() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp
AS $$
DECLARE
    sequence_name text := pg_get_serial_sequence('public.audit_log', 'log_id');
    v_last bigint;
    v_hash text;
    v_highest bigint;
    v_ids bigint[] := '{}';
    v_hashes text[] := '{}';
    r record;
BEGIN
    SELECT log_id, hash INTO v_last, v_hash FROM public.audit_chain ORDER BY log_id DESC LIMIT 1;
    SELECT max(log_id) INTO v_highest FROM mdb_new_records;
    IF EXISTS (SELECT 1 FROM mdb_new_records WHERE log_id <= coalesce(v_last, 0)) THEN
        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
            MESSAGE = 'het toegangslogboek is alleen aan te vullen: een record met nummer '
                || (SELECT min(log_id) FROM mdb_new_records) || ' komt niet na het laatste ('
                || v_last || ')';
    END IF;
    FOR r IN
        SELECT log_id, concat_ws(chr(30),
            length(log_id::text) || ':' || log_id,
            CASE WHEN at IS NULL THEN '-' ELSE length(at) || ':' || at END,
            CASE WHEN event IS NULL THEN '-' ELSE length(event) || ':' || event END,
            CASE WHEN client_id IS NULL THEN '-'
                 ELSE length(client_id::text) || ':' || client_id END,
            CASE WHEN case_ref IS NULL THEN '-' ELSE length(case_ref) || ':' || case_ref END,
            CASE WHEN user_id IS NULL THEN '-' ELSE length(user_id) || ':' || user_id END,
            CASE WHEN user_name IS NULL THEN '-' ELSE length(user_name) || ':' || user_name END,
            CASE WHEN role IS NULL THEN '-' ELSE length(role) || ':' || role END,
            CASE WHEN on_behalf_of IS NULL THEN '-'
                 ELSE length(on_behalf_of) || ':' || on_behalf_of END,
            CASE WHEN outcome IS NULL THEN '-' ELSE length(outcome) || ':' || outcome END,
            CASE WHEN purpose IS NULL THEN '-' ELSE length(purpose) || ':' || purpose END,
            CASE WHEN details IS NULL THEN '-' ELSE length(details) || ':' || details END
        ) AS fields
        FROM mdb_new_records ORDER BY log_id
    LOOP
        v_hash := encode(sha256(convert_to(coalesce(v_hash, '') || chr(30) || r.fields, 'UTF8')),
                         'hex');
        v_ids := v_ids || r.log_id;
        v_hashes := v_hashes || v_hash;
    END LOOP;
    INSERT INTO public.audit_chain (log_id, hash) SELECT * FROM unnest(v_ids, v_hashes);
    IF v_highest > coalesce(pg_sequence_last_value(sequence_name::regclass), 0) THEN
        -- A number given by the writer (records carried over): later numbers come after it.
        PERFORM setval(sequence_name, v_highest);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER audit_log_chain_lock BEFORE INSERT ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION mdb_audit_chain_lock();

CREATE TRIGGER audit_log_chain AFTER INSERT ON audit_log
REFERENCING NEW TABLE AS mdb_new_records
FOR EACH STATEMENT EXECUTE FUNCTION mdb_audit_chain_extend();
