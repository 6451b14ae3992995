"""Sign-in, the first team-lead account, the idle lock and account management."""

from __future__ import annotations

from PySide6.QtCore import Qt

from mdbtriage.core.accounts import DEMO_PASSWORD
from mdbtriage.store.accounts import has_accounts, idle_lock_minutes, sign_in
from mdbtriage.ui.app import AppController
from mdbtriage.ui.dialogs import Ask
from mdbtriage.ui.signin import (
    AccountDialog,
    FirstAccountDialog,
    IdleWatcher,
    LockDialog,
    SettingsDialog,
    SignInDialog,
)
from tests.conftest import TODAY


def _signins(store, outcome):
    return store.conn.execute(
        "SELECT user_id FROM audit_log WHERE event = 'signin' AND outcome = ?", (outcome,)
    ).fetchall()


def test_demo_gives_every_staff_member_an_account(demo_store):
    assert has_accounts(demo_store)
    staff_id = demo_store.conn.execute("SELECT staff_id FROM staff LIMIT 1").fetchone()[0]
    assert sign_in(demo_store, staff_id, DEMO_PASSWORD).staff_id == staff_id


def test_sign_in_by_typing_name_and_password(qtbot, demo_store, tl_session):
    dialog = SignInDialog(demo_store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.people.lineEdit(), tl_session.name)
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.session is not None and dialog.session.staff_id == tl_session.staff_id
    assert dialog.session.role == "TL"
    assert _signins(demo_store, "gelukt") == [(tl_session.staff_id,)]


def test_wrong_password_is_refused_logged_and_shown(qtbot, demo_store, va_session):
    dialog = SignInDialog(demo_store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.people.setCurrentIndex(dialog.people.findData(va_session.staff_id))
    qtbot.keyClicks(dialog.password, "fout-wachtwoord1")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.session is None
    assert "Onjuist wachtwoord" in dialog.error.text()
    assert dialog.password.text() == ""
    assert _signins(demo_store, "geweigerd") == [(va_session.staff_id,)]


def test_account_blocks_after_five_failures(demo_store, va_session):
    import pytest

    from mdbtriage.store.accounts import AccountError

    for _ in range(5):
        with pytest.raises(AccountError):
            sign_in(demo_store, va_session.staff_id, "nietgoed123")
    with pytest.raises(AccountError, match="geblokkeerd"):
        sign_in(demo_store, va_session.staff_id, DEMO_PASSWORD)


def test_first_account_dialog_validates_next_to_fields(qtbot, store):
    dialog = FirstAccountDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Ingrid de Vries")
    qtbot.keyClicks(dialog.password, "kort")
    qtbot.keyClicks(dialog.repeat, "anders")
    dialog.accept()
    assert dialog.errors["staff_id"].isVisible()
    assert dialog.errors["staff_id"].text() == "Is verplicht"
    assert "minstens 8 tekens" in dialog.errors["password"].text()
    assert "niet gelijk" in dialog.errors["repeat"].text()
    assert not has_accounts(store)
    qtbot.keyClicks(dialog.staff_id, "TL-001")
    qtbot.keyClicks(dialog.team, "SMC-Utrecht")
    dialog.password.clear()
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.password, "teamlead-2026")
    qtbot.keyClicks(dialog.repeat, "teamlead-2026")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.session is not None and dialog.session.role == "TL"
    assert sign_in(store, "TL-001", "teamlead-2026").name == "Ingrid de Vries"


def test_empty_store_offers_demo_and_then_sign_in(qtbot, store, policy, settings, monkeypatch):
    questions = []
    monkeypatch.setattr(
        Ask, "confirm", classmethod(lambda cls, p, t, text: questions.append(text) or True)
    )
    monkeypatch.setattr(Ask, "inform", classmethod(lambda cls, p, t, text: questions.append(text)))
    chosen = {}

    def fake_sign_in(cls, st, parent=None):
        from mdbtriage.store.records import get_staff
        from mdbtriage.ui.signin import session_of

        staff_id = st.conn.execute("SELECT staff_id FROM staff WHERE role = 'TL'").fetchone()[0]
        chosen["staff"] = sign_in(st, staff_id, DEMO_PASSWORD)
        return session_of(get_staff(st, staff_id))

    monkeypatch.setattr(SignInDialog, "ask", classmethod(fake_sign_in))
    monkeypatch.setattr("mdbtriage.ui.app.DEMO_CASES", 120)
    controller = AppController(store, policy, TODAY, settings)
    assert controller.start()
    qtbot.addWidget(controller.window)
    with qtbot.waitSignal(controller.window.werkvoorraad.loaded, timeout=10000):
        pass
    assert "leeg" in questions[0] and DEMO_PASSWORD in questions[1]
    assert store.count("cases") == 120
    assert controller.window.session.role == "TL"
    controller.window.close()


def test_empty_store_without_demo_asks_for_first_team_lead(store, policy, settings, monkeypatch):
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a: False))
    asked = []
    monkeypatch.setattr(
        FirstAccountDialog,
        "ask",
        classmethod(lambda cls, st, parent=None: asked.append(st) or None),
    )
    controller = AppController(store, policy, TODAY, settings)
    assert controller.start() is False
    assert asked == [store]


