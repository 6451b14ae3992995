-- A team at work at the same time. Every row a person edits in a form (a case, a delegation, a
-- task and its result, an MDB decision) carries a version, raised by one on every change, and
-- who made the last change: an edit names the version it started from, and a save against a
-- newer version is refused with who changed what and when (store/versions.py).
-- An MDB in its Bespreking is run from one seat: the chair is a lease that its workstation
-- renews while the meeting is open and that expires when the workstation disappears
-- (store/meetings/chair.py).
-- The office store's (PostgreSQL) form of db/0010_row_versions.sql.

ALTER TABLE cases ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE cases ADD COLUMN updated_by text;

ALTER TABLE delegations ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE delegations ADD COLUMN updated_by text;
ALTER TABLE delegations ADD COLUMN updated_at text;

ALTER TABLE tasks ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE tasks ADD COLUMN updated_by text;

ALTER TABLE meeting_decisions ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);

-- Who chairs an MDB, from which workstation (its name) and which window on it (seat: a random
-- id per opening), until when. No row, or a row past expires_at: the chair is free.
CREATE TABLE meeting_chairs (
    meeting_id   bigint PRIMARY KEY REFERENCES meetings (meeting_id) ON DELETE CASCADE,
    holder_id    text NOT NULL REFERENCES staff (staff_id),
    workstation  text NOT NULL CHECK (length(workstation) > 0),
    seat         text NOT NULL CHECK (length(seat) > 0),
    taken_at     text NOT NULL,
    renewed_at   text NOT NULL,
    expires_at   text NOT NULL,
    CHECK (expires_at > renewed_at)
);
