"""The prioritisation policy as versioned data: classes, legal terms per service, the Algemene
termijnenwet, the six-month target, routes with validity dates.

Policies live in ``resources/policy/*.toml``. A policy may name another with ``based_on``; its
own top-level keys then replace those of the base.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from mdbtriage.core.model import REQUESTERS, ROLES, SERVICES
from mdbtriage.core.resources import list_toml, load_toml
from mdbtriage.core.termijnen import term_end

DEFAULT_POLICY = "landelijk-2026"
CLASS_ORDER = ("A", "B", "C", "D")


class PolicyError(ValueError):
    """A policy file that cannot be used; the message says which file and what is wrong."""


@dataclass(frozen=True, slots=True)
class LegalTerm:
    """A legal decision term after receipt for some services (and, when given, only for
    requests by some requesters), valid for cases received in a period."""

    weeks: int
    services: frozenset[str]
    requesters: frozenset[str]
    valid_from: date
    valid_to: date | None

    def applies(self, service: str, requester: str | None, on: date) -> bool:
        if service not in self.services:
            return False
        if self.requesters and requester not in self.requesters:
            return False
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


@dataclass(frozen=True, slots=True)
class Route:
    """A route and the conditions under which it applies (``None``/empty: no condition)."""

    code: str
    name: str
    lead_role: str
    explanation: str
    services: frozenset[str]
    requesters: frozenset[str]
    motivated: bool | None
    working: bool | None
    consents_60_plus: bool | None
    employer_consents: bool | None
    medical_reason: bool | None
    min_age: int | None
    valid_from: date | None
    valid_to: date | None

    def in_force(self, on: date) -> bool:
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.valid_to is None or on <= self.valid_to


@dataclass(frozen=True, slots=True)
class Policy:
    policy_id: str
    name: str
    version: int
    six_months: int
    class_labels: dict[str, str]
    unplanned_classes: frozenset[str]
    service_class: dict[str, str]
    service_schrijnend_class: dict[str, str]
    legal_terms: tuple[LegalTerm, ...]
    routes: tuple[Route, ...]
    six_months_services: frozenset[str] = frozenset()
    termijnenwet: bool = True
    extra_holidays: frozenset[date] = frozenset()

    def term_weeks(self, service: str, requester: str | None, received_on: date) -> int | None:
        """The legal decision term in weeks for a case, or None when the service has none."""
        for term in self.legal_terms:
            if term.applies(service, requester, received_on):
                return term.weeks
        return None

    def term_ends_on(self, received_on: date, weeks: int) -> date:
        """The last day of a term of ``weeks`` from receipt, moved off weekends and holidays
        when the policy applies the Algemene termijnenwet."""
        last = received_on + timedelta(weeks=weeks)
        if not self.termijnenwet:
            return last
        return term_end(last, self.extra_holidays)

    @property
    def six_months_label(self) -> str:
        """The six-month flag as the policy sets its months."""
        months = self.six_months
        return f"langer dan {months} {'maand' if months == 1 else 'maanden'}"

    def route_names(self) -> dict[str, str]:
        """Each route's code with its Dutch name, in precedence order."""
        return {route.code: route.name for route in self.routes}


def available_policies() -> list[str]:
    return list_toml("policy")


