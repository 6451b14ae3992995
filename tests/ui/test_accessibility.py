"""Every window and tab is usable from the keyboard and by a screen reader (EN 301 549 /
WCAG 2.1 AA as it applies to desktop software): each interactive control has an accessible
name, can be reached with Tab, no table or text box keeps Tab, and a window's Alt shortcuts
are unique."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QScrollArea,
    QScrollBar,
    QSizePolicy,
    QTabBar,
    QTableView,
    QTabWidget,
    QTextEdit,
    QToolBar,
    QWidget,
)

from mdbtriage.core.policy import Policy
from mdbtriage.store.database import Store
from mdbtriage.ui.appearance import FRAME_ALLOWANCE
from mdbtriage.ui.session import Session
from tests.conftest import TODAY

INTERACTIVE = (QAbstractButton, QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox)
#: Controls that belong to another control (a combo box's line edit, a spin box's, a table's
#: corner button, a tab bar's scroll arrows, a calendar's cells): named and reached through it.
#: A tool bar's buttons repeat menu actions, which have shortcuts and are reached by Alt/F10.
OWNERS = (
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QTabBar,
    QCalendarWidget,
    QMenu,
    QToolBar,
)


def _owned(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, OWNERS):
            return True
        if parent.isWindow():
            return False
        parent = parent.parentWidget()
    return False


def _controls(window: QWidget) -> Iterator[QWidget]:
    """The interactive controls a person sees in ``window`` now (its own, not its dialogs')."""
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisibleTo(window):
            continue
        if isinstance(widget, (QScrollBar, QHeaderView)) or _owned(widget):
            continue
        if isinstance(widget, INTERACTIVE) or (
            isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView)
        ):
            yield widget


def _describe(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QAbstractButton):
        text = widget.text()
    return f"{type(widget).__name__}({widget.objectName() or '?'}{' ' + text if text else ''})"


def accessible_name(widget: QWidget, buddies: set[int]) -> str:
    """The name a screen reader announces: a button's or check box's own text, otherwise a
    label whose buddy it is or an explicit accessible name (a combo box's current item or a
    placeholder is no name)."""
    if widget.accessibleName().strip():
        return widget.accessibleName().strip()
    if isinstance(widget, QAbstractButton):
        face = QAccessible.queryAccessibleInterface(widget)
        return face.text(QAccessible.Text.Name).strip() if face is not None else ""
    return "buddy" if id(widget) in buddies else ""


def _buddies(window: QWidget) -> set[int]:
    return {
        id(label.buddy())
        for label in window.findChildren(QLabel)
        if label.buddy() is not None and label.text().strip()
    }


