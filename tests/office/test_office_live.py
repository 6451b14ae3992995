"""The office store at work with several workstations: who the log names is the login the
server authenticated, and colleagues' commits reach the other programs' watchers."""

from __future__ import annotations

import time
from datetime import date

import pytest

from mdbtriage.core.model import Actor
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.changes import OfficeWatcher, change_watcher
from mdbtriage.store.connection import stream_rows
from mdbtriage.store.office_store import OfficeStore
from mdbtriage.store.records import CASE_ROW_COLUMNS, case_rows, open_cases
from mdbtriage.store.tasks import assign_task
from tests.office.conftest import DAY, TL, OfficeDb, database_url

VA = "SMC-UTRECHT-1-VA2"
TODAY = date.fromisoformat(DAY)


def open_as(db: OfficeDb, login: str | None = None) -> OfficeStore:
    url = database_url(db.admin_url, db.name, login) if login else db.url
    return OfficeStore.open_url(url)


def test_the_log_names_the_login_whatever_the_program_sends(demo_office: OfficeDb) -> None:
    store = open_as(demo_office, VA)
    with store:
        forged = Actor(user_id=TL, name="Iemand Anders", role="TL")
        with store.atomic() as conn:
            log(conn, forged, AuditEntry(event="read", purpose="test vervalsing"))
        row = store.conn.execute(
            "SELECT user_id, role FROM audit_log WHERE purpose = 'test vervalsing'"
        ).fetchone()
    assert tuple(row) == (VA, "VA")


def test_the_application_cannot_change_or_remove_log_records(demo_office: OfficeDb) -> None:
    import psycopg

    with demo_office.connect(VA) as conn:
        for statement in ("UPDATE audit_log SET details = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_a_colleagues_assignment_reaches_the_other_watcher(demo_office: OfficeDb) -> None:
    va, tl = open_as(demo_office, VA), open_as(demo_office, TL)
    try:
        watcher = change_watcher(tl)
        assert isinstance(watcher, OfficeWatcher)
        mine = change_watcher(va)
        assert not watcher.poll()
        ref = va.conn.execute(
            "SELECT case_ref FROM cases WHERE team_id = 'SMC-UTRECHT-1' AND service = 'ZW' "
            "AND status != 'afgerond' ORDER BY case_ref LIMIT 1"
        ).fetchone()[0]
        actor = Actor(user_id=VA, name="VA", role="VA")
        started = time.monotonic()
        task_id = assign_task(
            va, actor, case_ref=ref, task_code="DOSSIERSTUDIE", assignee_id=VA, on=TODAY
        )
        while not watcher.poll():
            assert time.monotonic() - started < 2, "no notification within 2 s"
            time.sleep(0.05)
        tasks = [n for n in watcher.notices if n.table == "tasks"]
        assert tasks and str(task_id) in tasks[0].keys and ref in tasks[0].cases
        assert tasks[0].by == VA
        # The VA's own program is not told of its own commit.
        assert not mine.poll()
    finally:
        va.close()
        tl.close()


def _cut_off(db: OfficeDb, store: OfficeStore) -> None:
    """The server ends the store's connection (a restart, a dropped network)."""
    pid = store.conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    with db.connect() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def _cut_off_other(db: OfficeDb, store: OfficeStore) -> None:
    """As :func:`_cut_off`, for a store whose connection is busy sending rows."""
    with db.connect() as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE %s AND pid != pg_backend_pid()",
            ("%generate_series(1, 50000000)%",),
        )


def test_a_lost_connection_comes_back_by_itself_for_reading(demo_office: OfficeDb) -> None:
    store = open_as(demo_office, VA)
    try:
        _cut_off(demo_office, store)
        assert store.count("cases") > 0  # read again on a new connection
    finally:
        store.close()


def test_a_streamed_read_comes_back_by_itself_when_the_connection_was_lost(
    demo_office: OfficeDb,
) -> None:
    """The werkvoorraad's read (rows streamed a chunk at a time) is asked again on a new
    connection when the old one went before it began, as any other read."""
    store = open_as(demo_office, VA)
    try:
        before = [case.facts.case_ref for case in open_cases(store)]
        _cut_off(demo_office, store)
        assert [case.facts.case_ref for case in open_cases(store)] == before
        assert before
    finally:
        store.close()


