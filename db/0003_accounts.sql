-- Desktop accounts (sign-in per staff member), the dossier checklist and case notes.

-- One account per staff member. The password is stored as an scrypt hash with its own salt and
-- cost parameters, so they can be raised later without breaking existing accounts.
CREATE TABLE accounts (
    staff_id        TEXT PRIMARY KEY REFERENCES staff (staff_id),
    password_hash   TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    changed_at      TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
);

-- Which documents of the dossier are in (RIV, bedrijfsarts, huisarts, specialist, AD report).
CREATE TABLE case_documents (
    case_ref     TEXT NOT NULL REFERENCES cases (case_ref),
    document     TEXT NOT NULL CHECK (document IN
                     ('RIV', 'BEDRIJFSARTS', 'HUISARTS', 'SPECIALIST', 'AD_RAPPORT')),
    received_on  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    PRIMARY KEY (case_ref, document)
);

-- Notes on a case. Medical notes are shown only to VA, AIOS and SMV.
CREATE TABLE case_notes (
    note_id     INTEGER PRIMARY KEY,
    case_ref    TEXT NOT NULL REFERENCES cases (case_ref),
    medical     INTEGER NOT NULL CHECK (medical IN (0, 1)),
    text        TEXT NOT NULL CHECK (text != ''),
    author_id   TEXT NOT NULL,
    author_name TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_ref, created_at);
