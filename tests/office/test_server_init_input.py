"""server-init's address checks and an unreachable server: these need no PostgreSQL server."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from mdbtriage.cli import main


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("mysql://server/mdb_triage", "mysql://server/mdb_triage"),
        ("/srv/mdb/kantoor.sqlite3", "/srv/mdb/kantoor.sqlite3"),
        ("postgresql://server/mdb_triage?onzin=1", "onzin"),
        ("postgresql://server", "de database ontbreekt"),
        ("postgresql://server:99999/mdb_triage", "99999"),
        ("postgresql://server/Team-Utrecht", "Team-Utrecht"),
        ("postgresql://server/mdb_triage?connect_timeout=vijf", "vijf"),
        ("postgresql://server/mdb_triage\nrm -rf /", "stuurteken"),
    ],
)
def test_a_bad_address_is_exit_2_naming_the_value(
    url: str, named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server-init", url]) == 2
    err = capsys.readouterr().err
    assert named in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://beheer:Geheim123@server/mdb_triage",
        "postgresql://server/mdb_triage?sslmode=require&password=Geheim123",
    ],
)
def test_a_password_in_the_address_is_refused_and_not_repeated(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["server-init", url]) == 2
    err = capsys.readouterr().err
    assert "wachtwoord" in err and "PGPASSWORD" in err
    assert "Geheim123" not in err


def test_an_unreachable_server_is_reported_in_dutch_within_seconds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    assert main(["server-init", f"postgresql://beheer@127.0.0.1:{port}/mdb_triage"]) == 3
    assert time.monotonic() - started < 6
    err = capsys.readouterr().err
    assert "niet bereikbaar" in err and f"127.0.0.1:{port}" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_daily_command_on_an_unreachable_address_says_so_and_creates_no_file(
    how: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An address is the office store, never taken for a file; a server nobody answers on is
    reported within seconds, in Dutch, exit 3."""
    monkeypatch.chdir(tmp_path)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://iemand@127.0.0.1:{port}/mdb_triage"
    started = time.monotonic()
    if how == "option":
        code = main(["--db", url, "queue"])
    else:
        monkeypatch.setenv("MDB_TRIAGE_DB", url)
        code = main(["queue"])
    assert code == 3
    assert time.monotonic() - started < 6
    err = capsys.readouterr().err
    assert "niet bereikbaar" in err and f"127.0.0.1:{port}" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