def test_a_connection_lost_while_rows_stream_in_is_reported_in_dutch(
    demo_office: OfficeDb,
) -> None:
    """Rows already handed over cannot be asked for again: the loss is reported (no hang, no
    half list taken for the whole), and the next read works on a new connection."""
    from mdbtriage.store.office import OfficeUnreachable

    store = open_as(demo_office, VA)
    try:
        rows = stream_rows(store.conn, "SELECT g FROM generate_series(1, 50000000) AS g")
        assert next(rows) == (1,)
        _cut_off_other(demo_office, store)
        with pytest.raises(OfficeUnreachable, match="Kantooropslag"):
            for _row in rows:
                pass
        assert store.count("cases") > 0
    finally:
        store.close()


def test_a_read_that_fails_halfway_leaves_the_connection_free(demo_office: OfficeDb) -> None:
    """A row that cannot be read (here: a date that is no date) ends the werkvoorraad's read
    with an error; the rest of the streamed read is cancelled at once, so the next statement
    on the connection runs, even while the error (and its traceback) is still kept."""
    import threading

    store = open_as(demo_office, VA)
    try:
        columns = CASE_ROW_COLUMNS.replace("c.received_on", "'geen datum'", 1)
        sql = (
            f"SELECT {columns} FROM cases c JOIN clients k ON k.client_id = c.client_id, "
            "generate_series(1, 200) AS g"
        )
        with pytest.raises(ValueError) as kept:
            case_rows(stream_rows(store.conn, sql))
        assert kept.value is not None
        answered: list[object] = []
        reader = threading.Thread(
            target=lambda: answered.append(store.conn.execute("SELECT 1").fetchone()),
            daemon=True,
        )
        reader.start()
        reader.join(10)
        assert answered == [(1,)]
        assert not store.conn.in_transaction
    finally:
        store.close()