def _date(value: Any, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PolicyError(f"{where}: '{value}' is geen datum (JJJJ-MM-DD)") from None


def _raw(policy_id: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    if policy_id not in available_policies():
        known = ", ".join(available_policies())
        raise PolicyError(f"beleid '{policy_id}' bestaat niet (beschikbaar: {known})")
    if policy_id in seen:
        raise PolicyError(f"beleid '{policy_id}' verwijst naar zichzelf via based_on")
    data = load_toml("policy", f"{policy_id}.toml")
    base = data.get("based_on")
    if base:
        merged = _raw(str(base), (*seen, policy_id))
        merged.update(data)
        return merged
    return data


@cache
def load_policy(policy_id: str = DEFAULT_POLICY) -> Policy:
    """Load and check a policy from the shipped resources: once per id (the shipped files do not
    change while the program runs; the policy is shared, its tables are read, never changed)."""
    data = _raw(policy_id)
    where = f"beleid {policy_id}"
    classes = data.get("classes", {})
    if set(classes) != set(CLASS_ORDER):
        raise PolicyError(f"{where}: klassen moeten precies A, B, C en D zijn")
    services = data.get("services", {})
    if set(services) != set(SERVICES):
        missing = sorted(set(SERVICES) - set(services))
        raise PolicyError(f"{where}: diensten ontbreken of zijn onbekend: {missing}")
    service_class: dict[str, str] = {}
    schrijnend_class: dict[str, str] = {}
    for code, entry in services.items():
        service_class[code] = entry["class"]
        if "schrijnend_class" in entry:
            schrijnend_class[code] = entry["schrijnend_class"]
    terms: list[LegalTerm] = []
    for entry in data.get("legal_terms", []):
        term_services = frozenset(entry.get("services", []))
        if not term_services or term_services - set(SERVICES):
            raise PolicyError(
                f"{where}: een wettelijke termijn noemt geen of onbekende diensten "
                f"({sorted(term_services - set(SERVICES))})"
            )
        unknown = set(entry.get("requesters", [])) - set(REQUESTERS)
        if unknown:
            raise PolicyError(f"{where}: wettelijke termijn: onbekende aanvragers {unknown}")
        terms.append(
            LegalTerm(
                weeks=int(entry["weeks"]),
                services=term_services,
                requesters=frozenset(entry.get("requesters", [])),
                valid_from=_date(entry.get("valid_from"), where) or date.min,
                valid_to=_date(entry.get("valid_to"), where),
            )
        )
    six_services = frozenset(data.get("six_months_services", []))
    if six_services - set(SERVICES):
        raise PolicyError(f"{where}: six_months_services: onbekende diensten")
    law = data.get("termijnenwet", {})
    extra_holidays = frozenset(
        day for value in law.get("extra_holidays", []) if (day := _date(value, where))
    )
    routes: list[Route] = []
    for entry in data.get("routes", []):
        lead = entry["lead_role"]
        if lead not in ROLES:
            raise PolicyError(f"{where}: route {entry['code']} heeft onbekende rol '{lead}'")
        unknown = set(entry.get("requesters", [])) - set(REQUESTERS)
        if unknown:
            raise PolicyError(f"{where}: route {entry['code']}: onbekende aanvragers {unknown}")
        routes.append(
            Route(
                code=entry["code"],
                name=entry["name"],
                lead_role=lead,
                explanation=entry.get("explanation", ""),
                services=frozenset(entry.get("services", [])),
                requesters=frozenset(entry.get("requesters", [])),
                motivated=entry.get("motivated"),
                working=entry.get("working"),
                consents_60_plus=entry.get("consents_60_plus"),
                employer_consents=entry.get("employer_consents_60_plus"),
                medical_reason=entry.get("medical_reason"),
                min_age=entry.get("min_age"),
                valid_from=_date(entry.get("valid_from"), where),
                valid_to=_date(entry.get("valid_to"), where),
            )
        )
    if not routes or routes[-1].services or routes[-1].valid_from or routes[-1].valid_to:
        raise PolicyError(f"{where}: de laatste route moet altijd gelden (terugvalroute)")
    return Policy(
        policy_id=str(data.get("id", policy_id)),
        name=str(data.get("name", policy_id)),
        version=int(data.get("version", 1)),
        six_months=int(data.get("six_months", 6)),
        class_labels={k: str(v.get("label", k)) for k, v in classes.items()},
        unplanned_classes=frozenset(k for k, v in classes.items() if v.get("planned") is False),
        service_class=service_class,
        service_schrijnend_class=schrijnend_class,
        legal_terms=tuple(terms),
        routes=tuple(routes),
        six_months_services=six_services,
        termijnenwet=bool(law.get("apply", True)),
        extra_holidays=extra_holidays,
    )
