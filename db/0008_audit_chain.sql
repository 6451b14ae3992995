-- Tamper evidence for the access log: each record's hash chained to the previous one
-- (store/audit_chain.py). The trigger computes it in the database, so every way a record is
-- written extends the chain in the same transaction; mdb_chain_hash is registered on every
-- connection the program opens.

CREATE TABLE audit_chain (
    log_id  INTEGER PRIMARY KEY,
    hash    TEXT NOT NULL
);
-- No index on hash: a random key in an index costs every import; 'check --anchor' scans.

-- The records written before this step, oldest first.
WITH RECURSIVE chain (log_id, hash) AS (
    SELECT 0, ''
    UNION ALL
    SELECT a.log_id, mdb_chain_hash(chain.hash, a.log_id, a.at, a.event, a.client_id, a.case_ref,
                                    a.user_id, a.user_name, a.role, a.on_behalf_of, a.outcome,
                                    a.purpose, a.details)
    FROM chain JOIN audit_log a
        ON a.log_id = (SELECT min(log_id) FROM audit_log WHERE log_id > chain.log_id)
)
INSERT INTO audit_chain (log_id, hash) SELECT log_id, hash FROM chain WHERE log_id > 0;

CREATE TRIGGER audit_log_chain AFTER INSERT ON audit_log
BEGIN
    INSERT INTO audit_chain (log_id, hash) VALUES (NEW.log_id, mdb_chain_hash(
        (SELECT hash FROM audit_chain WHERE log_id < NEW.log_id ORDER BY log_id DESC LIMIT 1),
        NEW.log_id, NEW.at, NEW.event, NEW.client_id, NEW.case_ref, NEW.user_id, NEW.user_name,
        NEW.role, NEW.on_behalf_of, NEW.outcome, NEW.purpose, NEW.details));
END;

CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'de hashketen van het toegangslogboek is alleen aan te vullen: wijzigen is niet toegestaan');
END;

CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN
    SELECT RAISE(ABORT, 'de hashketen van het toegangslogboek is alleen aan te vullen: verwijderen is niet toegestaan');
END;
