"""The dossier of a case: reading it (logged), the document checklist, notes, the case's own
access history, and saving a case entered or changed in the desktop form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mdbtriage.core.accounts import may_read_log_of_others
from mdbtriage.core.caserules import DOSSIER_DOCUMENTS, store_conflicts
from mdbtriage.core.model import MEDICAL_ROLES, Actor, Case, Client
from mdbtriage.core.noodtoegang import EMERGENCY_PURPOSE, needs_emergency, reason_problem
from mdbtriage.store import versions
from mdbtriage.store.accounts import has_accounts
from mdbtriage.store.audit import EVENT_LABELS, AuditEntry, log
from mdbtriage.store.database import Store, utc_now
from mdbtriage.store.records import get_case, upsert_cases


class DossierError(Exception):
    """A dossier action that is refused; the message is Dutch."""


@dataclass(frozen=True, slots=True)
class Note:
    note_id: int
    medical: bool
    text: str
    author_name: str
    created_at: str


@dataclass(frozen=True, slots=True)
class LogLine:
    at: str
    event: str
    user_name: str
    role: str
    outcome: str
    purpose: str
    details: str
    case_ref: str = ""
    user_id: str = ""

    @property
    def event_label(self) -> str:
        return EVENT_LABELS.get(self.event, self.event)


def _case_or_error(store: Store, case_ref: str) -> Case:
    row = get_case(store, case_ref)
    if row is None:
        raise DossierError(f"Zaak {case_ref} bestaat niet")
    return row


class EmergencyRefused(DossierError):
    """Break-glass without a (usable) reason: refused and logged ``geweigerd``."""


def emergency_team(store: Store, actor: Actor, case_ref: str) -> str | None:
    """The case's team when ``actor`` needs break-glass (noodtoegang) to open its dossier: a
    store with accounts and someone outside the case's team. None otherwise, also for a case
    that does not exist (:func:`read_dossier` names that)."""
    row = store.conn.execute("SELECT team_id FROM cases WHERE case_ref = ?", (case_ref,))
    found = row.fetchone()
    if found is None:
        return None
    staff = store.conn.execute(
        "SELECT team_id FROM staff WHERE staff_id = ?", (actor.user_id,)
    ).fetchone()
    own = str(staff[0]) if staff else None
    case_team = str(found[0])
    return case_team if needs_emergency(own, case_team, has_accounts(store)) else None


def read_dossier(
    store: Store, actor: Actor, case_ref: str, *, emergency_reason: str | None = None
) -> Case:
    """The case, with a 'read' record in the access log. A case of another team (see
    :func:`emergency_team`) opens only with a stated reason: one ``emergency`` record
    (noodtoegang) with the reason; without one :class:`EmergencyRefused` after a ``geweigerd``
    record."""
    row = _case_or_error(store, case_ref)
    other_team = emergency_team(store, actor, case_ref)
    if other_team is None:
        entry = AuditEntry(
            event="read", purpose="dossier inzien", client_id=row.client_id, case_ref=case_ref
        )
    else:
        problem = reason_problem(emergency_reason)
        reason = " ".join((emergency_reason or "").split())
        entry = AuditEntry(
            event="emergency",
            purpose=EMERGENCY_PURPOSE,
            client_id=row.client_id,
            case_ref=case_ref,
            outcome="geweigerd" if problem else "gelukt",
            details=f"cliënt van team {other_team}; "
            + (f"geweigerd: {problem}" if problem else f"reden: {reason}"),
        )
    with store.atomic() as conn:
        log(conn, actor, entry)
    if other_team is not None and entry.outcome == "geweigerd":
        raise EmergencyRefused(
            f"Zaak {case_ref} hoort bij team {other_team}, niet bij uw team: noodtoegang kan "
            f"alleen met een reden. Geweigerd: {reason_problem(emergency_reason)}"
        )
    return row


def emergency_records(store: Store, viewer: Actor) -> list[LogLine]:
    """Every break-glass record (granted and refused), the most recent first, for the privacy
    officer and the team lead to review (the reading is logged); anyone else is refused
    (:class:`DossierError`, logged ``geweigerd``)."""
    allowed = may_read_log_of_others(viewer.role, has_accounts(store))
    with store.atomic() as conn:
        log(
            conn,
            viewer,
            AuditEntry(
                event="read",
                purpose="noodtoegang nakijken",
                outcome="gelukt" if allowed else "geweigerd",
                details="lijst van noodtoegang"
                if allowed
                else "alleen een teamleider of de privacyfunctionaris (PO) ziet de noodtoegang",
            ),
        )
    if not allowed:
        raise DossierError(
            "Alleen een teamleider of de privacyfunctionaris (PO) ziet de lijst van noodtoegang"
        )
    rows = store.conn.execute(
        "SELECT at, event, user_name, role, outcome, purpose, details, case_ref, user_id "
        "FROM audit_log WHERE event = 'emergency' ORDER BY log_id DESC"
    )
    return [LogLine(*(str(v or "") for v in r)) for r in rows]


def documents(store: Store, case_ref: str) -> dict[str, date]:
    rows = store.conn.execute(
        "SELECT document, received_on FROM case_documents WHERE case_ref = ?", (case_ref,)
    )
    return {str(r[0]): date.fromisoformat(str(r[1])) for r in rows}


def set_document(
    store: Store, actor: Actor, case_ref: str, document: str, present: bool, on: date
) -> None:
    """Tick a document of the checklist as received on a date, or as not (yet) in."""
    if document not in DOSSIER_DOCUMENTS:
        raise DossierError(f"Onbekend document '{document}'")
    row = _case_or_error(store, case_ref)
    with store.atomic() as conn:
        if present:
            conn.execute(
                "INSERT INTO case_documents (case_ref, document, received_on, recorded_by) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (case_ref, document) DO UPDATE SET "
                "received_on = excluded.received_on, recorded_by = excluded.recorded_by",
                (case_ref, document, on.isoformat(), actor.user_id),
            )
        else:
            conn.execute(
                "DELETE FROM case_documents WHERE case_ref = ? AND document = ?",
                (case_ref, document),
            )
        log(
            conn,
            actor,
            AuditEntry(
                event="change",
                purpose="dossier bijwerken",
                client_id=row.client_id,
                case_ref=case_ref,
                details=f"{DOSSIER_DOCUMENTS[document]}: {'binnen' if present else 'niet binnen'}",
            ),
        )


def notes(store: Store, case_ref: str, with_medical: bool) -> list[Note]:
    sql = (
        "SELECT note_id, medical, text, author_name, created_at FROM case_notes "
        "WHERE case_ref = ?" + ("" if with_medical else " AND medical = 0") + " ORDER BY note_id"
    )
    return [
        Note(int(r[0]), bool(r[1]), str(r[2]), str(r[3]), str(r[4]))
        for r in store.conn.execute(sql, (case_ref,))
    ]


def add_note(store: Store, actor: Actor, case_ref: str, text: str, medical: bool) -> None:
    """A note on the case; medical notes only by VA, AIOS and SMV."""
    text = text.strip()
    if not text:
        raise DossierError("De notitie is leeg")
    if medical and actor.role not in MEDICAL_ROLES:
        raise DossierError("Alleen een VA, AIOS of SMV mag een medische notitie maken")
    row = _case_or_error(store, case_ref)
    with store.atomic() as conn:
        conn.execute(
            "INSERT INTO case_notes (case_ref, medical, text, author_id, author_name, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (case_ref, int(medical), text, actor.user_id, actor.name, utc_now()),
        )
        log(
            conn,
            actor,
            AuditEntry(
                event="change",
                purpose="dossier bijwerken",
                client_id=row.client_id,
                case_ref=case_ref,
                details="medische notitie toegevoegd" if medical else "notitie toegevoegd",
            ),
        )


def case_log(store: Store, case_ref: str, viewer: Actor | None = None) -> list[LogLine]:
    """The access log of one case, the most recent first. A ``viewer`` who may not read what
    others did (only the team lead and the privacy officer may) sees their own records and
    those made on their behalf."""
    sql = (
        "SELECT at, event, user_name, role, outcome, purpose, details FROM audit_log "
        "WHERE case_ref = ?"
    )
    params: list[object] = [case_ref]
    if viewer is not None and not may_read_log_of_others(viewer.role, has_accounts(store)):
        sql += " AND (user_id = ? OR on_behalf_of = ?)"
        params += [viewer.user_id, viewer.user_id]
    rows = store.conn.execute(sql + " ORDER BY log_id DESC", params)
    return [LogLine(*(str(v) for v in r)) for r in rows]


def save_case(
    store: Store, actor: Actor, case: Case, *, new: bool, version: int | None = None
) -> int:
    """Write a case from the form: a new case must not reuse a reference; a change names the
    ``version`` the form started from (:class:`mdbtriage.store.versions.StaleEdit` when the
    case changed since, logged ``geweigerd``; ``None``: the current one). Returns the case's
    new version."""
    with store.atomic() as conn:
        exists = get_case(store, case.case_ref) is not None
        if new and exists:
            raise DossierError(f"Zaaknummer {case.case_ref} bestaat al")
        if not new and not exists:
            raise DossierError(f"Zaak {case.case_ref} bestaat niet")
        stale = versions.refused(
            conn,
            actor,
            lambda: versions.check_case(conn, case.case_ref, None if new else version),
            purpose="zaak wijzigen",
            case_ref=case.case_ref,
            attempt="wijziging",
        )
        if stale is None:
            stored = conn.execute(
                "SELECT name, birth_date FROM clients WHERE bsn = ?", (case.bsn,)
            ).fetchone()
            client = None
            if stored:
                born = date.fromisoformat(str(stored[1])) if stored[1] else None
                client = Client(bsn=case.bsn, name=str(stored[0]), birth_date=born)
            teams = {str(r[0]) for r in conn.execute("SELECT team_id FROM teams")}
            problems = store_conflicts(case, teams, client)
            if problems:
                raise DossierError("; ".join(reason for _, reason in problems))
            upsert_cases(store, [case], actor, purpose="zaak aanmaken" if new else "zaak wijzigen")
            return versions.case_version(conn, case.case_ref) or 1
    assert stale is not None
    raise stale  # after the refusal's record was committed


def mark_schrijnend(
    store: Store, actor: Actor, case_ref: str, central_ref: str, *, version: int | None = None
) -> Case:
    """Mark a case schrijnend with the reference of the central approval (read and written in
    one transaction; ``version``: the case as the screen showed it, see :func:`save_case`)."""
    central_ref = central_ref.strip()
    if not central_ref:
        raise DossierError("De referentie van de centrale toets is verplicht")
    purpose = f"schrijnend gemarkeerd ({central_ref})"
    with store.atomic() as conn:
        stale = versions.refused(
            conn,
            actor,
            lambda: versions.check_case(conn, case_ref, version),
            purpose=purpose,
            case_ref=case_ref,
            attempt="markering schrijnend",
        )
        if stale is None:
            case = _case_or_error(store, case_ref).with_facts(
                schrijnend=True, schrijnend_ref=central_ref
            )
            upsert_cases(store, [case], actor, purpose=purpose)
            return case
    assert stale is not None
    raise stale  # after the refusal's record was committed
