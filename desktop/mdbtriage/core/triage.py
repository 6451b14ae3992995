"""The triage engine: the werkvoorraad in the order the national priority policy demands.

Order (README "The werkvoorraad order"): by policy class A, B, C, D; within a class the earliest
receipt date first; ties by case reference in natural order (R-9 before R-10). Ingebrekestelling
and dwangsom are recorded but never change the order. A HERBEOORDELING or BEZWAAR marked
schrijnend counts as class B only when its reference matches a recorded central decision
``toegekend`` (the store finds it, ``CaseFacts.central_outcome``); otherwise it keeps its class
and is flagged. The werkvoorraad on a date holds only cases received on or before it. The engine
takes the date as an argument and never reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from operator import le
from typing import TypeVar

from mdbtriage.core.fast import bulk, frozen_constructor
from mdbtriage.core.model import REQUESTERS, SERVICES, CaseFacts
from mdbtriage.core.ordering import natural_key
from mdbtriage.core.policy import CLASS_ORDER, Policy, Route
from mdbtriage.core.validation import add_months, age_on, format_date

FLAG_SCHRIJNEND_ZONDER_TOETS = "schrijnend: centrale toets ontbreekt"
FLAG_SCHRIJNEND_AFGEWEZEN = "schrijnend: centrale toets afgewezen"
FLAG_SCHRIJNEND = "schrijnend (centraal getoetst)"
FLAG_INGEBREKESTELLING = "ingebrekestelling geregistreerd"
FLAG_DWANGSOM = "dwangsom geregistreerd"
FLAG_TERMIJN = "termijn verstreken"
FLAG_NIET_OPGEPAKT = "wordt niet opgepakt"
FLAG_MOTIVERING = "medische motivering ontbreekt"
CENTRAL_GRANTED = "toegekend"
CENTRAL_REFUSED = "afgewezen"
CENTRAL_OUTCOMES = (CENTRAL_GRANTED, CENTRAL_REFUSED)

_CLASS_RANK = {klasse: rank for rank, klasse in enumerate(CLASS_ORDER)}
_CLASS_RANK_TEXT = {klasse: str(rank) for klasse, rank in _CLASS_RANK.items()}
assert len(CLASS_ORDER) <= 10, "the queue's sort key holds the class rank as one digit"


@dataclass(frozen=True, slots=True)
class Placement:
    """A case's computed place in the werkvoorraad on a date."""

    facts: CaseFacts
    position: int
    klasse: str
    route: Route
    waiting_days: int
    term_weeks: int | None
    term_ends_on: date | None
    overdue_days: int
    over_six_months: bool
    schrijnend_approved: bool
    policy: Policy = field(compare=False, repr=False)

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
    def unplanned(self) -> bool:
        return unplanned(self.klasse, self.policy)

    @property
    def long_overdue(self) -> bool:
        return long_overdue(self.term_weeks, self.overdue_days)

    @property
    def schrijnend_unconfirmed(self) -> str | None:
        """The flag of a case marked schrijnend in a service with a schrijnend class whose
        central decision is missing or refused; None otherwise."""
        facts = self.facts
        if (
            self.schrijnend_approved
            or not facts.schrijnend
            or facts.service not in self.policy.service_schrijnend_class
        ):
            return None
        if facts.central_outcome == CENTRAL_REFUSED:
            return FLAG_SCHRIJNEND_AFGEWEZEN
        return FLAG_SCHRIJNEND_ZONDER_TOETS

    @property
    def flags(self) -> list[str]:
        facts = self.facts
        policy = self.policy
        flags: list[str] = []
        unconfirmed = self.schrijnend_unconfirmed
        if self.schrijnend_approved:
            flags.append(FLAG_SCHRIJNEND)
        elif unconfirmed:
            flags.append(unconfirmed)
        if self.route.code == "ONVOLLEDIG":
            flags.append(FLAG_MOTIVERING)
        if self.overdue_days > 0:
            flags.append(FLAG_TERMIJN)
        if self.over_six_months:
            flags.append(policy.six_months_label)
        if self.unplanned:
            flags.append(FLAG_NIET_OPGEPAKT)
        if facts.ingebrekestelling:
            flags.append(FLAG_INGEBREKESTELLING)
        if facts.dwangsom:
            flags.append(dwangsom_flag(facts))
        return flags

    def reasons(self, policy: Policy) -> list[str]:
        """The position explained in sentences a user can check."""
        facts = self.facts
        klasse = self.klasse
        approved = self.schrijnend_approved
        key = (
            klasse,
            facts.service,
            approved,
            facts.schrijnend_ref if approved else None,
            klasse in policy.unplanned_classes,
        )
        first = _FIRST_REASON.get(key)
        if first is None:
            first = _remember(_FIRST_REASON, key, _first_reason(*key))
        reasons = [first]
        unconfirmed = self.schrijnend_unconfirmed
        if unconfirmed == FLAG_SCHRIJNEND_AFGEWEZEN:
            reasons.append(
                f"schrijnend gemeld, maar de centrale toets {facts.schrijnend_ref} is afgewezen: "
                f"blijft in klasse {klasse}"
            )
        elif unconfirmed:
            reasons.append(
                "schrijnend gemeld, maar er is geen centrale beslissing toegekend bij deze "
                f"referentie: blijft in klasse {klasse}"
            )
        waiting_key = (
            facts.received_on,
            self.waiting_days,
            self.term_weeks,
            self.term_ends_on,
            self.overdue_days,
            self.policy.six_months_label if self.over_six_months else None,
        )
        waiting = _WAITING_REASONS.get(waiting_key)
        if waiting is None:
            waiting = _remember(_WAITING_REASONS, waiting_key, _waiting_reasons(*waiting_key))
        reasons.extend(waiting)
        route = self.route
        requester = facts.requester
        age: int | None = None
        if facts.birth_date is not None and "{age" in route.explanation:
            age = age_on(facts.birth_date, facts.received_on)
        route_key = (route.name, route.explanation, route.lead_role, requester, age)
        route_lines = _ROUTE_REASONS.get(route_key)
        if route_lines is None:
            route_lines = _remember(_ROUTE_REASONS, route_key, _route_reasons(*route_key))
        reasons.extend(route_lines)
        if facts.ingebrekestelling:
            reasons.append("ingebrekestelling geregistreerd: verandert de volgorde niet")
        if facts.dwangsom:
            reasons.append("dwangsom geregistreerd: verandert de volgorde niet")
        return reasons


