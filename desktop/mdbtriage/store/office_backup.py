"""Backups of the office store: ``pg_dump`` in its custom format, checked with
``pg_restore --list``; a restore goes only into an empty database (README, "Office store").

The programs come with PostgreSQL's client package (Debian: ``postgresql-client``); the newest
``/usr/lib/postgresql/<major>/bin`` is preferred over the one on ``PATH``, because ``pg_dump``
refuses a server newer than itself. The password of the login (when the server asks one) goes
through ``PGPASSWORD`` in the child's environment, never on its command line. Point-in-time
recovery (WAL archiving) is the server's job, not the program's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from mdbtriage.store.database import StoreError, remove_partial, sync_file
from mdbtriage.store.office import OfficeAddress, OfficeError, OfficeRefused

# A dump of a district's store takes minutes, not hours; a hung child is cut off after this.
DUMP_TIMEOUT_S = 3600


class OfficeBackupError(OfficeError):
    """A backup or restore of the office store failed (Dutch; exit 3 when refused)."""


def client_program(name: str) -> str:
    """The path of ``pg_dump``/``pg_restore``: the newest PostgreSQL's, else the one on PATH."""
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return str(found[-1])
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise OfficeBackupError(
        f"{name} is niet geïnstalleerd; installeer PostgreSQL's clientprogramma's "
        "(Debian: apt-get install postgresql-client)"
    )


def _environment(password: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    return env


def _run(args: list[str], password: str | None, what: str) -> str:
    try:
        done = subprocess.run(
            args,
            env=_environment(password),
            capture_output=True,
            text=True,
            timeout=DUMP_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise OfficeBackupError(f"{what} is mislukt: {error}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise OfficeBackupError(f"{what} is mislukt: {detail[-1] if detail else done.returncode}")
    return done.stdout


def default_target(address: OfficeAddress, folder: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"{address.dbname}-{stamp}.dump"


def dump(address: OfficeAddress, target: Path, password: str | None) -> Path:
    """Write the office store to ``target`` (custom format) through a temporary file, check it
    with ``pg_restore --list`` and rename it into place: a failure leaves no half file."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(f".{target.name}.part")
    try:
        _run(
            [client_program("pg_dump"), "--format=custom", f"--file={partial}", address.url],
            password,
            f"de reservekopie van {address.where}",
        )
        os.chmod(partial, 0o600)
        problems = verify(partial)
        if problems:
            raise OfficeBackupError(f"de reservekopie is onleesbaar: {problems[0]}")
        sync_file(partial)
        os.replace(partial, target)
    except BaseException:
        remove_partial(partial)
        raise
    return target


def verify(path: Path) -> list[str]:
    """What is wrong with a dump file (empty when ``pg_restore --list`` reads it and it holds an
    office store: its access log and schema version)."""
    try:
        listing = _run([client_program("pg_restore"), "--list", str(path)], None, "pg_restore")
    except OfficeBackupError as error:
        return [str(error)]
    missing = [
        table
        for table in ("audit_log", "schema_migrations", "cases")
        if f"TABLE DATA public {table} " not in listing
    ]
    if missing:
        return [
            f"{path.name} is geen reservekopie van een kantooropslag (mist {', '.join(missing)})"
        ]
    return []


def dump_head(path: Path) -> str | None:
    """The access log's chain head in an office store's dump (the hash of its newest record), or
    None when the dump has no records; :class:`OfficeBackupError` when it cannot be read."""
    problems = verify(path)
    if problems:
        raise OfficeBackupError(problems[0])
    text = _run(
        [client_program("pg_restore"), "--data-only", "--table=audit_chain", "--file=-", str(path)],
        None,
        "pg_restore",
    )
    head: tuple[int, str] | None = None
    copying = False
    for line in text.splitlines():
        if line.startswith("COPY ") and "audit_chain" in line:
            copying = True
            continue
        if copying:
            if line == "\\.":
                break
            log_id, _, digest = line.partition("\t")
            if log_id.isdigit() and (head is None or int(log_id) > head[0]):
                head = (int(log_id), digest.strip())
    return head[1] if head else None


def restore(
    address: OfficeAddress, source: Path, password: str | None, *, empty: bool, owner: bool
) -> None:
    """Restore ``source`` into the (empty) database at ``address``, without owners and grants:
    roles are server-wide and not in a dump, so server-init gives them back afterwards. Only
    the database's owner (IT) restores (``owner``: the login is it), as only it checks and
    backs up; a staff member hears that rule first."""
    if not owner:
        raise OfficeRefused(
            f"Kantooropslag ({address.where}): 'restore' voert de eigenaar van de database (IT) "
            "uit, niet een medewerker; en alleen in een lege database."
        )
    if not empty:
        raise OfficeRefused(
            f"Kantooropslag ({address.where}): terugzetten kan alleen in een lege database; "
            "deze bevat al een opslag. Laat IT een nieuwe, lege database maken en zet daarin terug."
        )
    problems = verify(source)
    if problems:
        raise OfficeBackupError(problems[0])
    _run(
        [
            client_program("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={address.url}",
            str(source),
        ],
        password,
        f"terugzetten in {address.where}",
    )


__all__ = ["OfficeBackupError", "StoreError", "default_target", "dump", "restore", "verify"]
