"""Reliability at the GUI's edges: opening the store (asking the passphrase of an encrypted one)
with an offer to restore the newest good backup when it is damaged, or missing or emptied where a
store existed before (never a new empty store in its place), automatic backups while the
application runs, and the smoke mode used to check a packaged build (``MDB_TRIAGE_SMOKE=1``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from mdbtriage.store.accounts import sign_in
from mdbtriage.store.backup import (
    BackupError,
    BackupScheduler,
    backup_dir,
    newest_good_backup,
    restore_backup,
)
from mdbtriage.store.crypt import ENV_PASSPHRASE
from mdbtriage.store.database import (
    Store,
    StoreCorrupt,
    StoreError,
    StoreMissing,
    WrongPassphrase,
)
from mdbtriage.store.safety import looks_encrypted
from mdbtriage.ui.passphrase import PassphraseDialog
from mdbtriage.ui.session import Session

APP_TITLE = "MDB Triage"
ENV_SMOKE = "MDB_TRIAGE_SMOKE"
ENV_SMOKE_USER = "MDB_TRIAGE_SMOKE_USER"
ENV_SMOKE_PASSWORD = "MDB_TRIAGE_SMOKE_PASSWORD"
TICK_MS = 60_000
PASSPHRASE_ATTEMPTS = 3


def _made_at(path: Path) -> str:
    """When a file was written, in local time and Dutch ('30-11-2026 om 07:25')."""
    from datetime import datetime

    try:
        moment = datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return "onbekende datum"
    return f"{moment:%d-%m-%Y} om {moment:%H:%M}"


class RecoveryDialog:
    """The question asked when the store is damaged. Tests patch :meth:`ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, error: StoreCorrupt, backup: Path | None) -> bool:
        """True when the person chooses to restore ``backup``. A :class:`StoreMissing` (the
        store is gone or empty where one existed) is explained as such: no new empty store is
        made in its place. A smoke run reports on stderr and does not wait for a person: no."""
        if smoke_requested():
            print(f"smoke: opslag niet te openen: {error}", file=sys.stderr)
            return False
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Critical)
        missing = isinstance(error, StoreMissing)
        if missing:
            box.setWindowTitle(f"{APP_TITLE} - opslag ontbreekt")
            box.setText(
                "De opslag ontbreekt of is leeg, maar hier stond eerder een opslag. MDB Triage "
                "maakt geen nieuwe, lege opslag in haar plaats."
            )
            details = "\n".join(f"- {p}" for p in error.problems[:10])
            found = "Wat op een eerdere opslag wijst"
        else:
            box.setWindowTitle(f"{APP_TITLE} - opslag beschadigd")
            box.setText("De opslag is beschadigd en kan niet veilig worden gebruikt.")
            details = "\n".join(f"- {p}" for p in error.problems[:10])
            found = "Wat de controle vond"
        if backup is None:
            box.setInformativeText(
                f"Er is geen goede reservekopie gevonden in de map backups/ naast de opslag.\n\n"
                f"{found}:\n{details}\n\nNeem contact op met de functioneel "
                "beheerder; de opslag is niet gewijzigd."
            )
            box.setStandardButtons(QMessageBox.StandardButton.Close)
            box.exec()
            return False
        kept = (
            "Er wordt niets overschreven."
            if missing
            else "De beschadigde opslag wordt bewaard in de map backups/."
        )
        later = (
            "\n\nTerugzetten kan ook later, met de desktoptoepassing gesloten:\n"
            f'mdb-triage --db "{error.path}" restore "{backup}"'
            if error.path is not None
            else ""
        )
        box.setInformativeText(
            f"De nieuwste goede reservekopie is van {_made_at(backup)} ({backup.name}, in "
            f"{backup.parent}).\n\n"
            f"{found}:\n{details}\n\nWilt u deze reservekopie terugzetten? {kept} "
            f"Wijzigingen van na de reservekopie moeten opnieuw worden ingevoerd.{later}"
        )
        restore = box.addButton("Reservekopie terugzetten", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Afsluiten", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.exec()
        return box.clickedButton() is restore

    @classmethod
    def inform(cls, parent: QWidget | None, text: str) -> None:
        QMessageBox.information(parent, APP_TITLE, text)

    @classmethod
    def fail(cls, parent: QWidget | None, text: str) -> None:
        QMessageBox.critical(parent, APP_TITLE, text)


def open_store_or_recover(store_path: Path, parent: QWidget | None = None) -> Store | None:
    """Open the store; when it is encrypted, ask the passphrase (``MDB_TRIAGE_PASSPHRASE`` is
    tried first; three attempts); when it is damaged, offer the newest good backup. None: the
    application should end (the reason was shown). Never a traceback."""
    if not looks_encrypted(store_path):
        return _open_or_recover(store_path, None, parent)
    passphrase = os.environ.get(ENV_PASSPHRASE) or None
    message = ""
    attempts = 0
    while True:
        if passphrase is None:
            if attempts == PASSPHRASE_ATTEMPTS:
                RecoveryDialog.fail(
                    parent,
                    f"De wachtwoordzin is {PASSPHRASE_ATTEMPTS} keer verkeerd gegeven. MDB "
                    "Triage sluit af; de opslag is niet gewijzigd.",
                )
                return None
            passphrase = PassphraseDialog.ask(parent, store_path, message)
            attempts += 1
            if passphrase is None:
                return None
        try:
            return _open_or_recover(store_path, passphrase, parent)
        except WrongPassphrase as error:
            left = PASSPHRASE_ATTEMPTS - attempts
            damaged = " (of het bestand is beschadigd)" if "beschadigd" in str(error) else ""
            message = f"De wachtwoordzin klopt niet{damaged}. " + (
                f"Nog {left} {'poging' if left == 1 else 'pogingen'}." if left else ""
            )
            passphrase = None


def _open_or_recover(
    store_path: Path, passphrase: str | None, parent: QWidget | None
) -> Store | None:
    try:
        return Store.open(store_path, passphrase=passphrase)
    except WrongPassphrase:
        raise
    except StoreCorrupt as error:
        # A missing store is not known to be encrypted; its backups may be.
        key = passphrase or os.environ.get(ENV_PASSPHRASE) or None
        backup = newest_good_backup(store_path, key)
        if not RecoveryDialog.ask(parent, error, backup) or backup is None:
            return None
        try:
            result = restore_backup(store_path, backup, passphrase=passphrase or key)
            store = Store.open(
                store_path, passphrase=key if looks_encrypted(store_path) else passphrase
            )
        except StoreError as failure:
            RecoveryDialog.fail(parent, f"Terugzetten is mislukt.\n\n{failure}")
            return None
        kept = (
            f"\n\nDe beschadigde opslag is bewaard als {result.kept_copy}."
            if result.kept_copy
            else ""
        )
        RecoveryDialog.inform(parent, f"De reservekopie {backup.name} is teruggezet.{kept}")
        return store
    except StoreError as error:
        RecoveryDialog.fail(parent, f"De opslag kan niet worden geopend.\n\n{error}")
        return None


class AutoBackup(QObject):
    """Automatic backups: every 30 minutes while the data changed, and on exit."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scheduler = BackupScheduler(store)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> Path | None:
        path = self.scheduler.tick()
        if self.scheduler.last_error:
            print(
                f"Automatische reservekopie mislukt: {self.scheduler.last_error}", file=sys.stderr
            )
        return path

    def on_exit(self) -> Path | None:
        """The last backup, when anything changed; call before the store is closed."""
        self.timer.stop()
        try:
            return self.scheduler.on_exit()
        except (BackupError, StoreError) as error:
            print(f"Reservekopie bij afsluiten mislukt: {error}", file=sys.stderr)
            return None


def backups_folder(store: Store) -> Path:
    return backup_dir(store.path)


def smoke_requested() -> bool:
    return os.environ.get(ENV_SMOKE, "") not in ("", "0")


def quit_when_shown(app: QApplication, window: QWidget) -> None:
    """Smoke mode: report and quit as soon as the main window is on screen."""

    def check() -> None:
        if window.isVisible():
            print(f"smoke: hoofdvenster geopend ({window.windowTitle()})", file=sys.stderr)
            app.exit(0)
        else:
            print("smoke: hoofdvenster niet zichtbaar", file=sys.stderr)
            app.exit(1)

    QTimer.singleShot(0, check)


def smoke_session(store: Store) -> Session | None:
    """Smoke mode signs in with ``MDB_TRIAGE_SMOKE_USER``/``_PASSWORD`` (checked like any
    sign-in); None when smoke mode is off or no credentials were given."""
    user = os.environ.get(ENV_SMOKE_USER)
    if not smoke_requested() or not user:
        return None
    staff = sign_in(store, user, os.environ.get(ENV_SMOKE_PASSWORD, ""))
    return Session(staff_id=staff.staff_id, name=staff.name, role=staff.role, team=staff.team)