def unplanned(klasse: str, policy: Policy) -> bool:
    """Whether a case of ``klasse`` is in a class the policy does not plan ("wordt niet
    opgepakt")."""
    return klasse in policy.unplanned_classes


def long_overdue(term_weeks: int | None, overdue_days: int) -> bool:
    """Whether a case is past its legal term by more than the term itself."""
    return term_weeks is not None and overdue_days > term_weeks * 7


def dwangsom_flag(facts: CaseFacts) -> str:
    """The dwangsom as a flag: its kind when recorded, and a court's deadline."""
    if facts.dwangsom_kind == "rechterlijk":
        if facts.dwangsom_deadline is not None:
            return (
                f"rechterlijke dwangsom geregistreerd (termijn rechter "
                f"{format_date(facts.dwangsom_deadline)})"
            )
        return "rechterlijke dwangsom geregistreerd"
    if facts.dwangsom_kind == "bestuurlijk":
        return "bestuurlijke dwangsom geregistreerd"
    return FLAG_DWANGSOM


# The sentences of ``Placement.reasons`` repeat across cases: they are made once per distinct
# combination of what they say and remembered (bounded; the keys hold every input of the text).
_CACHE_LIMIT = 100_000
_FIRST_REASON: dict[tuple[str, str, bool, str | None, bool], str] = {}
_WAITING_REASONS: dict[
    tuple[date, int, int | None, date | None, int, str | None], tuple[str, ...]
] = {}
_ROUTE_REASONS: dict[tuple[str, str, str, str | None, int | None], tuple[str, str]] = {}
_ISO_DATES: dict[date, str] = {}
K = TypeVar("K")
V = TypeVar("V")


