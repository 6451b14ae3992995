"""A CSV import as the command line and the desktop run it (``store.imports``): only the columns a
file has are changed, the log names them old → new, the problems are summarised and all kept in
a file next to the import, and no such file ever replaces the store."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Collection
from datetime import date
from pathlib import Path

import pytest

from mdbtriage.core import csvimport
from mdbtriage.core.model import Actor
from mdbtriage.core.validation import bsn_check
from mdbtriage.store import imports
from mdbtriage.store.database import Store
from mdbtriage.store.imports import MAX_SHOWN, ImportReport, import_file
from mdbtriage.store.records import get_case, get_staff
from tests.conftest import work_log_count

pytestmark = pytest.mark.both_stores

TODAY = date(2026, 11, 23)
FULL = (
    "case_ref;bsn;name;birth_date;service;received_on;team;requester;motivated;working;"
    "schrijnend;schrijnend_ref;ingebrekestelling;consents_60_plus;dwangsom;status"
)


def _bsns(n: int) -> list[str]:
    found: list[str] = []
    candidate = 100000000
    while len(found) < n:
        candidate += 1
        if bsn_check(str(candidate)):
            found.append(str(candidate))
    return found


BSNS = _bsns(40)


def _full_row(i: int) -> str:
    flag = "ja" if i % 2 else "nee"
    ref = f"CT-{i}" if i % 2 else ""
    return (
        f"R-{i:03d};{BSNS[i]};Cliënt {i};1970-01-02;BEZWAAR;2026-0{1 + i % 9}-14;T1;werkgever;"
        f"{flag};ja;{flag};{ref};{flag};{flag};{flag};{('open', 'afgerond')[i % 2]}"
    )


def _import(
    store: Store, path: Path, actor: Actor, kind: str = "cases", skip: bool = False
) -> ImportReport:
    return import_file(
        store, path, kind, skip_invalid=skip, actor=actor, today=TODAY, skip_hint="(overslaan)"
    )


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _content(store: Store) -> tuple[list[tuple[object, ...]], ...]:
    cases = store.conn.execute(
        "SELECT c.case_ref, k.bsn, k.name, k.birth_date, c.service, c.received_on, c.team_id, "
        "c.requester, c.motivated, c.working, c.consents_60_plus, c.schrijnend, "
        "c.schrijnend_ref, c.ingebrekestelling, c.dwangsom, c.status "
        "FROM cases c JOIN clients k USING (client_id) ORDER BY c.case_ref"
    ).fetchall()
    log = store.conn.execute(
        "SELECT event, case_ref, details FROM audit_log ORDER BY log_id"
    ).fetchall()
    return cases, log


def test_a_file_without_optional_columns_keeps_what_it_does_not_give(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    assert _import(store, _write(tmp_path / "a.csv", FULL, [_full_row(1)]), actor).written
    before = get_case(store, "R-001")
    assert before is not None and before.facts.schrijnend and before.facts.dwangsom
    lean = _write(
        tmp_path / "b.csv",
        "case_ref;bsn;name;birth_date;service;received_on;team;status",
        [f"R-001;{BSNS[1]};Cliënt 1;1970-01-02;BEZWAAR;2026-02-14;T1;"],
    )
    report = _import(store, lean, actor)
    assert report.written and "0 zaken toegevoegd, 1 bijgewerkt" in report.lines[0]
    after = get_case(store, "R-001")
    assert after == before
    details = store.conn.execute(
        "SELECT details FROM audit_log WHERE purpose = 'import b.csv'"
    ).fetchone()[0]
    assert details == "geen wijzigingen"


def test_the_log_names_each_changed_column_old_to_new(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    _import(store, _write(tmp_path / "a.csv", FULL, [_full_row(1)]), actor)
    changed = _write(
        tmp_path / "b.csv",
        "case_ref;bsn;name;birth_date;service;received_on;team;schrijnend;schrijnend_ref;status",
        [f"R-001;{BSNS[1]};Cliënt Een;1970-01-02;BEZWAAR;2026-02-14;T1;nee;;open"],
    )
    assert _import(store, changed, actor).written
    event, details = store.conn.execute(
        "SELECT event, details FROM audit_log WHERE purpose = 'import b.csv'"
    ).fetchone()
    assert event == "change"
    assert details == (
        "name: Cliënt 1 → Cliënt Een; schrijnend_ref: CT-1 → (leeg); status: afgerond → open; "
        "schrijnend: ja → nee"
    )


def test_in_chunks_as_one_row_at_a_time_with_partial_columns(
    tmp_path: Path, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The differential check of the staged write, for a file with some columns absent and
    some optional cells empty: the same stores and log as importing each row on its own."""
    monkeypatch.setattr(csvimport, "CHUNK_ROWS", 7)
    first = _write(tmp_path / "eerste.csv", FULL, [_full_row(i) for i in range(30)])
    header = "case_ref;bsn;name;birth_date;service;received_on;team;motivated;dwangsom;status"
    rows = [
        f"R-{i:03d};{BSNS[i]};Cliënt {i}{'x' if i % 3 else ''};1970-01-02;"
        f"{'BEZWAAR' if i < 30 else 'ZW'};"
        f"2026-03-0{1 + i % 9};T1;{'ja' if i % 4 else ''};{'' if i % 5 else 'nee'};"
        f"{'' if i % 2 else 'in_behandeling'}"
        for i in range(20, 40)  # 20-29 known, 30-39 new
    ]
    second = _write(tmp_path / "tweede.csv", header, rows)
    with (
        Store.open(tmp_path / "batch.sqlite3") as batch,
        Store.open(tmp_path / "one.sqlite3") as one,
    ):
        assert _import(batch, first, actor).written and _import(one, first, actor).written
        assert _import(batch, second, actor).written
        for i, row in enumerate(rows):
            single = _write(tmp_path / "tweede.csv", header, [row])
            report = _import(one, single, actor)
            assert report.written, (i, report.lines)
        assert _content(batch) == _content(one)
        cases, log = _content(batch)
    assert len(cases) == 40
    assert [e for e, _, _ in log] == ["create"] * 30 + ["change"] * 10 + ["create"] * 10
    assert all(d for e, _, d in log if e == "change")


