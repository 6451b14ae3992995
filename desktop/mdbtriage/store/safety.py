"""Startup safety checks of the store file, done before and right after SQLite opens it.

Three things are checked on every start:

* the store must not live on a network file system: SQLite's WAL needs shared memory that
  network file systems do not provide, so two workstations would silently corrupt it;
* the file must be whole: the page size and the page count in the SQLite header must agree
  with the file's length (a truncated copy or a half-finished transfer fails here);
* a store that MDB Triage closed cleanly carries a seal (``<store>.seal``: length and SHA-256),
  so any change made to the file outside SQLite afterwards, such as a flipped bit in a record,
  is noticed even where SQLite's own ``quick_check`` cannot see it. The seal is removed while
  the store is open and written again by the last program that closes it.

The seal also records the check the file passed just before it was closed (``"checked":
"quick_check"``: SQLite's ``quick_check`` and ``foreign_key_check``). A start that finds the file
byte for byte as sealed (length and SHA-256) then knows it passed that check and skips it, which
on a large store saves most of the start time. A seal without that record (an older one) still
leads to ``quick_check`` at start, and a store without a seal (after a crash) to the full
``integrity_check``.

These functions only report: each returns Dutch problem texts (empty when all is well) and
the store decides what to raise.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path, PurePath, PureWindowsPath

HEADER_LENGTH = 100
SQLITE_MAGIC = b"SQLite format 3\x00"
SALT_LENGTH = 16  # an SQLCipher file starts with its random salt instead of the magic text
NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "sshfs",
        "fuse.sshfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "gfs2",
        "ocfs2",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "virtiofs",
        "vboxsf",
        "ncpfs",
        "coda",
    }
)
DRIVE_REMOTE = 4
SEAL_SUFFIX = ".seal"
# Checks a seal may record as passed at close; a start that matches such a seal skips them.
SEAL_CHECKS = frozenset({"quick_check", "integrity_check"})
DIGEST_BUFFER = 1 << 20  # 1 MiB reads for the SHA-256 pass
BACKUP_DIRNAME = "backups"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
# The copies MDB Triage keeps of a store named <stem>.sqlite3: automatic backups in backups/
# (<stem>-YYYYmmdd-HHMMSS[-n].sqlite3) and the copies kept before a migration, a restore, an
# encryption or after damage (<stem>.<what>-….sqlite3).
COPY_KINDS = ("voor-migratie", "voor-terugzetten", "beschadigd", "onversleuteld")


# ---------------------------------------------------------------- network file systems


def _unescape_mount(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def mount_for(path: Path, mounts_text: str) -> tuple[str, str] | None:
    """The (mount point, file system type) that holds ``path``, from a /proc/mounts text."""
    best: tuple[str, str] | None = None
    target = str(path)
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point, fstype = _unescape_mount(fields[1]), fields[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= len(best[0])):
            best = (point, fstype)
    return best


def is_network_fstype(fstype: str) -> bool:
    fstype = fstype.lower()
    return fstype in NETWORK_FS_TYPES or fstype.startswith(("nfs", "smb", "fuse.sshfs"))


def _real_path(path: Path) -> Path:
    """``path`` with symlinks resolved in the part that exists (a new store has no file yet)."""
    path = Path(os.path.abspath(path))
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate.resolve() / path.relative_to(candidate)
    return path


def linux_network_reason(path: Path, mounts_text: str) -> str | None:
    found = mount_for(_real_path(path), mounts_text)
    if found and is_network_fstype(found[1]):
        return (
            f"{path} staat op een netwerkschijf ({found[1]} op {found[0]}). MDB Triage werkt "
            "alleen met een opslag op een lokale schijf: SQLite kan een opslag op het netwerk "
            "niet veilig delen en zou hem kunnen beschadigen. Kies een map op deze computer, "
            "bijvoorbeeld met --db of MDB_TRIAGE_DB."
        )
    return None


def windows_network_reason(
    path: PurePath | str, drive_type: Callable[[str], int] | None = None
) -> str | None:
    """A UNC path (``\\\\server\\share``) or a drive letter that Windows reports as remote."""
    text = str(path)
    win = PureWindowsPath(text)
    unc = text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "\\\\.\\"))
    if text.startswith("\\\\?\\UNC\\"):
        unc = True
    reason = None
    if unc:
        reason = "een netwerkpad (UNC)"
    elif win.drive and drive_type is not None:
        root = win.drive + "\\"
        if drive_type(root) == DRIVE_REMOTE:
            reason = f"een netwerkstation ({win.drive})"
    if reason is None:
        return None
    return (
        f"{text} staat op {reason}. MDB Triage werkt alleen met een opslag op een lokale "
        "schijf: SQLite kan een opslag op het netwerk niet veilig delen en zou hem kunnen "
        "beschadigen. Kies een map op deze computer, bijvoorbeeld met --db of MDB_TRIAGE_DB."
    )


def _windows_drive_type(root: str) -> int:  # pragma: no cover - Windows only
    import ctypes

    windll = getattr(ctypes, "windll", None)
    if windll is None:
        return 0
    return int(windll.kernel32.GetDriveTypeW(root))


def network_share_reason(path: Path) -> str | None:
    """Why ``path`` is on a network file system (Dutch), or None when it is local."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return windows_network_reason(os.path.abspath(path), _windows_drive_type)
    if sys.platform.startswith("linux"):
        mounts = read_mounts()
        return linux_network_reason(path, mounts) if mounts else None
    return None


