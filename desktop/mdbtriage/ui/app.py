"""Start of the desktop application: one instance per store, first start, sign-in, idle lock."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from mdbtriage.core.accounts import DEMO_PASSWORD
from mdbtriage.core.model import Actor
from mdbtriage.core.policy import Policy
from mdbtriage.store.accounts import has_accounts, idle_lock_minutes, sign_out
from mdbtriage.store.database import Store, StoreError, is_office_location
from mdbtriage.store.delegations import policy_for
from mdbtriage.store.locations import default_store_path, office_address_setting
from mdbtriage.ui.appearance import apply_style, install_dutch, qt_start_problem
from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.main_window import MainWindow
from mdbtriage.ui.office_signin import (
    ADDRESS_KEY,
    CHOICE_KEY,
    OfficeSignInDialog,
    StoreChoiceDialog,
    smoke_sign_in,
)
from mdbtriage.ui.recovery import (
    AutoBackup,
    open_store_or_recover,
    quit_when_shown,
    smoke_requested,
    smoke_session,
)
from mdbtriage.ui.session import Session
from mdbtriage.ui.signin import FirstAccountDialog, IdleWatcher, LockDialog, SignInDialog
from mdbtriage.ui.single_instance import InstanceServer, activate_running, instance_key
from mdbtriage.ui.worker import stop_background_work

APP_TITLE = "MDB Triage"
DEMO_CASES = 2000


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName("mdb-triage")
    app.setOrganizationName("mdb-triage")
    app.setApplicationDisplayName(APP_TITLE)
    install_dutch(app)
    apply_style(app)
    return app


class AppController(QObject):
    """Carries one store through first start, sign-in, the main window, locking and sign-out."""

    def __init__(
        self,
        store: Store,
        policy: Policy,
        on: date,
        settings: QSettings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.policy = policy
        self.on = on
        self.settings = settings
        self.window: MainWindow | None = None
        self.session: Session | None = None
        self.watcher = IdleWatcher(idle_lock_minutes(store) * 60_000, self)
        self.watcher.idle.connect(self.lock)
        self._locked = False
        # What the person chose at first start ("demo", "nieuw"), or None: then asked.
        self.first_choice: str | None = None

    def start(self) -> bool:
        """First start and sign-in; False when the person gives up (the application then ends)."""
        session = self.bootstrap()
        if session is None:
            if not has_accounts(self.store):
                return False
            session = SignInDialog.ask(self.store)
        if session is None:
            return False
        self.open_main(session)
        return True

    def bootstrap(self) -> Session | None:
        """A store without accounts: offer demo data when it is empty, else the first team lead.

        Returns a session when the first team lead was created (already signed in)."""
        if has_accounts(self.store):
            return None
        empty = self.store.count("cases") == 0 and self.store.count("staff") == 0
        demo = self.first_choice == StoreChoiceDialog.DEMO
        if empty and self.first_choice is None:
            demo = Ask.confirm(
                None,
                "Nieuwe opslag",
                f"De opslag {self.store.path} is nog leeg.\n\nWilt u demogegevens laden (een "
                f"synthetisch team met {DEMO_CASES} zaken en accounts voor alle medewerkers)? "
                "Kies Nee om met een eigen teamleidersaccount te beginnen.",
            )
        if empty and demo:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                # Imported here: the demo generator (and what it brings) is not needed to start.
                from mdbtriage.store.demo import load_demo

                load_demo(
                    self.store,
                    n_cases=DEMO_CASES,
                    seed=2026,
                    today=self.on,
                    actor=Actor(user_id="demo", name="demo", role="onbekend"),
                )
            finally:
                QGuiApplication.restoreOverrideCursor()
            Ask.inform(
                None,
                "Demogegevens geladen",
                "De demogegevens zijn geladen. Elke medewerker heeft een account met het "
                f"demowachtwoord: {DEMO_PASSWORD}\n\nMeld u aan als bijvoorbeeld de teamleider.",
            )
            return None
        return FirstAccountDialog.ask(self.store)

    def open_main(self, session: Session) -> None:
        self.session = session
        window = MainWindow(self.store, session, self.policy, self.on, self.settings)
        window.signed_out.connect(self._signed_out)
        window.lock_requested.connect(self.lock)
        window.settings_changed.connect(self._settings_changed)
        self.window = window
        window.show()
        self.watcher.set_timeout(idle_lock_minutes(self.store) * 60_000)
        self.watcher.start()

    def _settings_changed(self) -> None:
        self.watcher.set_timeout(idle_lock_minutes(self.store) * 60_000)

    def lock(self) -> None:
        """Hide everything and ask the signed-in person for the password again."""
        if self._locked or self.window is None or self.session is None:
            return
        self._locked = True
        self.watcher.stop()
        window = self.window
        hidden = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        app = QApplication.instance()
        quit_on_close = isinstance(app, QApplication) and app.quitOnLastWindowClosed()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)
        for widget in hidden:
            widget.hide()
        unlocked = LockDialog.ask(self.store, self.session)
        self._locked = False
        if unlocked:
            for widget in hidden:
                widget.show()
            self.watcher.start()
        else:
            window.sign_out()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(quit_on_close)

    def _signed_out(self) -> None:
        """Afmelden: every window with client data (the main window, dossiers, the MDB window,
        forms) is closed before the sign-in appears, so nothing of the previous person's work
        stays readable behind it."""
        self.watcher.stop()
        if self.session is not None:
            sign_out(self.store, self.session.actor)
        app = QApplication.instance()
        quit_on_close = isinstance(app, QApplication) and app.quitOnLastWindowClosed()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)
        self._close_client_windows()
        self.window = None
        self.session = None
        if self.store.is_office:
            # The next person signs in with their own login: a connection of their own.
            self.store.close()
            signed_in = OfficeSignInDialog.ask(self.settings)
            session = None
            if signed_in is not None:
                self.store, session = signed_in
        else:
            session = SignInDialog.ask(self.store)
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(quit_on_close)
        if session is None:
            QApplication.quit()
            return
        self.open_main(session)

    def _close_client_windows(self) -> None:
        """Hide at once, then close and free, the main window and every other window shown:
        they are the previous person's (a window that refuses to close stays hidden and is
        freed with the main window or on its own)."""
        main = self.window
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not main]
        if main is not None:
            main.hide()
        for widget in shown:
            widget.hide()
        for widget in shown:
            widget.close()
            widget.deleteLater()
        if main is not None:
            main.deleteLater()

    def raise_window(self) -> None:
        if self.window is not None and not self._locked:
            self.window.setWindowState(self.window.windowState() & ~Qt.WindowState.WindowMinimized)
            self.window.show()
            self.window.raise_()
            self.window.activateWindow()


def report_uncaught(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    """An error no screen caught (in a button's or a timer's handler) becomes a Dutch message
    in a dialog, never a traceback the person does not see; the details go to stderr for IT.
    A store problem (the office server unreachable, a full disk) says what happened to the
    work; anything else says that what was saved before is kept."""
    import traceback

    traceback.print_exception(kind, error, trace)
    if smoke_requested():  # a smoke run reports on stderr and must not wait for a person
        return
    if isinstance(error, StoreError):
        text = str(error)
    else:
        text = (
            "Er ging iets onverwachts mis; wat eerder was opgeslagen, is bewaard. Probeer het "
            f"opnieuw, of meld het aan IT met deze tekst: {kind.__name__}: {error}"
        )
    Ask.warn(None, "MDB Triage", text)


def choose_location(settings: QSettings) -> tuple[Path | str, str | None] | None:
    """Where to work when neither ``--db`` nor ``MDB_TRIAGE_DB`` says: the choice remembered for
    this operating-system user; else, when the workstation store exists, that one; else the
    first-start choice (demo data, a new workstation store, the office server). Returns the
    location (a path, or an office address: possibly empty, to be typed) and the choice made
    now; None when the person cancels."""
    remembered = str(settings.value(CHOICE_KEY, "") or "")
    if remembered == "kantoor":
        return str(settings.value(ADDRESS_KEY, "") or office_address_setting() or ""), "kantoor"
    path = default_store_path()
    if remembered == "bestand" or path.exists():
        return path, None
    choice = StoreChoiceDialog.ask()
    if choice is None:
        return None
    if choice == StoreChoiceDialog.OFFICE:
        return office_address_setting() or "", "kantoor"
    settings.setValue(CHOICE_KEY, "bestand")
    return path, choice


def run_office(app: QApplication, address: str, settings: QSettings) -> int:
    """The desktop on the office store: sign in with one's own login, then the main window."""
    from mdbtriage.store.office import OfficeError

    try:
        smoke = smoke_sign_in(address)
    except (OfficeError, StoreError) as error:
        print(f"smoke: aanmelden mislukt: {error}", file=sys.stderr)
        return 1
    signed_in = smoke or OfficeSignInDialog.ask(settings, address or None)
    if signed_in is None:
        return 0
    store, session = signed_in
    today = date.today()
    controller = AppController(store, policy_for(store, None, today), today, settings)
    controller.open_main(session)
    if smoke is not None:
        assert controller.window is not None
        quit_when_shown(app, controller.window)
    try:
        return int(app.exec())
    finally:
        stop_background_work()
        controller.store.close()