def mnemonic(text: str) -> str | None:
    """The Alt letter of a text ('&Opslaan' → 'o'), if it has one."""
    found = re.search(r"&([^&\s])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def clashes(window: QWidget) -> list[str]:
    """Alt letters used twice among what ``window`` shows now: buttons, labels with a buddy,
    tabs and the menu bar's menus; and within each menu of the menu bar."""
    levels: list[list[tuple[str, str]]] = [[]]
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QAbstractButton):
            levels[0].append((widget.text(), _describe(widget)))
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            levels[0].append((widget.text(), f"label {widget.text()}"))
        elif isinstance(widget, QTabBar):
            tabs = [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
            levels[0] += [(text, f"tab {text}") for text in tabs]
        elif isinstance(widget, QMenuBar):
            menus = [a for a in widget.actions() if a.isVisible()]
            levels[0] += [(a.text(), f"menu {a.text()}") for a in menus]
            for action in menus:
                if action.menu() is not None:
                    items = [a for a in action.menu().actions() if a.isVisible()]
                    levels.append([(a.text(), f"{action.text()} › {a.text()}") for a in items])
    found = []
    for level in levels:
        seen: dict[str, str] = {}
        for text, what in level:
            letter = mnemonic(text)
            if letter is None:
                continue
            if letter in seen:
                found.append(f"Alt+{letter.upper()} dubbel: {seen[letter]} en {what}")
            else:
                seen[letter] = what
    return found


def _control_of(widget: QWidget | None, controls: list[QWidget]) -> QWidget | None:
    """The control a focused widget belongs to (a combo box for its line edit)."""
    while widget is not None:
        if widget in controls:
            return widget
        widget = widget.parentWidget()
    return None


def tab_walk(window: QWidget, controls: list[QWidget]) -> list[QWidget]:
    """The controls a real Tab reaches, from the first focusable one round to it again."""
    window.activateWindow()
    reachable = [c for c in controls if c.isEnabled() and c.focusPolicy() & Qt.FocusPolicy.TabFocus]
    if not reachable:
        return []
    reachable[0].setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    reached: list[QWidget] = []
    for _ in range(4 * len(controls) + 20):
        focused = QApplication.focusWidget()
        if focused is None:
            break
        control = _control_of(focused, controls)
        if control is not None and control not in reached:
            reached.append(control)
        QTest.keyClick(focused, Qt.Key.Key_Tab)
    return reached


def findings(window: QWidget) -> list[str]:
    found = clashes(window)
    controls = list(_controls(window))
    reached = tab_walk(window, controls)
    for control in controls:
        if (
            control not in reached
            and control.isEnabled()
            and control.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            found.append(f"niet bereikt met Tab: {_describe(control)}")
    buddies = _buddies(window)
    for widget in _controls(window):
        what = _describe(widget)
        if not accessible_name(widget, buddies):
            found.append(f"naamloos: {what}")
        if widget.isEnabled() and not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            found.append(f"niet met Tab: {what}")
        if isinstance(widget, QAbstractItemView) and widget.tabKeyNavigation():
            found.append(f"tabel houdt Tab vast: {what}")
        typing = isinstance(widget, (QTextEdit, QPlainTextEdit)) and not widget.isReadOnly()
        if typing and not widget.tabChangesFocus():
            found.append(f"tekstvak typt een tab: {what}")
    return found


def walk(
    window: QWidget, where: str, check: Callable[[QWidget], list[str]] = findings
) -> dict[str, list[str]]:
    """The findings of ``window`` with every tab of every tab widget shown in turn."""
    result: dict[str, list[str]] = {}
    QApplication.processEvents()
    result[where] = check(window)
    for tabs in window.findChildren(QTabWidget):
        if tabs.window() is not window or not tabs.isVisibleTo(window):
            continue
        current = tabs.currentIndex()
        for i in range(tabs.count()):
            if not tabs.isTabEnabled(i) or not tabs.isTabVisible(i):
                continue
            tabs.setCurrentIndex(i)
            QApplication.processEvents()
            result[f"{where} › {tabs.tabText(i).replace('&', '')}"] = check(window)
        tabs.setCurrentIndex(current)
    return result


#: A 1366×768 screen less the frame and title bar a window manager adds.
SMALL_SCREEN = (1366 - FRAME_ALLOWANCE[0], 768 - FRAME_ALLOWANCE[1])


def _scrolled(widget: QWidget) -> bool:
    """Whether ``widget`` is the viewport of a scroll area (what lies in it may scroll down)."""
    area = widget.parentWidget()
    return isinstance(area, QAbstractScrollArea) and area.viewport() is widget


def _shown(window: QWidget) -> Iterator[QWidget]:
    """Every widget a person sees in ``window`` now, but not the parts of another control."""
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QScrollBar) or _owned(widget):
            continue
        yield widget


#: Rows a list or table keeps in view with large text (fewer only when it holds fewer).
LEAST_ROWS = 3
#: A table may scroll sideways at 200% only when the person chose more columns than this.
CHOSEN_COLUMNS = 5


def rows_in_view(view: QAbstractItemView) -> tuple[float, int]:
    """How many rows ``view`` shows (its viewport's height over its first rows' height), and
    how many it holds."""
    model = view.model()
    count = model.rowCount(view.rootIndex()) if model is not None else 0
    first = [model.index(row, 0, view.rootIndex()) for row in range(min(count, LEAST_ROWS))]
    heights = [
        view.visualRect(index).height() or view.sizeHintForRow(index.row()) for index in first
    ]
    heights = [h for h in heights if h > 0]
    height = sum(heights) / len(heights) if heights else view.fontMetrics().lineSpacing()
    return view.viewport().height() / max(1, height), count


def sideways(view: QAbstractItemView) -> str | None:
    """Why ``view`` scrolls sideways, or None: a table whose columns the person chose
    (property ``chosen_columns``) may, when more than CHOSEN_COLUMNS are shown."""
    if view.horizontalScrollBar().maximum() <= 0:
        return None
    scrolled = view.horizontalScrollBar().maximum()  # in pixels, or in columns for a table
    if isinstance(view, QTableView):
        scrolled = view.horizontalHeader().length() - view.viewport().width()
    if isinstance(view, QTableView) and view.property("chosen_columns"):
        header = view.horizontalHeader()
        shown = header.count() - header.hiddenSectionCount()
        if shown > CHOSEN_COLUMNS:
            return None
    return f"schuift opzij ({scrolled} px)"


def chart_texts(view: QWidget) -> list[str]:
    """The texts a chart shows now (title, axis titles and labels, legend)."""
    from PySide6.QtWidgets import QGraphicsTextItem, QGraphicsView

    texts: list[str] = []
    if not isinstance(view, QGraphicsView) or view.scene() is None:
        return texts
    for item in view.scene().items():
        if item.type() != 8 or not item.isVisible():  # QGraphicsTextItem::Type
            continue
        owner = item.toGraphicsObject()
        text = shiboken6.wrapInstance(shiboken6.getCppPointer(owner)[0], QGraphicsTextItem)
        texts.append(text.toPlainText())
    return texts


def elided(text: str) -> bool:
    """Whether a chart cut ``text`` short (Qt Charts ends it with '...')."""
    return "..." in text or "…" in text


def _needs_room(widget: QWidget) -> bool:
    """A control or a text: shrunk below what it needs, it is cut off."""
    if isinstance(widget, QLabel):
        return bool(widget.text().strip()) or widget.pixmap() is not None
    return isinstance(widget, (*INTERACTIVE, QAbstractItemView, QTabBar, QGroupBox))


def outside(window: QWidget) -> list[str]:
    """What of ``window`` does not fit a 1366×768 screen: the window itself larger than the
    screen; a widget (partly) outside the widget it lies in (only a scroll area's contents may
    go on below it); a scroll area that scrolls sideways; a control or text given less room
    than it needs (cut off, or squeezed to nothing); a list or a scrolling form without one
    whole line in view; a list or table with fewer than three rows in view (or all it holds),
    or one that scrolls sideways (unless the person chose many columns); a chart text cut
    short; a tab out of the tab bar's view."""
    for _ in range(3):  # a text that arrived from a worker, then the layout it asks for
        QApplication.processEvents()
    found: list[str] = []
    width, height = SMALL_SCREEN
    if window.width() > width or window.height() > height:
        found.append(f"venster {window.width()}×{window.height()} groter dan {width}×{height}")
    for widget in _shown(window):
        what = _describe(widget)
        if isinstance(widget, QLabel) and widget.text().strip():
            what += f" '{widget.text()[:40]}'"
        parent = widget.parentWidget()
        if parent is not None and widget is not window:
            place = QRect(widget.mapTo(parent, QPoint(0, 0)), widget.size())
            inside = place.left() >= 0 and place.right() < parent.width()
            if not _scrolled(parent):
                inside = inside and place.top() >= 0 and place.bottom() < parent.height()
            if not inside:
                found.append(f"buiten {_describe(parent)}: {what} {place}")
        if isinstance(widget, QScrollArea) and widget.horizontalScrollBar().maximum() > 0:
            found.append(f"schuift opzij ({widget.horizontalScrollBar().maximum()} px): {what}")
        if isinstance(widget, (QScrollArea, QAbstractItemView)) and not isinstance(
            widget, QHeaderView
        ):
            lines = widget.viewport().height() / widget.fontMetrics().lineSpacing()
            if lines < 1:  # not one whole line: pushed away by what lies beside it
                found.append(f"te laag ({lines:.1f} regels in beeld): {what}")
        if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            rows, count = rows_in_view(widget)
            if rows < min(count, LEAST_ROWS) - 0.2:  # the last of them may be cut a little
                found.append(f"te weinig rijen ({rows:.1f} van {count} in beeld): {what}")
            why = sideways(widget)
            if why is not None:
                found.append(f"{why}: {what}")
        cut = [text for text in chart_texts(widget) if elided(text)]
        if cut:
            found.append(f"grafiektekst afgekort ({len(cut)}× '{cut[0]}'): {what}")
        if not _needs_room(widget):
            continue
        if widget.width() <= 0 or widget.height() <= 0:
            found.append(f"geen ruimte: {what}")
            continue
        policy = widget.sizePolicy().horizontalPolicy()
        least = widget.minimumSizeHint()
        if policy != QSizePolicy.Policy.Ignored and widget.width() < least.width():
            found.append(f"te smal ({widget.width()} < {least.width()}): {what}")
        if isinstance(widget, QLabel) and widget.wordWrap() and widget.text().strip():
            tall = widget.heightForWidth(widget.width())
            if widget.height() < tall - 2:  # a pixel or two of rounding cuts off nothing
                found.append(f"tekst afgesneden ({widget.height()} < {tall}): {what}")
        if isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.isTabVisible(i) and not widget.rect().contains(widget.tabRect(i)):
                    found.append(f"tab buiten beeld: {widget.tabText(i).replace('&', '')}")
    return found


def _staff(store: Store, role: str, last: bool = False) -> Session:
    row = store.conn.execute(
        "SELECT staff_id, name, role, team_id FROM staff WHERE role = ? "
        f"ORDER BY staff_id {'DESC' if last else 'ASC'}",
        (role,),
    ).fetchone()
    return Session(staff_id=row[0], name=row[1], role=row[2], team=row[3])


@pytest.fixture
def tour(qtbot, make_window, demo_store: Store, policy: Policy, settings: QSettings):
    """Every window and dialog of the desktop, opened on the demo store: name → findings."""

    def run(check: Callable[[QWidget], list[str]] = findings) -> dict[str, list[str]]:
        from mdbtriage.ui.capacity_dialog import CapacityDialog
        from mdbtriage.ui.case_form import CaseFormDialog
        from mdbtriage.ui.central_decision import CentralDecisionDialog
        from mdbtriage.ui.dossier import DossierWindow, EmergencyReview
        from mdbtriage.ui.help import AboutDialog
        from mdbtriage.ui.herbeoordeling_form import HerbeoordelingForm
        from mdbtriage.ui.imports import ImportDialog
        from mdbtriage.ui.mdb import MdbWindow
        from mdbtriage.ui.passphrase import PassphraseDialog
        from mdbtriage.ui.signin import (
            AccountDialog,
            FirstAccountDialog,
            LockDialog,
            SettingsDialog,
            SignInDialog,
        )
        from mdbtriage.ui.tasks import AssignTaskDialog, ResultDialog

        result: dict[str, list[str]] = {}

        def visit(name: str, widget: QWidget) -> None:
            qtbot.addWidget(widget)
            widget.show()
            qtbot.waitExposed(widget)
            result.update(walk(widget, name, check))
            widget.close()

        visit("Aanmelden", SignInDialog(demo_store))
        lead = make_window(_staff(demo_store, "TL"))
        lead.werkvoorraad.table.selectRow(0)
        result.update(walk(lead, "Hoofdvenster TL", check))
        session = lead.session
        case_ref = lead.werkvoorraad.current_case()
        visit("Nieuwe zaak", CaseFormDialog(demo_store, session, TODAY, None, lead))
        visit("Taak toewijzen", AssignTaskDialog(demo_store, session.actor, case_ref, TODAY, lead))
        visit("Importeren", ImportDialog(demo_store, session, TODAY, "cases", lead))
        norms = getattr(lead.prognose, "norms", None)
        if norms is not None:
            visit(
                "Capaciteit",
                CapacityDialog(demo_store, session, session.team, norms, TODAY, lead),
            )
        visit("Sneltoetsen", lead.shortcuts_dialog())
        visit("Over", AboutDialog(str(demo_store.path), session.label, lead))
        visit("Vergrendeld", LockDialog(demo_store, session))
        visit("Account", AccountDialog(demo_store, session))
        visit("Instellingen", SettingsDialog(demo_store, session))
        visit("Eerste account", FirstAccountDialog(demo_store))
        visit("Wachtwoordzin", PassphraseDialog(demo_store.path, "De wachtwoordzin klopt niet."))
        visit("Centrale beslissing", CentralDecisionDialog(demo_store, session, TODAY, case_ref))
        visit("Noodtoegang", EmergencyReview(demo_store, session))
        visit("Resultaat", ResultDialog(None, "Taak 1 inleveren", "&Resultaat:", with_minutes=True))
        visit(
            "Dossier",
            DossierWindow(demo_store, session, policy, TODAY, case_ref, lead),
        )
        visit("MDB", MdbWindow(demo_store, session.actor, today=TODAY, parent=lead))
        closing = MdbWindow(demo_store, session.actor, today=TODAY, parent=lead)
        closing.tabs.setCurrentIndex(2)
        closing.close_meeting()  # undecided cases: the notice why it cannot be closed yet
        assert closing.close_notice.isVisibleTo(closing)
        visit("MDB nog niet te sluiten", closing)
        form = HerbeoordelingForm(demo_store, session.actor, None, lead, policy)
        visit("Herbeoordeling", form)
        preview = form.preview()
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # closed by the test
        visit("Voorbeeld herbeoordeling", preview)
        smv = make_window(_staff(demo_store, "SMV", last=True))
        result.update(walk(smv, "Hoofdvenster SMV", check))
        va = make_window(_staff(demo_store, "VA"))
        result.update(walk(va, "Hoofdvenster VA", check))
        return result

    return run


def test_every_control_is_named_reachable_by_tab_and_no_trap(tour) -> None:
    result = tour()
    report: list[str] = []
    for where, found in result.items():
        window = where.split(" › ")[0]
        report += [f"{window}: {f}" for f in found if f"{window}: {f}" not in report]
    assert not report, "\n".join(report)


def test_the_check_finds_each_kind_of_problem(qtbot) -> None:
    from PySide6.QtWidgets import QPushButton, QTableView, QVBoxLayout

    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    unreachable = QPushButton("&Opslaan")
    unreachable.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    for widget in (
        QLineEdit(placeholderText="zoeken"),
        QTableView(),
        QPlainTextEdit(),
        unreachable,
        QPushButton("&Openen"),
    ):
        layout.addWidget(widget)
    window.show()
    found = " | ".join(findings(window))
    assert "naamloos: QLineEdit" in found and "naamloos: QTableView" in found
    assert "naamloos: QPlainTextEdit" in found
    assert "tabel houdt Tab vast: QTableView" in found
    assert "tekstvak typt een tab: QPlainTextEdit" in found
    assert "niet met Tab: QPushButton(? &Opslaan)" in found
    assert "Alt+O dubbel" in found
    assert "niet bereikt met Tab: QPushButton(? &Openen)" in found  # behind the text box


def test_tab_leaves_the_werkvoorraad_and_the_text_boxes(make_window, demo_store, qtbot) -> None:
    """A real Tab: from the table, and from the VA's own version, focus moves on."""
    window = make_window(_staff(demo_store, "VA"))
    table = window.werkvoorraad.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus()
    window.tabs.setCurrentWidget(window.te_accorderen)
    own = window.te_accorderen.own
    own.setFocus()
    qtbot.waitUntil(own.hasFocus)
    qtbot.keyClick(own, Qt.Key.Key_Tab)
    assert not own.hasFocus() and "\t" not in own.toPlainText()


def test_enter_in_te_accorderen_opens_the_dossier(qtbot, store: Store) -> None:
    from datetime import date

    from mdbtriage.core.model import Actor
    from mdbtriage.store.delegations import add_delegation
    from mdbtriage.store.records import get_staff
    from mdbtriage.store.tasks import assign_task, submit_task
    from mdbtriage.ui.tasks import TeAccorderenWidget
    from tests.store.test_tasks import seed_team

    seed_team(store)
    va, smv = get_staff(store, "V1"), get_staff(store, "S1")
    assert va is not None and smv is not None
    add_delegation(
        store,
        Actor.of_staff(va),
        va_id="V1",
        delegate_id="S1",
        tasks=("SPREEKUUR",),
        valid_from=date(2026, 1, 1),
    )
    task_id = assign_task(
        store,
        Actor.of_staff(va),
        case_ref="R-7",
        task_code="SPREEKUUR",
        assignee_id="S1",
        by_id="V1",
        on=TODAY,
    )
    submit_task(store, Actor.of_staff(smv), int(task_id), "S1", "Anamnese.")
    widget = TeAccorderenWidget(store, Actor.of_staff(va))
    qtbot.addWidget(widget)
    widget.show()
    widget.view.setFocus()
    widget.view.setCurrentIndex(widget.model.index(0, 0))
    with qtbot.waitSignal(widget.open_case) as opened:
        qtbot.keyClick(widget.view, Qt.Key.Key_Return)
    assert opened.args == ["R-7"]


def test_the_werkvoorraad_sorts_and_chooses_columns_from_menus(make_window, tl_session) -> None:
    from mdbtriage.ui.queue_model import COLUMN_KEYS, COLUMNS

    window = make_window(tl_session)
    view = window.werkvoorraad
    header = view.table.horizontalHeader()
    bsn = COLUMN_KEYS.index("bsn")
    # Beeld › Kolommen: a hidden column is shown by a check item.
    columns = window.findChild(QMenu, "columns_menu")
    columns.aboutToShow.emit()
    item = next(a for a in columns.actions() if a.text().startswith(COLUMNS[bsn].title))
    item.setChecked(not item.isChecked())
    assert header.isSectionHidden(bsn) != item.isChecked()
    # Beeld › Sorteren op: a shown column, then the direction.
    sort = window.findChild(QMenu, "sort_menu")
    sort.aboutToShow.emit()
    target = next(a for a in sort.actions() if a.data() is not None and a.data() != 0)
    chosen = target.data()
    target.trigger()
    assert header.sortIndicatorSection() == chosen
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    sort.aboutToShow.emit()
    next(a for a in sort.actions() if a.objectName() == "sort_descending").trigger()
    assert header.sortIndicatorSection() == chosen
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    # The table's own menu (menu key, Shift+F10) holds the same.
    menu = view.table_menu()
    titles = [a.text() for a in menu.actions()]
    assert "&Sorteren op" in titles and "&Kolommen" in titles
    shortcuts = " ".join(" ".join(row) for row in window.shortcuts_dialog().texts())
    assert "Shift+F10" in shortcuts and "Sorteren" in shortcuts


def test_the_overzicht_shows_the_chart_numbers_as_a_table(make_window, tl_session, qtbot) -> None:
    window = make_window(tl_session)
    overzicht = window.overzicht
    window.tabs.setCurrentWidget(overzicht.parentWidget())  # its tab
    overzicht.set_figures(window.werkvoorraad.figures_by_team)
    assert overzicht.charts.isVisible() and not overzicht.table.isVisible()
    overzicht.as_table.setFocus()
    qtbot.keyClick(overzicht.as_table, Qt.Key.Key_Space)
    assert overzicht.table.isVisible() and not overzicht.charts.isVisible()
    table = overzicht.table
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    per_class = {r[1]: r[3] for r in rows if r[0] == "Werkvoorraad per klasse"}
    figures = overzicht.figures
    assert per_class and all(
        per_class[k] == f"{figures.by_class[k]:,}".replace(",", ".") for k in per_class
    )
    assert any(r[2] == "na de termijn" for r in rows)


def test_text_size_zooms_with_the_keyboard_and_is_remembered(
    make_window, tl_session, settings
) -> None:
    from PySide6.QtGui import QAction, QKeySequence

    from mdbtriage.ui.appearance import apply_zoom

    window = make_window(tl_session)
    normal = QApplication.font().pointSizeF()
    try:
        bigger = window.findChild(QAction, "zoom_in")
        smaller = window.findChild(QAction, "zoom_out")
        assert QKeySequence("Ctrl++") in bigger.shortcuts()
        assert smaller.shortcut() == QKeySequence("Ctrl+-")
        bigger.trigger()
        bigger.trigger()
        assert window.zoom == 125 and int(settings.value("appearance/zoom")) == 125
        assert QApplication.font().pointSizeF() == pytest.approx(normal * 1.25)
        smaller.trigger()
        assert window.zoom == 110
        rows = " ".join(" ".join(row) for row in window.shortcuts_dialog().texts())
        assert "Tekst groter" in rows and "Tekst kleiner" in rows
        # A new window (the next start) opens at the remembered size.
        again = make_window(tl_session)
        assert again.zoom == 110
        assert QApplication.font().pointSizeF() == pytest.approx(normal * 1.1)
        window.findChild(QAction, "zoom_reset").trigger()
        assert QApplication.font().pointSizeF() == pytest.approx(normal)
    finally:
        apply_zoom(100)


@pytest.mark.parametrize("role", ["TL", "VA", "SMV"])
def test_the_main_window_works_at_200_percent_text_on_1366_by_768(
    make_window, demo_store, settings, role
) -> None:
    """Every control of every tab is on a 1366×768 screen (less the window frame) with the text
    at twice its size: the window needs no more room than that, and nothing lies outside it."""
    from PySide6.QtCore import QRect

    from mdbtriage.ui.appearance import FRAME_ALLOWANCE, apply_zoom

    settings.setValue("appearance/zoom", 200)
    try:
        window = make_window(_staff(demo_store, role))
        assert window.zoom == 200
        room = QRect(0, 0, 1366 - FRAME_ALLOWANCE[0], 768 - FRAME_ALLOWANCE[1])
        window.resize(room.size())
        outside = []
        for i in range(window.tabs.count()):
            window.tabs.setCurrentIndex(i)
            QApplication.processEvents()
            need = window.minimumSizeHint()
            assert need.width() <= room.width() and need.height() <= room.height(), (
                window.tabs.tabText(i),
                need,
            )
            for control in _controls(window):
                # What a page's scroll area holds may lie below it: the area itself is checked.
                area = control.parentWidget()
                while area is not None and not isinstance(area, QScrollArea):
                    area = area.parentWidget()
                if area is not None and area.window() is window:
                    control = area
                where = QRect(control.mapTo(window, control.rect().topLeft()), control.size())
                if not window.rect().contains(where) or where.isEmpty():
                    outside.append(f"{window.tabs.tabText(i)}: {_describe(control)} {where}")
        assert not outside, "\n".join(outside)
    finally:
        apply_zoom(100)


def test_errors_are_announced_with_their_field(qtbot, demo_store, tl_session, policy) -> None:
    from mdbtriage.ui.case_form import CaseFormDialog
    from mdbtriage.ui.herbeoordeling_form import HerbeoordelingForm

    case_form = CaseFormDialog(demo_store, tl_session, TODAY, None)
    qtbot.addWidget(case_form)
    case_form.show_problems({"bsn": "is geen geldig BSN"})
    assert "geen geldig BSN" in case_form.texts["bsn"].accessibleDescription()
    case_form.show_problems({})
    assert case_form.texts["bsn"].accessibleDescription() == ""

    form = HerbeoordelingForm(demo_store, tl_session.actor, None, None, policy)
    qtbot.addWidget(form)
    form.show_all_problems()
    described = [f for f in form._fields.values() if f.accessibleDescription()]
    assert described, "geen enkel veld kreeg zijn foutmelding als beschrijving"
    field = next(iter(described))
    assert field.accessibleName() and "(" in field.accessibleName()  # caption and section


def test_every_window_fits_1366_by_768_at_200_percent_text(
    qapp, request, tmp_path, tour, settings
) -> None:
    """Every window, dialog and tab with the text at twice its size (Beeld › Tekst groter) on a
    1366×768 screen: nothing lies outside the window, is cut off or squeezed, and no form
    scrolls sideways (it wraps instead; only downwards may it scroll). The windows open as on
    such a screen: the test runs again on Qt's offscreen platform with that one screen."""
    from mdbtriage.ui.appearance import apply_zoom

    if ran_on_a_small_screen(request, tmp_path):
        return
    settings.setValue("appearance/zoom", 200)
    apply_zoom(200)
    try:
        result = tour(outside)
    finally:
        apply_zoom(100)
    report: list[str] = []
    for where, found in result.items():
        report += [f"{where}: {f}" for f in found if f"{where}: {f}" not in report]
    assert not report, "\n".join(report)


def ran_on_a_small_screen(request: pytest.FixtureRequest, tmp_path: Path) -> bool:
    """Unless this process's screen is 1366×768 already: run the asking test again in a new
    process whose only screen is, assert that it passed, and say so (the caller then returns)."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen().geometry()
    if (screen.width(), screen.height()) == (1366, 768):
        return False
    done = _on_a_small_screen(request.node.nodeid, tmp_path)
    found = done.stdout[max(0, done.stdout.find("E       AssertionError")) :]
    assert done.returncode == 0, found[:8000] + done.stderr[-2000:]
    return True


def _on_a_small_screen(test: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run one test in a new process whose only screen is 1366×768."""
    config = tmp_path / "screen-1366x768.json"
    screen = {"name": "scherm", "x": 0, "y": 0, "width": 1366, "height": 768}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"synthesizedScreens": False, "screens": [screen]}))
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=600, cwd=root, check=False
    )


