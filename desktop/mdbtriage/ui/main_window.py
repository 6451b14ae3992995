"""The main window: menus, the screens as tabs, and remembered geometry and columns.

The window owns no domain logic: each screen gets the store, the session and the policy it
needs and does its own work. The window owns the one channel for changes (``events``): every
screen reports there what it changed and reads again what the others changed; commits made
elsewhere (another program on the same store) arrive there too, with a short note in the
status bar.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.accounts import STAFF_CHANGES
from mdbtriage.core.policy import Policy
from mdbtriage.store.changes import change_watcher
from mdbtriage.store.database import Store
from mdbtriage.store.outputs import OutputRefused
from mdbtriage.ui.appearance import (
    apply_zoom,
    available_rect,
    fit_to_screen,
    next_zoom,
    restore_geometry,
)
from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.events import Changes, StoreEvents
from mdbtriage.ui.session import Session
from mdbtriage.ui.werkvoorraad import WerkvoorraadView

if TYPE_CHECKING:  # imported when first shown, or not at all
    from mdbtriage.ui.help import ShortcutsDialog
    from mdbtriage.ui.overzicht import OverzichtView
    from mdbtriage.ui.prognose import PrognoseView
    from mdbtriage.ui.tasks import MyTasksWidget, TeAccorderenWidget
    from mdbtriage.ui.team import TeamView


def _available(module: str) -> bool:
    """Whether an optional screen module is part of this build."""
    return importlib.util.find_spec(module) is not None


class LazyTab(QWidget):
    """A tab whose screen is built when the tab is first chosen (or the screen asked for): the
    main window opens on the werkvoorraad, and a screen nobody opens (Team, Overzicht, Prognose)
    neither reads the store nor loads its module at start."""

    def __init__(self, build: Callable[[], QWidget], name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self._build = build
        self._view: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._view is not None

    def view(self) -> QWidget:
        if self._view is None:
            # Chosen with the keyboard, the empty page got the focus: it goes on to the screen's
            # first control, as Qt gives it on a page that was there already.
            focused = self.hasFocus()
            view = self._build()
            self._layout.addWidget(view)
            view.show()  # at once (a widget added to a shown one would wait for the event loop)
            self._view = view
            if focused:
                _focus_first_control(view)
        return self._view


def _focus_first_control(page: QWidget) -> None:
    """Focus the first control of ``page`` that the Tab key would reach."""
    widget = page.nextInFocusChain()
    while widget is not None and widget is not page and page.isAncestorOf(widget):
        if (
            widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
            and widget.isEnabled()
            and widget.isVisibleTo(page)
        ):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            return
        widget = widget.nextInFocusChain()
    page.setFocus(Qt.FocusReason.TabFocusReason)


def _file_problem(error: OSError) -> str:
    """Why a file could not be written, in Dutch."""
    if isinstance(error, FileNotFoundError):
        return "de map bestaat niet"
    if isinstance(error, PermissionError):
        return "geen schrijfrechten"
    if isinstance(error, IsADirectoryError):
        return "dit is een map"
    return error.strerror or str(error)


class MainWindow(QMainWindow):
    """MDB Triage for one signed-in person on one store."""

    signed_out = Signal()
    lock_requested = Signal()
    settings_changed = Signal()

    def __init__(
        self,
        store: Store,
        session: Session,
        policy: Policy,
        on: date,
        settings: QSettings,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.policy = policy
        self.on = on
        self.settings = settings
        # The text size chosen with Beeld › Tekst groter / kleiner, before anything is built.
        try:
            remembered = int(settings.value("appearance/zoom", 100))
        except (TypeError, ValueError):
            remembered = 100
        self.zoom = apply_zoom(remembered)
        self._dossiers: dict[str, QWidget] = {}
        self._signing_out = False
        self.setObjectName("main_window")
        # Qt adds " — MDB Triage" (the application's display name) itself.
        self.setWindowTitle(
            f"Kantooropslag: {store.path.name}" if store.is_office else store.path.name
        )
        self.events = StoreEvents(self)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.werkvoorraad = WerkvoorraadView(store, session, policy, on, events=self.events)
        self.werkvoorraad.open_case.connect(self.open_dossier)
        self.tabs.addTab(self.werkvoorraad, "&Werkvoorraad")
        self._add_task_tabs()
        self._team_tab = LazyTab(self._build_team_view, "team_tab")
        self.tabs.addTab(self._team_tab, "T&eam")
        self._overzicht_tab: LazyTab | None = None
        self._prognose_tab: LazyTab | None = None
        if session.is_team_lead:
            self._overzicht_tab = LazyTab(self._build_overzicht, "overzicht_tab")
            self.tabs.addTab(self._overzicht_tab, "O&verzicht")
            self._prognose_tab = LazyTab(self._build_prognose, "prognose_tab")
            self.tabs.addTab(self._prognose_tab, "&Prognose")
        self.tabs.currentChanged.connect(self._tab_chosen)
        self.setCentralWidget(self.tabs)

        self._build_menus()
        who = QLabel(f"Aangemeld: {session.label}")
        who.setObjectName("signed_in_as")
        self.statusBar().addPermanentWidget(who)
        # The store's path may be cut off in a narrow window (Help › Over names it whole).
        where = f"Kantooropslag: {store.path}" if store.is_office else str(store.path)
        path = QLabel(where, objectName="store_path")
        path.setMinimumWidth(1)
        path.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        path.setToolTip(where)
        self.statusBar().addWidget(path, 1)
        # On the office store: a banner while the server cannot be reached (it goes by itself).
        self.offline = QLabel(
            "Geen verbinding met de kantooropslag: wat u nu opslaat, wordt niet bewaard. "
            "MDB Triage verbindt vanzelf opnieuw.",
            objectName="offline_banner",
        )
        self.offline.setWordWrap(True)
        self.offline.setStyleSheet("background: #fff3cd; color: #5c3c00; padding: 6px;")
        self.offline.hide()
        self.statusBar().addWidget(self.offline, 2)
        # The whole screen on a laptop's 1366×768, most of a large one.
        room = available_rect(self)
        width = room.width() if room.width() < 1600 else min(1800, room.width() * 9 // 10)
        height = room.height() if room.height() < 900 else room.height() * 9 // 10
        fit_to_screen(self, width, height)
        self._restore()
        self.werkvoorraad.reload()
        self.events.changed.connect(self._store_changed)
        self.events.connection.connect(self._connection_changed)
        self.events.watch(change_watcher(store))

    # Screens built when first chosen ------------------------------------------------------

    def _tab_chosen(self, index: int) -> None:
        page = self.tabs.widget(index)
        if isinstance(page, LazyTab):
            page.view()

    def _build_team_view(self) -> QWidget:
        from mdbtriage.ui.team import TeamView

        return TeamView(self.store, self.session, self.on, events=self.events)

    def _build_overzicht(self) -> QWidget:
        from mdbtriage.ui.overzicht import OverzichtView

        overzicht = OverzichtView(self.store, self.session, policy=self.policy, events=self.events)
        # The werkvoorraad counts the figures per team; the charts follow every count.
        for signal in (self.werkvoorraad.loaded, self.werkvoorraad.updated):
            signal.connect(lambda _n: overzicht.set_figures(self.werkvoorraad.figures_by_team))
        if self.werkvoorraad.figures_by_team:
            overzicht.set_figures(self.werkvoorraad.figures_by_team)
        return overzicht

    def _build_prognose(self) -> QWidget:
        from mdbtriage.ui.prognose import PrognoseView

        return PrognoseView(self.store, self.session, self.policy, self.on)

    @property
    def team_view(self) -> TeamView:
        return cast("TeamView", self._team_tab.view())

    @property
    def overzicht(self) -> OverzichtView | None:
        """The team lead's charts (None for anyone else)."""
        tab = self._overzicht_tab
        return None if tab is None else cast("OverzichtView", tab.view())

    @property
    def prognose(self) -> PrognoseView | None:
        """The team lead's forecast (None for anyone else)."""
        tab = self._prognose_tab
        return None if tab is None else cast("PrognoseView", tab.view())

    def _connection_changed(self, connected: bool) -> None:
        self.offline.setVisible(not connected)
        if connected:
            self.statusBar().showMessage("Verbinding met de kantooropslag hersteld", 8000)

    # Menus ------------------------------------------------------------------------------------

    def _action(self, text: str, slot: Any, shortcut: Any = None, name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Bestand")
        file_menu.addAction(self._action("&Nieuwe zaak…", self.new_case, "Ctrl+N", "new_case"))
        file_menu.addSeparator()
        file_menu.addAction(
            self._action(
                "&Zaken importeren…", lambda: self.import_csv("cases"), "Ctrl+I", "import_cases"
            )
        )
        file_menu.addAction(
            self._action(
                "&Medewerkers importeren…", lambda: self.import_csv("staff"), None, "import_staff"
            )
        )
        self.export_action = self._action(
            "Werkvoorraad &exporteren naar CSV…", self.export_view, "Ctrl+E", "export"
        )
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        self.lock_action = self._action("Scherm &vergrendelen", self.lock_requested.emit, "Ctrl+L")
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self._action("&Afmelden", self.sign_out, None, "sign_out"))
        file_menu.addAction(
            self._action("A&fsluiten", self.close, QKeySequence.StandardKey.Quit, "quit")
        )
        self.file_menu = file_menu

        case_menu = bar.addMenu("&Zaak")
        case_menu.addAction(
            self._action("Dossier &openen", self.werkvoorraad.open_current, "Ctrl+O", "open")
        )
        if _available("mdbtriage.ui.tasks"):
            case_menu.addAction(
                self._action("&Taak toewijzen…", self.assign_task, "Ctrl+T", "assign_task")
            )
        if _available("mdbtriage.ui.herbeoordeling_form"):
            case_menu.addAction(
                self._action(
                    "&Aanvraag herbeoordeling…", self.open_herbeoordeling, None, "herbeoordeling"
                )
            )
        if _available("mdbtriage.ui.mdb"):
            case_menu.addAction(self._action("&MDB-sessies…", self.open_mdb, "Ctrl+M", "mdb"))
        self.case_menu = case_menu

        view_menu = bar.addMenu("Bee&ld")
        view_menu.addAction(
            self._action("Werkvoorraad &vernieuwen", self.werkvoorraad.reload, "F5", "reload")
        )
        view_menu.addAction(self._action("&Zoeken", self._focus_search, None, "find"))
        view_menu.addAction(
            self._action("Filters &wissen", self.werkvoorraad.clear_filters, None, "clear")
        )
        # Sorting and the columns without the header's mouse (also the table's own menu).
        sort_menu = view_menu.addMenu("&Sorteren op")
        sort_menu.setObjectName("sort_menu")
        sort_menu.aboutToShow.connect(lambda: self.werkvoorraad.fill_sort_menu(sort_menu))
        columns_menu = view_menu.addMenu("&Kolommen")
        columns_menu.setObjectName("columns_menu")
        columns_menu.aboutToShow.connect(lambda: self.werkvoorraad.fill_column_menu(columns_menu))
        self.werkvoorraad.fill_sort_menu(sort_menu)
        self.werkvoorraad.fill_column_menu(columns_menu)
        view_menu.addSeparator()
        bigger = self._action("Tekst &groter", lambda: self.change_zoom(1), "Ctrl++", "zoom_in")
        bigger.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        view_menu.addAction(bigger)
        view_menu.addAction(
            self._action("Tekst k&leiner", lambda: self.change_zoom(-1), "Ctrl+-", "zoom_out")
        )
        view_menu.addAction(
            self._action("Tekst &normaal", lambda: self.change_zoom(0), "Ctrl+0", "zoom_reset")
        )
        self.view_menu = view_menu

        if self.session.is_team_lead:
            admin = bar.addMenu("Behee&r")
            admin.addAction(
                self._action(
                    "&Account aanmaken of herstellen…", self.manage_accounts, None, "accounts"
                )
            )
            admin.addAction(self._action("&Instellingen…", self.edit_settings, None, "settings"))
            admin.addAction(
                self._action(
                    "&Centrale beslissing vastleggen…", self.record_central, None, "central"
                )
            )
            self.admin_menu = admin
        if self.session.role in ("TL", "PO"):
            review = self.admin_menu if self.session.is_team_lead else bar.addMenu("Privac&y")
            review.addAction(
                self._action(
                    "&Noodtoegang nakijken…", self.review_emergency, None, "emergency_review"
                )
            )

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&Sneltoetsen", self.show_shortcuts, "F1", "shortcuts"))
        help_menu.addAction(self._action("&Over MDB Triage", self.show_about, None, "about"))
        self.help_menu = help_menu

        # The daily actions one click away (each also in its menu, with its shortcut).
        toolbar = self.addToolBar("Dagelijkse acties")
        toolbar.setObjectName("daily_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name in ("new_case", "open", "assign_task", "mdb", "reload", "export"):
            action = self.findChild(QAction, name)
            if action is not None:
                toolbar.addAction(action)
        self.toolbar = toolbar

    def shortcuts_dialog(self) -> ShortcutsDialog:
        """Help › Sneltoetsen: the menus' shortcuts and those of the other windows."""
        from mdbtriage.ui.help import OTHER_SHORTCUTS, ShortcutsDialog, menu_shortcuts

        menus = cast(
            "list[QMenu]", [a.menu() for a in self.menuBar().actions() if a.menu() is not None]
        )
        return ShortcutsDialog([*menu_shortcuts(menus), *OTHER_SHORTCUTS], self)

    def show_shortcuts(self) -> None:
        dialog = self.shortcuts_dialog()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def show_about(self) -> None:
        from mdbtriage.ui.help import AboutDialog

        dialog = AboutDialog(str(self.store.path), self.session.label, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.werkvoorraad)
        self.werkvoorraad.focus_search()

    # Actions ----------------------------------------------------------------------------------

    def export_view(self) -> None:
        path = Ask.save_path(
            self,
            "Werkvoorraad exporteren",
            f"werkvoorraad-{self.on.isoformat()}.csv",
            "CSV-bestanden (*.csv)",
        )
        if path is None:
            return
        try:
            count = self.werkvoorraad.export_csv(path)
        except OutputRefused as error:
            Ask.warn(self, "Exporteren geweigerd", f"{error}. Er is niets geëxporteerd.")
            return
        except OSError as error:
            Ask.warn(
                self,
                "Exporteren mislukt",
                f"{path} kan niet worden geschreven: {_file_problem(error)}. Er is niets "
                "geëxporteerd.",
            )
            return
        self.statusBar().showMessage(f"{count} zaken geëxporteerd naar {path}", 8000)

    def _add_task_tabs(self) -> None:
        """Mijn taken for everyone, Te accorderen for a VA (from the taakdelegatie widgets)."""
        self.my_tasks: MyTasksWidget | None = None
        self.te_accorderen: TeAccorderenWidget | None = None
        if not _available("mdbtriage.ui.tasks"):
            return
        from mdbtriage.ui.tasks import MyTasksWidget, TeAccorderenWidget

        self.my_tasks = MyTasksWidget(self.store, self.session.actor, self.on, events=self.events)
        self.my_tasks.open_case.connect(self.open_dossier)
        self.tabs.addTab(self.my_tasks, "Mijn &taken")
        if self.session.role == "VA":
            self.te_accorderen = TeAccorderenWidget(
                self.store, self.session.actor, events=self.events
            )
            self.te_accorderen.open_case.connect(self.open_dossier)
            self.tabs.addTab(self.te_accorderen, "Te &accorderen")

    def import_csv(self, kind: str) -> None:
        from mdbtriage.ui.imports import ImportDialog

        if kind == "staff" and not self._team_lead_may(STAFF_CHANGES, "medewerkers importeren"):
            return
        outcome = ImportDialog.ask(self.store, self.session, self.on, kind, self)
        if outcome is not None and outcome.written:
            self._report(unknown=True)

    def _team_lead_may(self, what: str, purpose: str) -> bool:
        """Whether the signed-in person may do what only a team lead does; a refusal is logged
        and shown (the same rule as the command line's)."""
        from mdbtriage.store.accounts import AccountRefused, check_team_lead

        try:
            check_team_lead(self.store, self.session.actor, what, purpose)
        except AccountRefused as refused:
            Ask.warn(self, purpose.capitalize(), f"Geweigerd: {refused}.")
            return False
        return True

    def assign_task(self) -> None:
        from mdbtriage.ui.tasks import AssignTaskDialog

        case_ref = self.werkvoorraad.current_case()
        if case_ref is None:
            Ask.inform(self, "Taak toewijzen", "Kies eerst een zaak in de werkvoorraad.")
            return
        task_id = AssignTaskDialog.ask(self.store, self.session.actor, case_ref, self, self.on)
        if task_id is not None:
            self._report(cases=[case_ref], tasks=[task_id])

    def open_herbeoordeling(self) -> None:
        from mdbtriage.ui.herbeoordeling_form import HerbeoordelingForm

        form = HerbeoordelingForm(self.store, self.session.actor, None, self, self.policy)
        form.saved.connect(lambda ref: self._report(cases=[ref]))
        form.show()

    def open_mdb(self) -> None:
        from mdbtriage.ui.mdb import MdbWindow

        window = MdbWindow(
            self.store,
            self.session.actor,
            today=self.on,
            parent=self,
            team=self.session.team,
            events=self.events,
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.open_case.connect(self.open_dossier)
        window.show()

    def new_case(self) -> None:
        from mdbtriage.ui.case_form import CaseFormDialog

        case = CaseFormDialog.ask(self.store, self.session, self.on, None, self)
        if case is not None:
            self._report(cases=[case.case_ref])
            self.statusBar().showMessage(f"Zaak {case.case_ref} aangemaakt", 8000)

    def open_dossier(self, case_ref: str) -> None:
        """Open (or bring to the front) the dossier of a case."""
        from mdbtriage.ui.dossier import open_dossier_window

        window = self._dossiers.get(case_ref)
        if window is None or not window.isVisible():
            window = open_dossier_window(
                self.store, self.session, self.policy, self.on, case_ref, self, self.events
            )
            if window is None:  # another team's case without a reason: refused and logged
                return
            window.destroyed.connect(lambda _obj=None, ref=case_ref: self._dossiers.pop(ref, None))
            self._dossiers[case_ref] = window
        window.show()
        window.raise_()
        window.activateWindow()

    def _report(
        self,
        *,
        cases: Iterable[str] = (),
        tasks: Iterable[int] = (),
        staff: Iterable[str] = (),
        unknown: bool = False,
    ) -> None:
        """Tell every screen what an action of this window changed."""
        self.events.report(
            Changes.of(
                cases=cases,
                tasks=tasks,
                staff=staff,
                unknown=unknown,
                by=self.session.label,
                origin=self,
            )
        )

    def _store_changed(self, changes: Changes) -> None:
        """Changes committed elsewhere: a short note that the screens were brought up to date."""
        if not changes.external:
            return
        at = datetime.now().strftime("%H:%M")
        where = (
            f"wijzigingen van {changes.by}" if changes.by else "wijzigingen van een andere werkplek"
        )
        self.statusBar().showMessage(f"Bijgewerkt om {at}: {where}", 8000)

    def manage_accounts(self) -> None:
        from mdbtriage.ui.signin import AccountDialog

        staff_id = AccountDialog.ask(self.store, self.session, self)
        if staff_id:
            self._report(staff=[staff_id])
            self.statusBar().showMessage("Account opgeslagen", 5000)

    def review_emergency(self) -> None:
        from mdbtriage.ui.dossier import EmergencyReview

        EmergencyReview(self.store, self.session, self).exec()

    def record_central(self) -> None:
        from mdbtriage.ui.central_decision import CentralDecisionDialog

        decision = CentralDecisionDialog.ask(self.store, self.session, self.on, parent=self)
        if decision is not None:
            # A decision by BSN alone covers every case of the client it applies to.
            if decision.case_ref:
                self._report(cases=[decision.case_ref])
            else:
                self._report(unknown=True)
            self.statusBar().showMessage(f"Vastgelegd: {decision.describe()}", 5000)

    def change_zoom(self, step: int) -> None:
        """A text size larger, smaller or back to normal; remembered for the next start."""
        self.zoom = apply_zoom(next_zoom(self.zoom, step))
        self.settings.setValue("appearance/zoom", self.zoom)
        self.settings.sync()
        self.statusBar().showMessage(f"Tekstgrootte {self.zoom}%", 3000)

    def edit_settings(self) -> None:
        from mdbtriage.ui.signin import SettingsDialog

        if SettingsDialog.ask(self.store, self.session, self):
            self.settings_changed.emit()
            self.statusBar().showMessage("Instellingen opgeslagen", 5000)

    def sign_out(self) -> None:
        self._signing_out = True
        self.close()

    def close_dossiers(self) -> None:
        for window in list(self._dossiers.values()):
            window.close()
        self._dossiers.clear()

    # State ------------------------------------------------------------------------------------

    def _restore(self) -> None:
        restore_geometry(self, self.settings.value("main/geometry"))
        # Columns remembered for the same set of columns only: a state saved before a column was
        # added would put each width and hidden flag on the column next to it.
        if self.settings.value("werkvoorraad/columns") == self.werkvoorraad.column_signature():
            self.werkvoorraad.restore_header_state(self.settings.value("werkvoorraad/header"))
        splitter = self.settings.value("werkvoorraad/splitter")
        if splitter is not None:
            self.werkvoorraad.splitter.restoreState(splitter)

    def save_state(self) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("werkvoorraad/header", self.werkvoorraad.header_state())
        self.settings.setValue("werkvoorraad/columns", self.werkvoorraad.column_signature())
        self.settings.setValue("werkvoorraad/splitter", self.werkvoorraad.splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.events.stop()
        self.save_state()
        self.close_dossiers()
        self.werkvoorraad.deactivate()
        if self._signing_out:
            self._signing_out = False
            self.signed_out.emit()
        event.accept()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            self.tabs.currentWidget() is self.werkvoorraad
        ):
            self.werkvoorraad.open_current()
            return
        super().keyPressEvent(event)
