"""Where the store lives: ``--db``, else ``MDB_TRIAGE_DB``, else the platformdirs user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "mdb-triage"
STORE_FILENAME = "mdb-triage.sqlite3"
ENV_DB = "MDB_TRIAGE_DB"
ENV_USER = "MDB_TRIAGE_USER"


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
