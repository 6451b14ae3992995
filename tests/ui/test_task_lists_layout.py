"""The task screens as a team lead and a VA read them: the assignment dialog as large as its
list (not a fixed size), a rule taken over from the base rule set named as such, and the
review figures per delegate with gaps between their columns that grow with the text."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store
from mdbtriage.store.delegations import ruleset_for
from mdbtriage.store.records import get_staff
from mdbtriage.store.tasks import list_tasks
from mdbtriage.ui.appearance import apply_zoom
from mdbtriage.ui.session import Session
from mdbtriage.ui.tasks import AssignTaskDialog, TeAccorderenWidget
from tests.conftest import TODAY


def _actor(store: Store, staff_id: str) -> Actor:
    staff = get_staff(store, staff_id)
    assert staff is not None
    return Actor(user_id=staff.staff_id, name=staff.name, role=staff.role)


def _dialog(qtbot, store: Store, session: Session) -> AssignTaskDialog:
    case_ref = store.conn.execute(
        "SELECT case_ref FROM cases WHERE team_id = ? ORDER BY case_ref LIMIT 1", (session.team,)
    ).fetchone()[0]
    dialog = AssignTaskDialog(store, session.actor, str(case_ref), on=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    return dialog


def test_the_assign_dialog_is_as_tall_as_its_list(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    """Every colleague in view, and no half-empty list below them."""
    dialog = _dialog(qtbot, demo_store, tl_session)
    view = dialog.view
    rows = sum(view.rowHeight(r) for r in range(view.model().rowCount()))
    assert view.model().rowCount() >= 10
    assert view.verticalScrollBar().maximum() == 0
    assert view.viewport().height() - rows <= 3 * view.rowHeight(0)


def test_a_rule_of_the_base_rule_set_is_named_as_taken_over_by_the_teams(
    qtbot, demo_store: Store, tl_session: Session
) -> None:
    ruleset = ruleset_for(demo_store, tl_session.team, TODAY)
    dialog = _dialog(qtbot, demo_store, tl_session)
    dialog.set_task("DOSSIERSTUDIE")
    va = next(
        r
        for r in range(dialog.model.rowCount())
        if dialog.model.candidate(r)[0].role == "VA"  # type: ignore[index]
    )
    dialog.view.selectRow(va)
    rule = ruleset.rule_for("DOSSIERSTUDIE", "VA", dialog.service)
    assert rule is not None and rule.source != ruleset.ruleset_id  # inherited
    text = dialog.reason.text()
    assert f"van Uniforme taakdelegatie 2026, overgenomen in {ruleset.name}" in text, text
    assert "van regelset Uniforme" not in text
    intro = dialog.findChild(type(dialog.reason), "assign_intro")
    assert "bouwt voort op Uniforme taakdelegatie 2026" in intro.text()


def _heading_gaps(html: str, font) -> list[float]:  # type: ignore[no-untyped-def]
    """The room between the headings of the review table, laid out as the label does."""
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setHtml(html)
    layout = document.documentLayout()
    cells = []
    block = document.begin()
    while block.isValid():
        if block.text() in ("Ingeleverd", "Beoordeeld", "Gewijzigd", "Afgewezen"):
            cells.append(layout.blockBoundingRect(block))
        block = block.next()
    assert len(cells) == 4
    return [b.left() - a.right() for a, b in pairwise(cells)]


def test_the_review_figures_keep_their_columns_apart_with_large_text(
    qtbot, demo_store: Store
) -> None:
    task = next(t for t in list_tasks(demo_store) if t.status == "te_accorderen")
    apply_zoom(150)
    try:
        widget = TeAccorderenWidget(demo_store, _actor(demo_store, str(task.delegating_va_id)))
        qtbot.addWidget(widget)
        stats = widget.stats
        assert "Beoordeling per medewerker" in stats.text()
        least = stats.fontMetrics().horizontalAdvance("n")
        gaps = _heading_gaps(stats.text(), stats.font())
        assert min(gaps) >= least, gaps
    finally:
        apply_zoom(100)


def test_the_task_lists_head_the_delegating_doctor_as_the_dossier_does() -> None:
    """One short heading, "Namens VA", in Mijn taken, Te accorderen and the dossier's Taken:
    with large text a heading is a column's least width, and the task needs the room."""
    import inspect

    from mdbtriage.ui import dossier
    from mdbtriage.ui.tasks import TASK_COLUMNS

    (va,) = [c for c in TASK_COLUMNS if c.key == "va"]
    assert va.title == "Namens VA"
    assert '"Namens VA"' in inspect.getsource(dossier)
