"""Herbeoordeling requests in the store: the facts core's rules need (pending WIA decisions and
bezwaren of a client), saving a complete request as its case, and logging prints and exports.

Saving re-checks the request inside the transaction, so a request that became invalid in the
meantime (a WIA claim registered for the client) is refused and nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from mdbtriage.core.herbeoordeling import (
    PENDING_SERVICES,
    Assessment,
    PendingCase,
    Problem,
    assess,
    case_facts,
)
from mdbtriage.core.model import Actor, Case
from mdbtriage.core.noodtoegang import needs_emergency
from mdbtriage.core.policy import Policy
from mdbtriage.core.triage import choose_route
from mdbtriage.store.accounts import has_accounts
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.database import Store, utc_now
from mdbtriage.store.records import get_case, upsert_cases

PURPOSE = "aanvraag herbeoordeling"


class RequestRefused(Exception):
    """The request cannot be saved; ``problems`` say why, by field."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.text() for p in self.problems))


@dataclass(frozen=True, slots=True)
class SavedRequest:
    case_ref: str
    created: bool
    service: str
    route: str


def pending_cases(store: Store, bsn: str, exclude_ref: str | None = None) -> list[PendingCase]:
    """Open or in_behandeling WIA_CLAIM and BEZWAAR cases of the client with this BSN."""
    marks = ",".join("?" * len(PENDING_SERVICES))
    rows = store.conn.execute(
        "SELECT c.case_ref, c.service, c.status FROM cases c "
        "JOIN clients k ON k.client_id = c.client_id "
        f"WHERE k.bsn = ? AND c.service IN ({marks}) "
        "AND c.status IN ('open', 'in_behandeling') ORDER BY c.case_ref",
        (bsn, *PENDING_SERVICES),
    )
    return [
        PendingCase(case_ref=str(r[0]), service=str(r[1]), status=str(r[2]))
        for r in rows
        if r[0] != exclude_ref
    ]


def assess_with_store(
    store: Store,
    data: Mapping[str, Any],
    exclude_ref: str | None = None,
    *,
    today: date | None = None,
    viewer: Actor | None = None,
) -> Assessment:
    """Core's assessment with the client's pending cases as the store knows them, on
    ``today`` (default: the computer's date).

    A refusal names the pending case only to a ``viewer`` who may open it without break-glass
    (a member of its team, or anyone in set-up mode): to anyone else (and with no ``viewer`` on
    a store with accounts) it says that a WIA decision or bezwaar is pending, not which case
    this BSN has."""
    day = today or date.today()
    first = assess(data, today=day)
    bsn = first.request.client.bsn
    if bsn is None or first.request.requester.kind != "werknemer":
        return first
    pending = pending_cases(store, bsn, exclude_ref or first.request.reference)
    if not pending:
        return first
    assessment = assess(data, pending, today=day)
    hidden = _hidden_refs(store, viewer, [case.case_ref for case in pending])
    if not hidden:
        return assessment
    problems = tuple(
        replace(p, message=_without_refs(p.message, hidden)) if p.refusal else p
        for p in assessment.problems
    )
    return replace(assessment, problems=problems)


def _hidden_refs(store: Store, viewer: Actor | None, refs: Sequence[str]) -> set[str]:
    """The cases of ``refs`` that ``viewer`` may not learn of (see :func:`assess_with_store`)."""
    if not has_accounts(store):
        return set()
    own = None
    if viewer is not None:
        row = store.conn.execute(
            "SELECT team_id FROM staff WHERE staff_id = ?", (viewer.user_id,)
        ).fetchone()
        own = str(row[0]) if row else None
    marks = ",".join("?" * len(refs))
    teams = store.conn.execute(
        f"SELECT case_ref, team_id FROM cases WHERE case_ref IN ({marks})", tuple(refs)
    )
    return {str(ref) for ref, team in teams if needs_emergency(own, str(team), True)}


def _without_refs(message: str, hidden: set[str]) -> str:
    for ref in hidden:
        message = message.replace(f"zaak {ref}, ", "").replace(f"zaak {ref}", "een zaak")
    return message


def log_refusal(store: Store, actor: Actor, assessment: Assessment, doing: str) -> None:
    """A request refused by a rule (exit 3 on the command line): one ``geweigerd`` record with
    the client (when the store knows the BSN) and the rule as ``actor`` may read it."""
    request = assessment.request
    with store.atomic() as conn:
        client_id: int | None = None
        if request.client.bsn:
            row = conn.execute(
                "SELECT client_id FROM clients WHERE bsn = ?", (request.client.bsn,)
            ).fetchone()
            client_id = int(row[0]) if row else None
        reasons = "; ".join(p.message for p in assessment.problems if p.refusal)
        log(
            conn,
            actor,
            AuditEntry(
                event="create",
                purpose=PURPOSE,
                client_id=client_id,
                outcome="geweigerd",
                details=f"{doing} {request.reference}: {reasons}",
            ),
        )


