"""Output files never replace the store, its companions or its backups (contract.md)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mdbtriage.store.backup import backup_dir
from mdbtriage.store.database import Store
from mdbtriage.store.outputs import atomic_output, output_problem, write_atomically
from mdbtriage.store.safety import seal_path
from tests.cli.conftest import DEMO_TEAM_LEAD, Run, SignIn

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"


def _protected(store_path: Path) -> dict[str, Path]:
    """The store's files as they lie after a clean close, plus one backup."""
    folder = backup_dir(store_path)
    backups = sorted(folder.glob("*")) if folder.exists() else []
    return {
        "opslag": store_path,
        "wal": Path(f"{store_path}-wal"),
        "shm": Path(f"{store_path}-shm"),
        "zegel": seal_path(store_path),
        "reservekopie": backups[0] if backups else folder / "nieuw.pdf",
        "nieuw in backups": folder / "verslag.pdf",
    }


@pytest.fixture
def filled(run: Run, store_path: Path, sign_in: SignIn) -> Path:
    assert run("demo", "--cases", "40").exit_code == 0
    assert run("backup").exit_code == 0
    sign_in(DEMO_TEAM_LEAD)
    return store_path


@pytest.mark.parametrize(
    "which", ["opslag", "wal", "shm", "zegel", "reservekopie", "nieuw in backups"]
)
@pytest.mark.parametrize("command", ["herbeoordeling", "mdb-summary", "backup"])
def test_no_output_replaces_the_store_or_its_companions(
    run: Run, filled: Path, which: str, command: str
) -> None:
    target = _protected(filled)[which]
    before = {p: p.read_bytes() for p in filled.parent.rglob("*") if p.is_file()}
    args = {
        "herbeoordeling": ["herbeoordeling", str(EXAMPLE), "--out", str(target)],
        "mdb-summary": ["mdb-summary", "1", "--out", str(target)],
        "backup": ["backup", "--out", str(target)],
    }[command]
    result = run(*args)
    assert result.exit_code == 2, result.stderr
    assert f"Optie --out, waarde '{target}'" in result.stderr
    assert "niets geschreven" in result.stderr
    after = {p: p.read_bytes() for p in filled.parent.rglob("*") if p.is_file()}
    assert {p: b for p, b in after.items() if p in before} == before
    assert not target.exists() or target in before
    with Store.open(filled) as store:
        assert store.count("cases") == 40


def test_a_second_name_for_the_store_is_refused_too(run: Run, filled: Path, tmp_path: Path) -> None:
    link = tmp_path / "elders" / "verslag.pdf"
    link.parent.mkdir()
    os.link(filled, link)
    symlink = tmp_path / "snelkoppeling.pdf"
    symlink.symlink_to(filled)
    for target in (link, symlink):
        result = run("herbeoordeling", str(EXAMPLE), "--out", str(target))
        assert result.exit_code == 2
        assert "dat is de opslag zelf" in result.stderr
    with Store.open(filled) as store:
        assert store.count("cases") == 40


def test_a_copy_kept_from_before_a_migration_is_not_replaced(run: Run, filled: Path) -> None:
    kept = filled.with_name(f"{filled.stem}.voor-migratie-v5-20261101T080000.sqlite3")
    kept.write_bytes(b"SQLite format 3\x00 kopie")
    result = run("herbeoordeling", str(EXAMPLE), "--out", str(kept))
    assert result.exit_code == 2 and "bewaarde kopie van de opslag" in result.stderr
    assert kept.read_bytes() == b"SQLite format 3\x00 kopie"


def test_outputs_elsewhere_are_written(run: Run, filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "verslag.pdf"
    result = run("mdb-summary", "1", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF")
    assert output_problem(tmp_path / "store.sqlite3.pdf", filled) is None


def test_a_failed_write_leaves_the_old_file_and_no_part_file(tmp_path: Path) -> None:
    target = tmp_path / "verslag.pdf"
    target.write_bytes(b"oud")

    with pytest.raises(OSError), atomic_output(target) as stream:
        stream.write(b"half")
        raise OSError(28, "No space left on device")
    assert target.read_bytes() == b"oud"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["verslag.pdf"]
    write_atomically(target, b"nieuw")
    assert target.read_bytes() == b"nieuw"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["verslag.pdf"]