def test_many_bad_rows_show_the_first_hundred_and_keep_all_in_the_errors_file(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    bad = [
        _full_row(1).replace(BSNS[1], "123456789").replace("R-001", f"B-{i}") for i in range(250)
    ]
    path = _write(tmp_path / "zaken.csv", FULL, [_full_row(2), *bad])
    report = _import(store, path, actor)
    assert not report.written
    assert len(report.lines) == MAX_SHOWN + 3
    assert report.lines[MAX_SHOWN] == "… en nog 150 problemen, niet getoond (250 in totaal)."
    assert "250 van 251 regels ongeldig; er is niets geschreven. (overslaan)" in report.lines[-2]
    errors = tmp_path / "zaken.errors.csv"
    assert report.errors_path == errors
    lines = errors.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "line;column;value;reason"
    assert lines[1] == "3;bsn;123456789;BSN voldoet niet aan de elfproef"
    assert len(lines) == 251
    assert store.count("cases") == 0 and work_log_count(store) == 0
    assert not (tmp_path / "zaken.rejected.csv").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []

    skipped = _import(store, path, actor, skip=True)
    assert skipped.written and store.count("cases") == 1
    rejected = (tmp_path / "zaken.rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rejected[0] == FULL + ";reden" and len(rejected) == 251
    assert rejected[1].startswith("B-0;123456789;") and "elfproef" in rejected[1]
    assert len(skipped.lines) == 1 + MAX_SHOWN + 2


def test_an_errors_file_may_not_replace_the_store(tmp_path: Path, actor: Actor) -> None:
    store_path = tmp_path / "zaken.errors.csv"
    with Store.open(store_path) as store:
        _import(store, _write(tmp_path / "a.csv", FULL, [_full_row(1)]), actor)
        bad = _write(tmp_path / "zaken.csv", FULL, [_full_row(2).replace(BSNS[2], "123456789")])
        report = _import(store, bad, actor)
        assert not report.written and report.errors_path is None
        # the problems are still shown; only the list of all of them is not written
        assert report.lines[0].startswith("zaken.csv, regel 2, kolom bsn")
        assert report.lines[-1] == (
            f"De lijst met alle 1 problemen is niet bewaard: {store_path}: dat is de opslag "
            "zelf; kies een ander bestand."
        )
        assert store.count("cases") == 1
    with Store.open(store_path) as again:  # still the store, whole
        assert again.count("cases") == 1
    (tmp_path / "backups").mkdir(exist_ok=True)
    with Store.open(tmp_path / "s.sqlite3") as store:
        inside = _write(tmp_path / "backups" / "x.csv", FULL, [_full_row(3) + ";extra"])
        report = _import(store, inside, actor, skip=True)
        assert not report.written and "map met reservekopieën" in report.lines[0]
    assert [p.name for p in (tmp_path / "backups").iterdir()] == ["x.csv"]


def test_staff_reimport_with_a_blank_active_cell_keeps_the_person_inactive(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    header = "staff_id;name;role;team;big_number;qualifications;hours_per_week;active"
    first = _write(
        tmp_path / "a.csv", header, ["AD1;D. Dijk;AD;T1;;;32;nee", "AD2;E. Kok;AD;T1;;;;"]
    )
    assert _import(store, first, actor, kind="staff").written
    second = _write(
        tmp_path / "b.csv", header, ["AD1;D. van Dijk;AD;T1;;;32;", "AD2;E. Kok;AD;T1;;;;"]
    )
    report = _import(store, second, actor, kind="staff")
    assert report.lines == ["b.csv: 0 medewerkers toegevoegd, 2 bijgewerkt."]
    ad1, ad2 = get_staff(store, "AD1"), get_staff(store, "AD2")
    assert ad1 is not None and (ad1.name, ad1.active) == ("D. van Dijk", False)
    assert ad2 is not None and ad2.active


def test_duplicates_are_found_across_chunks(
    store: Store, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between chunks the references and BSNs seen live in a temporary table, not in memory."""
    monkeypatch.setattr(csvimport, "CHUNK_ROWS", 3)
    loaded: list[int] = []
    load = imports._TempSeen.load

    def counting(self: imports._TempSeen, keys: Collection[str]) -> None:
        loaded.append(len(keys))
        load(self, keys)

    monkeypatch.setattr(imports._TempSeen, "load", counting)
    rows = [_full_row(i) for i in range(1, 9)]
    rows.append(_full_row(2))  # line 10: the reference of line 3 again
    rows.append(_full_row(30).replace(BSNS[30], BSNS[4]))  # line 11: BSN of line 5, other name
    report = _import(store, _write(tmp_path / "zaken.csv", FULL, rows), actor)
    assert not report.written
    assert report.lines[:2] == [
        "zaken.csv, regel 10, kolom case_ref, waarde 'R-002': komt al voor op regel 3",
        f"zaken.csv, regel 11, kolom bsn, waarde '{BSNS[4]}': zelfde BSN als regel 5 maar met "
        "andere naam of geboortedatum",
    ]
    # each chunk's keys were looked up in the temporary tables: 4 chunks, 2 kinds of key
    assert loaded == [3, 3, 3, 3, 3, 3, 1, 1]


def test_an_errors_file_linked_to_the_store_is_refused(tmp_path: Path, actor: Actor) -> None:
    store_path = tmp_path / "s.sqlite3"
    with Store.open(store_path) as store:
        _import(store, _write(tmp_path / "a.csv", FULL, [_full_row(1)]), actor)
        (tmp_path / "zaken.errors.csv").symlink_to(store_path)
        (tmp_path / "zaken.rejected.csv").hardlink_to(store_path)
        bad = _write(tmp_path / "zaken.csv", FULL, [_full_row(2).replace(BSNS[2], "123456789")])
        for skip in (False, True):
            report = _import(store, bad, actor, skip=skip)
            assert not report.written and "dat is de opslag zelf" in report.lines[-1]
        assert store.count("cases") == 1
    with Store.open(store_path) as again:
        assert again.count("cases") == 1


_PEAK = """
import sys
from datetime import date
from pathlib import Path
from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from mdbtriage.store.imports import import_file
with Store.open(Path(sys.argv[1])) as store:
    report = import_file(
        store, Path(sys.argv[2]), "cases", skip_invalid=False,
        actor=Actor.system_account("test"), today=date(2026, 11, 23), skip_hint="",
    )
# The process's own peak (ru_maxrss would keep the peak of the test process across exec).
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(report.written, peak)
"""


def _peak_kib(tmp_path: Path, rows: int) -> int:
    """Peak memory of a case import in its own process, on a file of ``rows`` invalid rows."""
    row = "R-{};123456789;Els Smit;1980-03-03;ZW;2026-01-20;T1;;ja;ja;nee;;nee;nee;nee;open\n"
    path = tmp_path / f"zaken-{rows}.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(FULL + "\n")
        for i in range(rows):
            handle.write(row.format(i))
    store = str(tmp_path / f"s-{rows}.sqlite3")
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, store, str(path)], capture_output=True, text=True, check=True
    )
    written, peak = done.stdout.split()
    assert written == "False"
    return int(peak)


def test_memory_stays_flat_however_long_the_file(tmp_path: Path) -> None:
    """Twenty times the rows (6 MB of CSV against 0.3 MB) take about the same memory: the file is
    read in chunks and what earlier rows used waits in temporary tables. Before, every row
    stayed in memory (here some 90 MB more; a 20 MB file took about 400 MB)."""
    small, large = _peak_kib(tmp_path, 3_000), _peak_kib(tmp_path, 60_000)
    assert large - small < 10 * 1024, (small, large)
