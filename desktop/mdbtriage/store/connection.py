"""What the repositories use of a database connection, on both stores: the workstation store's
``sqlite3`` connection, and the office store's :class:`~mdbtriage.store.office_conn.
OfficeConnection` (psycopg 3 with the SQL translated). Rows are plain tuples on both."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = ..., /) -> list[Any]: ...

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