def run_app(location: Path | str | None) -> int:
    """Open the main window on the store at ``location`` (a workstation store's path or an
    office store's address; None: as remembered or chosen at first start); the return value is
    the exit code."""
    problem = qt_start_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    app = application()
    sys.excepthook = report_uncaught
    settings = QSettings()
    first_choice: str | None = None
    if location is None:
        chosen = choose_location(settings)
        if chosen is None:
            return 0
        location, first_choice = chosen
        if first_choice == "kantoor":
            return run_office(app, str(location), settings)
    if isinstance(location, str) and is_office_location(location):
        return run_office(app, location, settings)
    store_path = Path(location)
    key = instance_key(store_path)
    if activate_running(key):
        print(
            f"MDB Triage is al geopend voor {store_path}; dat venster is naar voren gehaald.",
            file=sys.stderr,
        )
        return 0
    server = InstanceServer(key)
    if not server.listen():
        print(
            f"Let op: een tweede start op {store_path} wordt niet herkend "
            f"({server.server.errorString()}).",
            file=sys.stderr,
        )
    store = open_store_or_recover(store_path)
    if store is None:
        return 1
    backups = AutoBackup(store)
    today = date.today()
    controller = AppController(store, policy_for(store, None, today), today, settings)
    controller.first_choice = first_choice
    server.activate.connect(controller.raise_window)
    try:
        smoke = smoke_session(store)
        if smoke is not None:
            controller.open_main(smoke)
            assert controller.window is not None
            quit_when_shown(app, controller.window)
            return int(app.exec())
        if not controller.start():
            return 0
        return int(app.exec())
    finally:
        # The window is gone: a new start on this store opens a window of its own (it would
        # otherwise ask this closing process to show a window it no longer has), and work that
        # only reads stops, while the last backup is made.
        server.close()
        stop_background_work()
        backups.on_exit()
        store.close()