def test_without_chunked_rows_the_read_is_the_same(
    demo_office: OfficeDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a libpq before 17 (no chunked rows) the rows come from the whole result, the same."""
    from mdbtriage.store import office_conn

    store = open_as(demo_office, VA)
    try:
        streamed = [case.facts.case_ref for case in open_cases(store)]
        monkeypatch.setattr(office_conn, "CHUNKED_ROWS", False)
        assert [case.facts.case_ref for case in open_cases(store)] == streamed
    finally:
        store.close()


def test_a_change_in_flight_when_the_connection_drops_is_not_stored_and_says_so(
    demo_office: OfficeDb,
) -> None:
    from mdbtriage.store.office import OfficeUnreachable

    store = open_as(demo_office, VA)
    try:
        before = store.count("audit_log")
        with (
            pytest.raises(OfficeUnreachable, match="niet opgeslagen"),
            store.atomic() as conn,
        ):
            log(conn, Actor(VA, "VA", "VA"), AuditEntry(event="read", purpose="onderweg"))
            _cut_off(demo_office, store)
            log(conn, Actor(VA, "VA", "VA"), AuditEntry(event="read", purpose="onderweg"))
        # The next change works again, on a new connection; the first one was not stored.
        with store.atomic() as conn:
            log(conn, Actor(VA, "VA", "VA"), AuditEntry(event="read", purpose="daarna"))
        purposes = [
            r[0]
            for r in store.conn.execute(
                "SELECT purpose FROM audit_log WHERE log_id > (SELECT max(log_id) - 5 FROM audit_log)"
            )
        ]
        assert "onderweg" not in purposes and "daarna" in purposes
        assert store.count("audit_log") == before + 1
    finally:
        store.close()


def test_medical_notes_are_hidden_from_non_medical_logins_by_the_database(
    demo_office: OfficeDb,
) -> None:
    import psycopg

    from mdbtriage.store.dossier import add_note

    va = open_as(demo_office, VA)
    try:
        ref = va.conn.execute("SELECT case_ref FROM cases ORDER BY case_ref LIMIT 1").fetchone()[0]
        add_note(va, Actor(VA, "VA", "VA"), ref, "Hernia L4-L5, pijn bij zitten.", medical=True)
        add_note(va, Actor(VA, "VA", "VA"), ref, "Werkgever belt terug.", medical=False)
    finally:
        va.close()
    # An administrative login with its own SQL client: the medical note is not there at all.
    with demo_office.connect("SMC-UTRECHT-1-AD1") as ad:
        texts = [
            r[0] for r in ad.execute("SELECT text FROM case_notes WHERE case_ref = %s", (ref,))
        ]
        assert texts == ["Werkgever belt terug."]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ad.execute(
                "INSERT INTO case_notes (case_ref, medical, text, author_id, author_name, "
                "created_at) VALUES (%s, 1, 'x', 'a', 'a', 'nu')",
                (ref,),
            )
    with demo_office.connect("SMC-UTRECHT-1-SMV1") as smv:
        count = smv.execute("SELECT count(*) FROM case_notes WHERE case_ref = %s", (ref,))
        assert count.fetchone()[0] == 2


def test_medical_mdb_considerations_are_for_the_medical_groups_only(
    demo_office: OfficeDb,
) -> None:
    import psycopg

    from mdbtriage.store import meetings as repo

    tl = open_as(demo_office, TL)
    va = open_as(demo_office, VA)
    try:
        meeting_id, ref = va.conn.execute(
            "SELECT d.meeting_id, d.case_ref FROM meeting_decisions d "
            "JOIN meetings m ON m.meeting_id = d.meeting_id WHERE d.medical_remarks != '' "
            "ORDER BY 1, 2 LIMIT 1"
        ).fetchone()
        medical = repo.decisions(va, meeting_id)[ref].medical_remarks
        assert medical
        assert repo.decisions(tl, meeting_id)[ref].medical_remarks == ""
    finally:
        tl.close()
        va.close()
    with demo_office.connect("SMC-UTRECHT-1-AD1") as ad:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ad.execute("SELECT medical_remarks FROM meeting_decisions")
        ad.execute("SELECT remarks FROM meeting_decisions").fetchall()


def test_truncate_of_the_log_is_refused_to_the_application_and_the_owner(
    demo_office: OfficeDb,
) -> None:
    import psycopg

    with demo_office.connect(VA) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("TRUNCATE audit_log")
    with demo_office.connect() as owner, pytest.raises(psycopg.errors.IntegrityError):
        owner.execute("TRUNCATE audit_log")


def test_a_record_edited_behind_the_triggers_is_named_by_check(demo_office: OfficeDb) -> None:
    """Someone with the server's superuser switches the triggers off, edits a record and
    switches them on again: check names the record whose hash no longer holds."""
    from tests.pg_fixtures import run

    with demo_office.connect() as admin:
        target = admin.execute("SELECT min(log_id) + 5 FROM audit_log").fetchone()[0]
        admin.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
        admin.execute("UPDATE audit_log SET details = 'iets anders' WHERE log_id = %s", (target,))
        admin.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")
    code, _, err = run(demo_office.url, "check")
    assert code == 1
    assert str(target) in err


def test_team_lead_rules_hold_on_the_office_store(demo_office: OfficeDb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.pg_fixtures import run

    smv = database_url(demo_office.admin_url, demo_office.name, "SMC-UTRECHT-1-SMV1")
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "staff_id;name;role;team;big_number;qualifications;hours_per_week;active\n"
        "SMC-UTRECHT-1-SMV1;Ikzelf;TL;SMC-UTRECHT-1;;;36;ja\n",
        encoding="utf-8",
    )
    code, _, err = run(smv, "import-staff", str(staff))
    assert code == 3 and "teamleider" in err
    code, _, err = run(smv, "audit", "--user", VA, "--format", "json")
    assert code == 3
    with demo_office.connect() as conn:
        refused = conn.execute(
            "SELECT count(*) FROM audit_log WHERE user_id = 'SMC-UTRECHT-1-SMV1' "
            "AND outcome = 'geweigerd'"
        ).fetchone()[0]
    assert refused >= 2


def test_naming_someone_else_with_user_is_refused_and_logged(demo_office: OfficeDb) -> None:
    """On the office store the server authenticated the login: --user cannot name another."""
    from tests.pg_fixtures import run

    smv = database_url(demo_office.admin_url, demo_office.name, "SMC-UTRECHT-1-SMV1")
    code, _, err = run(smv, "--user", VA, "queue", "--on", DAY)
    assert code == 3 and "kan daar niet van afwijken" in err
    with demo_office.connect() as conn:
        row = conn.execute(
            "SELECT user_id, outcome, details FROM audit_log WHERE event = 'signin' "
            "ORDER BY log_id DESC LIMIT 1"
        ).fetchone()
    assert row[0] == "SMC-UTRECHT-1-SMV1" and row[1] == "geweigerd" and VA in row[2]
