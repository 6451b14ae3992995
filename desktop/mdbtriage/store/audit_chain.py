"""Tamper evidence for the access log: every record's hash chained to the previous one.

The database computes the chain itself: an ``AFTER INSERT`` trigger on ``audit_log`` (migration
0008) writes ``audit_chain (log_id, hash)`` with :func:`chain_hash`, registered on every
connection as the deterministic SQL function ``mdb_chain_hash``. So every way a record is
written (one by one, a bulk ``INSERT … SELECT`` of thousands, a restore carrying records over)
extends the chain in the same transaction.

What this finds, stated truthfully: a record edited or removed by hand without recomputing the
chain is found by :func:`verify` (the first broken record is named). Someone with the whole
file can recompute the chain; that is found only against an anchor kept elsewhere (a backup, a
printed head): :func:`find_anchor` says whether that head is still in the log.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from mdbtriage.store.connection import Connection

SQL_FUNCTION = "mdb_chain_hash"
GENESIS = ""
# The record's fields in the order they are hashed (``log_id`` first).
FIELDS = (
    "log_id",
    "at",
    "event",
    "client_id",
    "case_ref",
    "user_id",
    "user_name",
    "role",
    "on_behalf_of",
    "outcome",
    "purpose",
    "details",
)


def chain_hash(previous: str | None, *fields: object) -> str:
    """SHA-256 (hex) over the previous record's hash and this record's fields, each written as
    its length and text (``-`` for NULL), so no two different records read the same."""
    parts = [previous or GENESIS]
    for value in fields:
        if value is None:
            parts.append("-")
        else:
            text = str(value)
            parts.append(f"{len(text)}:{text}")
    return hashlib.sha256("\x1e".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def register(conn: sqlite3.Connection) -> None:
    """Make ``mdb_chain_hash`` known on ``conn`` (plain sqlite3 or SQLCipher): the trigger that
    extends the chain calls it, so every connection that may write the log needs it."""
    conn.create_function(SQL_FUNCTION, 1 + len(FIELDS), chain_hash, deterministic=True)


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first record where the chain does not hold, and why (Dutch)."""

    log_id: int
    reason: str

    def message(self) -> str:
        return (
            f"toegangslogboek: de hashketen is verbroken bij logregel {self.log_id}: {self.reason}"
        )


def head(conn: Connection) -> str | None:
    """The hash of the newest record (the chain's head), or None for an empty log."""
    row = conn.execute("SELECT hash FROM audit_chain ORDER BY log_id DESC LIMIT 1").fetchone()
    return str(row[0]) if row else None


def verify(conn: Connection) -> ChainBreak | None:
    """Recompute the chain over the whole log, oldest first; the first break, or None."""
    columns = ", ".join(f"a.{name}" for name in FIELDS)
    rows = conn.execute(
        f"SELECT {columns}, c.hash FROM audit_log a LEFT JOIN audit_chain c USING (log_id) "
        "ORDER BY a.log_id"
    )
    previous = GENESIS
    for row in rows:
        log_id, stored = int(row[0]), row[-1]
        if stored is None:
            return ChainBreak(log_id, "de regel heeft geen hash (buiten MDB Triage om toegevoegd)")
        if chain_hash(previous, *row[:-1]) != stored:
            return ChainBreak(
                log_id,
                "de hash klopt niet: deze regel is gewijzigd, of een regel ervoor is verwijderd "
                "of gewijzigd",
            )
        previous = str(stored)
    orphan = conn.execute(
        "SELECT min(log_id) FROM audit_chain WHERE log_id NOT IN (SELECT log_id FROM audit_log)"
    ).fetchone()[0]
    if orphan is not None:
        return ChainBreak(int(orphan), "de regel is verwijderd (de hash is er nog)")
    return None


def find_anchor(conn: Connection, anchor: str) -> int | None:
    """The record whose hash is ``anchor`` (a head noted earlier), or None when the log no
    longer contains it: then the log was rewritten or cut short after that moment."""
    row = conn.execute(
        "SELECT log_id FROM audit_chain WHERE hash = ?", (anchor.strip().lower(),)
    ).fetchone()
    return int(row[0]) if row else None


def file_head(path: Path, passphrase: str | None = None) -> str | None:
    """The chain's head in a store or backup file, read-only (``passphrase`` for an encrypted
    one); None when its log is empty or from before the chain. Raises ``StoreError`` (Dutch)
    when the file cannot be read."""
    from mdbtriage.store.database import StoreError, connect_file, db_errors

    try:
        conn = connect_file(path, passphrase, readonly=True)
    except db_errors(StoreError) as error:
        raise StoreError(f"{path} kan niet worden gelezen ({error})") from None
    try:
        known = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_chain'"
        ).fetchone()
        return head(conn) if known else None
    except db_errors() as error:
        raise StoreError(f"{path} is geen leesbare opslag of reservekopie ({error})") from None
    finally:
        conn.close()
