-- Herbeoordeling requests (standard request form): the request as filed, per case.

CREATE TABLE herbeoordeling_requests (
    case_ref    TEXT PRIMARY KEY REFERENCES cases (case_ref),
    reference   TEXT NOT NULL,
    document    TEXT NOT NULL CHECK (json_valid(document)),
    route       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX herbeoordeling_reference ON herbeoordeling_requests (reference);
