-- MDB meetings: the meeting, who attended in which role, the agenda with the triage proposal as
-- it stood, the decision per case and its activities. A closed meeting is frozen by triggers,
-- so every case keeps its MDB history as decided.

CREATE TABLE meetings (
    meeting_id       INTEGER PRIMARY KEY,
    team_id          TEXT NOT NULL REFERENCES teams (team_id),
    held_on          TEXT NOT NULL,
    regievoerder_id  TEXT REFERENCES staff (staff_id),
    status           TEXT NOT NULL DEFAULT 'voorbereiding' CHECK (status IN ('voorbereiding', 'gesloten')),
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    closed_at        TEXT,
    closed_by        TEXT
);
CREATE INDEX meetings_team ON meetings (team_id, held_on);

CREATE TABLE meeting_attendees (
    meeting_id  INTEGER NOT NULL REFERENCES meetings (meeting_id) ON DELETE CASCADE,
    staff_id    TEXT NOT NULL REFERENCES staff (staff_id),
    role        TEXT NOT NULL,
    present     INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),
    PRIMARY KEY (meeting_id, staff_id)
);

CREATE TABLE meeting_agenda (
    meeting_id      INTEGER NOT NULL REFERENCES meetings (meeting_id) ON DELETE CASCADE,
    case_ref        TEXT NOT NULL REFERENCES cases (case_ref),
    position        INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('bespreken', 'niet_gereed', 'standaardroute')),
    reason          TEXT NOT NULL CHECK (reason IN ('nieuw', 'gewijzigd', 'wacht_langst', 'handmatig')),
    missing         TEXT NOT NULL DEFAULT '',
    klasse          TEXT NOT NULL DEFAULT '',
    route           TEXT NOT NULL DEFAULT '',
    proposed_lead   TEXT NOT NULL DEFAULT '',
    triage_reasons  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, case_ref)
);
CREATE INDEX meeting_agenda_case ON meeting_agenda (case_ref);

CREATE TABLE meeting_decisions (
    meeting_id        INTEGER NOT NULL,
    case_ref          TEXT NOT NULL,
    lead_role         TEXT,
    lead_staff_id     TEXT REFERENCES staff (staff_id),
    contact_staff_id  TEXT REFERENCES staff (staff_id),
    remarks           TEXT NOT NULL DEFAULT '',
    medical_remarks   TEXT NOT NULL DEFAULT '',
    dossier_complete  INTEGER CHECK (dossier_complete IS NULL OR dossier_complete IN (0, 1)),
    decided_by        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    PRIMARY KEY (meeting_id, case_ref),
    FOREIGN KEY (meeting_id, case_ref) REFERENCES meeting_agenda (meeting_id, case_ref) ON DELETE CASCADE
);

CREATE TABLE meeting_activities (
    activity_id   INTEGER PRIMARY KEY,
    meeting_id    INTEGER NOT NULL,
    case_ref      TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    task          TEXT NOT NULL,
    assignee_id   TEXT NOT NULL REFERENCES staff (staff_id),
    due_on        TEXT NOT NULL,
    delegated_by  TEXT REFERENCES staff (staff_id),
    task_id       INTEGER,
    FOREIGN KEY (meeting_id, case_ref) REFERENCES meeting_decisions (meeting_id, case_ref) ON DELETE CASCADE
);
CREATE INDEX meeting_activities_decision ON meeting_activities (meeting_id, case_ref, seq);

-- A closed meeting cannot change any more.
CREATE TRIGGER meetings_frozen BEFORE UPDATE ON meetings WHEN OLD.status = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meetings_no_delete_closed BEFORE DELETE ON meetings WHEN OLD.status = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet worden verwijderd');
END;
CREATE TRIGGER meeting_attendees_frozen_i BEFORE INSERT ON meeting_attendees
WHEN (SELECT status FROM meetings WHERE meeting_id = NEW.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meeting_attendees_frozen_u BEFORE UPDATE ON meeting_attendees
WHEN (SELECT status FROM meetings WHERE meeting_id = OLD.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meeting_attendees_frozen_d BEFORE DELETE ON meeting_attendees
WHEN (SELECT status FROM meetings WHERE meeting_id = OLD.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meeting_agenda_frozen_i BEFORE INSERT ON meeting_agenda
WHEN (SELECT status FROM meetings WHERE meeting_id = NEW.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meeting_agenda_frozen_u BEFORE UPDATE ON meeting_agenda
WHEN (SELECT status FROM meetings WHERE meeting_id = OLD.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meeting_agenda_frozen_d BEFORE DELETE ON meeting_agenda
WHEN (SELECT status FROM meetings WHERE meeting_id = OLD.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meeting_decisions_frozen_i BEFORE INSERT ON meeting_decisions
WHEN (SELECT status FROM meetings WHERE meeting_id = NEW.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meeting_decisions_frozen_u BEFORE UPDATE ON meeting_decisions
WHEN (SELECT status FROM meetings WHERE meeting_id = OLD.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meeting_decisions_frozen_d BEFORE DELETE ON meeting_decisions
WHEN (SELECT status FROM meetings WHERE meeting_id = OLD.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meeting_activities_frozen_i BEFORE INSERT ON meeting_activities
WHEN (SELECT status FROM meetings WHERE meeting_id = NEW.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meeting_activities_frozen_u BEFORE UPDATE ON meeting_activities
WHEN (SELECT status FROM meetings WHERE meeting_id = OLD.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
CREATE TRIGGER meeting_activities_frozen_d BEFORE DELETE ON meeting_activities
WHEN (SELECT status FROM meetings WHERE meeting_id = OLD.meeting_id) = 'gesloten'
BEGIN
    SELECT RAISE(ABORT, 'deze MDB is gesloten en kan niet meer worden gewijzigd');
END;
