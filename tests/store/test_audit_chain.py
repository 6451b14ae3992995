"""The access log's hash chain: every way of writing a record extends it, a record changed or
removed by hand breaks it at that record, and a recomputed chain loses earlier heads."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdbtriage.core.model import Actor
from mdbtriage.store import audit_chain
from mdbtriage.store.audit import AuditEntry, log, log_many, log_selected
from mdbtriage.store.database import Store

FIXTURES = Path(__file__).parents[1] / "fixtures"
ACTORS = [
    Actor("V1", "Vera Arts", "VA"),
    Actor("S1", "Sanne Smit", "SMV", on_behalf_of="V1"),
    Actor.system_account("jan"),
]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
ENTRIES = st.builds(
    AuditEntry,
    event=st.sampled_from(["create", "read", "change", "export", "search", "signin"]),
    purpose=TEXT,
    client_id=st.none() | st.integers(1, 50),
    case_ref=st.none() | st.from_regex(r"R-[0-9]{1,3}", fullmatch=True),
    outcome=st.sampled_from(["gelukt", "geweigerd"]),
    details=TEXT,
)
# One action: a single record, a batch written row by row or through a staging table, or a
# batch written by INSERT … SELECT (as a case import does).
ACTIONS = st.tuples(
    st.sampled_from(["one", "many", "selected"]),
    st.integers(0, len(ACTORS) - 1),
    st.lists(ENTRIES, min_size=1, max_size=40),
)


def _write(store: Store, actions: list[tuple[str, int, list[AuditEntry]]]) -> None:
    for kind, who, entries in actions:
        actor = ACTORS[who]
        with store.atomic() as conn:
            if kind == "one":
                log(conn, actor, entries[0])
            elif kind == "many":
                log_many(conn, actor, entries)
            else:
                values = " UNION ALL ".join(
                    f"SELECT {i}, 'read', {e.client_id or 'NULL'}, 'R-{i}', 'bulk'"
                    for i, e in enumerate(entries)
                )
                log_selected(conn, actor, "import", values)


def _unprotect(conn: sqlite3.Connection) -> None:
    """What someone with the file can do: drop the append-only triggers."""
    for name in ("audit_log_no_update", "audit_log_no_delete", "audit_chain_no_delete"):
        conn.execute(f"DROP TRIGGER {name}")


CHANGES = {
    "at": "2020-01-01T00:00:00.000000Z",
    "event": "delete",
    "client_id": 999,
    "case_ref": "R-999",
    "user_id": "X9",
    "user_name": "Iemand Anders",
    "role": "TL",
    "on_behalf_of": "X9",
    "outcome": "mislukt",
    "purpose": "iets anders",
    "details": "gewijzigd",
}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    actions=st.lists(ACTIONS, min_size=1, max_size=6),
    pick=st.integers(0, 10_000),
    field=st.sampled_from(sorted(CHANGES)),
)
def test_any_logged_sequence_verifies_and_any_single_change_breaks_it(
    actions: list[tuple[str, int, list[AuditEntry]]], pick: int, field: str
) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        with Store.open(folder / "s.sqlite3") as store:
            _write(store, actions)
            conn = store.conn
            assert audit_chain.verify(conn) is None
            ids = [int(r[0]) for r in conn.execute("SELECT log_id FROM audit_log ORDER BY 1")]
            assert store.count("audit_chain") == len(ids)
            victim = ids[pick % len(ids)]
            before = conn.execute(
                f"SELECT {field} FROM audit_log WHERE log_id = ?", (victim,)
            ).fetchone()[0]
            _unprotect(conn)
            new = CHANGES[field] if before != CHANGES[field] else "anders"
            conn.execute(f"UPDATE audit_log SET {field} = ? WHERE log_id = ?", (new, victim))
            broken = audit_chain.verify(conn)
            assert broken is not None and broken.log_id == victim
            assert f"logregel {victim}" in broken.message()
    finally:
        shutil.rmtree(folder)


def test_a_removed_record_is_named_by_the_next_and_a_removed_tail_by_the_anchor(
    store: Store, actor: Actor
) -> None:
    for i in range(5):
        with store.atomic() as conn:
            log(conn, actor, AuditEntry(event="read", purpose="inzien", case_ref=f"R-{i}"))
    conn = store.conn
    old_head = audit_chain.head(conn)
    assert old_head is not None and audit_chain.find_anchor(conn, old_head) == 5
    _unprotect(conn)
    conn.execute("DELETE FROM audit_log WHERE log_id = 3")
    conn.execute("DELETE FROM audit_chain WHERE log_id = 3")
    broken = audit_chain.verify(conn)
    assert broken is not None and broken.log_id == 4
    conn.execute("DELETE FROM audit_log WHERE log_id = 2")  # its hash left behind
    assert audit_chain.verify(conn) == audit_chain.ChainBreak(
        4,
        "de hash klopt niet: deze regel is gewijzigd, of een regel ervoor is verwijderd "
        "of gewijzigd",
    )


def test_a_recomputed_chain_verifies_but_loses_the_old_head(store: Store, actor: Actor) -> None:
    for i in range(4):
        with store.atomic() as conn:
            log(conn, actor, AuditEntry(event="read", purpose="inzien", case_ref=f"R-{i}"))
    conn = store.conn
    anchor = audit_chain.head(conn)
    assert anchor is not None
    _unprotect(conn)
    conn.execute("DROP TRIGGER audit_chain_no_update")
    conn.execute("UPDATE audit_log SET user_id = 'X9' WHERE log_id = 2")
    previous = ""
    for row in conn.execute("SELECT * FROM audit_log ORDER BY log_id").fetchall():
        previous = audit_chain.chain_hash(previous, *row)
        conn.execute("UPDATE audit_chain SET hash = ? WHERE log_id = ?", (previous, row[0]))
    assert audit_chain.verify(conn) is None
    assert audit_chain.find_anchor(conn, anchor) is None


def test_the_log_and_its_chain_refuse_changes(store: Store, actor: Actor) -> None:
    with store.atomic() as conn:
        log(conn, actor, AuditEntry(event="read", purpose="inzien"))
    for sql in (
        "UPDATE audit_chain SET hash = 'x'",
        "DELETE FROM audit_chain",
        "UPDATE audit_log SET details = 'x'",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="alleen aan te vullen"):
            store.conn.execute(sql)


def test_records_from_before_the_chain_are_chained_by_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "oud.sqlite3"
    shutil.copy(FIXTURES / "store-v1.sqlite3", path)
    with Store.open(path) as store:
        count = store.count("audit_log")
        assert count > 0 and store.count("audit_chain") == count
        assert audit_chain.verify(store.conn) is None


def test_an_encrypted_store_keeps_its_chain(tmp_path: Path, actor: Actor) -> None:
    pytest.importorskip("sqlcipher3")
    path = tmp_path / "geheim.sqlite3"
    with Store.open(path, passphrase="paard batterij nietje") as store:
        for i in range(40):
            with store.atomic() as conn:
                log(conn, actor, AuditEntry(event="read", purpose="inzien", case_ref=f"R-{i}"))
        head = audit_chain.head(store.conn)
        assert audit_chain.verify(store.conn) is None
    assert audit_chain.file_head(path, "paard batterij nietje") == head