def _remember(cache: dict[K, V], key: K, value: V) -> V:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


def _first_reason(
    klasse: str, service: str, approved: bool, schrijnend_ref: str | None, unplanned: bool
) -> str:
    service_name = SERVICES.get(service, service)
    if approved:
        return f"klasse {klasse}: {service_name}, schrijnend met centrale toets {schrijnend_ref}"
    first = f"klasse {klasse}: {service_name}"
    if unplanned:
        first += " (wordt niet opgepakt)"
    return first


def days_text(days: int) -> str:
    """``1 dag``, ``2 dagen``."""
    return f"{days} {'dag' if days in (1, -1) else 'dagen'}"


def _waiting_reasons(
    received_on: date,
    waiting_days: int,
    term_weeks: int | None,
    term_ends_on: date | None,
    overdue_days: int,
    six_months_label: str | None,
) -> tuple[str, ...]:
    weeks = waiting_days // 7
    lines = [
        f"ontvangen {format_date(received_on)}, wacht {weeks} "
        f"{'week' if weeks == 1 else 'weken'} ({days_text(waiting_days)})"
    ]
    if term_weeks is None or term_ends_on is None:
        lines.append("geen wettelijke beslistermijn voor deze dienst")
    elif overdue_days > 0:
        lines.append(
            f"{term_weeks}-wekentermijn {days_text(overdue_days)} verstreken "
            f"(liep tot en met {format_date(term_ends_on)})"
        )
    else:
        left = (term_ends_on - received_on).days - waiting_days
        lines.append(
            f"{term_weeks}-wekentermijn loopt nog {days_text(left)} "
            f"(tot en met {format_date(term_ends_on)})"
        )
    if six_months_label:
        lines.append(six_months_label)
    return tuple(lines)


def _route_reasons(
    name: str, explanation: str, lead_role: str, requester: str | None, age: int | None
) -> tuple[str, str]:
    """The route in the policy's words (its code is the placement's ``route``, not a sentence's)."""
    detail = explanation.format(
        requester=REQUESTERS.get(requester or "", requester or "onbekend"),
        age=age if age is not None else "?",
    )
    return f"route {name}: {detail}", f"voorgestelde regie: {lead_role}"


def classify(facts: CaseFacts, policy: Policy) -> tuple[str, bool]:
    """The policy class of a case and whether it counts as approved schrijnend: marked
    schrijnend, in a service with a schrijnend class, with a central decision ``toegekend``."""
    special = policy.service_schrijnend_class.get(facts.service)
    if special and facts.schrijnend and facts.central_outcome == CENTRAL_GRANTED:
        return special, True
    return policy.service_class[facts.service], False


def _facts_fit(
    route: Route,
    service: str,
    requester: str | None,
    motivated: bool,
    working: bool,
    consents_60_plus: bool,
    employer_consents_60_plus: bool | None,
    medical_reason: bool,
) -> bool:
    """Whether a route's conditions on the recorded facts (not on dates or age) hold."""
    if route.services and service not in route.services:
        return False
    if route.requesters and requester not in route.requesters:
        return False
    if route.motivated is not None and motivated != route.motivated:
        return False
    if route.working is not None and working != route.working:
        return False
    if route.consents_60_plus is not None and consents_60_plus != route.consents_60_plus:
        return False
    # No employer to ask (None) counts as consent: the client's consent alone is enough.
    employer_ok = employer_consents_60_plus is not False
    if route.employer_consents is not None and employer_ok != route.employer_consents:
        return False
    return route.medical_reason is None or medical_reason == route.medical_reason


