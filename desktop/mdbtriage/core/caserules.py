"""The rules for one case, as entered in a CSV row or in the case form.

Input is text per field (as a person types it or a spreadsheet holds it); output is the case, or
the problems per field in Dutch. The CSV import adds what only a file can get wrong (duplicate
rows); the desktop form shows each problem next to its field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final, TypeVar

from mdbtriage.core.model import REQUESTER_SERVICES, REQUESTERS, SERVICES, Case, Client
from mdbtriage.core.validation import ValidationError, parse_bool, parse_bsn, parse_date

T = TypeVar("T")

REF_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$")
_CONTROL: Final = re.compile(r"[\x00-\x1f]")
CASE_STATUS_CODES: Final = ("open", "in_behandeling", "afgerond")
FLAG_FIELDS: Final = (
    "motivated",
    "working",
    "schrijnend",
    "ingebrekestelling",
    "consents_60_plus",
    "dwangsom",
)
FIELD_LABELS: Final[dict[str, str]] = {
    "case_ref": "Zaaknummer",
    "bsn": "BSN",
    "name": "Naam",
    "birth_date": "Geboortedatum",
    "service": "Dienst",
    "received_on": "Ontvangen op",
    "team": "Team",
    "requester": "Aanvrager",
    "motivated": "Medische motivering",
    "working": "Heeft inkomsten",
    "schrijnend": "Schrijnend",
    "schrijnend_ref": "Centrale toets",
    "ingebrekestelling": "Ingebrekestelling",
    "consents_60_plus": "Toestemming 60-plus",
    "dwangsom": "Dwangsom",
    "status": "Status",
}


@dataclass(slots=True)
class CaseCheck:
    """The outcome of checking one case: the case when valid, else (field, reason) problems."""

    case: Case | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)

    def by_field(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for name, reason in self.problems:
            found[name] = f"{found[name]}; {reason}" if name in found else reason
        return found


def store_conflicts(
    case: Case, known_teams: Collection[str], stored_client: Client | None
) -> list[tuple[str, str]]:
    """What a valid case gets wrong against the store: a team the store does not know (once it
    knows any team: a typo must not create a team), or a BSN that belongs to a client with
    another date of birth (a name may change; a date of birth does not)."""
    problems: list[tuple[str, str]] = []
    if known_teams and case.team not in known_teams:
        shown = ", ".join(sorted(known_teams)[:8]) + (" …" if len(known_teams) > 8 else "")
        problems.append(
            (
                "team",
                f"dit team bestaat niet in de opslag (bekende teams: {shown}); "
                "nieuwe teams ontstaan bij het importeren van medewerkers",
            )
        )
    if (
        stored_client is not None
        and stored_client.birth_date is not None
        and case.client.birth_date is not None
        and stored_client.birth_date != case.client.birth_date
    ):
        problems.append(
            (
                "bsn",
                f"dit BSN hoort in de opslag bij {stored_client.name}, geboren "
                f"{stored_client.birth_date.strftime('%d-%m-%Y')}; controleer BSN en geboortedatum",
            )
        )
    return problems


def check_case(raw: Mapping[str, str], today: date) -> CaseCheck:
    """Validate one case given as text per field; ``today`` bounds receipt and birth dates."""
    problems: list[tuple[str, str]] = []

    def fail(name: str, reason: str) -> None:
        problems.append((name, reason))

    def text(name: str, required: bool = True) -> str:
        value = raw.get(name, "").strip()
        if required and not value:
            fail(name, "is verplicht")
        elif _CONTROL.search(value):  # line breaks, tabs and other control characters
            fail(name, "bevat regeleinden of stuurtekens")
        return value

    def convert(name: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(raw.get(name, ""))
        except ValidationError as error:
            fail(name, str(error))
            return None

    ref = text("case_ref")
    if ref and not REF_PATTERN.match(ref):
        fail("case_ref", "mag alleen letters, cijfers en - _ . / bevatten (max. 40)")
    bsn = convert("bsn", parse_bsn)
    name = text("name")
    birth = convert("birth_date", parse_date)
    service = text("service").upper()
    if service and service not in SERVICES:
        fail("service", f"onbekende dienst; kies uit {' '.join(SERVICES)}")
    received = convert("received_on", parse_date)
    if received and received > today:
        fail("received_on", f"ligt in de toekomst (na {today.isoformat()})")
    if birth and birth > today:
        fail("birth_date", "ligt in de toekomst")
    elif birth and received and birth >= received:
        fail("birth_date", "ligt niet vóór de ontvangstdatum")
    elif birth and received and received.year - birth.year > 120:
        fail("birth_date", "geeft een leeftijd boven 120 jaar")
    team = text("team")
    requester = text("requester", required=False).lower() or None
    if requester and requester not in REQUESTERS:
        fail("requester", f"onbekende aanvrager; kies uit {' '.join(REQUESTERS)}")
    elif not requester and service in REQUESTER_SERVICES:
        fail("requester", f"is verplicht bij {service}")
    flags = {flag: bool(convert(flag, parse_bool)) for flag in FLAG_FIELDS}
    schrijnend_ref = text("schrijnend_ref", required=False) or None
    if schrijnend_ref and not flags["schrijnend"]:
        fail("schrijnend_ref", "ingevuld terwijl schrijnend 'nee' is")
    status = text("status", required=False).lower() or "open"
    if status not in CASE_STATUS_CODES:
        fail("status", "kies uit open, in_behandeling, afgerond")
    if problems or bsn is None or received is None:
        return CaseCheck(None, problems)
    return CaseCheck(
        Case(
            case_ref=ref,
            client=Client(bsn=bsn, name=name, birth_date=birth),
            service=service,
            received_on=received,
            team=team,
            requester=requester,
            schrijnend_ref=schrijnend_ref,
            status=status,
            motivated=flags["motivated"],
            working=flags["working"],
            schrijnend=flags["schrijnend"],
            ingebrekestelling=flags["ingebrekestelling"],
            consents_60_plus=flags["consents_60_plus"],
            dwangsom=flags["dwangsom"],
        ),
        problems,
    )


def case_fields(case: Case) -> dict[str, str]:
    """A case as text per field, the inverse of :func:`check_case` (for editing)."""
    yes = {True: "ja", False: "nee"}
    return {
        "case_ref": case.case_ref,
        "bsn": case.client.bsn,
        "name": case.client.name,
        "birth_date": case.client.birth_date.strftime("%d-%m-%Y") if case.client.birth_date else "",
        "service": case.service,
        "received_on": case.received_on.strftime("%d-%m-%Y"),
        "team": case.team,
        "requester": case.requester or "",
        "schrijnend_ref": case.schrijnend_ref or "",
        "status": case.status,
        **{flag: yes[bool(getattr(case, flag))] for flag in FLAG_FIELDS},
    }


DOSSIER_DOCUMENTS: Final[dict[str, str]] = {
    "RIV": "re-integratieverslag (RIV)",
    "BEDRIJFSARTS": "informatie van de bedrijfsarts",
    "HUISARTS": "informatie van de huisarts",
    "SPECIALIST": "informatie van de specialist",
    "AD_RAPPORT": "rapport arbeidsdeskundige",
}


def missing_documents(present: set[str] | frozenset[str]) -> list[str]:
    """The dossier documents that are not in yet, in checklist order."""
    return [code for code in DOSSIER_DOCUMENTS if code not in present]
