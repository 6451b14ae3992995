"""Open every screen of the desktop on a demo store, one after the other, and either save a PNG
of each (``--out DIR``) or report each top-level window's frame and the screen's room as JSON
(``--report``). Used by scripts/screenshots.sh and by the screen-fit test in tests/ui.

The screen is whatever Qt's platform offers: Xvfb at a given size for the screenshots, the
offscreen platform with a configured screen size for the test.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QDeadlineTimer,
    QIODevice,
    QSettings,
    QThread,
)
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from mdbtriage.core.model import Actor
from mdbtriage.core.policy import load_policy
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.ui.app import application
from mdbtriage.ui.session import Session

TODAY = date(2026, 3, 16)
# The office store's address as IT sets it on a workstation (the sign-in needs no server to be
# shown), and the names of two workstations at one MDB, so the pictures do not change with the
# computer they are made on.
OFFICE_ADDRESS = "postgresql://server.kantoor.local/mdb_triage"
CHAIR_WORKSTATION, OTHER_WORKSTATION = "SPREEKKAMER-1", "LAPTOP-ARTS"


def settle(ms: int = 150) -> None:
    """Let the event loop draw and finish pending work for a moment."""
    deadline = QDeadlineTimer(ms)
    while not deadline.hasExpired():
        QCoreApplication.processEvents()
        QThread.msleep(10)


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = QDeadlineTimer(int(seconds * 1000))
    while not condition():
        if deadline.hasExpired():
            raise TimeoutError("het scherm werd niet op tijd klaar")
        QCoreApplication.processEvents()
        QThread.msleep(10)


def session_for(store: Store, role: str, team: str) -> Session:
    """The staff member the demo gives work: the first VA (delegating), the last SMV."""
    order = "DESC" if role == "SMV" else "ASC"
    row = store.conn.execute(
        "SELECT staff_id, name, role, team_id FROM staff WHERE role = ? AND team_id = ? "
        f"ORDER BY staff_id {order}",
        (role, team),
    ).fetchone()
    return Session(staff_id=row[0], name=row[1], role=row[2], team=row[3])


class Tour:
    """Shows the screens in turn and hands each to ``record``."""

    def __init__(
        self, store: Store, record: Callable[[str, QWidget], None], tmp: Path, zoom: int = 100
    ) -> None:
        self.store = store
        self.record = record
        self.policy = load_policy()
        self.settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
        # The text size the person chose (Beeld › Tekst groter), as the main window reads it.
        self.settings.setValue("appearance/zoom", zoom)
        self.team = str(store.conn.execute("SELECT MIN(team_id) FROM teams").fetchone()[0])

    def show(self, name: str, widget: QWidget) -> None:
        widget.show()
        widget.raise_()
        widget.activateWindow()
        settle()
        self.record(name, widget)

    def main_window(self, role: str) -> QWidget:
        from mdbtriage.ui.main_window import MainWindow

        window = MainWindow(
            self.store, session_for(self.store, role, self.team), self.policy, TODAY, self.settings
        )
        window.show()
        wait_for(lambda: window.werkvoorraad.model.total() > 0 and not window.werkvoorraad._loading)
        window.werkvoorraad.table.selectRow(0)
        return window

    def run(self) -> None:
        from mdbtriage.ui.office_signin import OfficeSignInDialog, StoreChoiceDialog
        from mdbtriage.ui.signin import SignInDialog

        choice = StoreChoiceDialog()
        self.show("eerste-start", choice)
        choice.close()
        signin = SignInDialog(self.store)
        self.show("aanmelden", signin)
        signin.close()
        office = OfficeSignInDialog(self.settings, OFFICE_ADDRESS)
        self.show("aanmelden-kantoor", office)
        office.close()

        lead = self.main_window("TL")
        self.show("werkvoorraad", lead)
        for tab, name in (
            (lead.team_view, "team"),
            (lead.overzicht, "overzicht"),
            (lead.prognose, "prognose"),
        ):
            lead.tabs.setCurrentWidget(tab.parentWidget())  # its tab (built when chosen)
            settle(400)
            self.show(name, lead)
        lead.tabs.setCurrentWidget(lead.werkvoorraad)
        self.dialogs(lead)
        self.dossier(lead)
        self.mdb(lead)
        self.herbeoordeling(lead)
        lead.close()

        smv = self.main_window("SMV")
        smv.tabs.setCurrentWidget(smv.my_tasks)
        self.show("mijn-taken", smv)
        smv.close()
        va = self.main_window("VA")
        va.tabs.setCurrentWidget(va.te_accorderen)
        self.show("te-accorderen", va)
        va.close()

    def dossier(self, window: QWidget) -> None:
        from mdbtriage.ui.dossier import DossierWindow

        case_ref = window.werkvoorraad.current_case()
        dossier = DossierWindow(self.store, window.session, self.policy, TODAY, case_ref, window)
        dossier.show()
        # The case's expected weeks are computed in the background: shown once they are in.
        wait_for(lambda: dossier.expected.text() != "wordt berekend…")
        self.show("dossier", dossier)
        dossier.tabs.setCurrentIndex(dossier.tabs.count() - 1)
        self.show("dossier-logboek", dossier)
        dossier.close()

    def mdb(self, window: QWidget) -> None:
        from mdbtriage.ui.mdb import MdbWindow

        mdb = MdbWindow(
            self.store,
            window.session.actor,
            today=TODAY,
            parent=window,
            workstation=CHAIR_WORKSTATION,
        )
        self.show("mdb-voorbereiding", mdb)
        mdb.tabs.setCurrentIndex(1)
        self.show("mdb-aanwezigheid", mdb)
        mdb.tabs.setCurrentIndex(2)  # this window takes the chair
        self.show("mdb-bespreking", mdb)
        # A colleague opens the same MDB on another workstation: she follows it read-only.
        assert mdb.meeting is not None
        colleague = session_for(self.store, "SMV", self.team)
        follower = MdbWindow(
            self.store,
            colleague.actor,
            today=TODAY,
            meeting_id=mdb.meeting.meeting_id,
            parent=window,
            workstation=OTHER_WORKSTATION,
        )
        follower.tabs.setCurrentIndex(2)
        self.show("mdb-bespreking-alleen-lezen", follower)
        follower.close()
        mdb.raise_()
        mdb.close_meeting()  # undecided cases: the one-line notice
        self.show("mdb-sluiten-nog-niet", mdb)
        mdb.tabs.setCurrentIndex(3)
        settle(500)
        self.show("mdb-verslag", mdb)
        mdb.close()

    def herbeoordeling(self, window: QWidget) -> None:
        from mdbtriage.ui.herbeoordeling_form import HerbeoordelingForm

        form = HerbeoordelingForm(self.store, window.session.actor, None, window, self.policy)
        self.show("herbeoordeling", form)
        preview = form.preview()
        wait_for(lambda: preview.document.pageCount() > 0)
        self.show("herbeoordeling-voorbeeld", preview)
        preview.close()
        form.close()

    def dialogs(self, window: QWidget) -> None:
        from mdbtriage.ui.capacity_dialog import CapacityDialog
        from mdbtriage.ui.case_form import CaseFormDialog
        from mdbtriage.ui.imports import ImportDialog
        from mdbtriage.ui.tasks import AssignTaskDialog

        session = window.session
        case_ref = window.werkvoorraad.current_case()
        shown: list[tuple[str, QWidget]] = [
            ("zaak-nieuw", CaseFormDialog(self.store, session, TODAY, None, window)),
            (
                "taak-toewijzen",
                AssignTaskDialog(self.store, session.actor, case_ref, TODAY, window),
            ),
            ("zaken-importeren", ImportDialog(self.store, session, TODAY, "cases", window)),
        ]
        norms = getattr(window.prognose, "norms", None)
        if norms is not None:
            shown.append(
                ("capaciteit", CapacityDialog(self.store, session, self.team, norms, TODAY, window))
            )
        help_dialog = getattr(window, "shortcuts_dialog", None)
        if callable(help_dialog):
            shown.append(("sneltoetsen", help_dialog()))
        for name, dialog in shown:
            self.show(name, dialog)
            dialog.close()


def save_small(image: QImage, target: Path) -> None:
    """A PNG with a palette of 256 colours (Pillow, which reportlab brings): a window's
    picture stays small and its colours and text as they were."""
    from PIL import Image

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    picture = Image.open(io.BytesIO(bytes(data.data()))).convert("RGB")
    picture.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        target, optimize=True
    )


def queue_columns(view: QWidget) -> dict[str, object]:
    """How the werkvoorraad's columns use the width: the widest client name on screen against
    its column, and the Team column against its widest team."""
    from mdbtriage.ui.queue_model import COLUMN_KEYS

    table = view.table
    metrics = table.fontMetrics()
    client, team = COLUMN_KEYS.index("client"), COLUMN_KEYS.index("team")
    rows = range(max(0, table.rowAt(0)), max(0, table.rowAt(table.viewport().height() - 1)) + 1)
    model = table.model()

    def widest(column: int) -> int:
        return max(
            (metrics.horizontalAdvance(str(model.index(r, column).data() or "")) for r in rows),
            default=0,
        )

    signals, next_task = COLUMN_KEYS.index("signals"), COLUMN_KEYS.index("next_task")
    icon = max(table.iconSize().width(), metrics.height()) + 6
    return {
        "client_width": table.columnWidth(client),
        "client_needs": widest(client) + 8,
        "signals_width": table.columnWidth(signals),
        "signals_needs": widest(signals) + 8 + icon,
        "next_task_width": table.columnWidth(next_task),
        "next_task_needs": widest(next_task) + 8,
        "team_width": table.columnWidth(team),
        "team_needs": widest(team) + 8,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, help="map voor de PNG's")
    parser.add_argument("--suffix", default="", help="achtervoegsel van de bestandsnamen")
    parser.add_argument("--report", action="store_true", help="vensters als JSON op stdout")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument(
        "--zoom", type=int, default=100, help="tekstgrootte in procenten (Beeld › Tekst groter)"
    )
    args = parser.parse_args()
    app = application()
    if args.zoom != 100:
        from mdbtriage.ui.appearance import apply_zoom

        apply_zoom(args.zoom)  # the windows opened before the main window too
    found: list[dict[str, object]] = []

    def record(name: str, widget: QWidget) -> None:
        window = widget.window()
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            target = args.out / f"{name}{args.suffix}.png"
            save_small(window.grab().toImage(), target)
        room = window.screen().availableGeometry()
        frame = window.frameGeometry()
        extra: dict[str, object] = {}
        if name == "werkvoorraad":
            extra = queue_columns(window.werkvoorraad)
        found.append(
            {
                **extra,
                "name": name,
                "title": window.windowTitle(),
                "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
                "room": [room.x(), room.y(), room.width(), room.height()],
            }
        )

    # A folder of the same name each time, so the pictures do not change with a random name.
    # (A report, made by the tests, may run beside it: it takes a folder of its own.)
    name = "mdb-triage-demo" if args.out is not None else f"mdb-triage-demo-{os.getpid()}"
    tmp = Path(tempfile.gettempdir()) / name
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        store = Store.open(tmp / "demo.sqlite3")
        try:
            load_demo(
                store,
                n_cases=args.cases,
                seed=2026,
                today=TODAY,
                actor=Actor(user_id="demo", name="demo", role="onbekend"),
            )
            Tour(store, record, tmp, args.zoom).run()
        finally:
            for widget in QApplication.topLevelWidgets():
                widget.close()
            settle()
            store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.report:
        json.dump(found, sys.stdout, indent=1)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
