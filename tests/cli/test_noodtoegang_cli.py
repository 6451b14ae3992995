"""Break-glass on the command line: 'audit --event noodtoegang' lists every access to another
team's client with its reason for the team lead (and the privacy officer); everyone else sees
their own only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from mdbtriage.store.dossier import EmergencyRefused, read_dossier
from tests.cli.conftest import DEMO_TEAM_LEAD, Run

TEAM = "SMC-UTRECHT-1"
VA, SMV = f"{TEAM}-VA1", f"{TEAM}-SMV1"
REASON = "collega ziek, spoedvraag van de bedrijfsarts over deze cliënt"


@pytest.fixture
def broken_glass(run: Run, store_path: Path) -> str:
    """A demo team whose first case moved to another team; the VA opened it with a reason, the
    SMV tried without one."""
    assert run("demo", "--cases", "10", "--on", "2026-11-23").exit_code == 0
    with Store.open(store_path) as store:
        ref = str(store.conn.execute("SELECT case_ref FROM cases LIMIT 1").fetchone()[0])
        with store.atomic() as conn:
            conn.execute("INSERT INTO teams (team_id, name) VALUES ('SMC-ELDERS-1', 'Elders')")
            conn.execute("UPDATE cases SET team_id = 'SMC-ELDERS-1' WHERE case_ref = ?", (ref,))
        read_dossier(store, Actor(VA, "VA", "VA"), ref, emergency_reason=REASON)
        with pytest.raises(EmergencyRefused):
            read_dossier(store, Actor(SMV, "SMV", "SMV"), ref)
    return ref


def test_the_team_lead_lists_break_glass_with_reasons(run: Run, broken_glass: str) -> None:
    result = run("--user", DEMO_TEAM_LEAD, "audit", "--event", "noodtoegang", "--format", "json")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [(r["user_id"], r["outcome"], r["case_ref"]) for r in listed] == [
        (VA, "gelukt", broken_glass),
        (SMV, "geweigerd", broken_glass),
    ]
    assert REASON in listed[0]["details"] and "SMC-ELDERS-1" in listed[0]["details"]
    table = run("--user", DEMO_TEAM_LEAD, "audit", "--event", "emergency")
    assert table.exit_code == 0
    assert len(table.stdout.splitlines()) == 3 and REASON in table.stdout  # header and two


def test_others_see_only_their_own_break_glass(run: Run, broken_glass: str) -> None:
    result = run("--user", SMV, "audit", "--event", "noodtoegang", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["user_id"] for r in json.loads(result.stdout)] == [SMV]


def test_an_unknown_event_is_named(run: Run, broken_glass: str) -> None:
    result = run("--user", DEMO_TEAM_LEAD, "audit", "--event", "inbraak")
    assert result.exit_code == 2
    assert "Optie --event, waarde 'inbraak'" in result.stderr and "noodtoegang" in result.stderr
    assert "Traceback" not in result.output
