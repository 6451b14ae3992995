"""The MDB commands: mdb-create, mdb-list, mdb-show, mdb-close, mdb-summary with its versions,
refusals (exit 3) and access-log records."""

from __future__ import annotations

import io
import json
from pathlib import Path

from pypdf import PdfReader

from mdbtriage.store.database import Store
from tests.cli.conftest import DEMO_TEAM_LEAD, Run, SignIn

TEAM = "SMC-UTRECHT-1"


def _demo(run: Run, sign_in: SignIn) -> None:
    """A demo district; from then on its team lead is signed in unless a test names another."""
    assert run("demo", "--cases", "400", "--on", "2026-11-23").exit_code == 0
    sign_in(DEMO_TEAM_LEAD)


def test_create_list_and_show(sign_in: SignIn, run: Run) -> None:
    _demo(run, sign_in)
    created = run("mdb-create", "--team", TEAM, "--on", "14-12-2026")
    assert created.exit_code == 0, created.stderr
    meeting_id = int(created.stdout.strip())
    assert "zaken voorgesteld" in created.stderr
    listed = json.loads(run("mdb-list", "--team", TEAM, "--format", "json").stdout)
    assert listed[0]["meeting_id"] == meeting_id
    assert listed[0]["held_on"] == "2026-12-14" and listed[0]["status"] == "voorbereiding"
    assert {m["status"] for m in listed} == {"voorbereiding", "gesloten"}
    shown = run("mdb-show", str(meeting_id))
    assert shown.exit_code == 0 and "bespreken" in shown.stdout and "Aanwezig:" in shown.stdout
    missing = run("mdb-show", "999")
    assert missing.exit_code == 2 and "MDB 999 bestaat niet" in missing.stderr
    bad = run("mdb-create", "--team", "GEEN", "--on", "2026-12-14")
    assert bad.exit_code == 2 and "Team 'GEEN' bestaat niet" in bad.stderr


def test_summary_versions_and_refusal(
    sign_in: SignIn, run: Run, tmp_path: Path, store_path: Path
) -> None:
    _demo(run, sign_in)
    listed = json.loads(run("mdb-list", "--format", "json").stdout)
    closed = next(m for m in listed if m["status"] == "gesloten")
    out = tmp_path / "verslag.pdf"
    plain = run(
        "--user", f"{TEAM}-TL1", "mdb-summary", str(closed["meeting_id"]), "--out", str(out)
    )
    assert plain.exit_code == 0, plain.stderr
    assert out.read_bytes().startswith(b"%PDF") and "niet-medische versie" in plain.stderr
    refused = run(
        "--user",
        f"{TEAM}-TL1",
        "mdb-summary",
        str(closed["meeting_id"]),
        "--out",
        str(tmp_path / "med.pdf"),
        "--versie",
        "medisch",
    )
    assert refused.exit_code == 3
    assert "alleen voor VA, AIOS, SMV en MSP" in refused.stderr
    assert not (tmp_path / "med.pdf").exists()
    allowed = run(
        "--user",
        f"{TEAM}-VA1",
        "mdb-summary",
        str(closed["meeting_id"]),
        "--out",
        str(tmp_path / "med.pdf"),
        "--versie",
        "medisch",
    )
    assert allowed.exit_code == 0 and (tmp_path / "med.pdf").exists()
    with Store.open(store_path) as store:
        per_client = store.conn.execute(
            "SELECT count(*), count(DISTINCT client_id) FROM audit_log WHERE event = 'export' "
            "AND purpose = 'MDB-verslag exporteren' AND user_id = ? AND outcome = 'gelukt'",
            (f"{TEAM}-TL1",),
        ).fetchone()
        on_agenda = store.conn.execute(
            "SELECT count(*) FROM meeting_agenda WHERE meeting_id = ?", (closed["meeting_id"],)
        ).fetchone()[0]
        refusals = store.conn.execute(
            "SELECT count(*) FROM audit_log WHERE outcome = 'geweigerd' AND user_id = ?",
            (f"{TEAM}-TL1",),
        ).fetchone()[0]
    assert per_client == (on_agenda, on_agenda)
    assert refusals == 1


def test_english_aliases_of_version_and_date(sign_in: SignIn, run: Run, tmp_path: Path) -> None:
    _demo(run, sign_in)
    listed = json.loads(run("mdb-list", "--format", "json").stdout)
    closed = next(m for m in listed if m["status"] == "gesloten")
    out = tmp_path / "med.pdf"
    args = ("mdb-summary", str(closed["meeting_id"]), "--out", str(out))
    done = run("--user", f"{TEAM}-VA1", *args, "--version-kind", "medisch", "--on", "01-12-2026")
    assert done.exit_code == 0, done.stderr
    assert "medische versie geschreven" in done.stderr
    assert b"01-12-2026" in _pdf_text(out).encode()
    refused = run("--user", f"{TEAM}-TL1", *args, "--version-kind", "medisch")
    assert refused.exit_code == 3 and "alleen voor VA, AIOS, SMV en MSP" in refused.stderr
    bad = run("--user", f"{TEAM}-VA1", *args, "--on", "31-02-2026")
    assert bad.exit_code == 2 and "--on" in bad.stderr and "31-02-2026" in bad.stderr


def test_show_logs_one_read_per_case_shown(sign_in: SignIn, run: Run, store_path: Path) -> None:
    _demo(run, sign_in)
    listed = json.loads(run("mdb-list", "--format", "json").stdout)
    meeting = listed[0]
    shown = run("--user", f"{TEAM}-TL1", "mdb-show", str(meeting["meeting_id"]))
    assert shown.exit_code == 0, shown.stderr
    with Store.open(store_path) as store:
        reads = [
            r[0]
            for r in store.conn.execute(
                "SELECT case_ref FROM audit_log WHERE event = 'read' AND user_id = ? "
                "AND purpose = 'MDB inzien' AND client_id IS NOT NULL",
                (f"{TEAM}-TL1",),
            )
        ]
        agenda = [
            r[0]
            for r in store.conn.execute(
                "SELECT case_ref FROM meeting_agenda WHERE meeting_id = ?",
                (meeting["meeting_id"],),
            )
        ]
    assert sorted(reads) == sorted(agenda) and len(agenda) == meeting["cases"] > 0
    assert all(ref in shown.stdout for ref in agenda)


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(page.extract_text() for page in reader.pages)


def test_close_is_refused_for_anyone_but_the_regievoerder(sign_in: SignIn, run: Run) -> None:
    _demo(run, sign_in)
    listed = json.loads(run("mdb-list", "--format", "json").stdout)
    upcoming = next(m for m in listed if m["status"] == "voorbereiding")
    refused = run("--user", f"{TEAM}-TL1", "mdb-close", str(upcoming["meeting_id"]))
    assert refused.exit_code == 3
    assert "Alleen de regievoerder" in refused.stderr
    incomplete = run("--user", f"{TEAM}-VA1", "mdb-close", str(upcoming["meeting_id"]))
    assert incomplete.exit_code == 3 and "nog geen besluit" in incomplete.stderr
