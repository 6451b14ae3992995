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
    IF NOT EXISTS (SELECT 1 FROM staff WHERE staff_id = session_user) THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = 'alleen een medewerker wijzigt hier het eigen wachtwoord';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', session_user, p_verifier);
    UPDATE mdb_logins SET must_change = 0, set_by = session_user, set_at = mdb_utc_now()
    WHERE login = session_user;
END
$$;

REVOKE ALL ON FUNCTION mdb_login_caller_may_manage() FROM PUBLIC;
REVOKE ALL ON FUNCTION mdb_login_sync(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION mdb_login_set(text, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION mdb_login_own_password(text) FROM PUBLIC;
REVOKE ALL ON mdb_logins FROM PUBLIC;
