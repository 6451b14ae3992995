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
