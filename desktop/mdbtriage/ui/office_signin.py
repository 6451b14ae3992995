"""The office store in the desktop: the choice of store at first start, and signing in to the
office store with one's own database login (README, "Office store").

The address comes from ``--db``/``MDB_TRIAGE_DB``, else from the system-wide setting IT puts on
the workstation (:func:`mdbtriage.store.locations.office_address_setting`), else it is typed
once; the choice is remembered per operating-system user (QSettings)."""

from __future__ import annotations

import getpass

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.accounts import password_problems
from mdbtriage.store.database import Store, StoreError
from mdbtriage.store.locations import office_address_setting
from mdbtriage.ui.appearance import available_rect
from mdbtriage.ui.session import Session
from mdbtriage.ui.signin import _buttons, _error_label, _show_error, session_of

# The remembered choice: "bestand" (the workstation store) or "kantoor" with its address.
CHOICE_KEY = "opslag/keuze"
ADDRESS_KEY = "opslag/kantooradres"
LOGIN_KEY = "opslag/kantoorlogin"
CHANNEL = "via de desktoptoepassing"


class StoreChoiceDialog(QDialog):
    """First start: demo data, a new workstation store, or the office server."""

    DEMO, NEW, OFFICE = "demo", "nieuw", "kantoor"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("MDB Triage: eerste start")
        self.choice: str | None = None
        intro = QLabel(
            "Waar wilt u mee werken? U kunt dit later wijzigen met Bestand › Andere opslag."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for key, text, explain in (
            (self.DEMO, "&Demogegevens", "een synthetisch team om te oefenen, op deze computer"),
            (
                self.NEW,
                "&Nieuwe werkplekopslag",
                "één werkplek of een laptop; u begint als teamleider",
            ),
            (
                self.OFFICE,
                "&Verbinden met kantoorserver",
                "het hele team samen, met uw eigen login"
                + (f" ({office_address_setting()})" if office_address_setting() else ""),
            ),
        ):
            button = QPushButton(text)
            button.setObjectName(f"choice_{key}")
            button.setAccessibleDescription(explain)
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            note = QLabel(explain)
            note.setWordWrap(True)
            # Each explanation close under its own button, the choices apart.
            choice = QVBoxLayout()
            choice.setSpacing(2)
            choice.addWidget(button)
            choice.addWidget(note)
            layout.addSpacing(6)
            layout.addLayout(choice)
        layout.addStretch(1)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        # Wide enough that the explanations read as sentences, not a column of words.
        intro.setMinimumWidth(
            min(self.fontMetrics().horizontalAdvance("x") * 54, available_rect(self).width() - 60)
        )

    def _choose(self, key: str) -> None:
        self.choice = key
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None = None) -> str | None:
        dialog = cls(parent)
        return dialog.choice if dialog.exec() == QDialog.DialogCode.Accepted else None