def choose_route(facts: CaseFacts, policy: Policy) -> Route:
    """The first route in precedence order whose conditions hold on the receipt date."""
    received = facts.received_on
    for route in policy.routes:
        if not _facts_fit(
            route,
            facts.service,
            facts.requester,
            facts.motivated,
            facts.working,
            facts.consents_60_plus,
            facts.employer_consents_60_plus,
            facts.medical_reason,
        ):
            continue
        if route.min_age is not None and (
            facts.birth_date is None or age_on(facts.birth_date, received) < route.min_age
        ):
            continue
        if not route.in_force(received):
            continue
        return route
    return policy.routes[-1]


def sort_key(facts: CaseFacts, policy: Policy) -> tuple[int, date, str, str]:
    """The total order of the werkvoorraad: class rank, receipt date, case reference in natural
    order, and (for references equal there, ``R-09`` and ``r-9``) the reference by code point."""
    klasse, _ = classify(facts, policy)
    return order_key(klasse, facts.received_on, facts.case_ref, facts.ref_key)


def order_key(
    klasse: str, received_on: date, case_ref: str, ref_key: str | None = None
) -> tuple[int, date, str, str]:
    """:func:`sort_key` of a case already classified (``ref_key``: the reference's natural
    key, when the caller has it)."""
    return (_CLASS_RANK[klasse], received_on, ref_key or natural_key(case_ref), case_ref)


@dataclass(frozen=True, slots=True)
class ClassRanks:
    """The policy's class order as numbers, for ordering the werkvoorraad elsewhere (a database
    query) exactly like :func:`sort_key`: the rank of a case is ``schrijnend[service]`` when the
    service has a schrijnend class, the case is marked schrijnend and its central decision is
    ``toegekend``; otherwise ``plain[service]``. Then the receipt date, then
    ``ordering.natural_key`` of the reference, then the reference (compared by code point)."""

    plain: dict[str, int]
    schrijnend: dict[str, int]


def class_ranks(policy: Policy) -> ClassRanks:
    """The rank of each service's class, plain and for approved schrijnend cases."""
    return ClassRanks(
        plain={service: _CLASS_RANK[k] for service, k in policy.service_class.items()},
        schrijnend={
            service: _CLASS_RANK[k] for service, k in policy.service_schrijnend_class.items()
        },
    )


def _route_candidates(
    policy: Policy,
    service: str,
    requester: str | None,
    motivated: bool,
    working: bool,
    consents_60_plus: bool,
    employer_consents_60_plus: bool | None,
    medical_reason: bool,
) -> tuple[Route, ...]:
    """The routes that ``choose_route`` could pick for these facts, in precedence order, up to
    the first one without date or age conditions (which then always applies)."""
    found: list[Route] = []
    for route in policy.routes:
        if not _facts_fit(
            route,
            service,
            requester,
            motivated,
            working,
            consents_60_plus,
            employer_consents_60_plus,
            medical_reason,
        ):
            continue
        found.append(route)
        if route.min_age is None and route.valid_from is None and route.valid_to is None:
            return tuple(found)
    found.append(policy.routes[-1])
    return tuple(found)


def place(facts: CaseFacts, on: date, policy: Policy) -> Placement:
    """One case's class, route, term and reasons on ``on`` (or on its receipt, if later), as
    the werkvoorraad would place it; its position is that of a queue of one."""
    return build_queue([facts], max(on, facts.received_on), policy)[0]


def build_queue(cases: Iterable[CaseFacts], on: date, policy: Policy) -> list[Placement]:
    """The werkvoorraad on date ``on``: every case received on or before ``on`` placed,
    positioned and explained (a case received later is not in the werkvoorraad of that day).

    Same result as sorting by :func:`sort_key` and placing each case with :func:`classify` and
    :func:`choose_route`; the decisions are remembered per distinct combination of the facts
    they depend on, so a quarter of a million cases take a fraction of a second. Cases that
    come already in that order (a store can order them with :func:`class_ranks`) are checked
    in one pass and not sorted again; any other input is sorted.
    """
    given = cases if isinstance(cases, list) else list(cases)
    facts_list = [f for f in given if f.received_on <= on]
    klassen, approvals, keys = _classified(facts_list, policy)
    # The sort is stable, so equal keys keep their input order as with ``sort_key``. Input that
    # is in order already keeps it: one comparison per neighbouring pair instead of a sort,
    # which (one call into C) would hold the interpreter lock for 0.1 s at 250,000 cases.
    order: Iterable[int] = (
        range(len(keys)) if _ascending(keys) else sorted(range(len(keys)), key=keys.__getitem__)
    )
    return _Placing(on, policy).place(facts_list, order, klassen, approvals, 1)


