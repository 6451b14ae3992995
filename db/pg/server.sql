-- The office store's logins, managed by team leads without CREATEROLE: server-init installs
-- these functions (again on every run, so an upgrade replaces them) as SECURITY DEFINER,
-- owned by the login that ran it (the database owner, which may create roles). Only the team
-- leads' group (and the owner) may call them; they check that themselves as well.
--
-- A staff member's login is named by their personnel number (staff_id) and is a member of
-- exactly one group of this database: the one of their role (<database>_<role>). An inactive
-- staff member's login is NOLOGIN. A password arrives as a SCRAM verifier computed by the
-- program (the clear text never reaches the server or its log); a password a team lead set
-- must be changed at first sign-in (mdb_logins.must_change).

CREATE TABLE IF NOT EXISTS mdb_logins (
    login        text PRIMARY KEY,
    must_change  integer NOT NULL DEFAULT 1 CHECK (must_change IN (0, 1)),
    set_by       text NOT NULL,
    set_at       text NOT NULL DEFAULT mdb_utc_now()
);

CREATE OR REPLACE FUNCTION mdb_login_caller_may_manage() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_has_role(session_user, current_database() || '_tl', 'MEMBER')
        OR pg_has_role(session_user, d.datdba, 'MEMBER')
        OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
    FROM pg_database d WHERE d.datname = current_database()
$$;

-- Put a login in the state the staff table asks for: in the group of the role only, LOGIN
-- when active, NOLOGIN when not. Nothing happens for a staff member without a login.
-- Returns what it did (Dutch), or '' when nothing changed.
CREATE OR REPLACE FUNCTION mdb_login_sync(p_staff text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp
AS $$
DECLARE
    v_role text;
    v_active integer;
    v_group text;
    v_other text;
    v_can_login boolean;
    v_done text[] := '{}';
BEGIN
    IF NOT mdb_login_caller_may_manage() THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = 'alleen een teamleider beheert logins';
    END IF;
    SELECT role, active INTO v_role, v_active FROM staff WHERE staff_id = p_staff;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('medewerker %s bestaat niet', p_staff);
    END IF;
    SELECT rolcanlogin INTO v_can_login FROM pg_roles WHERE rolname = p_staff;
    IF NOT FOUND THEN
        RETURN '';
    END IF;
    v_group := current_database() || '_' || lower(v_role);
    FOR v_other IN
        SELECT g.rolname FROM pg_roles g
        WHERE g.rolname LIKE replace(current_database(), '_', '\_') || '\_%'
          AND g.rolname <> v_group AND g.rolname <> current_database() || '_app'
          AND NOT g.rolcanlogin
          AND pg_has_role(p_staff, g.oid, 'USAGE')
          AND EXISTS (SELECT 1 FROM pg_auth_members m
                      WHERE m.roleid = g.oid AND m.member = (SELECT oid FROM pg_roles WHERE rolname = p_staff))
    LOOP
        EXECUTE format('REVOKE %I FROM %I', v_other, p_staff);
        v_done := v_done || format('uit groep %s', v_other);
    END LOOP;
    IF NOT pg_has_role(p_staff, v_group, 'USAGE') THEN
        EXECUTE format('GRANT %I TO %I', v_group, p_staff);
        v_done := v_done || format('in groep %s', v_group);
    END IF;
    IF v_active = 1 AND NOT v_can_login THEN
        EXECUTE format('ALTER ROLE %I LOGIN', p_staff);
        v_done := v_done || 'aanmelden weer toegestaan'::text;
    ELSIF v_active = 0 AND v_can_login THEN
        EXECUTE format('ALTER ROLE %I NOLOGIN', p_staff);
        v_done := v_done || 'aanmelden geblokkeerd (niet actief)'::text;
    END IF;
    RETURN array_to_string(v_done, ', ');
END
$$;

-- Create a staff member's login, or set a new password on it (p_verifier: a SCRAM-SHA-256
-- verifier). p_must_change: 1 when a team lead set it (to be changed at first sign-in).
CREATE OR REPLACE FUNCTION mdb_login_set(p_staff text, p_verifier text, p_must_change integer)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp
AS $$
DECLARE
    v_active integer;
    v_created boolean := false;
BEGIN
    IF NOT mdb_login_caller_may_manage() THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = 'alleen een teamleider beheert logins';
    END IF;
    IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'het wachtwoord komt als SCRAM-verificatie, niet als tekst';
    END IF;
    SELECT active INTO v_active FROM staff WHERE staff_id = p_staff;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('medewerker %s bestaat niet', p_staff);
    END IF;
    IF v_active = 0 THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = format('medewerker %s is niet actief', p_staff);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_staff AND (rolsuper OR rolcreaterole
               OR rolname = (SELECT datdba::regrole::text FROM pg_database
                             WHERE datname = current_database()))) THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = format('%s is een beheerderslogin; die beheert IT', p_staff);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_staff) THEN
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', p_staff, p_verifier);
        v_created := true;
    ELSE
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', p_staff, p_verifier);
    END IF;
    INSERT INTO mdb_logins (login, must_change, set_by, set_at)
    VALUES (p_staff, p_must_change, session_user, mdb_utc_now())
    ON CONFLICT (login) DO UPDATE SET must_change = excluded.must_change,
        set_by = excluded.set_by, set_at = excluded.set_at;
    PERFORM mdb_login_sync(p_staff);
    RETURN CASE WHEN v_created THEN 'aangemaakt' ELSE 'nieuw wachtwoord' END;