class OfficeSignInDialog(QDialog):
    """Sign in to the office store: the server's address (fixed when IT set it), your login
    (your personnel number) and your password. The server checks the password."""

    def __init__(
        self, settings: QSettings, address: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.store: Store | None = None
        self.session: Session | None = None
        self.setWindowTitle("Aanmelden bij de kantooropslag")
        fixed = address or office_address_setting()
        remembered = str(settings.value(ADDRESS_KEY, "") or "")
        self.address = QLineEdit(fixed or remembered, objectName="address")
        self.address.setPlaceholderText("postgresql://server.kantoor.local/mdb_triage")
        self.address.setReadOnly(bool(fixed))
        # The whole address in view, from its beginning (a fixed one cannot be scrolled).
        metrics = self.address.fontMetrics()
        shown = max(self.address.text(), self.address.placeholderText(), key=len)
        self.address.setMinimumWidth(
            min(
                metrics.horizontalAdvance(shown) + metrics.horizontalAdvance("xxxx"),
                available_rect(self).width() * 2 // 3,
            )
        )
        self.address.setCursorPosition(0)
        from mdbtriage.store.office import address_user

        login = address_user(fixed or "") or str(settings.value(LOGIN_KEY, "") or "")
        self.login = QLineEdit(login, objectName="login")
        self.login.setPlaceholderText("uw personeelsnummer")
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label("error")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("&Server", self.address)
        form.addRow("&Login", self.login)
        form.addRow("&Wachtwoord", self.password)
        intro = QLabel(
            "Meld u aan met uw eigen login. Alles wat u doet wordt door de server onder uw "
            "login vastgelegd."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons("&Aanmelden", self))
        (self.password if login else self.login).setFocus()

    def accept(self) -> None:
        from mdbtriage.store.office import OfficeError, with_user
        from mdbtriage.store.office_store import OfficeStore, signed_in_staff

        address, login = self.address.text().strip(), self.login.text().strip()
        if not address:
            _show_error(self.error, "Vul het adres van de kantoorserver in (vraag het aan IT).")
            self.address.setFocus()
            return
        if not login:
            _show_error(self.error, "Vul uw login in (uw personeelsnummer).")
            self.login.setFocus()
            return
        try:
            store = OfficeStore.open_url(
                with_user(address, login), password=self.password.text() or None
            )
        except (OfficeError, StoreError) as error:
            _show_error(self.error, str(error))
            self.password.clear()
            self.password.setFocus()
            return
        try:
            staff = signed_in_staff(store, f"{CHANNEL}, werkplek {_workstation()}")
        except OfficeError as error:
            store.close()
            _show_error(self.error, str(error))
            return
        self.settings.setValue(CHOICE_KEY, "kantoor")
        self.settings.setValue(ADDRESS_KEY, address)
        self.settings.setValue(LOGIN_KEY, login)
        self.store, self.session = store, session_of(staff)
        super().accept()

    @classmethod
    def ask(
        cls, settings: QSettings, address: str | None = None, parent: QWidget | None = None
    ) -> tuple[Store, Session] | None:
        dialog = cls(settings, address, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.store is None:
            return None
        assert dialog.session is not None
        if not NewPasswordDialog.ask_if_needed(dialog.store, dialog.session):
            dialog.store.close()
            return None
        return dialog.store, dialog.session


class NewPasswordDialog(QDialog):
    """A password a team lead set is changed at first sign-in."""

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session_ = session
        self.setWindowTitle("Nieuw wachtwoord kiezen")
        self.new = QLineEdit(objectName="new_password")
        self.repeat = QLineEdit(objectName="repeat_password")
        for field in (self.new, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label("error")
        intro = QLabel(
            "Uw wachtwoord is door een teamleider ingesteld. Kies nu een eigen wachtwoord; "
            "alleen u kent het."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Nieuw wachtwoord", self.new)
        form.addRow("N&ogmaals", self.repeat)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons("&Opslaan", self))

    def accept(self) -> None:
        from mdbtriage.store.office_store import change_own_password

        new = self.new.text()
        problems = password_problems(new, self.session_.name)
        if new != self.repeat.text():
            problems.append("de twee wachtwoorden verschillen")
        if problems:
            _show_error(self.error, "; ".join(problems).capitalize() + ".")
            return
        try:
            change_own_password(self.store, new)
        except StoreError as error:
            _show_error(self.error, str(error))
            return
        super().accept()

    @classmethod
    def ask_if_needed(cls, store: Store, session: Session) -> bool:
        from mdbtriage.store.office_store import must_change_password

        if not must_change_password(store):
            return True
        return cls(store, session).exec() == QDialog.DialogCode.Accepted


def smoke_sign_in(address: str) -> tuple[Store, Session] | None:
    """Smoke mode (a packaged build's check, ``MDB_TRIAGE_SMOKE=1``) on the office store: sign
    in with the login ``MDB_TRIAGE_SMOKE_USER`` and ``MDB_TRIAGE_SMOKE_PASSWORD`` as the sign-in
    window would (the server checks the password; the sign-in is logged); None when smoke mode
    is off or names no login. Raises what the sign-in window would show."""
    import os

    from mdbtriage.store.office import with_user
    from mdbtriage.store.office_store import OfficeStore, signed_in_staff
    from mdbtriage.ui.recovery import ENV_SMOKE_PASSWORD, ENV_SMOKE_USER, smoke_requested

    login = os.environ.get(ENV_SMOKE_USER)
    if not smoke_requested() or not login:
        return None
    store = OfficeStore.open_url(
        with_user(address, login), password=os.environ.get(ENV_SMOKE_PASSWORD) or None
    )
    try:
        staff = signed_in_staff(store, f"{CHANNEL}, werkplek {_workstation()}")
    except BaseException:
        store.close()
        raise
    return store, session_of(staff)


def _workstation() -> str:
    import socket

    try:
        return f"{socket.gethostname()} ({getpass.getuser()})"
    except (KeyError, OSError):
        return "onbekend"
