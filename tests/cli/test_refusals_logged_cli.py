"""Refusals are logged everywhere: a herbeoordeling refused with exit 3 writes a 'geweigerd'
record, and its message names the pending case only to someone of that case's team (anyone else
learns that a WIA decision or bezwaar is pending, not which case this BSN has)."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from mdbtriage.core.model import Actor, Case, Client
from mdbtriage.store.audit import records
from mdbtriage.store.database import Store
from mdbtriage.store.records import upsert_cases
from tests.cli.conftest import DEMO_TEAM_LEAD, Run, SignIn

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"
TEAM = "SMC-UTRECHT-1"
VA = f"{TEAM}-VA1"
BSN = "123456782"


def _request(tmp_path: Path) -> Path:
    data = json.loads(EXAMPLE.read_text("utf-8"))
    data["requester"] = {"kind": "werknemer", "name": "Jan Jansen", "contact": "06 1234 5678"}
    data["request"] = {"kind": "herbeoordeling"}
    data["client"]["bsn"] = BSN
    path = tmp_path / "aanvraag.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def pending_in(run: Run, store_path: Path, request: pytest.FixtureRequest) -> str:
    """A demo team with accounts and a pending WIA claim 'W-GEHEIM' of the client, in the team
    named by the test's parameter."""
    assert run("demo", "--cases", "10", "--on", "2026-11-23").exit_code == 0
    team = request.param
    with Store.open(store_path) as store:
        with store.atomic() as conn:
            conn.execute("INSERT INTO teams (team_id, name) VALUES ('SMC-ELDERS-1', 'Elders')")
        client = Client(BSN, "Jan Jansen", date(1968, 4, 12))
        case = Case.entered(
            case_ref="W-GEHEIM",
            client=client,
            service="WIA_CLAIM",
            received_on=date(2026, 9, 1),
            team=team,
        )
        upsert_cases(store, [case], Actor.system_account("test"), "test")
    return str(team)


@pytest.mark.parametrize("pending_in", ["SMC-ELDERS-1"], indirect=True)
def test_a_refusal_for_another_teams_client_names_no_case_and_is_logged(
    run: Run, sign_in: SignIn, store_path: Path, tmp_path: Path, pending_in: str
) -> None:
    sign_in(VA)
    out = tmp_path / "aanvraag.pdf"
    result = run("herbeoordeling", str(_request(tmp_path)), "--out", str(out))
    assert result.exit_code == 3, result.stderr
    assert "W-GEHEIM" not in result.output and pending_in not in result.output
    assert "er loopt nog een WIA-claimbeoordeling (open)" in result.stderr
    assert not out.exists()
    with Store.open(store_path) as store:
        last = records(store.conn)[-1]
        client_id = store.conn.execute(
            "SELECT client_id FROM clients WHERE bsn = ?", (BSN,)
        ).fetchone()[0]
    assert (last.user_id, last.event, last.outcome) == (VA, "create", "geweigerd")
    assert last.client_id == client_id and last.case_ref is None
    assert "W-GEHEIM" not in last.details and "WIA-claimbeoordeling" in last.details
    # The VA reads her own record back: it does not name the case either.
    own = run("audit", "--format", "json")
    assert own.exit_code == 0 and "W-GEHEIM" not in own.stdout


@pytest.mark.parametrize("pending_in", [TEAM], indirect=True)
def test_the_case_is_named_to_its_own_team(
    run: Run, sign_in: SignIn, tmp_path: Path, pending_in: str
) -> None:
    sign_in(DEMO_TEAM_LEAD)
    result = run("herbeoordeling", str(_request(tmp_path)), "--out", str(tmp_path / "a.pdf"))
    assert result.exit_code == 3
    assert "WIA-claimbeoordeling (zaak W-GEHEIM, open)" in result.stderr


@pytest.fixture
def demo(run: Run, store_path: Path) -> Path:
    assert run("demo", "--cases", "10", "--on", "2026-11-23").exit_code == 0
    return store_path


def _meetings(run: Run) -> list[dict[str, object]]:
    listed = run("--user", DEMO_TEAM_LEAD, "mdb-list", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    meetings: list[dict[str, object]] = json.loads(listed.stdout)
    return meetings


def test_a_refused_mdb_close_is_logged(run: Run, demo: Path) -> None:
    upcoming = next(m for m in _meetings(run) if m["status"] == "voorbereiding")
    refused = run("--user", DEMO_TEAM_LEAD, "mdb-close", str(upcoming["meeting_id"]))
    assert refused.exit_code == 3 and "Alleen de regievoerder" in refused.stderr
    with Store.open(demo) as store:
        last = records(store.conn)[-1]
        status = store.conn.execute(
            "SELECT status FROM meetings WHERE meeting_id = ?", (upcoming["meeting_id"],)
        ).fetchone()[0]
    assert (last.user_id, last.outcome, last.purpose) == (
        DEMO_TEAM_LEAD,
        "geweigerd",
        "MDB-besluiten bevestigen",
    )
    assert f"MDB {upcoming['meeting_id']} niet gesloten" in last.details
    assert "Alleen de regievoerder" in last.details
    assert status == "voorbereiding"


def test_an_mdb_summary_carries_the_head_in_its_pdf_and_its_records(
    run: Run, demo: Path, tmp_path: Path
) -> None:
    closed = next(m for m in _meetings(run) if m["status"] == "gesloten")
    out = tmp_path / "verslag.pdf"
    made = run(
        "--user", DEMO_TEAM_LEAD, "mdb-summary", str(closed["meeting_id"]), "--out", str(out)
    )
    assert made.exit_code == 0, made.stderr
    head = re.search(
        r"Ketenkop van het toegangslogboek in dit verslag.*: ([0-9a-f]{64})", made.stderr
    )
    assert head is not None
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    last_page = " ".join(reader.pages[-1].extract_text().split())
    assert head.group(1) in last_page.replace(" ", "")
    with Store.open(demo) as store:
        exported = [r for r in records(store.conn) if r.purpose == "MDB-verslag exporteren"]
    assert exported and all(f"ketenkop {head.group(1)}" in r.details for r in exported)
    assert run("check", "--anchor", head.group(1)).exit_code == 0
