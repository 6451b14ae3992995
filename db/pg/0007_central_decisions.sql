-- Policy as the letters say it: the register of central decisions on schrijnende situations,
-- the case facts that decide routes and flags (medical reason in the Ziektewet, the employer's
-- consent to the 60-plusmaatregel, the kind of dwangsom and the court's deadline), the natural
-- sort key of a case reference, and the roles MSP (medisch specialist) and PO (privacy officer).
-- The office store's (PostgreSQL) form of db/0007_central_decisions.sql.

-- A date written as the workstation store checks it (SQLite: date(x) IS x): exactly
-- YYYY-MM-DD with a month 01-12 and a day 01-31 (SQLite's date() does not check the day
-- against the month; the program's own date checks do). NULL stays NULL, so a CHECK lets it
-- pass, as there.
CREATE FUNCTION mdb_is_date(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT value ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
$$;

-- One decision of the central team per reference. It covers one case (case_ref), or by BSN
-- alone every HERBEOORDELING and BEZWAAR of that client received on or before decided_on.
CREATE TABLE central_decisions (
    central_ref  text PRIMARY KEY CHECK (length(trim(central_ref)) > 0),
    case_ref     text,
    bsn          text CHECK (bsn IS NULL OR bsn ~ '^[0-9]{9}$'),
    decided_on   text NOT NULL CHECK (mdb_is_date(decided_on)),
    outcome      text NOT NULL CHECK (outcome IN ('toegekend', 'afgewezen')),
    recorded_by  text NOT NULL,
    recorded_at  text NOT NULL,
    CHECK (case_ref IS NOT NULL OR bsn IS NOT NULL)
);
CREATE INDEX central_decisions_case ON central_decisions (case_ref);
CREATE INDEX central_decisions_bsn ON central_decisions (bsn);

ALTER TABLE cases ADD COLUMN medical_reason integer NOT NULL DEFAULT 0
    CHECK (medical_reason IN (0, 1));
-- NULL: no employer to ask (the client's consent alone counts).
ALTER TABLE cases ADD COLUMN employer_consents_60_plus integer
    CHECK (employer_consents_60_plus IS NULL OR employer_consents_60_plus IN (0, 1));
ALTER TABLE cases ADD COLUMN dwangsom_kind text
    CHECK (dwangsom_kind IS NULL OR dwangsom_kind IN ('bestuurlijk', 'rechterlijk'));
ALTER TABLE cases ADD COLUMN dwangsom_deadline text
    CHECK (dwangsom_deadline IS NULL OR mdb_is_date(dwangsom_deadline));
-- core.ordering.natural_key(case_ref); NULL where a writer left it out (then computed on read).
-- Cases already on the server when this step runs keep NULL: the key is Python's (Unicode
-- digits and lower case), which the program writes with every case it stores.
ALTER TABLE cases ADD COLUMN ref_key text;
UPDATE cases SET dwangsom_kind = 'bestuurlijk' WHERE dwangsom = 1;
CREATE INDEX cases_schrijnend_ref ON cases (schrijnend_ref) WHERE schrijnend = 1;

-- The role CHECK gains MSP and PO (the workstation store rebuilds its staff table for this;
-- PostgreSQL changes the constraints in place).
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check
    CHECK (role IN ('VA', 'AIOS', 'SMV', 'MSP', 'AD', 'RIB', 'PB', 'MS', 'TL', 'PO'));
ALTER TABLE staff DROP CONSTRAINT staff_big_required;
ALTER TABLE staff ADD CONSTRAINT staff_big_required
    CHECK (big_number IS NOT NULL OR role NOT IN ('VA', 'AIOS', 'SMV', 'MSP'));
