-- Policy as the letters say it: the register of central decisions on schrijnende situations,
-- the case facts that decide routes and flags (medical reason in the Ziektewet, the employer's
-- consent to the 60-plusmaatregel, the kind of dwangsom and the court's deadline), the natural
-- sort key of a case reference, and the roles MSP (medisch specialist) and PO (privacy officer).

-- One decision of the central team per reference. It covers one case (case_ref), or by BSN
-- alone every HERBEOORDELING and BEZWAAR of that client received on or before decided_on.
CREATE TABLE central_decisions (
    central_ref  TEXT PRIMARY KEY CHECK (length(trim(central_ref)) > 0),
    case_ref     TEXT,
    bsn          TEXT CHECK (bsn IS NULL OR (length(bsn) = 9 AND bsn NOT GLOB '*[^0-9]*')),
    decided_on   TEXT NOT NULL CHECK (date(decided_on) IS decided_on),
    outcome      TEXT NOT NULL CHECK (outcome IN ('toegekend', 'afgewezen')),
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    CHECK (case_ref IS NOT NULL OR bsn IS NOT NULL)
);
CREATE INDEX central_decisions_case ON central_decisions (case_ref);
CREATE INDEX central_decisions_bsn ON central_decisions (bsn);

ALTER TABLE cases ADD COLUMN medical_reason INTEGER NOT NULL DEFAULT 0
    CHECK (medical_reason IN (0, 1));
-- NULL: no employer to ask (the client's consent alone counts).
ALTER TABLE cases ADD COLUMN employer_consents_60_plus INTEGER
    CHECK (employer_consents_60_plus IS NULL OR employer_consents_60_plus IN (0, 1));
ALTER TABLE cases ADD COLUMN dwangsom_kind TEXT
    CHECK (dwangsom_kind IS NULL OR dwangsom_kind IN ('bestuurlijk', 'rechterlijk'));
ALTER TABLE cases ADD COLUMN dwangsom_deadline TEXT
    CHECK (dwangsom_deadline IS NULL OR date(dwangsom_deadline) IS dwangsom_deadline);
-- core.ordering.natural_key(case_ref); NULL where a writer left it out (then computed on read).
ALTER TABLE cases ADD COLUMN ref_key TEXT;
UPDATE cases SET ref_key = mdb_natural_key(case_ref);
UPDATE cases SET dwangsom_kind = 'bestuurlijk' WHERE dwangsom = 1;
CREATE INDEX cases_schrijnend_ref ON cases (schrijnend_ref) WHERE schrijnend = 1;

-- The role CHECK gains MSP and PO: the staff table is rebuilt (foreign keys into it are
-- checked at commit, when the new table carries the name again).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE staff_0007 (
    staff_id        TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('VA', 'AIOS', 'SMV', 'MSP', 'AD', 'RIB', 'PB', 'MS', 'TL', 'PO')),
    team_id         TEXT NOT NULL REFERENCES teams (team_id),
    big_number      TEXT CHECK (big_number IS NULL OR (length(big_number) = 11 AND big_number NOT GLOB '*[^0-9]*')),
    qualifications  TEXT NOT NULL DEFAULT '',
    hours_per_week  REAL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK (big_number IS NOT NULL OR role NOT IN ('VA', 'AIOS', 'SMV', 'MSP'))
);
INSERT INTO staff_0007 (staff_id, name, role, team_id, big_number, qualifications,
                        hours_per_week, active, created_at, updated_at)
    SELECT staff_id, name, role, team_id, big_number, qualifications, hours_per_week, active,
           created_at, updated_at
    FROM staff;
DROP TABLE staff;
ALTER TABLE staff_0007 RENAME TO staff;
CREATE INDEX staff_team ON staff (team_id);
