"""``import-central``: a row whose case belongs to another client than its BSN is bad input
(exit 2, line, column and value, nothing written); the errors file is named as the file was
given, folder included."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdbtriage.store.database import Store
from tests.cli.conftest import DEMO_TEAM_LEAD, Run, SignIn

HEADER = "central_ref,case_ref,bsn,decided_on,outcome"


@pytest.fixture
def demo(run: Run, sign_in: SignIn, store_path: Path) -> dict[str, str]:
    assert run("demo", "--cases", "30").exit_code == 0
    sign_in(DEMO_TEAM_LEAD)
    with Store.open(store_path) as store:
        rows = store.conn.execute(
            "SELECT c.case_ref, k.bsn FROM cases c JOIN clients k USING (client_id)"
        ).fetchall()
    return {str(ref): str(bsn) for ref, bsn in rows}


def _decisions(store_path: Path) -> int:
    with Store.open(store_path) as store:
        return store.count("central_decisions")


def test_case_and_bsn_of_different_clients_is_bad_input(
    run: Run, demo: dict[str, str], tmp_path: Path, store_path: Path
) -> None:
    case, bsn = next(iter(demo.items()))
    other = next(b for b in demo.values() if b != bsn)
    before = _decisions(store_path)
    file = tmp_path / "c.csv"
    file.write_text(
        f"{HEADER}\nCT-7,{case},{bsn},2026-11-01,toegekend\n"
        f"CT-8,{case},{other},2026-11-01,toegekend\n",
        encoding="utf-8",
    )
    result = run("import-central", str(file))
    assert result.exit_code == 2, result.stderr
    assert f"c.csv, regel 3, kolom bsn, waarde '{other}': zaak {case} hoort bij een andere" in (
        result.stderr
    )
    assert "regel 2" not in result.stderr and "er is niets geschreven" in result.stderr
    assert _decisions(store_path) == before  # all or nothing: CT-7 not written either
    file.write_text(f"{HEADER}\nCT-7,{case},{bsn},2026-11-01,toegekend\n", encoding="utf-8")
    assert run("import-central", str(file)).exit_code == 0
    assert _decisions(store_path) == before + 1


def test_errors_file_is_named_with_its_folder(
    run: Run, demo: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "ce"
    folder.mkdir()
    file = folder / "badbsn.csv"
    file.write_text(f"{HEADER}\nCT-9,,123,2026-11-01,toegekend\n", encoding="utf-8")
    result = run("import-central", str(file))
    assert result.exit_code == 2
    assert f"alle problemen staan in {folder / 'badbsn.errors.csv'}." in result.stderr
    assert (folder / "badbsn.errors.csv").exists()
