"""The triage engine: the werkvoorraad in the order the national priority policy demands.

Order (domain.md): by policy class A, B, C, D; within a class the earliest receipt date first;
ties by case reference. Ingebrekestelling and dwangsom are recorded but never change the order.
A case marked schrijnend without a central reference keeps its normal class and is flagged.
The engine takes the date as an argument and never reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from mdbtriage.core.model import REQUESTERS, SERVICES
from mdbtriage.core.policy import CLASS_ORDER, Policy, Route
from mdbtriage.core.validation import add_months, age_on, format_date

FLAG_SCHRIJNEND_ZONDER_TOETS = "schrijnend: centrale toets ontbreekt"
FLAG_SCHRIJNEND = "schrijnend (centraal getoetst)"
FLAG_INGEBREKESTELLING = "ingebrekestelling geregistreerd"
FLAG_DWANGSOM = "dwangsom geregistreerd"
FLAG_TERMIJN = "termijn verstreken"
FLAG_ZES_MAANDEN = "langer dan 6 maanden"
FLAG_NIET_OPGEPAKT = "wordt niet opgepakt"
FLAG_MOTIVERING = "medische motivering ontbreekt"

_CLASS_RANK = {klasse: rank for rank, klasse in enumerate(CLASS_ORDER)}


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the engine needs to know of a case."""

    case_ref: str
    service: str
    received_on: date
    birth_date: date | None = None
    requester: str | None = None
    motivated: bool = False
    working: bool = False
    consents_60_plus: bool = False
    schrijnend: bool = False
    schrijnend_ref: str | None = None
    ingebrekestelling: bool = False
    dwangsom: bool = False


@dataclass(frozen=True, slots=True)
class Placement:
    """A case's computed place in the werkvoorraad on a date."""

    facts: CaseFacts
    position: int
    klasse: str
    route: Route
    waiting_days: int
    term_weeks: int
    overdue_days: int
    over_six_months: bool
    schrijnend_approved: bool

    @property
    def case_ref(self) -> str:
        return self.facts.case_ref

    @property
    def lead_role(self) -> str:
        return self.route.lead_role

    @property
    def waiting_weeks(self) -> int:
        return self.waiting_days // 7

    @property
    def flags(self) -> list[str]:
        facts = self.facts
        flags: list[str] = []
        if self.schrijnend_approved:
            flags.append(FLAG_SCHRIJNEND)
        elif facts.schrijnend:
            flags.append(FLAG_SCHRIJNEND_ZONDER_TOETS)
        if self.route.code == "ONVOLLEDIG":
            flags.append(FLAG_MOTIVERING)
        if self.overdue_days > 0:
            flags.append(FLAG_TERMIJN)
        if self.over_six_months:
            flags.append(FLAG_ZES_MAANDEN)
        if self.klasse == "D":
            flags.append(FLAG_NIET_OPGEPAKT)
        if facts.ingebrekestelling:
            flags.append(FLAG_INGEBREKESTELLING)
        if facts.dwangsom:
            flags.append(FLAG_DWANGSOM)
        return flags

    def reasons(self, policy: Policy) -> list[str]:
        """The position explained in sentences a user can check."""
        facts = self.facts
        service_name = SERVICES.get(facts.service, facts.service)
        if self.schrijnend_approved:
            first = (
                f"klasse {self.klasse}: {service_name}, schrijnend met centrale toets "
                f"{facts.schrijnend_ref}"
            )
        else:
            first = f"klasse {self.klasse}: {service_name}"
            if self.klasse in policy.unplanned_classes:
                first += " (wordt niet opgepakt)"
        reasons = [first]
        if facts.schrijnend and not self.schrijnend_approved:
            reasons.append(
                f"schrijnend gemeld, maar de centrale toets ontbreekt: blijft in klasse {self.klasse}"
            )
        weeks = self.waiting_days // 7
        reasons.append(
            f"ontvangen {format_date(facts.received_on)}, wacht {weeks} "
            f"{'week' if weeks == 1 else 'weken'} ({self.waiting_days} dagen)"
        )
        if self.overdue_days > 0:
            reasons.append(f"{self.term_weeks}-wekentermijn {self.overdue_days} dagen verstreken")
        else:
            left = self.term_weeks * 7 - self.waiting_days
            reasons.append(f"{self.term_weeks}-wekentermijn loopt nog {left} dagen")
        if self.over_six_months:
            reasons.append("langer dan 6 maanden")
        route = self.route
        detail = route.explanation.format(
            requester=REQUESTERS.get(facts.requester or "", facts.requester or "onbekend"),
            age=age_on(facts.birth_date, facts.received_on) if facts.birth_date else "?",
        )
        reasons.append(f"route {route.code} ({route.name}): {detail}")
        reasons.append(f"voorgestelde regie: {route.lead_role}")
        if facts.ingebrekestelling:
            reasons.append("ingebrekestelling geregistreerd: verandert de volgorde niet")
        if facts.dwangsom:
            reasons.append("dwangsom geregistreerd: verandert de volgorde niet")
        return reasons


