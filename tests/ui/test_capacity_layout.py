"""The Capaciteit form as a team lead reads it: colleagues by name (the staff number only for a
shared name, and in the tooltip), and at 200 % text on a 1366×768 screen every field of a new
absence beside its caption, the same for Medewerker as for Van, Tot en met and Reden."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from mdbtriage.core.forecast import load_norms
from mdbtriage.store.database import Store
from mdbtriage.ui.appearance import apply_zoom
from mdbtriage.ui.capacity_dialog import CapacityDialog
from mdbtriage.ui.session import Session
from tests.conftest import TODAY
from tests.ui.test_accessibility import ran_on_a_small_screen


def _dialog(qtbot, store: Store, session: Session) -> CapacityDialog:
    dialog = CapacityDialog(store, session, session.team, load_norms(), TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    return dialog


def _beside(label: QLabel, field: QWidget) -> bool:
    """The field on the caption's line, right of it (not alone on a line below it)."""
    caption = label.geometry()
    box = field.geometry()
    return box.left() > caption.right() and box.top() <= caption.center().y() <= box.bottom()


def test_colleagues_are_chosen_by_name_with_the_number_in_the_tooltip(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    dialog = _dialog(qtbot, demo_store, tl_session)
    who = dialog.who
    names = {dialog.names[who.itemData(i)] for i in range(who.count())}
    assert {who.itemText(i) for i in range(who.count())} == names
    for i in range(who.count()):
        staff_id = who.itemData(i)
        assert staff_id not in who.itemText(i)
        assert staff_id in who.itemData(i, Qt.ItemDataRole.ToolTipRole)
    assert who.currentData() in who.toolTip()


def test_a_shared_name_is_told_apart_by_the_staff_number(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    first, second = demo_store.conn.execute(
        "SELECT staff_id FROM staff WHERE team_id = ? ORDER BY staff_id LIMIT 2",
        (tl_session.team,),
    ).fetchall()
    demo_store.conn.execute(
        "UPDATE staff SET name = 'Jan Jansen' WHERE staff_id IN (?, ?)", (first[0], second[0])
    )
    dialog = _dialog(qtbot, demo_store, tl_session)
    texts = [dialog.who.itemText(i) for i in range(dialog.who.count())]
    assert f"Jan Jansen ({first[0]})" in texts and f"Jan Jansen ({second[0]})" in texts


def test_at_200_percent_every_field_stands_beside_its_caption(
    qtbot, request, tmp_path: Path, demo_store: Store, tl_session: Session
) -> None:
    if ran_on_a_small_screen(request, tmp_path):
        return
    apply_zoom(200)
    try:
        dialog = _dialog(qtbot, demo_store, tl_session)
        for field in (dialog.who, dialog.starts, dialog.ends, dialog.reason):
            label = next(
                w for w in dialog.findChildren(QLabel) if w.buddy() is field and w.isVisible()
            )
            assert _beside(label, field), label.text()
    finally:
        apply_zoom(100)
