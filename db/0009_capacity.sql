-- Capacity: absences as periods per person, and the team's planning settings for the forecast.

CREATE TABLE absences (
    absence_id  INTEGER PRIMARY KEY,
    staff_id    TEXT NOT NULL REFERENCES staff (staff_id),
    starts_on   TEXT NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on     TEXT NOT NULL CHECK (date(ends_on) IS ends_on),
    reason      TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    CHECK (ends_on >= starts_on),
    UNIQUE (staff_id, starts_on)
);
CREATE INDEX absences_staff ON absences (staff_id, ends_on);

CREATE TABLE team_capacity (
    team_id           TEXT PRIMARY KEY REFERENCES teams (team_id),
    other_work_share  REAL CHECK (other_work_share IS NULL OR other_work_share BETWEEN 0 AND 1),
    delegation_share  REAL CHECK (delegation_share IS NULL OR delegation_share BETWEEN 0 AND 1),
    changed_by        TEXT NOT NULL,
    changed_at        TEXT NOT NULL
);

-- The time a professional spent on a task, recorded when handing it in ("bestede tijd",
-- optional); the forecast's norms are calibrated from it per team.
ALTER TABLE tasks ADD COLUMN minutes_spent INTEGER
    CHECK (minutes_spent IS NULL OR minutes_spent BETWEEN 1 AND 6000);

-- The team's own effort norms (hours per activity of a service), set by the team lead; they
-- replace the policy's default and the measured time in the team's forecast.
CREATE TABLE team_norms (
    team_id     TEXT NOT NULL REFERENCES teams (team_id),
    service     TEXT NOT NULL,
    task        TEXT NOT NULL,
    hours       REAL NOT NULL CHECK (hours > 0 AND hours <= 100),
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (team_id, service, task)
);
