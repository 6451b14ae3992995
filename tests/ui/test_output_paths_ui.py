"""The desktop's save dialogs never write over the store, its companions or its backups: the
person is told why and nothing is written or logged (the rule of store/outputs.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from mdbtriage.core.model import Actor
from mdbtriage.store.backup import backup_dir
from mdbtriage.store.database import Store
from mdbtriage.store.records import ensure_teams
from mdbtriage.store.safety import seal_path
from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.herbeoordeling_form import HerbeoordelingForm

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"


def _exports(store: Store) -> int:
    return int(
        store.conn.execute("SELECT count(*) FROM audit_log WHERE event = 'export'").fetchone()[0]
    )


def _targets(store: Store) -> list[Path]:
    path = store.path
    return [
        path,
        Path(f"{path}-wal"),
        Path(f"{path}-shm"),
        seal_path(path),
        backup_dir(path) / "verslag.pdf",
    ]


@pytest.mark.parametrize("which", range(5), ids=["opslag", "wal", "shm", "zegel", "backups"])
def test_the_request_pdf_is_not_saved_over_the_store(
    qtbot: QtBot, store: Store, actor: Actor, monkeypatch, which: int
) -> None:
    ensure_teams(store, ["SMC-GRONINGEN"])
    form = HerbeoordelingForm(store, actor, None)
    qtbot.addWidget(form)
    form.set_data(json.loads(EXAMPLE.read_text("utf-8")))
    target = _targets(store)[which]
    before = target.read_bytes() if target.exists() else None
    warned: list[str] = []
    monkeypatch.setattr(HerbeoordelingForm, "ask_save_path", classmethod(lambda cls, p, s: target))
    monkeypatch.setattr(
        HerbeoordelingForm, "ask_warning", classmethod(lambda cls, p, t, text: warned.append(text))
    )
    assert form.export_pdf() is None
    assert warned and f"waarde '{target}'" in warned[0] and "niets geschreven" in warned[0]
    assert (target.read_bytes() if target.exists() else None) == before
    assert _exports(store) == 0
    assert store.integrity_problems() == []


def test_the_werkvoorraad_export_is_not_saved_over_the_store(
    make_window, tl_session, demo_store: Store, monkeypatch
) -> None:
    window = make_window(tl_session)
    warned: list[str] = []
    monkeypatch.setattr(Ask, "save_path", classmethod(lambda cls, *a: demo_store.path))
    monkeypatch.setattr(Ask, "warn", classmethod(lambda cls, _p, title, text: warned.append(text)))
    window.export_view()
    assert warned and "dat is de opslag zelf" in warned[0]
    assert _exports(demo_store) == 0
    assert demo_store.count("cases") > 0 and demo_store.integrity_problems() == []


def test_the_mdb_summary_is_not_saved_into_the_backups_folder(
    qtbot: QtBot, demo_store: Store, monkeypatch
) -> None:
    from mdbtriage.ui.mdb import MdbWindow
    from tests.conftest import TODAY

    lead = demo_store.conn.execute("SELECT staff_id, name FROM staff WHERE role = 'TL'").fetchone()
    window = MdbWindow(demo_store, Actor(lead[0], lead[1], "TL"), today=TODAY)
    qtbot.addWidget(window)
    assert window.meeting is not None
    target = backup_dir(demo_store.path) / "verslag.pdf"
    monkeypatch.setattr(MdbWindow, "ask_save_path", classmethod(lambda cls, p, s: str(target)))
    window.export_summary()
    assert "map met reservekopieën" in window.status_label.text()
    assert not target.exists()
    assert _exports(demo_store) == 0