END
$$;

-- A person changes their own password (p_verifier: SCRAM-SHA-256), which ends must_change.
CREATE OR REPLACE FUNCTION mdb_login_own_password(p_verifier text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp
AS $$
BEGIN
    IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION USING ERRCODE = '22023',
            MESSAGE = 'het wachtwoord komt als SCRAM-verificatie, niet als tekst';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM staff WHERE staff_id = session_user::text COLLATE "default") THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = 'alleen een medewerker wijzigt hier het eigen wachtwoord';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', session_user, p_verifier);
    UPDATE mdb_logins SET must_change = 0, set_by = session_user, set_at = mdb_utc_now()
    WHERE login = session_user::text COLLATE "default";
END
$$;

REVOKE ALL ON FUNCTION mdb_login_caller_may_manage() FROM PUBLIC;
REVOKE ALL ON FUNCTION mdb_login_sync(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION mdb_login_set(text, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION mdb_login_own_password(text) FROM PUBLIC;
REVOKE ALL ON mdb_logins FROM PUBLIC;

-- The access log's user is the login the server authenticated: for every record a staff login
-- writes, user_id, user_name and role come from session_user and the staff table, whatever the
-- client sent (on_behalf_of, the event and the details are the program's). The owner's records
-- (the set-up, and those move-to-server carries in from a workstation store) keep theirs.
CREATE OR REPLACE FUNCTION mdb_audit_log_user() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp
AS $$
DECLARE
    v_keep boolean;
    v_name text;
    v_role text;
BEGIN
    -- One query per record (a batch writes thousands): a superuser is a member of every role,
    -- so membership of the database owner covers both. session_user is of type name (collation
    -- "C"): compared as text in the default collation, so that the staff table's key is used
    -- (otherwise every record read the whole staff table: 0.3 ms each with 1,600 staff).
    SELECT pg_has_role(session_user, d.datdba, 'MEMBER'), s.name, s.role
        INTO v_keep, v_name, v_role
        FROM pg_database d LEFT JOIN staff s ON s.staff_id = session_user::text COLLATE "default"
        WHERE d.datname = current_database();
    IF v_keep THEN
        RETURN NEW;
    END IF;
    NEW.user_id := session_user;
    NEW.user_name := coalesce(v_name, session_user);
    NEW.role := coalesce(v_role, 'onbekend');
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION mdb_audit_log_user() FROM PUBLIC;
DROP TRIGGER IF EXISTS audit_log_user ON audit_log;
CREATE TRIGGER audit_log_user BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION mdb_audit_log_user();

-- Colleagues' screens learn of a change at commit: one notification per statement on channel
-- mdb_changes, with the table and the keys it touched (JSON; at most 200 keys, else none:
-- "reload what you show"). The listener of every open desktop turns it into a store event.
-- A statement that touched no row sends nothing (an INSERT ... ON CONFLICT DO UPDATE runs the
-- INSERT triggers with no new rows), nor does renewing an MDB chair's lease (the same seat
-- keeps it): only a chair that is taken, handed over or given up is news.
CREATE OR REPLACE FUNCTION mdb_notify_change() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_rows text := CASE WHEN TG_OP = 'DELETE' THEN 'old_rows' ELSE 'new_rows' END;
    v_keys jsonb;
    v_cases jsonb;
    v_count integer;
BEGIN
    EXECUTE format('SELECT count(*), jsonb_agg(DISTINCT k) FROM (SELECT (to_jsonb(r) ->> %L) AS k '
                   'FROM %I r LIMIT 201) x', TG_ARGV[0], v_rows)
    INTO v_count, v_keys;
    IF v_count = 0 THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'meeting_chairs' AND TG_OP = 'UPDATE' THEN
        PERFORM 1 FROM new_rows n JOIN old_rows o ON o.meeting_id = n.meeting_id
        WHERE n.seat IS DISTINCT FROM o.seat OR n.holder_id IS DISTINCT FROM o.holder_id;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    IF v_count > 200 THEN
        v_keys := NULL;
    END IF;
    IF TG_NARGS > 1 THEN  -- the cases the rows belong to
        EXECUTE format('SELECT count(*), jsonb_agg(DISTINCT k) FROM (SELECT (to_jsonb(r) ->> %L) '
                       'AS k FROM %I r LIMIT 201) x', TG_ARGV[1], v_rows)
        INTO v_count, v_cases;
        IF v_count > 200 THEN
            v_keys := NULL;
            v_cases := NULL;
        END IF;
    END IF;
    PERFORM pg_notify('mdb_changes', json_build_object(
        'table', TG_TABLE_NAME, 'keys', v_keys, 'cases', v_cases, 'by', session_user)::text);
    RETURN NULL;
END
$$;

-- One statement trigger per table and kind of change; a table's notification names its key
-- column (and, for rows that belong to a case, the case's).
DO $$
DECLARE
    v_table text;
    v_key text;
    v_case text;
    v_op text;
    v_args text;
BEGIN
    FOR v_table, v_key, v_case IN
        SELECT * FROM (VALUES
        ('cases', 'case_ref', NULL),
        ('tasks', 'task_id', 'case_ref'),
        ('delegations', 'delegation_id', NULL),
        ('meetings', 'meeting_id', NULL),
        ('meeting_decisions', 'meeting_id', 'case_ref'),
        ('meeting_agenda', 'meeting_id', 'case_ref'),
        ('staff', 'staff_id', NULL),
        ('central_decisions', 'central_ref', 'case_ref'),
        ('absences', 'staff_id', NULL)
        ) AS t (table_name, key_column, case_column)
    LOOP
        v_args := quote_literal(v_key) || coalesce(', ' || quote_literal(v_case), '');
        FOREACH v_op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', v_table || '_notify_' || v_op, v_table);
            EXECUTE format(
                'CREATE TRIGGER %I AFTER %s ON %I REFERENCING %s TABLE AS %s '
                'FOR EACH STATEMENT EXECUTE FUNCTION mdb_notify_change(%s)',
                v_table || '_notify_' || v_op, upper(v_op), v_table,
                CASE v_op WHEN 'delete' THEN 'OLD' ELSE 'NEW' END,
                CASE v_op WHEN 'delete' THEN 'old_rows' ELSE 'new_rows' END,
                v_args);
        END LOOP;
    END LOOP;
END
$$;

-- The MDB chairs: a renewal of the lease (same holder, new expiry) sends nothing.
DROP TRIGGER IF EXISTS meeting_chairs_notify_insert ON meeting_chairs;
CREATE TRIGGER meeting_chairs_notify_insert AFTER INSERT ON meeting_chairs REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION mdb_notify_change('meeting_id');
DROP TRIGGER IF EXISTS meeting_chairs_notify_update ON meeting_chairs;
CREATE TRIGGER meeting_chairs_notify_update AFTER UPDATE ON meeting_chairs
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION mdb_notify_change('meeting_id');
DROP TRIGGER IF EXISTS meeting_chairs_notify_delete ON meeting_chairs;
CREATE TRIGGER meeting_chairs_notify_delete AFTER DELETE ON meeting_chairs REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION mdb_notify_change('meeting_id');

-- Medical notes are read and written only by the medical roles (VA, AIOS, SMV, MSP): row-level
-- security on the login's group membership, so that a non-medical login cannot read them even
-- with an SQL client of its own. The owner (IT, the set-up) is not subject to it.
CREATE OR REPLACE FUNCTION mdb_is_medical() RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT pg_has_role(session_user, current_database() || '_va', 'MEMBER')
        OR pg_has_role(session_user, current_database() || '_aios', 'MEMBER')
        OR pg_has_role(session_user, current_database() || '_smv', 'MEMBER')
        OR pg_has_role(session_user, current_database() || '_msp', 'MEMBER')
$$;
ALTER TABLE case_notes ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS case_notes_medical ON case_notes;
CREATE POLICY case_notes_medical ON case_notes
    USING (medical = 0 OR mdb_is_medical())
    WITH CHECK (medical = 0 OR mdb_is_medical());

-- The medical considerations of MDB decisions are a column: readable and writable only by the
-- medical groups (column privileges); the application's other columns stay as they are. The
-- program leaves the column out of what a non-medical login reads and writes.
DO $$
DECLARE
    v_app text := current_database() || '_app';
    v_columns text;
    v_group text;
BEGIN
    SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO v_columns
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = 'meeting_decisions'
      AND column_name <> 'medical_remarks';
    EXECUTE format('REVOKE SELECT, INSERT, UPDATE ON meeting_decisions FROM %I', v_app);
    EXECUTE format('GRANT SELECT (%s), INSERT (%s), UPDATE (%s) ON meeting_decisions TO %I',
                   v_columns, v_columns, v_columns, v_app);
    FOREACH v_group IN ARRAY ARRAY['va', 'aios', 'smv', 'msp'] LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON meeting_decisions TO %I',
                       current_database() || '_' || v_group);
    END LOOP;
END
$$;
