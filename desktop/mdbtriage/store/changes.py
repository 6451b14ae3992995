"""How a program learns that others changed the store: a change watcher per backend.

The desktop asks its watcher every half second or so whether anything was committed that it
did not write itself; when so, its screens read again what they show. The workstation store
answers with SQLite's ``PRAGMA data_version``, asked on the store's own connection: it changes
with every commit of another connection (another program on the same file, or a connection of
this program in a worker thread, such as an import) and never with the connection's own
commits, which the program reports itself.

The office store's watcher listens on a connection of its own (``LISTEN mdb_changes``): the
database sends, at commit, one notification per statement with the table, the keys it touched
and the login that made the change (``db/pg/server.sql``). Notifications sent by the store's
own connection are left out, as on the workstation store; what came in is kept in
:attr:`OfficeWatcher.notices` until the next ask, so that screens can update the rows named.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Protocol

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


@dataclass(frozen=True, slots=True)
class Notice:
    """One change another connection committed to the office store: the table, the keys it
    touched (None: too many to name, read everything again) and the login that made it."""

    table: str
    keys: tuple[str, ...] | None
    by: str | None
    cases: tuple[str, ...] = ()  # the cases the rows belong to (tasks, MDB decisions, …)


def parse_notice(payload: str) -> Notice | None:
    """A notification's payload (JSON from ``mdb_notify_change``); None when unreadable."""
    try:
        data = json.loads(payload)
        keys = data.get("keys")
        return Notice(
            table=str(data["table"]),
            keys=None if keys is None else tuple(str(k) for k in keys if k is not None),
            by=str(data["by"]) if data.get("by") else None,
            cases=tuple(str(k) for k in data.get("cases") or () if k is not None),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


class OfficeWatcher:
    """The office store's watcher: LISTEN on a connection of its own; :meth:`poll` reads what
    arrived without waiting (libpq's ``consumeInput``), so it may be asked on the GUI thread."""

    CHANNEL = "mdb_changes"

    # While the server cannot be reached, a new listener is tried every this many asks.
    RETRY_EVERY = 6

    def __init__(self, store: Store) -> None:
        self.notices: list[Notice] = []
        self.connected = True
        self._store = store
        self._own_pids = {self._pid(store)}
        self._tries = 0
        self._listener: Store | None = None
        self._listen()

    def _listen(self) -> None:
        listener = Store.open(self._store.path)
        listener.conn.execute(f"LISTEN {self.CHANNEL}")
        self._listener = listener

    def _come_back(self) -> bool:
        """After a lost connection: a new listener (and the store's own connection checked);
        what was missed meanwhile is unknown, so everything is read again."""
        self._tries += 1
        if self._tries % self.RETRY_EVERY:
            return False
        reconnect = getattr(self._store.conn, "reconnect", None)
        try:
            if reconnect is not None and not reconnect():
                return False
            self._listen()
            self._own_pids.add(self._pid(self._store))
        except Exception:
            return False
        self.connected = True
        self.notices = [Notice("?", None, None)]
        return True

    @staticmethod
    def _pid(store: Store) -> int:
        return int(store.conn.execute("SELECT pg_backend_pid()").fetchone()[0])

    def poll(self) -> bool:
        self.notices = []
        if self._listener is None:
            return self._come_back() if not self.connected else False
        raw: Any = getattr(self._listener, "raw", None)
        try:
            pgconn = raw.pgconn
            pgconn.consume_input()
            while (notify := pgconn.notifies()) is not None:
                if notify.be_pid in self._own_pids:
                    continue
                notice = parse_notice(notify.extra.decode("utf-8", "replace"))
                self.notices.append(notice or Notice("?", None, None))
        except Exception:  # the connection is gone: the banner says so until it is back
            self.close()
            self.connected = False
            return False
        return bool(self.notices)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None


def change_watcher(store: Store) -> ChangeWatcher:
    """The watcher for an open store: on the workstation store, on the store's own connection,
    so that what the program itself writes there is not reported back to it; on the office
    store, a listener of its own that leaves out the store connection's own notifications."""
    if store.is_office:
        return OfficeWatcher(store)
    return DataVersionWatcher(store.sqlite)
