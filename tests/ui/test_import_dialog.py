"""The desktop import dialog runs the command line's import: a lean re-import keeps what the
file does not give, and many bad rows show the first hundred, a summary and the errors file."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from mdbtriage.store.database import Store
from mdbtriage.store.records import get_case, get_staff
from mdbtriage.ui.imports import ImportDialog, ImportOutcome
from mdbtriage.ui.session import Session
from tests.conftest import TODAY

FULL = (
    "case_ref;bsn;name;birth_date;service;received_on;team;requester;motivated;working;"
    "schrijnend;schrijnend_ref;ingebrekestelling;consents_60_plus;dwangsom;status"
)
B_CASE = (
    "R-9;999996356;Els Smit;1980-03-03;BEZWAAR;2026-01-20;T1;werknemer;ja;ja;ja;CT-2026-004;"
    "ja;nee;ja;in_behandeling"
)
SESSION = Session(staff_id="T-TL1", name="Test Teamleider", role="TL", team="T1")


def _run(qtbot: QtBot, store: Store, path: Path, kind: str = "cases") -> ImportDialog:
    dialog = ImportDialog(store, SESSION, TODAY, kind)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(path))
    with qtbot.waitSignal(dialog.finished_import, timeout=20000):
        dialog.start()
    return dialog


def _outcome(dialog: ImportDialog) -> ImportOutcome:
    assert dialog.outcome is not None
    return dialog.outcome


def test_a_lean_reimport_from_the_desktop_keeps_the_stored_values(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    first = tmp_path / "a.csv"
    first.write_text(f"{FULL}\n{B_CASE}\n", encoding="utf-8")
    assert _outcome(_run(qtbot, store, first)).written
    before = get_case(store, "R-9")
    lean = tmp_path / "b.csv"
    lean.write_text(
        "case_ref;bsn;name;birth_date;service;received_on;team\n"
        "R-9;999996356;Els Smit;1980-03-03;BEZWAAR;2026-01-20;T1\n",
        encoding="utf-8",
    )
    dialog = _run(qtbot, store, lean)
    assert "b.csv: 0 zaken toegevoegd, 1 bijgewerkt." in dialog.report.toPlainText()
    after = get_case(store, "R-9")
    assert before is not None and after == before
    assert after.facts.schrijnend and after.facts.dwangsom and after.facts.motivated


def test_a_blank_active_cell_from_the_desktop_keeps_the_person_inactive(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "staf.csv"
    header = "staff_id;name;role;team;big_number;qualifications;hours_per_week;active\n"
    path.write_text(header + "AD1;D. Dijk;AD;T1;;;32;nee\n", encoding="utf-8")
    assert _outcome(_run(qtbot, store, path, "staff")).written
    path.write_text(header + "AD1;D. Dijk;AD;T1;;;36;\n", encoding="utf-8")
    assert _outcome(_run(qtbot, store, path, "staff")).written
    staff = get_staff(store, "AD1")
    assert staff is not None and (staff.hours_per_week, staff.active) == (36, False)


def test_many_bad_rows_in_the_desktop_report_are_summarised(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    bad = [B_CASE.replace("999996356", "123456789").replace("R-9", f"R-{i}") for i in range(150)]
    path = tmp_path / "zaken.csv"
    path.write_text("\n".join([FULL, *bad]) + "\n", encoding="utf-8")
    dialog = _run(qtbot, store, path)
    lines = dialog.report.toPlainText().splitlines()
    assert not _outcome(dialog).written
    assert len(lines) == 103
    assert lines[100] == "… en nog 50 problemen, niet getoond (150 in totaal)."
    assert "Kies 'Ongeldige regels overslaan'" in lines[101]
    assert lines[102] == f"Alle 150 problemen staan in {tmp_path / 'zaken.errors.csv'}."
    assert len((tmp_path / "zaken.errors.csv").read_text("utf-8-sig").splitlines()) == 151
    assert store.count("cases") == 0
    # The bar does not stand at the percentage where the refused import stopped.
    assert dialog.progress.value() == 0 and dialog.progress.text() == "geweigerd"
