"""Every top-level window fits the screen it opens on (1366×768 included), a remembered size
is restored only within the screen, and a wide screen's room goes to the client's name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QWidget

ROOT = Path(__file__).resolve().parents[2]


def _tour(tmp_path: Path, width: int, height: int) -> list[dict]:
    """Every screen opened by scripts/screens.py on a screen of width×height (Qt's offscreen
    platform with that one screen), as the script reports it."""
    config = tmp_path / f"screen-{width}x{height}.json"
    screen = {"name": "scherm", "x": 0, "y": 0, "width": width, "height": height}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"synthesizedScreens": False, "screens": [screen]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screens.py"), "--report", "--cases", "200"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def small_screen(tmp_path_factory) -> list[dict]:
    return _tour(tmp_path_factory.mktemp("klein"), 1366, 768)


def test_every_window_fits_a_1366_by_768_screen(small_screen):
    names = {w["name"] for w in small_screen}
    for expected in (
        "werkvoorraad",
        "mdb-voorbereiding",
        "herbeoordeling",
        "herbeoordeling-voorbeeld",
        "dossier",
        "taak-toewijzen",
        "mijn-taken",
    ):
        assert expected in names
    for window in small_screen:
        x, y, w, h = window["frame"]
        rx, ry, rw, rh = window["room"]
        assert rx <= x and ry <= y and x + w <= rx + rw and y + h <= ry + rh, window
        # Room left for the title bar a window manager adds.
        assert h <= rh - 30, window
        assert window["minimum"][0] <= rw and window["minimum"][1] <= rh, window


def test_a_1366_screen_gives_its_room_to_the_clients_name_before_the_signals_text(
    make_window, tl_session
):
    """Who the case is comes first: the room a 1366 pixel wide werkvoorraad has beyond its
    typical widths goes to the client's name before the signals' words (their icon already
    says the most urgent one)."""
    from PySide6.QtWidgets import QApplication

    from mdbtriage.ui.queue_model import COLUMN_KEYS
    from mdbtriage.ui.werkvoorraad import WIDE_SAMPLES

    window = make_window(tl_session)
    window.resize(1366 - 16, 768 - 40)
    window.show()
    QApplication.processEvents()
    view = window.werkvoorraad
    view._fill_width()
    table = view.table
    client, signals = COLUMN_KEYS.index("client"), COLUMN_KEYS.index("signals")
    whole_name = table.fontMetrics().horizontalAdvance(WIDE_SAMPLES["client"]) + 8
    assert table.columnWidth(client) > view._base_widths[client]
    if table.columnWidth(client) < whole_name:
        assert table.columnWidth(signals) == view._base_widths[signals]


def test_a_wide_screen_shows_whole_names_and_no_stretched_team_column(tmp_path):
    wide = _tour(tmp_path, 1920, 1080)
    main = next(w for w in wide if w["name"] == "werkvoorraad")
    assert main["frame"][2] >= 1600  # the room is used
    for column in ("client", "signals", "next_task"):  # nothing elided on the first page
        assert main[f"{column}_width"] >= main[f"{column}_needs"], column
    assert main["team_width"] <= main["team_needs"] + 40  # Team is not stretched


def test_a_size_remembered_on_a_larger_screen_is_restored_within_this_one(
    make_window, tl_session, settings, qtbot
):
    big = QWidget()
    qtbot.addWidget(big)
    big.setGeometry(0, 0, 3000, 2000)
    settings.setValue("main/geometry", big.saveGeometry())
    window = make_window(tl_session)
    room = window.screen().availableGeometry()
    assert window.frameGeometry().width() <= room.width()
    assert window.frameGeometry().height() <= room.height()
    assert room.contains(window.frameGeometry().topLeft())
    assert isinstance(settings.value("main/geometry"), QByteArray)


def test_columns_remembered_before_a_column_was_added_are_not_put_on_the_wrong_columns(
    make_window, tl_session, settings
):
    from PySide6.QtWidgets import QTableView

    from mdbtriage.ui.queue_model import COLUMN_KEYS

    # A header state of an older version, with one column fewer and its 6th column hidden.
    old = QTableView()
    from PySide6.QtGui import QStandardItemModel

    old.setModel(QStandardItemModel(1, len(COLUMN_KEYS) - 1))
    old.horizontalHeader().hideSection(COLUMN_KEYS.index("signals"))
    settings.setValue("werkvoorraad/header", old.horizontalHeader().saveState())
    window = make_window(tl_session)
    header = window.werkvoorraad.table.horizontalHeader()
    assert not header.isSectionHidden(COLUMN_KEYS.index("signals"))
    window.save_state()
    assert settings.value("werkvoorraad/columns") == ",".join(COLUMN_KEYS)