def test_the_fit_check_finds_each_kind_of_problem(qtbot) -> None:
    from PySide6.QtWidgets import QPushButton, QVBoxLayout

    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    wide = QWidget()
    wide.setMinimumWidth(900)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(wide)
    squeezed = QLabel("Een lange tekst die niet mag worden afgesneden")
    layout.addWidget(area)
    layout.addWidget(squeezed)
    stray = QPushButton("&Weg", window)
    window.setMinimumSize(1, 1)
    window.resize(300, 200)
    window.show()
    qtbot.waitExposed(window)
    stray.move(280, 0)
    squeezed.resize(40, squeezed.height())
    found = " | ".join(outside(window))
    assert "schuift opzij" in found
    assert "buiten QWidget(?): QPushButton(? &Weg)" in found
    assert "te smal" in found
    window.resize(1500, 300)
    assert "groter dan 1350×728" in " | ".join(outside(window))


def test_the_fit_check_finds_few_rows_a_sideways_table_and_a_cut_chart_text(qtbot) -> None:
    from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QVBoxLayout

    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    model = QStandardItemModel(10, 4)
    for row in range(10):
        for column in range(4):
            model.setItem(row, column, QStandardItem("een lange tekst in een cel " * 2))
    low = QTableView()
    low.setModel(model)
    low.setFixedHeight(low.fontMetrics().lineSpacing() * 3)
    chart = QChart()
    series = QLineSeries()
    series.append([QPointF(i, i * 100) for i in range(10)])
    chart.addSeries(series)
    for axis, side in (
        (QValueAxis(), Qt.AlignmentFlag.AlignBottom),
        (QValueAxis(), Qt.AlignmentFlag.AlignLeft),
    ):
        axis.setTitleText("een as met een titel")
        chart.addAxis(axis, side)
        series.attachAxis(axis)
    view = QChartView(chart)
    view.setFixedHeight(90)
    layout.addWidget(low)
    layout.addWidget(view)
    window.resize(400, 300)
    window.show()
    qtbot.waitExposed(window)
    found = " | ".join(outside(window))
    assert "te weinig rijen" in found and "schuift opzij" in found
    assert "grafiektekst afgekort" in found
    # A table whose columns the person chose may scroll sideways when they chose many.
    model.setColumnCount(CHOSEN_COLUMNS + 1)
    low.setProperty("chosen_columns", True)
    assert sideways(low) is None