def read_mounts() -> str:
    try:
        return Path("/proc/mounts").read_text("utf-8", errors="replace")
    except OSError:
        return ""


# ---------------------------------------------------------------- file shape


def _wal_has_frames(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    try:
        return wal.stat().st_size > 32
    except OSError:
        return False


def header_problems(path: Path) -> list[str]:
    """Truncation and an impossible page size, read from the SQLite header alone."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(HEADER_LENGTH)
    except FileNotFoundError:
        return []
    except OSError as error:
        return [f"het bestand kan niet worden gelezen ({error.strerror})"]
    if size == 0:
        return []
    if size < HEADER_LENGTH:
        return [f"het bestand is afgebroken: {size} bytes, te kort voor een SQLite-kop"]
    raw_page = int.from_bytes(header[16:18], "big")
    page_size = 65536 if raw_page == 1 else raw_page
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return [f"de kop van het bestand is beschadigd (paginagrootte {raw_page})"]
    if size % page_size:
        return [
            f"het bestand is afgebroken: {size} bytes is geen veelvoud van de "
            f"paginagrootte {page_size}"
        ]
    pages = int.from_bytes(header[28:32], "big")
    change_counter = header[24:28]
    valid_for = header[92:96]
    if pages and change_counter == valid_for and not _wal_has_frames(path):
        expected = pages * page_size
        if size < expected:
            return [
                f"het bestand is afgebroken: {size} bytes, volgens de kop {expected} bytes "
                f"({pages} pagina's)"
            ]
    return []


def looks_encrypted(path: Path) -> bool:
    """Whether ``path`` looks like an SQLCipher store: no SQLite magic text but a random-looking
    salt, and a length of whole pages. A file whose first bytes were destroyed looks the same;
    only the passphrase (or the seal) can tell them apart, so callers say "versleuteld of
    beschadigd" until the key has been tried."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            salt = handle.read(SALT_LENGTH)
    except OSError:
        return False
    if size < 512 or size % 512 or salt == SQLITE_MAGIC:
        return False
    return len(set(salt)) >= SALT_LENGTH // 2 and sum(32 <= b < 127 for b in salt) < 14


# ---------------------------------------------------------------- the seal


def seal_path(path: Path) -> Path:
    return path.with_name(path.name + SEAL_SUFFIX)


def file_digest(path: Path) -> str:
    """SHA-256 of the file, read unbuffered into one large reusable buffer."""
    digest = hashlib.sha256()
    buffer = bytearray(DIGEST_BUFFER)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while count := handle.readinto(buffer):
            digest.update(view[:count])
    return digest.hexdigest()


FileSignature = tuple[int, int, int, int, int]
SETTLED_NS = 2_000_000_000  # a store read ahead was last written at least this long before
_prefetched: dict[str, Future[tuple[FileSignature, str]]] = {}
_prefetch_lock = threading.Lock()


def _signature(path: Path) -> FileSignature:
    """What changes when a file is replaced or written: device, inode, length and both times."""
    facts = os.stat(path)
    return (facts.st_dev, facts.st_ino, facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns)


def _unsettled_ns(signature: FileSignature, now_ns: int) -> int:
    """How long, from ``now_ns``, until a file with ``signature`` was last written or changed
    ``SETTLED_NS`` before (zero or less: it was)."""
    return max(signature[3], signature[4]) + SETTLED_NS - now_ns


def seconds_until_settled(path: Path) -> float:
    """How long until the store at ``path`` may be read ahead (0: now)."""
    return max(0, _unsettled_ns(_signature(path), time.time_ns())) / 1e9


def prefetch_digest(path: Path) -> None:
    """Start reading a sealed store for its SHA-256 in a background thread, so that the seal
    check when the store is opened finds it done: the desktop calls this before it loads Qt,
    which takes about as long as reading a store of a quarter of a million cases (reading and
    hashing release Python's interpreter lock). Nothing is started when the store has no seal
    (then no digest is needed); the digest is not taken when the file was written or its
    attributes changed less than ``SETTLED_NS`` ago.

    :func:`_compare_with_seal` uses the result only when the file's device, inode, length and
    change times are the same at opening as before and after it was read. Since the file had
    not been written for a while when the reading began, any later write gives it a later
    modification time, however coarse the file system's clock: such a file is read again."""
    try:
        if not seal_path(path).exists():
            return
    except (OSError, ValueError):  # no file name (a folder such as "."), or unreadable: the
        return  # opening says what is wrong, in Dutch
    key = os.path.abspath(path)
    future: Future[tuple[FileSignature, str]] = Future()

    def read() -> None:
        try:
            before = _signature(path)
            if _unsettled_ns(before, time.time_ns()) > 0:
                raise OSError("written or changed just now: read when opened")
            digest = file_digest(path)
            if _signature(path) != before:
                raise OSError("the file changed while it was read")
            future.set_result((before, digest))
        except BaseException as error:  # "not read ahead": the file is read when opened
            future.set_exception(error)

    with _prefetch_lock:
        if key in _prefetched:
            return
        _prefetched[key] = future
    threading.Thread(target=read, name="mdb-triage-seal-digest", daemon=True).start()


def _checked_digest(path: Path) -> str:
    """The file's SHA-256: the one :func:`prefetch_digest` read, when the file is provably the
    same one, unchanged since; else read now. A prefetched digest is used once."""
    with _prefetch_lock:
        future = _prefetched.pop(os.path.abspath(path), None)
    if future is not None:
        # A prefetch that failed (the file was written or went away meanwhile): read it here.
        with contextlib.suppress(Exception):
            signature, digest = future.result()
            if _signature(path) == signature:
                return digest
    return file_digest(path)


def seal(path: Path, checked: str | None = None) -> bool:
    """Record length and SHA-256 of a cleanly closed store, and ``checked``: the check (one of
    ``SEAL_CHECKS``) it passed right before it was closed; pass it only after that check found
    nothing. Only the last program to close the store seals it (its WAL file is gone then);
    returns whether a seal was written."""
    if Path(f"{path}-wal").exists() or not path.exists():
        return False
    data: dict[str, object] = {
        "size": path.stat().st_size,
        "sha256": file_digest(path),
        "sealed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if checked is not None:
        if checked not in SEAL_CHECKS:
            raise ValueError(f"unknown check {checked!r}")
        data["checked"] = checked
    target = seal_path(path)
    temporary = target.with_name(target.name + ".tmp")
    try:
        write_private(temporary, json.dumps(data).encode("utf-8"))
        os.replace(temporary, target)
    except OSError:  # a full disk or a read-only folder: no seal, so a full check at next start
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    if Path(f"{path}-wal").exists():  # another program opened it meanwhile
        unseal(path)
        return False
    return True


def unseal(path: Path) -> None:
    """Remove the seal: the store is open and may change."""
    with contextlib.suppress(FileNotFoundError):
        seal_path(path).unlink()


def _read_seal(path: Path) -> dict[str, object] | None:
    """The seal's fields, or None when there is no usable seal (none, unreadable, or the WAL
    holds changes the sealed file does not)."""
    target = seal_path(path)
    if not target.exists() or _wal_has_frames(path):
        return None
    try:
        data = json.loads(target.read_text("utf-8"))
        fields: dict[str, object] = {
            "size": int(data["size"]),
            "sha256": str(data["sha256"]),
            "sealed_at": str(data["sealed_at"]),
            "checked": data.get("checked"),
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return fields


def _compare_with_seal(path: Path, data: dict[str, object]) -> list[str]:
    size, digest, when = data["size"], data["sha256"], data["sealed_at"]
    try:
        actual_size = path.stat().st_size if path.exists() else -1
    except OSError as error:
        return [f"het bestand kan niet worden gelezen ({error.strerror})"]
    if actual_size < 0:
        return [f"het bestand ontbreekt, maar MDB Triage sloot het op {when} met {size} bytes"]
    if actual_size != size:
        return [
            f"het bestand is {actual_size} bytes groot, maar was {size} bytes toen MDB Triage "
            f"het op {when} sloot (afgebroken of buiten MDB Triage om gewijzigd)"
        ]
    if _checked_digest(path) != digest:
        return [
            f"de inhoud is veranderd sinds MDB Triage het bestand op {when} sloot "
            "(controlegetal klopt niet): beschadigd of buiten MDB Triage om gewijzigd"
        ]
    return []


def seal_problems(path: Path) -> list[str] | None:
    """Compare a sealed store with its seal; a changed length or checksum is damage (or a
    change made outside MDB Triage, which is treated the same). None when there is no usable
    seal (first start, or the last program did not close cleanly): nothing is proven then."""
    data = _read_seal(path)
    return None if data is None else _compare_with_seal(path, data)


def file_problems(path: Path, *, encrypted: bool = False) -> tuple[list[str], bool, bool]:
    """Everything wrong with the store file that can be seen before SQLite opens it; whether a
    seal proved the file unchanged since its last clean close; and whether that seal also
    records a passing check (``SEAL_CHECKS``) made right before that close, so the file as it
    is now passed it. An encrypted file has no readable header; its seal (length and SHA-256 of
    the encrypted bytes) still counts."""
    problems = [] if encrypted else header_problems(path)
    if problems:
        return problems, False, False
    data = _read_seal(path)
    if data is None:
        return [], False, False
    sealed = _compare_with_seal(path, data)
    if sealed:
        return sealed, False, False
    return [], True, data["checked"] in SEAL_CHECKS


# ---------------------------------------------------------------- signs of an earlier store


def copy_pattern(stem: str) -> re.Pattern[str]:
    """File names of the copies MDB Triage keeps of the store named ``stem`` (automatic backups
    and the copies kept before a migration, a restore or an encryption, or after damage)."""
    kinds = "|".join(COPY_KINDS)
    return re.compile(
        rf"^{re.escape(stem)}(?:-\d{{8}}-\d{{6}}(?:-\d+)?|\.(?:{kinds})[-.].*)\.sqlite3$"
    )


def kept_copies(path: Path) -> list[Path]:
    """The copies of the store at ``path`` in its backups folder and beside it, newest first
    (by modification time)."""
    pattern = copy_pattern(path.stem)
    found: list[tuple[float, Path]] = []
    for folder in (path.parent / BACKUP_DIRNAME, path.parent):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry != path and pattern.match(entry.name):
                with contextlib.suppress(OSError):
                    found.append((entry.stat().st_mtime, entry))
    found.sort(key=lambda item: item[0], reverse=True)
    return [entry for _, entry in found]


def is_empty_file(path: Path) -> bool:
    """Whether ``path`` is missing or holds no bytes (and no changes wait in its WAL file)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = 0
    return size == 0 and not _wal_has_frames(path)


def predecessor_signs(path: Path, *, wal: bool = True) -> list[str]:
    """What shows that a store existed at ``path`` (Dutch): its seal, changes left in its WAL
    file (unless ``wal`` is false), its backups and the copies kept before a migration or a
    restore. A missing or empty file with any of these is not a new store but a lost one, which
    must not silently be replaced by an empty one."""
    signs: list[str] = []
    seal_file = seal_path(path)
    if seal_file.exists():
        signs.append(f"het zegel {seal_file.name} van een eerder gesloten opslag")
    if wal and _wal_has_frames(path):
        signs.append(f"het bestand {path.name}-wal met nog niet verwerkte wijzigingen")
    copies = kept_copies(path)
    backups = [c for c in copies if c.parent.name == BACKUP_DIRNAME]
    if backups:
        noun = "reservekopie" if len(backups) == 1 else "reservekopieën"
        signs.append(f"{len(backups)} {noun} in {path.parent / BACKUP_DIRNAME}")
    beside = [c for c in copies if c.parent.name != BACKUP_DIRNAME]
    if beside:
        noun = "kopie" if len(beside) == 1 else "kopieën"
        signs.append(f"{len(beside)} {noun} van vóór een migratie in {path.parent}")
    return signs


# ---------------------------------------------------------------- file permissions


def private_files_supported() -> bool:
    """Whether file modes mean anything here (POSIX); on Windows the profile's ACLs apply."""
    return os.name == "posix"


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new or existing ``path`` readable by its owner only (0600)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        with os.fdopen(descriptor, "wb", closefd=False) as handle:
            handle.write(data)
    finally:
        os.close(descriptor)
    if private_files_supported():
        tighten([path])


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists, before SQLite opens it: SQLite
    gives the ``-wal``, ``-shm`` and ``-journal`` files the mode of the database file."""
    if not private_files_supported():
        return
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(descriptor)


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` and its missing parents with mode 0700 (an existing folder is left
    as it is)."""
    missing: list[Path] = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for candidate in reversed(missing):
        with contextlib.suppress(FileExistsError):
            candidate.mkdir(mode=PRIVATE_DIR)
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "geen map", str(folder))


def tighten(paths: Iterable[Path]) -> list[Path]:
    """Take group and others' permissions away from ``paths`` (files 0600, folders 0700) where
    they have any; returns what was changed. Files of another owner and missing files are left
    alone."""
    if not private_files_supported():
        return []
    changed: list[Path] = []
    for path in paths:
        try:
            status = path.stat()
        except OSError:
            continue
        if not status.st_mode & 0o077 or status.st_uid != os.getuid():
            continue
        wanted = PRIVATE_DIR if stat.S_ISDIR(status.st_mode) else PRIVATE_FILE
        try:
            os.chmod(path, wanted)
        except OSError:
            continue
        changed.append(path)
    return changed


def store_files(path: Path) -> list[Path]:
    """The store's own files: the database, its ``-wal``, ``-shm`` and ``-journal`` files and
    its seal."""
    sides = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]
    return [path, *sides, seal_path(path)]


def tighten_store(path: Path, *, folder_too: bool = False) -> list[Path]:
    """Make the store's files, its backups folder and the copies kept of it private (0600 files
    in 0700 folders); ``folder_too`` also the folder that holds the store (only for a folder
    that is MDB Triage's own, never a shared one such as the home folder). Returns what was
    changed."""
    backups = path.parent / BACKUP_DIRNAME
    targets = [*store_files(path), backups, *kept_copies(path)]
    if folder_too:
        targets.insert(0, path.parent)
    return tighten(targets)
