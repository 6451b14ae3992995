"""Start of the desktop application: one instance per store, sign-in, then the main window."""

from __future__ import annotations

import getpass
import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from mdbtriage.core.policy import load_policy
from mdbtriage.store.database import Store, StoreError
from mdbtriage.ui.main_window import MainWindow
from mdbtriage.ui.session import Session

APP_TITLE = "MDB Triage"


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName("mdb-triage")
    app.setOrganizationName("mdb-triage")
    app.setApplicationDisplayName(APP_TITLE)
    return app


def run_app(store_path: Path) -> int:
    """Open the main window on the store at ``store_path``; the return value is the exit code."""
    app = application()
    try:
        store = Store.open(store_path)
    except StoreError as error:
        QMessageBox.critical(None, APP_TITLE, f"De opslag kan niet worden geopend.\n\n{error}")
        return 1
    try:
        account = getpass.getuser()
    except (KeyError, OSError):
        account = "onbekend"
    session = Session(staff_id=f"os:{account}", name=account, role="onbekend", team="")
    window = MainWindow(store, session, load_policy(), date.today(), QSettings())
    window.show()
    code = int(app.exec())
    store.close()
    return code