def test_fitted_columns_wrap_instead_of_scrolling_sideways(qtbot) -> None:
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    from mdbtriage.ui.appearance import fit_columns

    model = QStandardItemModel(3, 3)
    model.setHorizontalHeaderLabels(["Naam", "Taak", "Toelichting"])
    for row in range(3):
        for column, text in enumerate(("Marieke van der Leeuwen", "dossierstudie " * 4, "x " * 80)):
            model.setItem(row, column, QStandardItem(text))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    fit_columns(view, elide=(2,))
    view.resize(420, 300)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.horizontalHeader().length() <= view.viewport().width())
    assert view.horizontalScrollBar().maximum() == 0
    # The least important column gave up width first and stays on one line; a name keeps its
    # room while it can.
    assert view.columnWidth(2) < view.columnWidth(1)
    assert view.rowHeight(0) < view.fontMetrics().lineSpacing() * 6


def test_check_boxes_sort_arrows_and_icons_grow_with_the_text(qtbot) -> None:
    """At 200 % text a check box's box is twice its normal size (Qt sizes it in pixels, so it
    would otherwise be half the height of its label); back at 100 % it is as before."""
    from PySide6.QtWidgets import QCheckBox, QStyle

    from mdbtriage.ui.appearance import apply_zoom

    box = QCheckBox("Aanwezig")
    qtbot.addWidget(box)
    metric = QStyle.PixelMetric

    def marks() -> tuple[int, int, int]:
        style = QApplication.style()
        return (
            style.pixelMetric(metric.PM_IndicatorWidth),
            style.pixelMetric(metric.PM_HeaderMarkSize),
            style.pixelMetric(metric.PM_SmallIconSize),
        )

    normal, normal_height = marks(), box.sizeHint().height()
    palette = QApplication.palette().highlight().color().name()
    try:
        apply_zoom(200)
        assert marks() == tuple(2 * m for m in normal)
        assert box.sizeHint().height() >= 1.5 * normal_height
        assert QApplication.palette().highlight().color().name() == palette
    finally:
        apply_zoom(100)
    assert marks() == normal and box.sizeHint().height() == normal_height


