"""Where the store lives: ``--db``, else ``MDB_TRIAGE_DB``, else the platformdirs user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "mdb-triage"
STORE_FILENAME = "mdb-triage.sqlite3"
ENV_DB = "MDB_TRIAGE_DB"
ENV_USER = "MDB_TRIAGE_USER"


# The office store's address as IT sets it for every user of a workstation: the first line of
# this file (not a comment) in the system-wide configuration folder (Linux: /etc/xdg/mdb-triage;
# Windows: C:\ProgramData\mdb-triage), e.g. postgresql://server.kantoor.local/mdb_triage.
OFFICE_SETTING_FILE = "kantooropslag.conf"


def office_setting_path() -> Path:
    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / OFFICE_SETTING_FILE


def office_address_setting() -> str | None:
    """The office store's address IT put on this workstation, or None."""
    try:
        text = office_setting_path().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line
    return None


def explicit_location(option: str | None) -> str | None:
    """The store named by ``--db`` or ``MDB_TRIAGE_DB`` (a path or an address), else None."""
    return option or os.environ.get(ENV_DB) or None


def default_store_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / STORE_FILENAME


def resolve_store_path(option: str | None) -> Path:
    if option:
        return Path(option).expanduser()
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return default_store_path()


def store_path_origin(option: str | None) -> str:
    """Where the store path came from, to name it in a message (Dutch): the ``--db`` option, the
    environment variable, or the default location."""
    if option:
        return f"Optie --db, waarde '{option}'"
    env = os.environ.get(ENV_DB)
    if env:
        return f"{ENV_DB}, waarde '{env}'"
    return f"Standaardlocatie '{default_store_path()}'"
