"""How a program learns that others changed the store: a change watcher per backend.

The desktop asks its watcher every half second or so whether anything was committed that it
did not write itself; when so, its screens read again what they show. The workstation store
answers with SQLite's ``PRAGMA data_version``, asked on the store's own connection: it changes
with every commit of another connection (another program on the same file, or a connection of
this program in a worker thread, such as an import) and never with the connection's own
commits, which the program reports itself. An office store supplies its own watcher.
"""

from __future__ import annotations

import sqlite3
from typing import Protocol

from mdbtriage.store.database import Store, db_errors


class ChangeWatcher(Protocol):
    """Tells whether others committed changes since it was last asked."""

    def poll(self) -> bool:
        """Whether others committed anything since the previous call (or since the watcher was
        made); cheap enough to ask twice a second on the GUI thread."""
        ...


def change_counter(conn: sqlite3.Connection) -> int:
    """A number that changes whenever another connection commits to the database ``conn`` is
    open on (``PRAGMA data_version``); the connection's own commits leave it as it is."""
    row = conn.execute("PRAGMA data_version").fetchone()
    return int(row[0])


class DataVersionWatcher:
    """The workstation store's watcher: the change counter of one connection, compared with the
    value it had when last asked."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._last = self._read()

    def _read(self) -> int | None:
        try:
            return change_counter(self._conn)
        except db_errors():  # closed meanwhile (signed out): nothing more to learn
            return None

    def poll(self) -> bool:
        current = self._read()
        if current is None or current == self._last:
            return False
        self._last = current
        return True


def change_watcher(store: Store) -> ChangeWatcher:
    """The watcher for an open store: on the workstation store, on the store's own connection,
    so that what the program itself writes there is not reported back to it."""
    return DataVersionWatcher(store.sqlite)