def test_a_label_stands_level_with_the_field_beside_it_in_a_flowing_row(qtbot) -> None:
    from PySide6.QtWidgets import QDateEdit

    from mdbtriage.ui.appearance import FlowLayout

    holder = QWidget()
    qtbot.addWidget(holder)
    row = FlowLayout(holder)
    label, field = QLabel("op"), QDateEdit()
    row.addWidget(label)
    row.addWidget(field)
    holder.resize(400, 60)
    holder.show()
    QApplication.processEvents()
    assert abs(label.geometry().center().y() - field.geometry().center().y()) <= 1


def test_a_signal_keeps_its_colour_on_a_selected_row(qtbot) -> None:
    """A selected row is blue: the signal's square keeps its own colour there (with a white
    edge) instead of Qt's blend of the two."""
    from PySide6.QtGui import QColor, QIcon

    from mdbtriage.ui.queue_model import SIGNALS, signal_icon

    for signal in SIGNALS:
        icon = signal_icon(signal)
        normal = icon.pixmap(32, 32, QIcon.Mode.Normal).toImage()
        selected = icon.pixmap(32, 32, QIcon.Mode.Selected).toImage()
        assert selected.pixelColor(16, 6) == normal.pixelColor(16, 6) == QColor(signal.colour)
        assert selected.pixelColor(2, 16).lightness() > 200  # the white edge


def test_the_sorted_columns_title_and_arrow_fit_at_200_percent(
    make_window, tl_session, settings
) -> None:
    """The sort arrow grows with the text: the first column's width makes room for both."""
    from PySide6.QtWidgets import QStyle

    from mdbtriage.ui.appearance import apply_zoom

    settings.setValue("appearance/zoom", 200)
    try:
        window = make_window(tl_session)
        header = window.werkvoorraad.table.horizontalHeader()
        title = header.model().headerData(0, Qt.Orientation.Horizontal)
        arrow = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
        need = header.fontMetrics().horizontalAdvance(str(title)) + arrow
        assert header.sectionSize(0) >= need + 8
    finally:
        apply_zoom(100)
