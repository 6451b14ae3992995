-- Herbeoordeling requests (standard request form): the request as filed, per case.
-- The office store's (PostgreSQL) form of db/0005_herbeoordeling.sql. The document stays text
-- (as written, key order kept); mdb_is_json stands in for SQLite's json_valid.

CREATE FUNCTION mdb_is_json(value text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
BEGIN
    PERFORM value::json;
    RETURN true;
EXCEPTION WHEN others THEN
    RETURN false;
END
$$;

CREATE TABLE herbeoordeling_requests (
    case_ref    text PRIMARY KEY REFERENCES cases (case_ref),
    reference   text NOT NULL,
    document    text NOT NULL CHECK (mdb_is_json(document)),
    route       text NOT NULL,
    created_at  text NOT NULL,
    updated_at  text NOT NULL
);
CREATE INDEX herbeoordeling_reference ON herbeoordeling_requests (reference);
