"""What a person types as a path or an argument: a store path that is not one (blank, an
address other than postgresql://, a device, a backup, a file that never was a store), an
output that is not an ordinary file or is the command's own input, text that is not UTF-8,
a record number too large to exist: exit 2 with a Dutch message, and nothing changed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from mdbtriage.cli import main
from mdbtriage.store.backup import backup_dir
from tests.cli.conftest import DEMO_TEAM_LEAD, Run, SignIn

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"


@pytest.fixture
def filled(run: Run, store_path: Path, sign_in: SignIn) -> Path:
    assert run("demo", "--cases", "40").exit_code == 0
    sign_in(DEMO_TEAM_LEAD)
    return store_path


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("", "Optie --db is leeg"),
        (" ", "Optie --db is leeg"),
        ("file:///tmp/opslag", "geen pad van een bestand"),
        ("sqlite:///opslag.db", "geen pad van een bestand"),
    ],
)
def test_a_store_location_that_is_no_path_is_refused_and_nothing_made(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, said: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MDB_TRIAGE_DB", raising=False)
    from click.testing import CliRunner

    from mdbtriage.cli import cli

    result = CliRunner().invoke(cli, ["--db", value, "queue"], catch_exceptions=False)
    assert result.exit_code == 2, result.stderr
    assert said in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_device_or_pipe_is_no_store(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mdbtriage.cli import cli

    pipe = tmp_path / "pijp"
    os.mkfifo(pipe)
    result = CliRunner().invoke(cli, ["--db", str(pipe), "queue"], catch_exceptions=False)
    assert result.exit_code == 2 and "geen gewoon bestand" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pijp"]


def test_a_file_that_never_was_a_store_is_bad_input(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mdbtriage.cli import cli

    notes = tmp_path / "notities.txt"
    notes.write_text("boodschappen\n")
    result = CliRunner().invoke(cli, ["--db", str(notes), "queue"], catch_exceptions=False)
    assert result.exit_code == 2, result.stderr
    assert "geen MDB Triage-opslag" in result.stderr
    assert notes.read_text() == "boodschappen\n"


def test_a_backup_opened_as_the_store_is_refused_and_stays_as_it_was(
    run: Run, filled: Path
) -> None:
    assert run("backup").exit_code == 0
    (copy,) = sorted(backup_dir(filled).glob("*.sqlite3"))
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    files = sorted(backup_dir(filled).iterdir())
    result = run("queue", db=copy)
    assert result.exit_code == 2, result.stderr
    assert "is een reservekopie van" in result.stderr and "restore" in result.stderr
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert sorted(backup_dir(filled).iterdir()) == files


@pytest.mark.parametrize("command", ["herbeoordeling", "mdb-summary", "backup"])
def test_an_output_that_is_a_pipe_or_lies_under_a_file_is_refused(
    run: Run, filled: Path, tmp_path: Path, command: str
) -> None:
    pipe = tmp_path / "pijp.pdf"
    os.mkfifo(pipe)
    plain = tmp_path / "gewoon.txt"
    plain.write_text("tekst")
    for target, said in ((pipe, "geen gewoon bestand"), (plain / "x.pdf", "geen map")):
        args = {
            "herbeoordeling": ["herbeoordeling", str(EXAMPLE), "--out", str(target)],
            "mdb-summary": ["mdb-summary", "1", "--out", str(target)],
            "backup": ["backup", "--out", str(target)],
        }[command]
        result = run(*args)
        assert result.exit_code == 2, result.stderr
        assert said in result.stderr and "niets geschreven" in result.stderr
    assert pipe.is_fifo() and plain.read_text() == "tekst"


def test_the_request_is_not_replaced_by_its_own_pdf(run: Run, filled: Path, tmp_path: Path) -> None:
    request = tmp_path / "aanvraag.json"
    request.write_bytes(EXAMPLE.read_bytes())
    result = run("herbeoordeling", str(request), "--out", str(request))
    assert result.exit_code == 2 and "het invoerbestand" in result.stderr
    assert request.read_bytes() == EXAMPLE.read_bytes()


def test_an_output_through_a_link_writes_the_file_it_points_to(
    run: Run, filled: Path, tmp_path: Path
) -> None:
    real = tmp_path / "verslagen" / "aanvraag.pdf"
    real.parent.mkdir()
    real.write_bytes(b"oud")
    link = tmp_path / "snelkoppeling.pdf"
    link.symlink_to(real)
    result = run("herbeoordeling", str(EXAMPLE), "--out", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and real.read_bytes().startswith(b"%PDF")


def test_arguments_and_settings_that_are_not_utf8_are_bad_input(
    filled: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    unreadable = b"team\xff".decode("utf-8", "surrogateescape")  # as Python reads such bytes
    assert main(["--db", str(filled), "queue", "--team", unreadable]) == 2
    said = capsys.readouterr().err
    assert "Argument 5" in said and "geen UTF-8" in said
    monkeypatch.setenv("MDB_TRIAGE_PASSWORD", unreadable)
    assert main(["--db", str(filled), "queue"]) == 2
    said = capsys.readouterr().err
    assert "MDB_TRIAGE_PASSWORD: bevat tekens die geen UTF-8 zijn" in said
    assert "team" not in said  # a secret is never repeated


@pytest.mark.parametrize(
    "command", ["mdb-show", "mdb-summary", "mdb-close", "sign-off", "complete", "reject", "revoke"]
)
def test_a_record_number_too_large_to_exist_is_bad_input(
    run: Run, filled: Path, tmp_path: Path, command: str
) -> None:
    args = [command, "9" * 25]
    args += {
        "mdb-summary": ["--out", str(tmp_path / "x.pdf")],
        "sign-off": ["--by", DEMO_TEAM_LEAD],
        "complete": ["--by", DEMO_TEAM_LEAD, "--result", "gedaan"],
        "reject": ["--by", DEMO_TEAM_LEAD, "--reason", "onvolledig"],
    }.get(command, [])
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    assert "9" * 25 in result.stderr and "Traceback" not in result.stderr


def test_restore_of_a_blank_name_says_what_is_missing(run: Run, filled: Path) -> None:
    result = run("restore", " ")
    assert result.exit_code == 2 and "Argument BESTAND is leeg" in result.stderr


def test_a_passphrase_from_a_script_is_read_without_an_english_warning(tmp_path: Path) -> None:
    """No terminal: the line given is read as it comes; nothing given is the Dutch refusal."""
    from click.testing import CliRunner

    from mdbtriage.cli import cli

    db = tmp_path / "versleuteld.sqlite3"
    key = "een lange wachtwoordzin 2026"
    env = {"MDB_TRIAGE_PASSPHRASE": key, "MDB_TRIAGE_USER": None, "MDB_TRIAGE_PASSWORD": None}
    assert CliRunner().invoke(cli, ["--db", str(db), "check"], env=env).exit_code == 0
    assert CliRunner().invoke(cli, ["--db", str(db), "encrypt"], env=env).exit_code == 0
    env["MDB_TRIAGE_PASSPHRASE"] = None
    nothing = CliRunner().invoke(cli, ["--db", str(db), "check"], env=env, input="")
    assert nothing.exit_code == 3 and "MDB_TRIAGE_PASSPHRASE" in nothing.stderr
    typed = CliRunner().invoke(cli, ["--db", str(db), "check"], env=env, input=key + "\n")
    assert typed.exit_code == 0, typed.stderr
    for result in (nothing, typed):
        assert "Warning" not in result.stderr and "GetPassWarning" not in result.stderr


@pytest.mark.skipif(not Path("/proc/version").exists(), reason="Linux's /proc")
def test_a_backup_into_a_folder_nothing_can_be_written_to_is_bad_input(
    run: Run, filled: Path
) -> None:
    result = run("backup", "--out", "/proc/mdb-triage-kopie.sqlite3")
    assert result.exit_code == 2, result.stderr
    assert "in /proc kan niets worden geschreven" in result.stderr and ".part" not in result.stderr


def test_a_link_to_a_copy_kept_from_before_a_migration_is_not_written_through(
    run: Run, filled: Path
) -> None:
    kept = filled.with_name(f"{filled.stem}.voor-migratie-v3-20260101.sqlite3")
    kept.write_bytes(b"SQLite format 3\x00 kopie")
    link = filled.with_name("verslag.pdf")
    link.symlink_to(kept.name)
    result = run("herbeoordeling", str(EXAMPLE), "--out", str(link))
    assert result.exit_code == 2 and "bewaarde kopie van de opslag" in result.stderr
    assert kept.read_bytes() == b"SQLite format 3\x00 kopie"


def test_a_backup_is_refused_by_a_relative_name_inside_its_folder_and_through_a_link(
    run: Run, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("backup").exit_code == 0
    (copy,) = sorted(backup_dir(filled).glob("*.sqlite3"))
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    alias = filled.with_name("alias.sqlite3")
    alias.symlink_to(copy)
    monkeypatch.chdir(copy.parent)
    for given in (Path(copy.name), alias):
        result = run("queue", db=given)
        assert result.exit_code == 2, result.stderr
        assert "is een reservekopie van" in result.stderr
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before


def test_a_damaged_store_without_its_seal_after_a_crash_stays_unexpected(tmp_path: Path) -> None:
    """The seal is gone while a store is open: after a crash the SQLite file itself says it
    was a store, so a damaged one is exit 1 with the restore hint, not bad input."""
    from click.testing import CliRunner

    from mdbtriage.cli import cli

    damaged = tmp_path / "opslag.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    result = CliRunner().invoke(cli, ["--db", str(damaged), "queue"], catch_exceptions=False)
    assert result.exit_code == 1, result.stderr
    assert "reservekopie" in result.stderr


def test_an_output_that_is_a_loop_of_links_is_bad_input(
    run: Run, filled: Path, tmp_path: Path
) -> None:
    loop = tmp_path / "lus.pdf"
    loop.symlink_to(loop)
    result = run("herbeoordeling", str(EXAMPLE), "--out", str(loop))
    assert result.exit_code == 2, result.stderr
    assert "lus van koppelingen" in result.stderr
