"""Sign-in, the first team-lead account of a fresh store, the idle lock, and account settings."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mdbtriage.core.accounts import password_problems
from mdbtriage.core.model import ROLES, Staff
from mdbtriage.store.accounts import (
    AccountError,
    create_account,
    create_first_team_lead,
    idle_lock_minutes,
    list_accounts,
    set_idle_lock_minutes,
    sign_in,
    staff_without_account,
)
from mdbtriage.store.database import Store
from mdbtriage.ui.session import Session

ERROR_STYLE = "color: #b00020;"


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))
    if text:
        # A wrapped message needs its height: the dialog grows to show it whole (it was
        # clipped to the dialog's first size).
        label.window().adjustSize()


def _buttons(ok_text: str, dialog: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox()
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setObjectName("ok")
    ok.setDefault(True)
    cancel = box.addButton("Annuleren", QDialogButtonBox.ButtonRole.RejectRole)
    cancel.setObjectName("cancel")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def session_of(staff: Staff) -> Session:
    return Session(staff_id=staff.staff_id, name=staff.name, role=staff.role, team=staff.team)


class SignInDialog(QDialog):
    """Choose your name, enter your password."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session: Session | None = None
        self.setWindowTitle("Aanmelden bij MDB Triage")
        self.people = QComboBox()
        self.people.setObjectName("people")
        self.people.setEditable(True)
        self.people.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        cast(QLineEdit, self.people.lineEdit()).setPlaceholderText("Typ of kies uw naam")
        for account in list_accounts(store):
            role = ROLES.get(account.role, account.role)
            self.people.addItem(f"{account.name} · {role} · {account.team}", account.staff_id)
        self.people.setCurrentIndex(-1)
        # As wide as the dialog allows, not as the longest name (its list shows them whole).
        self.people.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.people.setMinimumContentsLength(24)
        completer = cast(QCompleter, self.people.completer())  # editable: it has one
        # From the start of the name, in a list to choose from: never completed in place to
        # another person whose name merely contains the letters typed.
        completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label("error")
        form = QFormLayout()
        form.addRow("&Naam", self.people)
        form.addRow("&Wachtwoord", self.password)
        intro = QLabel(
            f"Opslag: {store.path}\nAlles wat u doet wordt onder uw naam en rol vastgelegd."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons("&Aanmelden", self))
        self.setMinimumWidth(480)

    def chosen_staff_id(self) -> str | None:
        index = self.people.currentIndex()
        text = self.people.currentText().strip()
        if index >= 0 and self.people.itemText(index) == text:
            return str(self.people.itemData(index))
        matches = [
            i
            for i in range(self.people.count())
            if self.people.itemText(i).casefold().startswith(text.casefold())
        ]
        return str(self.people.itemData(matches[0])) if text and len(matches) == 1 else None

    def accept(self) -> None:
        staff_id = self.chosen_staff_id()
        if staff_id is None:
            _show_error(self.error, "Kies uw naam uit de lijst")
            self.people.setFocus()
            return
        try:
            staff = sign_in(self.store, staff_id, self.password.text())
        except AccountError as error:
            _show_error(self.error, str(error))
            self.password.clear()
            self.password.setFocus()
            return
        self.session = session_of(staff)
        super().accept()

    @classmethod
    def ask(cls, store: Store, parent: QWidget | None = None) -> Session | None:
        dialog = cls(store, parent)
        return dialog.session if dialog.exec() == QDialog.DialogCode.Accepted else None


