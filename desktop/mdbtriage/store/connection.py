"""What the repositories use of a database connection, on both stores: the workstation store's
``sqlite3`` connection, and the office store's :class:`~mdbtriage.store.office_conn.
OfficeConnection` (psycopg 3 with the SQL translated). Rows are plain tuples on both."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...

    @property
    def rowcount(self) -> int: ...


class Connection(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Any, /) -> Cursor: ...

    @property
    def in_transaction(self) -> bool: ...

    def close(self) -> None: ...


def is_office(conn: object) -> bool:
    """Whether ``conn`` is an office store's connection (else a workstation store's)."""
    return getattr(conn, "is_office", False) is True


STREAM_ROWS = 5_000  # rows per chunk of a streamed read on the office store


def stream_rows(conn: Connection, sql: str, parameters: Any = ()) -> Iterator[Any]:
    """The rows of a long read one by one, in the query's order, never the whole result held
    at once. The office store's driver fetches them ``STREAM_ROWS`` at a time
    (:meth:`~mdbtriage.store.office_conn.OfficeConnection.stream`), so the rows already here are
    worked on while the next arrive; the workstation store's cursor reads them from the file as
    they are asked for. Read the rows to the end before the next statement on ``conn``."""
    if is_office(conn):
        return conn.stream(sql, parameters, STREAM_ROWS)  # type: ignore[attr-defined,no-any-return]
    return iter(conn.execute(sql, parameters))


@contextmanager
def closing_rows(rows: Iterable[Any]) -> Iterator[None]:
    """Close ``rows`` (a :func:`stream_rows` iterator) when the block ends, however it ends: a
    streamed read left half read keeps the office store's connection busy until it is."""
    try:
        yield
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