class OrderedPlacer:
    """Places a werkvoorraad that comes in its order a part at a time (a store's ordered read,
    a few thousand rows at a time), exactly as :func:`build_queue` places the whole: positions
    go on from part to part and the remembered decisions are shared. Only one part's objects
    need exist at a time.

    Each part is checked to be in the werkvoorraad's order, in itself and after the part
    before. Once one is not, :attr:`in_order` is False for good and the parts are placed in
    the order they come: everything but the positions is as in the werkvoorraad (a case's
    class, route, term and reasons do not depend on the other cases); the caller then sorts
    the whole by :func:`sort_key` and numbers it again."""

    def __init__(self, on: date, policy: Policy) -> None:
        self.on = on
        self.placed = 0
        self.in_order = True
        self._placing = _Placing(on, policy)
        self._last_key = ""

    def place(self, cases: Iterable[CaseFacts]) -> list[Placement]:
        """The next part's cases received by ``on``, placed after the parts before."""
        on = self.on
        facts_list = [f for f in cases if f.received_on <= on]
        placing = self._placing
        klassen, approvals, keys = _classified(facts_list, placing.policy)
        if self.in_order and keys and (keys[0] < self._last_key or not _ascending(keys)):
            self.in_order = False
        placements = placing.place(
            facts_list, range(len(keys)), klassen, approvals, self.placed + 1
        )
        if keys:
            self._last_key = keys[-1]
        self.placed += len(placements)
        return placements


def _ascending(keys: list[str]) -> bool:
    """Whether ``keys`` are in order already: one comparison per neighbouring pair."""
    return all(map(le, keys, islice(keys, 1, None)))


def _classified(
    facts_list: list[CaseFacts], policy: Policy
) -> tuple[list[str], list[bool], list[str]]:
    """Per case its class, whether it counts as approved schrijnend, and its sort key: a string
    that orders exactly like ``sort_key``'s tuple (one-digit class rank, then the fixed-width
    ISO date, then the natural key, which ends in "!" and continues only with characters above
    NUL, then the reference) and sorts several times faster."""
    service_class = policy.service_class
    schrijnend_class = policy.service_schrijnend_class
    rank_text = _CLASS_RANK_TEXT
    klassen: list[str] = []
    append_klasse = klassen.append
    approvals: list[bool] = []
    append_approved = approvals.append
    keys: list[str] = []
    append_key = keys.append
    iso_dates = _ISO_DATES
    granted = CENTRAL_GRANTED
    with bulk():
        for facts in facts_list:
            service = facts.service
            special = schrijnend_class.get(service)
            if special and facts.schrijnend and facts.central_outcome == granted:
                klasse = special
                append_approved(True)
            else:
                klasse = service_class[service]
                append_approved(False)
            append_klasse(klasse)
            received = facts.received_on
            received_text = iso_dates.get(received)
            if received_text is None:
                received_text = _remember(iso_dates, received, received.isoformat())
            ref = facts.case_ref
            append_key(
                rank_text[klasse]
                + received_text
                + (facts.ref_key or natural_key(ref))
                + "\x00"
                + ref
            )
    return klassen, approvals, keys


