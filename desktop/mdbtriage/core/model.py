"""The entities of a sociaal-medisch team: roles, services, staff, clients and cases."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

from mdbtriage.core.fast import frozen_constructor

ROLES: Final[dict[str, str]] = {
    "VA": "verzekeringsarts",
    "AIOS": "arts in opleiding tot specialist",
    "SMV": "sociaal-medisch verpleegkundige",
    "MSP": "medisch specialist",
    "AD": "arbeidsdeskundige",
    "RIB": "re-integratiebegeleider",
    "PB": "procesbegeleider",
    "MS": "medisch secretaresse",
    "TL": "teamleider",
    "PO": "privacy officer",
}
BIG_ROLES: Final = frozenset({"VA", "AIOS", "SMV", "MSP"})
MEDICAL_ROLES: Final = frozenset({"VA", "AIOS", "SMV", "MSP"})

SERVICES: Final[dict[str, str]] = {
    "WIA_CLAIM": "WIA-claimbeoordeling",
    "ABA": "beoordeling arbeidsvermogen",
    "HERBEOORDELING": "herbeoordeling",
    "BEZWAAR": "medische bezwaar- en beroepszaak",
    "WIJZIGING_GEZONDHEID": "melding wijziging gezondheidssituatie",
    "ZW": "Ziektewet-dienstverlening",
    "EZWB": "Eerstejaarsziektewetbeoordeling",
    "DESKUNDIGENOORDEEL": "deskundigenoordeel",
    "RIV_TOETS": "toets re-integratieverslag",
}
REQUESTER_SERVICES: Final = frozenset({"HERBEOORDELING", "BEZWAAR"})
REQUESTERS: Final[dict[str, str]] = {
    "werknemer": "werknemer (cliënt)",
    "werkgever": "werkgever",
    "eigenrisicodrager": "eigenrisicodrager / verzekeraar",
    "gemachtigde": "gemachtigde",
    "uwv": "UWV (professionele herbeoordeling)",
}
# Who may file what (README "Imports", requester kinds per service): a herbeoordeling on request
# comes from the client, employer, eigenrisicodrager, a gemachtigde or UWV itself; a bezwaar never
# from UWV; a melding wijziging gezondheid only from the client or a gemachtigde. Services not
# named: any requester.
SERVICE_REQUESTERS: Final[dict[str, tuple[str, ...]]] = {
    "HERBEOORDELING": ("werknemer", "werkgever", "eigenrisicodrager", "gemachtigde", "uwv"),
    "BEZWAAR": ("werknemer", "werkgever", "eigenrisicodrager", "gemachtigde"),
    "WIJZIGING_GEZONDHEID": ("werknemer", "gemachtigde"),
}
DWANGSOM_KINDS: Final[dict[str, str]] = {
    "bestuurlijk": "bestuurlijke dwangsom",
    "rechterlijk": "rechterlijke dwangsom",
}


def requester_problem(service: str, requester: str | None) -> str | None:
    """Why ``requester`` may not file a case of ``service`` (Dutch), or None."""
    allowed = SERVICE_REQUESTERS.get(service)
    if requester is None:
        return f"is verplicht bij {service}" if service in REQUESTER_SERVICES else None
    if allowed is not None and requester not in allowed:
        return f"{requester} kan geen {SERVICES[service]} indienen; kies uit {' '.join(allowed)}"
    return None


CASE_STATUSES: Final[dict[str, str]] = {
    "open": "open",
    "in_behandeling": "in behandeling",
    "afgerond": "afgerond",
}


# The office store's owner login in the access log (as server-init writes it).
OWNER_ROLE = "eigenaar"


@dataclass(frozen=True, slots=True)
class Team:
    team_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Staff:
    staff_id: str
    name: str
    role: str
    team: str
    big_number: str | None = None
    qualifications: tuple[str, ...] = ()
    hours_per_week: float | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Client:
    bsn: str
    name: str
    birth_date: date | None


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the engine needs to know of a case.

    ``central_outcome`` is the outcome (``toegekend``/``afgewezen``) of the recorded central
    decision whose reference is the case's ``schrijnend_ref`` and which covers the case, or
    None; ``employer_consents_60_plus`` None means no employer to ask; ``ref_key`` is
    ``natural_key(case_ref)`` when the caller has it already (the store keeps it).
    """

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
    medical_reason: bool = False
    employer_consents_60_plus: bool | None = None
    dwangsom_kind: str | None = None
    dwangsom_deadline: date | None = None
    central_outcome: str | None = None
    ref_key: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """A case: the facts the triage engine reads (``facts``), the client, the team and the
    status. This one shape serves the case as entered (a CSV row, the case form) and as the store
    reads it back; ``client_id`` is the store's key of the client (None until stored), and the
    facts the store derives (``CaseFacts.central_outcome``, ``ref_key``) are None as entered.
    The client's birth date is ``facts.birth_date`` (the engine reads it), once."""

    facts: CaseFacts
    bsn: str
    client_name: str
    team: str
    status: str = "open"
    client_id: int | None = None

    @classmethod
    def entered(cls, client: Client, team: str, status: str = "open", **facts: Any) -> Case:
        """A case as entered: ``facts`` are :class:`CaseFacts`'s fields but the birth date,
        which is the client's."""
        return cls(
            CaseFacts(birth_date=client.birth_date, **facts),
            client.bsn,
            client.name,
            team,
            status,
        )

    def with_facts(self, **changes: Any) -> Case:
        """This case with some of its facts changed."""
        return replace(self, facts=replace(self.facts, **changes))

    @property
    def case_ref(self) -> str:
        return self.facts.case_ref

    @property
    def client(self) -> Client:
        return Client(self.bsn, self.client_name, self.facts.birth_date)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, for the access log: a staff member, or an operating-system account."""

    user_id: str
    name: str
    role: str
    on_behalf_of: str | None = None

    @classmethod
    def of_staff(cls, staff: Staff) -> Actor:
        """A staff member acting in their own name."""
        return cls(user_id=staff.staff_id, name=staff.name, role=staff.role)

    @classmethod
    def system_account(cls, account: str) -> Actor:
        """An operating-system account that is not a known staff member."""
        return cls(user_id=f"os:{account}", name=account, role="onbekend")

    @classmethod
    def database_owner(cls, login: str) -> Actor:
        """The office store's owner login (IT, not a staff member): runs the set-up only."""
        return cls(user_id=f"db:{login}", name=login, role=OWNER_ROLE)

    @property
    def is_database_owner(self) -> bool:
        return self.role == OWNER_ROLE and self.user_id.startswith("db:")


# Positional constructors without the frozen dataclasses' slow ``__init__``, for the places
# that build a quarter of a million of them (``core.fast.frozen_constructor``).
new_facts = frozen_constructor(CaseFacts)
new_case = frozen_constructor(Case)