class FirstAccountDialog(QDialog):
    """A fresh store: the first team lead creates their own account."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session: Session | None = None
        self.setWindowTitle("Eerste account aanmaken")
        self.staff_id = QLineEdit(objectName="staff_id")
        self.name = QLineEdit(objectName="name")
        self.team = QLineEdit(objectName="team")
        self.password = QLineEdit(objectName="password")
        self.repeat = QLineEdit(objectName="repeat")
        for field in (self.password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.errors = {
            key: _error_label(f"error_{key}")
            for key in ("staff_id", "name", "team", "password", "repeat", "form")
        }
        form = QFormLayout()
        for label, key, widget in (
            ("&Personeelsnummer", "staff_id", self.staff_id),
            ("&Naam", "name", self.name),
            ("&Team", "team", self.team),
            ("&Wachtwoord", "password", self.password),
            ("&Herhaal wachtwoord", "repeat", self.repeat),
        ):
            form.addRow(label, widget)
            form.addRow("", self.errors[key])
        intro = QLabel(
            "Deze opslag heeft nog geen accounts. Maak het account van de teamleider aan; "
            "daarna maakt de teamleider de accounts van het team aan (Beheer › Account aanmaken of herstellen)."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.errors["form"])
        layout.addWidget(_buttons("&Aanmaken", self))
        self.setMinimumWidth(520)

    def accept(self) -> None:
        values = {
            "staff_id": self.staff_id.text().strip(),
            "name": self.name.text().strip(),
            "team": self.team.text().strip(),
        }
        problems = {key: "is verplicht" for key, value in values.items() if not value}
        pw = self.password.text()
        pw_problems = password_problems(pw, values["name"])
        if pw_problems:
            problems["password"] = "; ".join(pw_problems)
        if pw != self.repeat.text():
            problems["repeat"] = "de wachtwoorden zijn niet gelijk"
        for key, label in self.errors.items():
            _show_error(label, problems.get(key, "").capitalize())
        if problems:
            return
        staff = Staff(
            staff_id=values["staff_id"], name=values["name"], role="TL", team=values["team"]
        )
        try:
            create_first_team_lead(self.store, staff, pw)
        except AccountError as error:
            _show_error(self.errors["form"], str(error))
            return
        self.session = session_of(staff)
        super().accept()

    @classmethod
    def ask(cls, store: Store, parent: QWidget | None = None) -> Session | None:
        dialog = cls(store, parent)
        return dialog.session if dialog.exec() == QDialog.DialogCode.Accepted else None


class LockDialog(QDialog):
    """The screen is locked: the signed-in person enters the password again, or signs out."""

    SIGN_OUT = 2

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.setWindowTitle("Scherm vergrendeld")
        self.setModal(True)
        self.password = QLineEdit(objectName="password")
        self.password.setAccessibleName(f"Wachtwoord van {session.name}")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label("error")
        text = QLabel(
            f"Het scherm is vergrendeld.\nVoer het wachtwoord van {session.name} in om verder "
            "te werken, of meld u af."
        )
        text.setWordWrap(True)
        box = QDialogButtonBox()
        unlock = box.addButton("&Ontgrendelen", QDialogButtonBox.ButtonRole.AcceptRole)
        unlock.setDefault(True)
        sign_out = QPushButton("&Afmelden", objectName="sign_out")
        box.addButton(sign_out, QDialogButtonBox.ButtonRole.DestructiveRole)
        box.accepted.connect(self.accept)
        sign_out.clicked.connect(lambda: self.done(self.SIGN_OUT))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addWidget(box)
        self.setMinimumWidth(420)

    def accept(self) -> None:
        try:
            sign_in(self.store, self.session.staff_id, self.password.text())
        except AccountError as error:
            _show_error(self.error, str(error))
            self.password.clear()
            return
        super().accept()

    def reject(self) -> None:
        """Escape does not unlock."""

    @classmethod
    def ask(cls, store: Store, session: Session, parent: QWidget | None = None) -> bool:
        """True when unlocked, False when the person signs out."""
        return cls(store, session, parent).exec() == QDialog.DialogCode.Accepted


class IdleWatcher(QObject):
    """Emits ``idle`` once after a period without keyboard or mouse input in the application."""

    idle = Signal()
    _INPUT = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
        }
    )

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle.emit)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def set_timeout(self, timeout_ms: int) -> None:
        self._timer.setInterval(timeout_ms)
        if self._timer.isActive():
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self._INPUT and self._timer.isActive():
            self._timer.start()
        return False

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._timer.stop()


class AccountDialog(QDialog):
    """Team lead: create or reset the account of a staff member."""

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.setWindowTitle("Account aanmaken of herstellen")
        self.person = QComboBox(objectName="person")
        without = staff_without_account(store)
        with_account = {a.staff_id: a for a in list_accounts(store)}
        for staff in without:
            self.person.addItem(
                f"{staff.name} · {staff.role} · {staff.team} (nieuw)", staff.staff_id
            )
        for account in with_account.values():
            self.person.addItem(
                f"{account.name} · {account.role} · {account.team} (herstellen)", account.staff_id
            )
        self.person.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.person.setMinimumContentsLength(24)
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = _error_label("error")
        form = QFormLayout()
        form.addRow("&Medewerker", self.person)
        form.addRow("&Tijdelijk wachtwoord", self.password)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons("&Opslaan", self))
        self.setMinimumWidth(520)

    def accept(self) -> None:
        staff_id = self.person.currentData()
        if staff_id is None:
            _show_error(self.error, "Kies een medewerker")
            return
        try:
            create_account(self.store, self.session.actor, str(staff_id), self.password.text())
        except AccountError as error:
            _show_error(self.error, str(error))
            return
        super().accept()

    @classmethod
    def ask(cls, store: Store, session: Session, parent: QWidget | None = None) -> str | None:
        """The staff id whose account was created or reset; None when cancelled."""
        dialog = cls(store, session, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return str(dialog.person.currentData())


class SettingsDialog(QDialog):
    """Team lead: the idle time after which the screen locks."""

    def __init__(self, store: Store, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.session = session
        self.setWindowTitle("Instellingen")
        self.minutes = QSpinBox(objectName="minutes")
        self.minutes.setRange(1, 240)
        self.minutes.setSuffix(" minuten")
        self.minutes.setValue(idle_lock_minutes(store))
        self.error = _error_label("error")
        form = QFormLayout()
        form.addRow("Scherm &vergrendelen na", self.minutes)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(_buttons("&Opslaan", self))

    def accept(self) -> None:
        try:
            set_idle_lock_minutes(self.store, self.session.actor, self.minutes.value())
        except AccountError as error:
            _show_error(self.error, str(error))
            return
        super().accept()

    @classmethod
    def ask(cls, store: Store, session: Session, parent: QWidget | None = None) -> bool:
        return cls(store, session, parent).exec() == QDialog.DialogCode.Accepted