def load_request(store: Store, case_ref: str) -> dict[str, Any] | None:
    """The request document saved for a case, as its JSON object (README "The standard
    herbeoordeling request")."""
    row = store.conn.execute(
        "SELECT document FROM herbeoordeling_requests WHERE case_ref = ?", (case_ref,)
    ).fetchone()
    if row is None:
        return None
    document = json.loads(str(row[0]))
    return document if isinstance(document, dict) else None


def save_request(
    store: Store,
    data: Mapping[str, Any],
    actor: Actor,
    policy: Policy,
    *,
    team: str | None = None,
) -> SavedRequest:
    """Create or update the HERBEOORDELING (or WIJZIGING_GEZONDHEID) case of a complete request,
    with requester, motivation and the request itself, logged as create or change."""
    refused_by_rule: list[Assessment] = []
    try:
        return _save_request(store, data, actor, policy, team, refused_by_rule)
    except RequestRefused:
        if refused_by_rule:  # the transaction is gone; the refusal gets a record of its own
            log_refusal(store, actor, refused_by_rule[0], "aanvraag opslaan")
        raise


def _save_request(
    store: Store,
    data: Mapping[str, Any],
    actor: Actor,
    policy: Policy,
    team: str | None,
    refused_by_rule: list[Assessment],
) -> SavedRequest:
    with store.atomic() as conn:
        assessment = assess_with_store(store, data, viewer=actor)
        if assessment.problems:
            if assessment.refused:
                refused_by_rule.append(assessment)
            raise RequestRefused(assessment.problems)
        request = assessment.request
        case_ref = request.reference
        chosen_team = team or request.intake.team
        if not chosen_team:
            raise RequestRefused([Problem("intake.team", "ontbreekt: kies het behandelend team")])
        existing = get_case(store, case_ref)
        if existing is not None:
            if existing.facts.service != request.service:
                raise RequestRefused(
                    [
                        Problem(
                            "reference",
                            f"zaak {case_ref} bestaat al als {existing.facts.service}, "
                            f"niet als {request.service}",
                        )
                    ]
                )
            if existing.bsn != request.client.bsn:
                raise RequestRefused(
                    [Problem("client.bsn", f"zaak {case_ref} hoort bij een andere cliënt")]
                )
        facts = case_facts(request, case_ref)
        assert request.client.bsn is not None and request.requested_on is not None
        if existing is not None:
            # What the request does not hold stays as recorded on the case (the ingebrekestelling,
            # the dwangsom with its kind and court deadline, the consents, a medical reason).
            old = existing.facts
            facts = replace(
                facts,
                consents_60_plus=old.consents_60_plus,
                ingebrekestelling=old.ingebrekestelling,
                dwangsom=old.dwangsom,
                dwangsom_kind=old.dwangsom_kind,
                dwangsom_deadline=old.dwangsom_deadline,
                medical_reason=old.medical_reason,
                employer_consents_60_plus=old.employer_consents_60_plus,
            )
        case = Case(
            facts,
            request.client.bsn,
            request.client.name,
            chosen_team,
            existing.status if existing else "open",
        )
        upsert_cases(store, [case], actor, purpose=PURPOSE)
        route = choose_route(facts, policy).code
        document = dict(data)
        document["reference"] = case_ref
        intake = dict(document.get("intake") or {})
        intake["team"] = chosen_team
        document["intake"] = intake
        now = utc_now()
        conn.execute(
            "INSERT INTO herbeoordeling_requests "
            "(case_ref, reference, document, route, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_ref) DO UPDATE SET "
            "reference = excluded.reference, document = excluded.document, "
            "route = excluded.route, updated_at = excluded.updated_at",
            (
                case_ref,
                request.reference,
                json.dumps(document, ensure_ascii=False, sort_keys=True),
                route,
                now,
                now,
            ),
        )
    return SavedRequest(
        case_ref=case_ref, created=existing is None, service=request.service, route=route
    )


def log_output(
    store: Store, actor: Actor, assessment: Assessment, event: str, details: str
) -> None:
    """Record a print or export of a request in the access log (client and case when known)."""
    if event not in ("print", "export"):
        raise ValueError(f"unexpected event {event!r}")
    request = assessment.request
    with store.atomic() as conn:
        client_id: int | None = None
        if request.client.bsn:
            row = conn.execute(
                "SELECT client_id FROM clients WHERE bsn = ?", (request.client.bsn,)
            ).fetchone()
            client_id = int(row[0]) if row else None
        known = conn.execute(
            "SELECT 1 FROM cases WHERE case_ref = ?", (request.reference,)
        ).fetchone()
        log(
            conn,
            actor,
            AuditEntry(
                event=event,
                purpose=PURPOSE,
                client_id=client_id,
                case_ref=request.reference if known else None,
                details=details,
            ),
        )