class _Placing:
    """What placing remembers per distinct combination of the facts a decision depends on (the
    term per service, requester and receipt date; the waiting figures per receipt date and
    term; the route candidates per route conditions), kept across the parts of one
    werkvoorraad."""

    def __init__(self, on: date, policy: Policy) -> None:
        self.on = on
        self.policy = policy
        self.six_months_ago = add_months(on, -policy.six_months)
        self.terms: dict[tuple[str, str | None, date], int | None] = {}
        self.by_term: dict[tuple[date, int | None, bool], tuple[int, date | None, int, bool]] = {}
        self.candidates_of: dict[
            tuple[str, str | None, bool, bool, bool, bool | None, bool], tuple[Route, ...]
        ] = {}

    def place(
        self,
        facts_list: list[CaseFacts],
        order: Iterable[int],
        klassen: list[str],
        approvals: list[bool],
        first_position: int,
    ) -> list[Placement]:
        on, policy = self.on, self.policy
        six_services = policy.six_months_services
        six_months_ago = self.six_months_ago
        terms, by_term, candidates_of = self.terms, self.by_term, self.candidates_of
        placements: list[Placement] = []
        append = placements.append
        with bulk():
            for position, index in enumerate(order, start=first_position):
                facts = facts_list[index]
                received = facts.received_on
                service = facts.service
                term_key = (service, facts.requester, received)
                if term_key in terms:
                    weeks = terms[term_key]
                else:
                    weeks = terms[term_key] = policy.term_weeks(*term_key)
                six = service in six_services
                timing = by_term.get((received, weeks, six))
                if timing is None:
                    waiting = (on - received).days
                    ends = None if weeks is None else policy.term_ends_on(received, weeks)
                    timing = by_term[(received, weeks, six)] = (
                        waiting,
                        ends,
                        0 if ends is None else max(0, (on - ends).days),
                        six and received < six_months_ago,
                    )
                combo = (
                    service,
                    facts.requester,
                    facts.motivated,
                    facts.working,
                    facts.consents_60_plus,
                    facts.employer_consents_60_plus,
                    facts.medical_reason,
                )
                candidates = candidates_of.get(combo)
                if candidates is None:
                    candidates = candidates_of[combo] = _route_candidates(policy, *combo)
                route = (
                    candidates[0] if len(candidates) == 1 else _first_in_force(candidates, facts)
                )
                append(
                    new_placement(
                        facts,
                        position,
                        klassen[index],
                        route,
                        timing[0],
                        weeks,
                        timing[1],
                        timing[2],
                        timing[3],
                        approvals[index],
                        policy,
                    )
                )
        return placements


def _first_in_force(candidates: tuple[Route, ...], facts: CaseFacts) -> Route:
    """The first candidate whose age and validity conditions hold (the last one always does)."""
    received = facts.received_on
    for route in candidates[:-1]:
        if route.min_age is not None and (
            facts.birth_date is None or age_on(facts.birth_date, received) < route.min_age
        ):
            continue
        if not route.in_force(received):
            continue
        return route
    return candidates[-1]


new_placement = frozen_constructor(Placement)


def placement_dict(
    placement: Placement, policy: Policy, team: str | None = None
) -> dict[str, object]:
    """The contract's JSON object for one position in the queue (of a case of ``team``)."""
    facts = placement.facts
    route = placement.route
    received = facts.received_on
    received_text = _ISO_DATES.get(received)
    if received_text is None:
        received_text = _remember(_ISO_DATES, received, received.isoformat())
    return {
        "case_ref": facts.case_ref,
        "position": placement.position,
        "class": placement.klasse,
        "service": facts.service,
        "route": route.code,
        "lead_role": route.lead_role,
        "received_on": received_text,
        "waiting_days": placement.waiting_days,
        "overdue_days": placement.overdue_days,
        "term_ends_on": ends.isoformat() if (ends := placement.term_ends_on) else None,
        "over_six_months": placement.over_six_months,
        "team": team,
        "flags": placement.flags,
        "reasons": placement.reasons(policy),
    }


def placement_dicts(
    placements: Iterable[Placement], policy: Policy, teams: Mapping[str, str] | None = None
) -> list[dict[str, object]]:
    """:func:`placement_dict` for a whole queue (what ``queue --format json`` writes), with each
    case's team from ``teams`` (by case reference)."""
    teams = teams or {}
    with bulk():
        return [placement_dict(p, policy, teams.get(p.facts.case_ref)) for p in placements]
