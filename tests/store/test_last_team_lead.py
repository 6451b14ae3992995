"""A staff change may not leave a store that has accounts without an active team lead who can
sign in: then nobody could import staff, create accounts or record central decisions again.
The rule sits where staff is written (``records.upsert_staff``), so the command line's and the
desktop's imports both get it, on both stores."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mdbtriage.core.model import Actor, Staff
from mdbtriage.store.accounts import LastTeamLeadRefused, team_leads_with_account
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.store.imports import import_file
from mdbtriage.store.records import get_staff, upsert_staff

pytestmark = pytest.mark.both_stores

TODAY = date(2026, 11, 23)
TL = "SMC-UTRECHT-1-TL1"
HEADER = "staff_id,name,role,team,big_number,qualifications,hours_per_week,active"


@pytest.fixture
def demo(store: Store) -> Store:
    load_demo(store, n_cases=20, seed=3, today=TODAY, actor=Actor("demo", "demo", "TL"))
    assert TL in team_leads_with_account(store)
    return store


def _import(store: Store, path: Path, text: str, skip: bool = False) -> tuple[bool, bool, str]:
    path.write_text(text, encoding="utf-8")
    report = import_file(
        store,
        path,
        "staff",
        skip_invalid=skip,
        actor=Actor(TL, "Rik Bakker", "TL"),
        today=TODAY,
        skip_hint="",
    )
    return report.written, report.refused, "\n".join(report.lines)


@pytest.mark.parametrize(
    "row",
    [
        f"{TL},Rik Bakker,TL,SMC-UTRECHT-1,,,32,nee",  # no longer active
        f"{TL},Rik Bakker,VA,SMC-UTRECHT-1,12345678901,,32,ja",  # demoted
    ],
)
@pytest.mark.parametrize("skip", [False, True])
def test_the_last_team_lead_is_not_removed(
    demo: Store, tmp_path: Path, row: str, skip: bool
) -> None:
    before = get_staff(demo, TL)
    other = "SMC-UTRECHT-1-AD1,Nieuwe Naam,AD,SMC-UTRECHT-1,,,36,ja"
    written, refused, text = _import(demo, tmp_path / "staf.csv", f"{HEADER}\n{other}\n{row}\n")
    assert (written, refused) == (False, True)
    assert "geen actieve teamleider met een account" in text and TL in text
    assert "er is niets geschreven" in text
    assert get_staff(demo, TL) == before
    ad1 = get_staff(demo, "SMC-UTRECHT-1-AD1")
    assert ad1 is not None and ad1.name != "Nieuwe Naam"  # nothing of the file was written
    assert not (tmp_path / "staf.rejected.csv").exists()
    logged = demo.conn.execute(
        "SELECT outcome, details FROM audit_log WHERE purpose = 'medewerkers importeren' "
        "ORDER BY log_id DESC"
    ).fetchone()
    assert logged[0] == "geweigerd" and "geen actieve teamleider" in logged[1]


def test_another_team_lead_with_an_account_may_take_over(demo: Store, tmp_path: Path) -> None:
    rows = [
        f"{TL},Rik Bakker,TL,SMC-UTRECHT-1,,,32,nee",
        "SMC-UTRECHT-1-VA1,Nieuwe Teamleider,TL,SMC-UTRECHT-1,,,32,ja",  # has an account
    ]
    written, refused, text = _import(demo, tmp_path / "staf.csv", "\n".join([HEADER, *rows]))
    assert (written, refused) == (True, False), text
    assert team_leads_with_account(demo) == {"SMC-UTRECHT-1-VA1"}


def test_upsert_staff_itself_refuses(demo: Store) -> None:
    lead = get_staff(demo, TL)
    assert lead is not None
    gone = Staff(TL, lead.name, "TL", lead.team, None, (), 32.0, active=False)
    with pytest.raises(LastTeamLeadRefused, match="wordt niet-actief"):
        upsert_staff(demo, [gone])
    assert get_staff(demo, TL) == lead


def test_a_store_without_team_lead_accounts_is_not_held_back(store: Store) -> None:
    """Set-up (no accounts yet, or an office store whose owner imports the first staff)."""
    staff = [Staff("CF-TL9", "Eerste Teamleider", "TL", "T9", None, (), 32.0, active=False)]
    assert upsert_staff(store, staff).created == 1
