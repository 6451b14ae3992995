-- Foundation: teams, staff, clients, cases, the append-only access log, and settings.

CREATE TABLE teams (
    team_id     TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE staff (
    staff_id        TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('VA', 'AIOS', 'SMV', 'AD', 'RIB', 'PB', 'MS', 'TL')),
    team_id         TEXT NOT NULL REFERENCES teams (team_id),
    big_number      TEXT CHECK (big_number IS NULL OR (length(big_number) = 11 AND big_number NOT GLOB '*[^0-9]*')),
    qualifications  TEXT NOT NULL DEFAULT '',
    hours_per_week  REAL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK (big_number IS NOT NULL OR role NOT IN ('VA', 'AIOS', 'SMV'))
);
CREATE INDEX staff_team ON staff (team_id);

CREATE TABLE clients (
    client_id   INTEGER PRIMARY KEY,
    bsn         TEXT NOT NULL UNIQUE CHECK (length(bsn) = 9),
    name        TEXT NOT NULL,
    birth_date  TEXT
);

CREATE TABLE cases (
    case_ref            TEXT PRIMARY KEY,
    client_id           INTEGER NOT NULL REFERENCES clients (client_id),
    service             TEXT NOT NULL CHECK (service IN ('WIA_CLAIM', 'ABA', 'HERBEOORDELING', 'BEZWAAR',
                            'WIJZIGING_GEZONDHEID', 'ZW', 'EZWB', 'DESKUNDIGENOORDEEL', 'RIV_TOETS')),
    received_on         TEXT NOT NULL,
    team_id             TEXT NOT NULL REFERENCES teams (team_id),
    requester           TEXT CHECK (requester IS NULL OR requester IN
                            ('werknemer', 'werkgever', 'eigenrisicodrager', 'gemachtigde', 'uwv')),
    motivated           INTEGER NOT NULL DEFAULT 0 CHECK (motivated IN (0, 1)),
    working             INTEGER NOT NULL DEFAULT 0 CHECK (working IN (0, 1)),
    consents_60_plus    INTEGER NOT NULL DEFAULT 0 CHECK (consents_60_plus IN (0, 1)),
    schrijnend          INTEGER NOT NULL DEFAULT 0 CHECK (schrijnend IN (0, 1)),
    schrijnend_ref      TEXT,
    ingebrekestelling   INTEGER NOT NULL DEFAULT 0 CHECK (ingebrekestelling IN (0, 1)),
    dwangsom            INTEGER NOT NULL DEFAULT 0 CHECK (dwangsom IN (0, 1)),
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_behandeling', 'afgerond')),
    created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX cases_queue ON cases (status, received_on, case_ref);
CREATE INDEX cases_team ON cases (team_id, status);
CREATE INDEX cases_client ON cases (client_id);

-- NEN 7513 access log. Append-only: the triggers refuse every change and removal.
CREATE TABLE audit_log (
    log_id          INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    event           TEXT NOT NULL CHECK (event IN
                        ('create', 'read', 'change', 'delete', 'print', 'export', 'search', 'emergency', 'signin', 'signout')),
    client_id       INTEGER,
    case_ref        TEXT,
    user_id         TEXT NOT NULL,
    user_name       TEXT NOT NULL,
    role            TEXT NOT NULL,
    on_behalf_of    TEXT,
    outcome         TEXT NOT NULL CHECK (outcome IN ('gelukt', 'geweigerd', 'mislukt')),
    purpose         TEXT NOT NULL,
    details         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_client ON audit_log (client_id, at);
CREATE INDEX audit_case ON audit_log (case_ref, at);
CREATE INDEX audit_user ON audit_log (user_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'het toegangslogboek is alleen aan te vullen: wijzigen is niet toegestaan');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'het toegangslogboek is alleen aan te vullen: verwijderen is niet toegestaan');
END;

CREATE TABLE settings (
    key     TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);
