"""Desktop accounts: sign-in with a password per staff member, created by the team lead.

Every sign-in (also a refused one) is written to the access log. A fresh store has no accounts:
the first account is a team lead created at first start (or the demo accounts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mdbtriage.core.accounts import (
    account_refusal,
    hash_password,
    password_problems,
    team_lead_refusal,
    verify_password,
)
from mdbtriage.core.model import Actor, Staff
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.database import Store, utc_now
from mdbtriage.store.records import get_staff, upsert_staff

IDLE_LOCK_SETTING = "ui.idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 10
MAX_FAILED_ATTEMPTS = 5


REMOVED = (
    "Deze opslag had accounts, maar ze zijn buiten MDB Triage om verwijderd; zet een goede "
    "reservekopie terug ('mdb-triage restore BESTAND')"
)


class AccountError(Exception):
    """An account action that is refused; the message is Dutch and says why."""


@dataclass(frozen=True, slots=True)
class Account:
    staff_id: str
    name: str
    role: str
    team: str
    disabled: bool
    failed_attempts: int


def _actor(staff: Staff) -> Actor:
    return Actor.of_staff(staff)


def has_accounts(store: Store) -> bool:
    """Whether people sign in with accounts (else the store is in set-up mode). On the office
    store always: everyone signs in with a database login."""
    if store.is_office:
        return True
    return store.conn.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None


def accounts_removed(store: Store) -> bool:
    """Whether a store without accounts once had them: its log holds an account created or a
    sign-in with a password. Then the accounts were removed outside MDB Triage, and set-up mode
    (acting by name without a password) must not come back."""
    if has_accounts(store):
        return False
    found = store.conn.execute(
        "SELECT 1 FROM audit_log WHERE outcome = 'gelukt' AND ("
        "(event = 'signin' AND details NOT LIKE '%inrichting%') "
        "OR purpose IN ('eerste account', 'account beheren')) LIMIT 1"
    ).fetchone()
    return found is not None


# On the office store an account is a database login named by the personnel number.
_OFFICE_ACCOUNTS = (
    "SELECT s.staff_id, s.name, s.role, s.team_id, CASE WHEN r.rolcanlogin THEN 0 ELSE 1 END, 0 "
    "FROM staff s JOIN pg_roles r ON r.rolname = s.staff_id"
)


def _account_ids_sql(store: Store) -> str:
    if store.is_office:
        return "SELECT s.staff_id FROM staff s JOIN pg_roles r ON r.rolname = s.staff_id"
    return "SELECT staff_id FROM accounts"


def staff_ids_with_account(store: Store) -> set[str]:
    """Everyone who can sign in (or could, were the account not disabled)."""
    return {str(r[0]) for r in store.conn.execute(_account_ids_sql(store))}


def list_accounts(store: Store) -> list[Account]:
    """Accounts of active staff, by name."""
    rows = store.conn.execute(
        (
            _OFFICE_ACCOUNTS
            if store.is_office
            else "SELECT s.staff_id, s.name, s.role, s.team_id, a.disabled, a.failed_attempts "
            "FROM accounts a JOIN staff s ON s.staff_id = a.staff_id"
        )
        + " WHERE s.active = 1 ORDER BY s.name, s.staff_id"
    )
    return [
        Account(str(r[0]), str(r[1]), str(r[2]), str(r[3]), bool(r[4]), int(r[5])) for r in rows
    ]


def staff_without_account(store: Store) -> list[Staff]:
    from mdbtriage.store.records import list_staff

    have = staff_ids_with_account(store)
    return [s for s in list_staff(store) if s.active and s.staff_id not in have]


def _check_password(password: str, name: str) -> None:
    problems = password_problems(password, name)
    if problems:
        raise AccountError("; ".join(problems).capitalize())


class AccountRefused(AccountError):
    """Refused by a rule (who may create accounts), as opposed to bad input; logged."""


class LastTeamLeadRefused(AccountRefused):
    """A staff change that would leave no active team lead who can sign in: then nobody could
    import staff, create accounts or record central decisions any more."""


def team_leads_with_account(store: Store) -> set[str]:
    """The active team leads who can sign in (or could, were the account not disabled)."""
    rows = store.conn.execute(
        "SELECT t.staff_id FROM staff t WHERE t.role = 'TL' AND t.active = 1 "
        f"AND t.staff_id IN ({_account_ids_sql(store)})"
    )
    return {str(r[0]) for r in rows}


def check_team_leads_remain(store: Store, before: set[str], changed: Sequence[Staff]) -> None:
    """Raise :class:`LastTeamLeadRefused` when the store had active team leads with an account
    (``before``, from :func:`team_leads_with_account` before ``changed`` was written) and has
    none now. Called inside the transaction that writes the staff, so the refusal undoes it."""
    if not before or team_leads_with_account(store):
        return
    changes = [
        f"{s.staff_id} ({s.name}) "
        + ("wordt niet-actief" if not s.active else f"krijgt rol {s.role} in plaats van TL")
        for s in changed
        if s.staff_id in before
    ]
    raise LastTeamLeadRefused(
        "na deze wijziging is er geen actieve teamleider met een account meer"
        + (f" ({'; '.join(changes)})" if changes else "")
        + "; dan kan niemand nog medewerkers importeren, accounts aanmaken of centrale "
        "beslissingen vastleggen. Maak eerst een account voor een andere actieve teamleider"
    )


def check_team_lead(store: Store, actor: Actor, what: str, purpose: str) -> None:
    """Refuse ``what`` (only a team lead's once accounts exist: staff, roles, teams, BIG numbers,
    accounts, central decisions) to anyone else: logged as ``geweigerd`` and raised as
    :class:`AccountRefused` with the rule in Dutch."""
    if store.is_office and actor.is_database_owner:
        return  # the office store's set-up, by IT with the owner's login
    reason = team_lead_refusal(actor.role, has_accounts(store), what)
    if reason is None:
        return
    with store.atomic() as conn:
        log(
            conn,
            actor,
            AuditEntry(event="change", purpose=purpose, outcome="geweigerd", details=reason),
        )
    raise AccountRefused(reason)


def create_account(store: Store, actor: Actor, staff_id: str, password: str) -> None:
    """A team lead creates (or resets) the account of a staff member; on a store without
    accounts (set-up mode) the first account, which must be a team lead's. A refusal by the
    rule is logged as ``geweigerd`` and raised as :class:`AccountRefused`."""
    staff = get_staff(store, staff_id)
    if staff is None:
        raise AccountError(f"Medewerker {staff_id} bestaat niet")
    if not staff.active:
        raise AccountError(f"Medewerker {staff.name} is niet actief")
    owner = store.is_office and actor.is_database_owner
    refusal = None if owner else account_refusal(actor.role, staff.role, has_accounts(store))
    if refusal is None and accounts_removed(store):
        refusal = REMOVED[0].lower() + REMOVED[1:]
    if refusal:
        with store.atomic() as conn:
            log(
                conn,
                actor,
                AuditEntry(
                    event="create",
                    purpose="account beheren",
                    outcome="geweigerd",
                    details=f"account voor {staff.name} ({staff_id}, {staff.role}): {refusal}",
                ),
            )
        raise AccountRefused(refusal[0].upper() + refusal[1:])
    _check_password(password, staff.name)
    if store.is_office:
        from mdbtriage.store.office_store import set_login

        set_login(store, actor, staff, password)
        return
    stored = hash_password(password)
    now = utc_now()
    with store.atomic() as conn:
        existing = conn.execute("SELECT 1 FROM accounts WHERE staff_id = ?", (staff_id,)).fetchone()
        conn.execute(
            "INSERT INTO accounts (staff_id, password_hash, created_by, created_at, changed_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (staff_id) DO UPDATE SET "
            "password_hash = excluded.password_hash, changed_at = excluded.changed_at, "
            "failed_attempts = 0, disabled = 0",
            (staff_id, stored, actor.user_id, now, now),
        )
        log(
            conn,
            actor,
            AuditEntry(
                event="change" if existing else "create",
                purpose="account beheren",
                details=f"account {'hersteld' if existing else 'aangemaakt'} voor "
                f"{staff.name} ({staff_id}, {staff.role})",
            ),
        )


def create_first_team_lead(store: Store, staff: Staff, password: str) -> Staff:
    """The bootstrap of a fresh store: a team lead with the first account."""
    if has_accounts(store):
        raise AccountError("Er bestaan al accounts; een teamleider maakt nieuwe accounts aan")
    if accounts_removed(store):
        raise AccountError(REMOVED)
    if staff.role != "TL":
        raise AccountError("Het eerste account is dat van een teamleider")
    if not staff.staff_id.strip() or not staff.name.strip() or not staff.team.strip():
        raise AccountError("Personeelsnummer, naam en team zijn verplicht")
    _check_password(password, staff.name)
    now = utc_now()
    with store.atomic() as conn:
        upsert_staff(store, [staff])
        conn.execute(
            "INSERT INTO accounts (staff_id, password_hash, created_by, created_at, changed_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (staff.staff_id, hash_password(password), staff.staff_id, now, now),
        )
        log(
            conn,
            _actor(staff),
            AuditEntry(
                event="create",
                purpose="eerste account",
                details=f"eerste teamleider {staff.name} ({staff.staff_id})",
            ),
        )
    return staff


def sign_in(
    store: Store, staff_id: str, password: str, channel: str = "in de desktoptoepassing"
) -> Staff:
    """The staff member when the password is right; otherwise ``AccountError``. Always logged,
    with ``channel`` saying where the sign-in happened. On the office store the server checks
    the password of the login (the screen lock asks it again)."""
    if store.is_office:
        from mdbtriage.store.office_store import sign_in_again

        return sign_in_again(store, staff_id, password, channel)
    staff = get_staff(store, staff_id)
    row = store.conn.execute(
        "SELECT password_hash, disabled, failed_attempts FROM accounts WHERE staff_id = ?",
        (staff_id,),
    ).fetchone()
    if staff is None or row is None:
        raise AccountError("Onbekende gebruiker")
    actor = _actor(staff)
    reason = ""
    if not staff.active:
        reason = "Deze medewerker is niet actief"
    elif row[1] or int(row[2]) >= MAX_FAILED_ATTEMPTS:
        reason = (
            "Dit account is geblokkeerd na te veel mislukte pogingen; "
            "vraag de teamleider om een nieuw wachtwoord"
        )
    elif not verify_password(password, str(row[0])):
        left = MAX_FAILED_ATTEMPTS - int(row[2]) - 1
        reason = "Onjuist wachtwoord" + (
            f" (nog {left} {'poging' if left == 1 else 'pogingen'})"
            if left > 0
            else "; het account is nu geblokkeerd"
        )
        with store.atomic() as conn:
            conn.execute(
                "UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE staff_id = ?",
                (staff_id,),
            )
    with store.atomic() as conn:
        if not reason:
            conn.execute("UPDATE accounts SET failed_attempts = 0 WHERE staff_id = ?", (staff_id,))
        log(
            conn,
            actor,
            AuditEntry(
                event="signin",
                purpose=f"aanmelden {channel}",
                outcome="geweigerd" if reason else "gelukt",
                details=reason,
            ),
        )
    if reason:
        raise AccountError(reason)
    return staff


def log_sign_in(
    store: Store, actor: Actor, channel: str, details: str, *, refused: bool = True
) -> None:
    """Record a sign-in decided without checking a password: refused before any password was
    tried (none given, no account, unknown user; not counted towards the lock-out), or, on a
    store without accounts (set-up mode), how the person was named."""
    with store.atomic() as conn:
        log(
            conn,
            actor,
            AuditEntry(
                event="signin",
                purpose=f"aanmelden {channel}",
                outcome="geweigerd" if refused else "gelukt",
                details=details,
            ),
        )


def sign_out(store: Store, actor: Actor, details: str = "") -> None:
    with store.atomic() as conn:
        log(
            conn,
            actor,
            AuditEntry(
                event="signout", purpose="afmelden in de desktoptoepassing", details=details
            ),
        )


def idle_lock_minutes(store: Store) -> int:
    value = store.get_setting(IDLE_LOCK_SETTING)
    try:
        minutes = int(value) if value is not None else DEFAULT_IDLE_LOCK_MINUTES
    except ValueError:
        return DEFAULT_IDLE_LOCK_MINUTES
    return minutes if 1 <= minutes <= 240 else DEFAULT_IDLE_LOCK_MINUTES


def set_idle_lock_minutes(store: Store, actor: Actor, minutes: int) -> None:
    if actor.role != "TL":
        raise AccountError("Alleen een teamleider kan de vergrendeltijd instellen")
    if not 1 <= minutes <= 240:
        raise AccountError("De vergrendeltijd moet tussen 1 en 240 minuten liggen")
    store.set_setting(IDLE_LOCK_SETTING, str(minutes))


def has_account(store: Store, staff_id: str) -> bool:
    """Whether this employee has an account (enabled or not)."""
    return staff_id in staff_ids_with_account(store)
