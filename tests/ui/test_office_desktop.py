"""The desktop on the office store: the first-start choice, signing in with one's own login,
and a colleague's assignment on another workstation arriving on screen within two seconds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date

from PySide6.QtCore import QSettings

from mdbtriage.core.accounts import DEMO_PASSWORD
from mdbtriage.core.model import Actor
from mdbtriage.core.policy import load_policy
from mdbtriage.store.office import with_user
from mdbtriage.store.office_store import OfficeStore
from mdbtriage.store.tasks import assign_task
from mdbtriage.ui.main_window import MainWindow
from mdbtriage.ui.office_signin import ADDRESS_KEY, CHOICE_KEY, OfficeSignInDialog
from mdbtriage.ui.signin import session_of
from tests.pg_fixtures import DAY, OfficeDb

VA, SMV = "SMC-UTRECHT-1-VA2", "SMC-UTRECHT-1-SMV2"
TODAY = date.fromisoformat(DAY)


def _settings(tmp_path) -> QSettings:  # type: ignore[no-untyped-def]
    return QSettings(str(tmp_path / "mdb-triage.ini"), QSettings.Format.IniFormat)


def test_signing_in_with_the_own_login_remembers_the_choice(
    qtbot, demo_office: OfficeDb, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings = _settings(tmp_path)
    dialog = OfficeSignInDialog(settings, demo_office.url)
    qtbot.addWidget(dialog)
    dialog.login.setText("iemand-die-niet-bestaat")
    dialog.password.setText(DEMO_PASSWORD)
    dialog.accept()
    assert dialog.store is None
    assert "kent de login" in dialog.error.text()
    dialog.login.setText(SMV)
    dialog.password.setText(DEMO_PASSWORD)
    dialog.accept()
    assert dialog.store is not None and dialog.session is not None
    try:
        assert dialog.session.staff_id == SMV and dialog.session.role == "SMV"
        assert settings.value(CHOICE_KEY) == "kantoor"
        assert settings.value(ADDRESS_KEY) == demo_office.url
        last = dialog.store.conn.execute(
            "SELECT user_id, event, outcome FROM audit_log ORDER BY log_id DESC LIMIT 1"
        ).fetchone()
        assert tuple(last) == (SMV, "signin", "gelukt")
    finally:
        dialog.store.close()


def test_the_owner_login_is_not_for_daily_work(qtbot, demo_office: OfficeDb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dialog = OfficeSignInDialog(_settings(tmp_path), demo_office.url)
    qtbot.addWidget(dialog)
    dialog.login.setText("postgres")
    dialog.accept()
    assert dialog.store is None and "eigenaar van de database" in dialog.error.text()


def test_a_colleagues_assignment_is_on_screen_within_two_seconds(
    qtbot, demo_office: OfficeDb, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    va = OfficeStore.open_url(with_user(demo_office.url, VA))
    smv = OfficeStore.open_url(with_user(demo_office.url, SMV))
    try:
        staff = {
            s: va.conn.execute(
                "SELECT staff_id, name, role, team_id FROM staff WHERE staff_id = ?", (s,)
            ).fetchone()
            for s in (VA, SMV)
        }
        from mdbtriage.core.model import Staff

        session = session_of(Staff(staff[SMV][0], staff[SMV][1], staff[SMV][2], staff[SMV][3]))
        window = MainWindow(smv, session, load_policy(), TODAY, _settings(tmp_path))
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(window.werkvoorraad.loaded, timeout=20000):
            pass
        ref = va.conn.execute(
            "SELECT case_ref FROM cases WHERE team_id = 'SMC-UTRECHT-1' AND status != 'afgerond' "
            "AND service = 'ZW' ORDER BY case_ref LIMIT 1"
        ).fetchone()[0]
        started = time.monotonic()
        task_id = assign_task(
            va,
            Actor(user_id=VA, name=staff[VA][1], role="VA"),
            case_ref=ref,
            task_code="DOSSIERSTUDIE",
            assignee_id=SMV,
            on=TODAY,
        )
        model = window.my_tasks.model

        def shown() -> bool:
            return task_id in {model.task(r).task_id for r in range(model.rowCount())}

        qtbot.waitUntil(shown, timeout=2000)
        assert time.monotonic() - started < 2
        assert VA in window.statusBar().currentMessage()
        window.close()
    finally:
        va.close()
        smv.close()


def test_a_lost_connection_shows_a_banner_until_it_is_back(
    qtbot, demo_office: OfficeDb, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from mdbtriage.core.model import Staff

    store = OfficeStore.open_url(with_user(demo_office.url, SMV))
    try:
        row = store.conn.execute(
            "SELECT staff_id, name, role, team_id FROM staff WHERE staff_id = ?", (SMV,)
        ).fetchone()
        window = MainWindow(
            store, session_of(Staff(*row)), load_policy(), TODAY, _settings(tmp_path)
        )
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(window.werkvoorraad.loaded, timeout=20000):
            pass
        assert window.windowTitle().startswith("Kantooropslag")
        states: list[bool] = []
        window.events.connection.connect(states.append)
        # Asked by hand below, not by the timer.
        window.events.watch(window.events._watcher, interval_ms=600_000)  # type: ignore[arg-type]
        with demo_office.connect() as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE usename = %s AND pid != pg_backend_pid()",
                (SMV,),
            )

        def offline() -> bool:
            window.events.poll()
            return window.offline.isVisible()

        qtbot.waitUntil(offline, timeout=3000)
        for _ in range(12):
            window.events.poll()
        assert not window.offline.isVisible()
        assert states == [False, True]
        window.close()
    finally:
        store.close()


def test_an_error_no_screen_caught_is_a_dutch_message(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """A lost server while a button's handler runs: a dialog says what happened to the work,
    the details go to stderr; never a traceback the person does not see."""
    from mdbtriage.store.office import OfficeUnreachable
    from mdbtriage.ui import app as app_module
    from mdbtriage.ui.dialogs import Ask

    shown: list[str] = []
    monkeypatch.setattr(
        Ask, "warn", classmethod(lambda cls, parent, title, text: shown.append(text))
    )
    error = OfficeUnreachable("Kantooropslag: de verbinding is verbroken; niet opgeslagen.")
    app_module.report_uncaught(OfficeUnreachable, error, None)
    app_module.report_uncaught(ValueError, ValueError("kapot"), None)
    assert shown[0] == str(error)
    assert "onverwachts" in shown[1] and "ValueError: kapot" in shown[1]
    assert "OfficeUnreachable" in capsys.readouterr().err


def _smoke(url: str, login: str, tmp_path) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    """``mdb-triage --db URL gui`` in smoke mode (a packaged build's check) as ``login``."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "MDB_TRIAGE_SMOKE": "1",
        "MDB_TRIAGE_SMOKE_USER": login,
        "MDB_TRIAGE_SMOKE_PASSWORD": DEMO_PASSWORD,
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from mdbtriage.cli import main; sys.exit(main())",
            "--db",
            url,
            "gui",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_smoke_mode_opens_the_main_window_on_the_office_store_under_the_own_login(
    demo_office: OfficeDb, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    done = _smoke(demo_office.url, "SMC-UTRECHT-1-TL1", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "smoke: hoofdvenster geopend" in done.stderr and "Kantooropslag" in done.stderr
    with demo_office.connect() as owner:
        signed_in = owner.execute(
            "SELECT user_id FROM audit_log WHERE event = 'signin' ORDER BY log_id DESC LIMIT 1"
        ).fetchone()
    assert signed_in == ("SMC-UTRECHT-1-TL1",)


def test_smoke_mode_refuses_a_login_of_no_staff_member(demo_office: OfficeDb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = _smoke(demo_office.url, "postgres", tmp_path)
    assert done.returncode == 1
    assert "smoke: aanmelden mislukt" in done.stderr and "Traceback" not in done.stderr