def test_idle_time_locks_and_password_unlocks(
    qtbot, demo_store, policy, settings, tl_session, monkeypatch
):
    controller = AppController(demo_store, policy, TODAY, settings)
    controller.open_main(tl_session)
    qtbot.addWidget(controller.window)
    with qtbot.waitSignal(controller.window.werkvoorraad.loaded, timeout=10000):
        pass
    seen = {}

    def fake_lock(cls, store, session, parent=None):
        seen["visible"] = controller.window.isVisible()
        return True

    monkeypatch.setattr(LockDialog, "ask", classmethod(fake_lock))
    controller.watcher.set_timeout(30)
    controller.watcher.start()
    qtbot.waitUntil(lambda: "visible" in seen, timeout=2000)
    assert seen["visible"] is False
    assert controller.window.isVisible()
    controller.window.close()


def test_lock_dialog_needs_the_right_password(qtbot, demo_store, tl_session):
    dialog = LockDialog(demo_store, tl_session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "verkeerd-123")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "Onjuist" in dialog.error.text()
    qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)
    assert dialog.result() != dialog.DialogCode.Accepted
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted


def test_input_postpones_the_idle_lock(qtbot, demo_store):
    from PySide6.QtWidgets import QLineEdit

    watcher = IdleWatcher(300)
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    fired = []
    watcher.idle.connect(lambda: fired.append(1))
    watcher.start()
    for _ in range(4):
        qtbot.wait(120)
        qtbot.keyClick(edit, Qt.Key.Key_A)
    assert fired == []
    qtbot.waitUntil(lambda: fired == [1], timeout=2000)
    watcher.uninstall()


def test_team_lead_creates_account_and_sets_idle_time(qtbot, demo_store, tl_session):
    demo_store.conn.execute(
        "INSERT INTO staff (staff_id, name, role, team_id) VALUES ('NIEUW-1', 'Nieuwe Collega', 'PB', ?)",
        (tl_session.team,),
    )
    dialog = AccountDialog(demo_store, tl_session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.person.setCurrentIndex(dialog.person.findData("NIEUW-1"))
    qtbot.keyClicks(dialog.password, "welkom-2026")
    dialog.accept()
    assert sign_in(demo_store, "NIEUW-1", "welkom-2026").role == "PB"
    settings_dialog = SettingsDialog(demo_store, tl_session)
    qtbot.addWidget(settings_dialog)
    settings_dialog.show()
    settings_dialog.minutes.setValue(25)
    settings_dialog.accept()
    assert idle_lock_minutes(demo_store) == 25


def test_only_team_lead_sees_admin_menu(make_window, tl_session, va_session):
    assert hasattr(make_window(tl_session), "admin_menu")
    assert not hasattr(make_window(va_session), "admin_menu")


def _two_people(store):
    """Rikya Hendriks (the first team lead) and Rik de Vries, both with an account."""
    from mdbtriage.core.model import Staff
    from mdbtriage.store.accounts import create_account, create_first_team_lead
    from mdbtriage.store.records import upsert_staff

    lead = create_first_team_lead(
        store, Staff("S1", "Rikya Hendriks", "TL", "SMC Utrecht 1"), DEMO_PASSWORD
    )
    upsert_staff(store, [Staff("S2", "Erik de Vries", "PO", "SMC Utrecht 1")])
    upsert_staff(store, [Staff("S3", "Rik Jansen", "PO", "SMC Utrecht 1")])
    from mdbtriage.core.model import Actor

    actor = Actor(user_id=lead.staff_id, name=lead.name, role="TL")
    create_account(store, actor, "S2", DEMO_PASSWORD)
    create_account(store, actor, "S3", DEMO_PASSWORD)


def test_completer_offers_names_that_start_with_the_text_and_never_fills_in(qtbot, store):
    _two_people(store)
    dialog = SignInDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.people.lineEdit(), "Rik")
    # What was typed stays what was typed: no other person's name completed in place.
    assert dialog.people.lineEdit().text() == "Rik"
    completer = dialog.people.completer()
    offered = [
        completer.completionModel().index(row, 0).data()
        for row in range(completer.completionModel().rowCount())
    ]
    assert len(offered) == 2
    assert all(name.startswith("Rik") for name in offered)
    assert not any("Erik" in name for name in offered)


def test_typing_the_start_of_one_name_signs_that_person_in(qtbot, store):
    _two_people(store)
    dialog = SignInDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.people.lineEdit(), "Rik J")
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.session is not None and dialog.session.name == "Rik Jansen"


def test_text_inside_a_name_is_not_a_choice(qtbot, store):
    _two_people(store)
    dialog = SignInDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.people.lineEdit(), "Vries")
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.session is None
    assert dialog.error.text() == "Kies uw naam uit de lijst"


def test_a_refusal_in_the_lock_dialog_is_shown_whole(qtbot, demo_store, tl_session):
    dialog = LockDialog(demo_store, tl_session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.password, "fout-wachtwoord")
    dialog.accept()
    error = dialog.error
    assert error.isVisible() and error.text()
    # The wrapped message fits the height the dialog gives it: nothing is cut off.
    assert error.height() >= error.heightForWidth(error.width())
    assert dialog.height() >= dialog.sizeHint().height()
