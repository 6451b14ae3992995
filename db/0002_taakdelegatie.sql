-- Taakdelegatie: the rule set a team adopted from a date, individual delegations of a VA, tasks
-- on cases with their life cycle, and every version of a task's result with its author.

CREATE TABLE team_rulesets (
    team_id      TEXT NOT NULL REFERENCES teams (team_id),
    valid_from   TEXT NOT NULL,
    ruleset_id   TEXT NOT NULL,
    adopted_by   TEXT NOT NULL,
    adopted_at   TEXT NOT NULL,
    PRIMARY KEY (team_id, valid_from)
);

CREATE TABLE delegations (
    delegation_id      INTEGER PRIMARY KEY,
    va_id              TEXT NOT NULL REFERENCES staff (staff_id),
    delegate_id        TEXT NOT NULL REFERENCES staff (staff_id),
    team_id            TEXT NOT NULL REFERENCES teams (team_id),
    tasks              TEXT NOT NULL CHECK (tasks != ''),   -- ';'-separated task codes
    services           TEXT NOT NULL DEFAULT '',            -- ';'-separated; empty = any service
    valid_from         TEXT NOT NULL,
    valid_to           TEXT,
    review_percentage  INTEGER NOT NULL DEFAULT 100 CHECK (review_percentage BETWEEN 0 AND 100),
    note               TEXT NOT NULL DEFAULT '',
    revoked_on         TEXT,
    revoked_by         TEXT,
    revoke_reason      TEXT NOT NULL DEFAULT '',
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    CHECK (va_id != delegate_id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX delegations_delegate ON delegations (delegate_id, valid_from);
CREATE INDEX delegations_va ON delegations (va_id, valid_from);

CREATE TABLE tasks (
    task_id           INTEGER PRIMARY KEY,
    case_ref          TEXT NOT NULL REFERENCES cases (case_ref),
    task_code         TEXT NOT NULL,
    assignee_id       TEXT NOT NULL REFERENCES staff (staff_id),
    permission        TEXT NOT NULL CHECK (permission IN ('zelfstandig', 'gedelegeerd')),
    delegating_va_id  TEXT REFERENCES staff (staff_id),
    delegation_id     INTEGER REFERENCES delegations (delegation_id),
    ruleset_id        TEXT NOT NULL,
    decision_reason   TEXT NOT NULL,
    assigned_on       TEXT NOT NULL,   -- the date the rule set and delegation were judged on
    due_on            TEXT,
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN
                          ('open', 'done', 'te_accorderen', 'geaccordeerd', 'afgewezen')),
    reviewed          INTEGER CHECK (reviewed IS NULL OR reviewed IN (0, 1)),
    changed_by_va     INTEGER NOT NULL DEFAULT 0 CHECK (changed_by_va IN (0, 1)),
    submitted_at      TEXT,
    signed_by         TEXT REFERENCES staff (staff_id),
    signed_at         TEXT,
    reject_reason     TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK ((permission = 'gedelegeerd') = (delegating_va_id IS NOT NULL)),
    CHECK (permission = 'gedelegeerd' OR status IN ('open', 'done')),
    CHECK (permission = 'zelfstandig' OR status != 'done')
);
CREATE INDEX tasks_case ON tasks (case_ref);
CREATE INDEX tasks_assignee ON tasks (assignee_id, status);
CREATE INDEX tasks_va ON tasks (delegating_va_id, status);

-- Every handed-in result and every change by the VA, with its author; never changed or removed.
CREATE TABLE task_versions (
    version_id  INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES tasks (task_id),
    kind        TEXT NOT NULL CHECK (kind IN ('ingeleverd', 'gewijzigd_door_va')),
    author_id   TEXT NOT NULL,
    result      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX task_versions_task ON task_versions (task_id, version_id);

CREATE TRIGGER task_versions_no_update BEFORE UPDATE ON task_versions
BEGIN
    SELECT RAISE(ABORT, 'een ingeleverde versie van een taak blijft bewaard: wijzigen is niet toegestaan');
END;

CREATE TRIGGER task_versions_no_delete BEFORE DELETE ON task_versions
BEGIN
    SELECT RAISE(ABORT, 'een ingeleverde versie van een taak blijft bewaard: verwijderen is niet toegestaan');
END;