def classify(facts: CaseFacts, policy: Policy) -> tuple[str, bool]:
    """The policy class of a case and whether it counts as approved schrijnend."""
    special = policy.service_schrijnend_class.get(facts.service)
    approved = bool(
        special and facts.schrijnend and facts.schrijnend_ref and facts.schrijnend_ref.strip()
    )
    if approved and special:
        return special, True
    return policy.service_class[facts.service], False


def choose_route(facts: CaseFacts, policy: Policy) -> Route:
    """The first route in precedence order whose conditions hold on the receipt date."""
    received = facts.received_on
    for route in policy.routes:
        if route.services and facts.service not in route.services:
            continue
        if route.requesters and facts.requester not in route.requesters:
            continue
        if route.motivated is not None and facts.motivated != route.motivated:
            continue
        if route.working is not None and facts.working != route.working:
            continue
        if route.consents_60_plus is not None and facts.consents_60_plus != route.consents_60_plus:
            continue
        if route.min_age is not None and (
            facts.birth_date is None or age_on(facts.birth_date, received) < route.min_age
        ):
            continue
        if not route.in_force(received):
            continue
        return route
    return policy.routes[-1]


def sort_key(facts: CaseFacts, policy: Policy) -> tuple[int, date, str]:
    """The total order of the werkvoorraad: class rank, receipt date, case reference."""
    klasse, _ = classify(facts, policy)
    return (_CLASS_RANK[klasse], facts.received_on, facts.case_ref)


def build_queue(cases: Iterable[CaseFacts], on: date, policy: Policy) -> list[Placement]:
    """The werkvoorraad on date ``on``: every case placed, positioned and explained."""
    six_months_ago = add_months(on, -policy.six_months)
    keyed = []
    for facts in cases:
        klasse, approved = classify(facts, policy)
        keyed.append(
            ((_CLASS_RANK[klasse], facts.received_on, facts.case_ref), klasse, approved, facts)
        )
    keyed.sort(key=lambda item: item[0])
    placements: list[Placement] = []
    term_cache: dict[date, int] = {}
    for position, (_, klasse, approved, facts) in enumerate(keyed, start=1):
        received = facts.received_on
        waiting = (on - received).days
        weeks = term_cache.get(received)
        if weeks is None:
            weeks = term_cache[received] = policy.term_weeks(received)
        placements.append(
            Placement(
                facts=facts,
                position=position,
                klasse=klasse,
                route=choose_route(facts, policy),
                waiting_days=waiting,
                term_weeks=weeks,
                overdue_days=max(0, waiting - weeks * 7),
                over_six_months=received < six_months_ago,
                schrijnend_approved=approved,
            )
        )
    return placements


def placement_dict(placement: Placement, policy: Policy) -> dict[str, object]:
    """The contract's JSON object for one position in the queue."""
    facts = placement.facts
    return {
        "case_ref": facts.case_ref,
        "position": placement.position,
        "class": placement.klasse,
        "service": facts.service,
        "route": placement.route.code,
        "lead_role": placement.route.lead_role,
        "received_on": facts.received_on.isoformat(),
        "waiting_days": placement.waiting_days,
        "overdue_days": placement.overdue_days,
        "over_six_months": placement.over_six_months,
        "flags": placement.flags,
        "reasons": placement.reasons(policy),
    }
