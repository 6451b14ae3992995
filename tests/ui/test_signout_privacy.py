"""Afmelden closes every window with client data before the sign-in appears: while the sign-in
dialog is shown, no client name is readable in any top-level window."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from mdbtriage.ui.app import AppController
from mdbtriage.ui.signin import SignInDialog
from tests.conftest import TODAY


def _visible_text(window: QWidget) -> str:
    """What a person can read in a window: its title, labels, fields and table cells."""
    parts = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QLineEdit):
            parts.append(widget.text())
        elif isinstance(widget, QTextEdit | QPlainTextEdit):
            parts.append(widget.toPlainText())
        elif isinstance(widget, QComboBox):
            parts.append(widget.currentText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(min(model.rowCount(), 60)):
                for column in range(model.columnCount()):
                    parts.append(str(model.index(row, column).data() or ""))
    return "\n".join(parts)


def test_sign_out_leaves_no_client_data_behind_the_sign_in(
    qtbot, demo_store, policy, settings, tl_session, va_session, monkeypatch
):
    clients = [str(r[0]) for r in demo_store.conn.execute("SELECT name FROM clients")]
    case_ref, client = demo_store.conn.execute(
        "SELECT c.case_ref, k.name FROM cases c JOIN clients k USING (client_id) LIMIT 1"
    ).fetchone()
    controller = AppController(demo_store, policy, TODAY, settings)
    controller.open_main(tl_session)
    window = controller.window
    assert window is not None
    with qtbot.waitSignal(window.werkvoorraad.loaded, timeout=20000):
        pass
    window.open_dossier(case_ref)
    window.open_mdb()
    window.open_herbeoordeling()
    qtbot.wait(50)
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert len(shown) >= 4
    assert any(client in _visible_text(w) for w in shown), "the test must see a client first"

    seen: dict[str, object] = {}

    def sign_in_shown(cls, store, parent=None):
        dialog = cls(store, parent)
        dialog.show()
        qtbot.waitExposed(dialog)
        others = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not dialog]
        seen["others"] = [type(w).__name__ for w in others]
        text = "\n".join(_visible_text(w) for w in [dialog, *others])
        seen["names"] = [name for name in clients if name in text]
        dialog.close()
        dialog.deleteLater()
        from mdbtriage.store.records import get_staff
        from mdbtriage.ui.signin import session_of

        return session_of(get_staff(store, va_session.staff_id))

    monkeypatch.setattr(SignInDialog, "ask", classmethod(sign_in_shown))
    window.sign_out()
    assert seen == {"others": [], "names": []}
    assert controller.session == va_session
    new_window = controller.window
    assert new_window is not None and new_window is not window
    qtbot.addWidget(new_window)
    signouts = demo_store.conn.execute(
        "SELECT user_id FROM audit_log WHERE event = 'signout'"
    ).fetchall()
    assert signouts == [(tl_session.staff_id,)]
    new_window.close()


def test_a_lock_that_ends_in_sign_out_shows_nothing_behind_the_sign_in(
    qtbot, demo_store, policy, settings, tl_session, monkeypatch
):
    from mdbtriage.ui.signin import LockDialog

    case_ref = demo_store.conn.execute("SELECT case_ref FROM cases LIMIT 1").fetchone()[0]
    controller = AppController(demo_store, policy, TODAY, settings)
    controller.open_main(tl_session)
    window = controller.window
    with qtbot.waitSignal(window.werkvoorraad.loaded, timeout=20000):
        pass
    window.open_dossier(case_ref)
    window.open_mdb()
    seen: list[list[str]] = []

    def sign_in_after_lock(cls, store, parent=None):
        seen.append([type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()])
        return None

    monkeypatch.setattr(LockDialog, "ask", classmethod(lambda cls, st, s, parent=None: False))
    monkeypatch.setattr(SignInDialog, "ask", classmethod(sign_in_after_lock))
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: None))
    controller.lock()
    assert seen == [[]]
    assert controller.window is None and controller.session is None
