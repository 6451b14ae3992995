"""A restore keeps the access log's anchors: every head the log had between the backup and the
restore is still in the restored chain, the chain verifies, and the restore's one record names the
range carried and the replaced store's head."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.model import Actor
from mdbtriage.store import audit_chain
from mdbtriage.store.audit import AuditEntry, log, records
from mdbtriage.store.backup import create_backup, restore_backup
from mdbtriage.store.database import Store

PERSON = Actor(user_id="T-PO1", name="Privacy Functionaris", role="PO")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _write(store: Store, texts: list[str]) -> list[str]:
    """One record per text; the head after each."""
    heads = []
    for text in texts:
        with store.atomic() as conn:
            log(conn, PERSON, AuditEntry(event="read", purpose="nakijken", details=text))
        head = audit_chain.head(store.conn)
        assert head is not None
        heads.append(head)
    return heads


@settings(max_examples=10, deadline=None)
@given(
    before=st.lists(st.text(max_size=30), max_size=4),
    after=st.lists(st.text(max_size=30), min_size=1, max_size=8),
)
def test_every_head_noted_before_the_restore_is_still_found(
    tmp_path_factory: pytest.TempPathFactory, before: list[str], after: list[str]
) -> None:
    path = tmp_path_factory.mktemp("anker") / "store.sqlite3"
    store = Store.open(path)
    noted = _write(store, before)
    copy = create_backup(store, now=T0, retention=None)
    newest_in_copy = int(
        store.conn.execute("SELECT coalesce(max(log_id), 0) FROM audit_log").fetchone()[0]
    )
    noted += _write(store, after)
    replaced_head = audit_chain.head(store.conn)
    store.close()

    restore_backup(path, copy, actor=PERSON)

    with Store.open(path) as restored:
        assert audit_chain.verify(restored.conn) is None
        assert all(audit_chain.find_anchor(restored.conn, head) is not None for head in noted)
        last = records(restored.conn)[-1]
        newest = int(restored.conn.execute("SELECT max(log_id) FROM audit_log").fetchone()[0])
    assert last.purpose == "reservekopie terugzetten"
    assert f"logregels {newest_in_copy + 1} t/m {newest - 1} ongewijzigd overgenomen" in (
        last.details
    )
    assert f"ketenkop van de vervangen opslag: {replaced_head} (behouden" in last.details
