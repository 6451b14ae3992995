-- The access log's hash chain extended once per statement instead of once per record, on the
-- office store (db/pg/0011_audit_chain_per_statement.sql): there many workstations write and
-- a row trigger queued them per record. SQLite has row triggers only, and one writer at a
-- time: the workstation store keeps the chain trigger of 0008 as it is. This step keeps the
-- two ladders' numbers the same.
SELECT 1;
