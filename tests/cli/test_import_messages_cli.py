"""``import-cases`` names the real problem: no knock-on error on the date of birth from a receipt
date in the future, and an unclosed quote by the line where it starts."""

from __future__ import annotations

from pathlib import Path

from mdbtriage.core.csvimport import CASE_COLUMNS
from mdbtriage.store.database import Store
from tests.cli.conftest import Run

HEADER = ",".join(CASE_COLUMNS)


def test_import_messages_name_the_real_problem(run: Run, tmp_path: Path, store_path: Path) -> None:
    file = tmp_path / "q.csv"
    file.write_text(
        f"{HEADER}\n"
        "G-1,111222333,Jan,1970-01-01,ZW,2099-02-01,T1,,nee,nee,nee,,nee\n"
        'G-2,123456782,"Piet,1970-01-01,ZW,2026-02-01,T1,,nee,nee,nee,,nee\n'
        "G-3,999996356,Kees,1970-01-01,ZW,2026-02-01,T1,,nee,nee,nee,,nee\n",
        encoding="utf-8",
    )
    result = run("import-cases", str(file))
    assert result.exit_code == 2
    assert "q.csv, regel 2, kolom received_on, waarde '2099-02-01': ligt in de toekomst" in (
        result.stderr
    )
    assert "birth_date" not in result.stderr
    assert "q.csv, regel 3, kolom name" in result.stderr
    assert "aanhalingsteken niet gesloten: het veld begint op regel 3" in result.stderr
    assert "velden, verwacht" not in result.stderr
    with Store.open(store_path) as store:
        assert store.count("cases") == 0
