"""The desktop keeps the command line's rule: only a team lead imports staff (roles, teams, BIG
numbers); anyone else is refused with the rule shown, and the refusal is logged."""

from __future__ import annotations

from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.imports import ImportDialog


def test_staff_import_is_for_the_team_lead(
    make_window, demo_store, ad_session, tl_session, monkeypatch
):
    warned: list[str] = []
    opened: list[str] = []
    monkeypatch.setattr(Ask, "warn", classmethod(lambda cls, p, t, text: warned.append(text)))
    monkeypatch.setattr(
        ImportDialog, "ask", classmethod(lambda cls, st, s, on, kind, p=None: opened.append(kind))
    )
    window = make_window(ad_session)
    window.import_csv("staff")
    assert opened == [] and warned == [
        "Geweigerd: alleen een teamleider mag "
        + ("medewerkers importeren of hun rol, team of BIG wijzigen.")
    ]
    last = demo_store.conn.execute(
        "SELECT user_id, outcome, purpose FROM audit_log ORDER BY log_id DESC LIMIT 1"
    ).fetchone()
    assert last == (ad_session.staff_id, "geweigerd", "medewerkers importeren")
    window.import_csv("cases")
    assert opened == ["cases"]
    make_window(tl_session).import_csv("staff")
    assert opened == ["cases", "staff"] and len(warned) == 1
