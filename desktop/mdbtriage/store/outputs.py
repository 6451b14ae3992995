"""Where output files may go, and how they are written.

Every file MDB Triage writes on request (``--out``, a PDF or CSV saved from the desktop, an
import's ``FILE.errors.csv`` or ``FILE.rejected.csv``, a backup written elsewhere) passes
:func:`output_problem` first: it never replaces the store, its ``-wal``/``-shm``/``-journal``
files, its seal or a copy the store keeps beside itself from before a migration, and never
lands in the store's backups folder (README "Command line at a glance", output files). Both the
command line and the desktop ask this one function.

:func:`write_atomically` writes the whole file or nothing: a temporary file in the target's
folder, synced, then renamed over the target.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fnmatch import fnmatch
from pathlib import Path
from typing import IO, Any

from mdbtriage.store.backup import backup_dir
from mdbtriage.store.safety import seal_path

# SQLite's companions of a store file; each belongs to the store as much as the file itself.
STORE_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


class OutputRefused(ValueError):
    """An output path that would overwrite the store or its companions; the message is Dutch."""


def _resolved(path: Path) -> Path:
    """``path`` absolute, through its links (as far as they go: a loop of links stays)."""
    absolute = Path(os.path.abspath(path.expanduser()))
    try:
        return absolute.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return absolute


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file (also through a hard link or a second name)."""
    if _resolved(a) == _resolved(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    resolved, parent = _resolved(path), _resolved(folder)
    return resolved == parent or parent in resolved.parents


def _shape_problem(target: Path) -> str | None:
    """Why ``target`` cannot be an ordinary file that is written whole: a folder, a device, a
    pipe or a socket (a new file renamed over ``/dev/null`` would replace the device), or a
    path through a file as if it were a folder."""
    try:
        os.stat(target)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "dat is een lus van koppelingen (symbolische links), geen bestand"
    if target.is_dir():
        return "dat is een map, geen bestand"
    if target.exists() and not target.is_file():
        return "dat is geen gewoon bestand (maar een apparaat, pijp of socket); kies een bestand"
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if folder.exists() and not folder.is_dir():
        return f"een deel van het pad is geen map ({folder})"
    return None


def output_problem(
    target: Path, store_path: Path | None, inputs: Sequence[Path] = ()
) -> str | None:
    """Why ``target`` may not be written as an output file next to the store at
    ``store_path``, as a Dutch clause; ``None`` when it may. ``store_path`` is ``None`` for
    an office store (no local files to protect); ``inputs`` are the files the command reads,
    which its output must not replace."""
    shape = _shape_problem(target)
    if shape:
        return shape
    for source in inputs:
        if _same_file(target, source):
            return f"dat is het invoerbestand ({source}); kies een ander bestand"
    if store_path is None:
        return None
    if _same_file(target, store_path):
        return "dat is de opslag zelf; kies een ander bestand"
    for suffix in STORE_SIDE_SUFFIXES:
        if _same_file(target, Path(f"{store_path}{suffix}")):
            return f"dat is het {suffix}-bestand van de opslag; kies een ander bestand"
    if _same_file(target, seal_path(store_path)):
        return "dat is het zegel van de opslag; kies een ander bestand"
    if _inside(target, backup_dir(store_path)):
        return (
            f"dat ligt in de map met reservekopieën ({backup_dir(store_path)}); "
            "kies een bestand buiten die map"
        )
    if _is_kept_copy(target, store_path):
        return (
            "dat is een bewaarde kopie van de opslag (van voor een migratie of terugzetting); "
            "kies een ander bestand"
        )
    return None


def _is_kept_copy(target: Path, store_path: Path) -> bool:
    """Whether ``target`` is an existing copy the store keeps beside itself (``<stem>.voor-
    migratie-v3-….sqlite3`` and the like, named after the store)."""
    real = _resolved(target)  # the file a link points to is what would be written
    if not real.is_file() or real.parent != _resolved(store_path.parent):
        return False
    stem = store_path.stem
    return any(fnmatch(real.name, p) for p in (f"{stem}.*.sqlite3", f"{stem}-*.sqlite3"))


def check_output(
    target: Path, store_path: Path | None, what: str, inputs: Sequence[Path] = ()
) -> None:
    """Raise :class:`OutputRefused` naming ``what`` (``Optie --out``, ``PDF-bestand``) and the
    value when ``target`` may not be written (see :func:`output_problem`)."""
    problem = output_problem(target, store_path, inputs)
    if problem:
        raise OutputRefused(f"{what}, waarde '{target}': {problem}")


@contextmanager
def atomic_output(target: Path, mode: str = "wb", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``target`` (``mode`` and ``kwargs`` as for :func:`open`,
    e.g. ``"w", encoding="utf-8-sig", newline=""`` for a CSV); on a clean exit it is synced
    and renamed over ``target``, on an error it is removed, so ``target`` is whole or
    untouched. Through a symbolic link the file it points to is written (the link stays)."""
    target = _resolved(target)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    try:
        with os.fdopen(handle, mode, **kwargs) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_FILE_PROBLEMS = {
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "de schijfruimte (quotum) is op",
    errno.EACCES: "geen toegang (rechten)",
    errno.EPERM: "geen toegang (rechten)",
    errno.EROFS: "het bestandssysteem is alleen-lezen",
    errno.ENOENT: "het bestand of de map bestaat niet",
    errno.EISDIR: "dat is een map, geen bestand",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.ENAMETOOLONG: "de naam is te lang",
}


def file_problem(error: OSError) -> str:
    """Why a file could not be read or written, in Dutch (the system's own text only for
    rare errors, after its number)."""
    known = _FILE_PROBLEMS.get(error.errno or 0)
    return known or f"bestandsfout {error.errno}: {error.strerror or error}"


def write_atomically(target: Path, content: bytes) -> None:
    """Write ``content`` to ``target`` whole or not at all (see :func:`atomic_output`)."""
    with atomic_output(target) as stream:
        stream.write(content)
