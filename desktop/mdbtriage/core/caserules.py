"""The rules for one case, as entered in a CSV row or in the case form.

Input is text per field (as a person types it or a spreadsheet holds it); output is the case, or
the problems per field in Dutch. The CSV import adds what only a file can get wrong (duplicate
rows); the desktop form shows each problem next to its field.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from mdbtriage.core.model import (
    DWANGSOM_KINDS,
    REQUESTERS,
    SERVICES,
    Case,
    Client,
    new_case,
    new_facts,
    requester_problem,
)
from mdbtriage.core.validation import (
    FALSE_WORDS,
    TRUE_WORDS,
    ValidationError,
    parse_bool,
    parse_bsn,
    parse_date,
)

REF_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$")
# Control characters (C0, DEL, C1) and the bidirectional embeddings, overrides and isolates
# (``validation.BIDI_CONTROLS``): a name must read on screen and in a PDF as it is stored.
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CASE_STATUS_CODES: Final = ("open", "in_behandeling", "afgerond")
FLAG_FIELDS: Final = (
    "motivated",
    "working",
    "schrijnend",
    "ingebrekestelling",
    "consents_60_plus",
    "medical_reason",
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
    "employer_consents_60_plus": "Toestemming werkgever 60-plus",
    "medical_reason": "Medische aanleiding (ZW)",
    "dwangsom": "Dwangsom",
    "dwangsom_deadline": "Termijn rechter (dwangsom)",
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
        and case.facts.birth_date is not None
        and stored_client.birth_date != case.facts.birth_date
    ):
        problems.append(
            (
                "bsn",
                f"dit BSN hoort in de opslag bij {stored_client.name}, geboren "
                f"{stored_client.birth_date.strftime('%d-%m-%Y')}; controleer BSN en geboortedatum",
            )
        )
    return problems


_REQUIRED = "is verplicht"
_CONTROL_REASON = "bevat regeleinden of stuurtekens"
_REF_REASON = "mag alleen letters, cijfers en - _ . / bevatten (max. 40)"
_SERVICE_REASON = f"onbekende dienst; kies uit {' '.join(SERVICES)}"
_REQUESTER_REASON = f"onbekende aanvrager; kies uit {' '.join(REQUESTERS)}"
_DWANGSOM_REASON = f"kies uit nee {' '.join(DWANGSOM_KINDS)}"
# The yes/no words exactly as ``parse_bool`` accepts them after strip() and lower(): a value
# found here as it stands needs no call (the common case); anything else goes to parse_bool.
_BOOL_WORDS: Final[dict[str, bool]] = {
    **dict.fromkeys(TRUE_WORDS, True),
    **dict.fromkeys(FALSE_WORDS, False),
}


def _no_match(_value: str) -> None:
    return None


def check_case(raw: Mapping[str, str], today: date) -> CaseCheck:
    """Validate one case given as text per field; ``today`` bounds receipt and birth dates.

    Written out field by field without helper closures (an import checks every row with it);
    the problems and their order are those of checking the fields one after the other."""
    problems: list[tuple[str, str]] = []
    get = raw.get
    # One search over the whole row; only a row with a control character somewhere has its
    # text fields searched one by one (stripping may remove it again).
    control = _CONTROL.search if _CONTROL.search("".join(raw.values())) else _no_match

    ref = get("case_ref", "").strip()
    if not ref:
        problems.append(("case_ref", _REQUIRED))
    elif control(ref):  # line breaks, tabs and other control characters
        problems.append(("case_ref", _CONTROL_REASON))
    if ref and not REF_PATTERN.match(ref):
        problems.append(("case_ref", _REF_REASON))
    bsn: str | None
    try:
        bsn = parse_bsn(get("bsn", ""))
    except ValidationError as error:
        problems.append(("bsn", str(error)))
        bsn = None
    name = get("name", "").strip()
    if not name:
        problems.append(("name", _REQUIRED))
    elif control(name):
        problems.append(("name", _CONTROL_REASON))
    birth: date | None
    try:
        birth = parse_date(get("birth_date", ""))
    except ValidationError as error:
        problems.append(("birth_date", str(error)))
        birth = None
    service = get("service", "").strip()
    if not service:
        problems.append(("service", _REQUIRED))
    elif control(service):
        problems.append(("service", _CONTROL_REASON))
    service = service.upper()
    if service and service not in SERVICES:
        problems.append(("service", _SERVICE_REASON))
    received: date | None
    try:
        received = parse_date(get("received_on", ""))
    except ValidationError as error:
        problems.append(("received_on", str(error)))
        received = None
    # The date of birth is compared with a receipt date only when that one is right: a receipt
    # in the future would make a good date of birth look wrong (a knock-on error).
    compared = received
    if received and received > today:
        problems.append(("received_on", f"ligt in de toekomst (na {today.isoformat()})"))
        compared = None
    if birth and birth > today:
        problems.append(("birth_date", "ligt in de toekomst"))
    elif birth and compared and birth >= compared:
        problems.append(("birth_date", "ligt niet vóór de ontvangstdatum"))
    elif birth and compared and compared.year - birth.year > 120:
        problems.append(("birth_date", "geeft een leeftijd boven 120 jaar"))
    team = get("team", "").strip()
    if not team:
        problems.append(("team", _REQUIRED))
    elif control(team):
        problems.append(("team", _CONTROL_REASON))
    requester_text = get("requester", "").strip()
    if requester_text and control(requester_text):
        problems.append(("requester", _CONTROL_REASON))
    requester = requester_text.lower() or None
    if requester and requester not in REQUESTERS:
        problems.append(("requester", _REQUESTER_REASON))
    elif service in SERVICES and (why := requester_problem(service, requester)):
        problems.append(("requester", why))
    flags: list[bool] = []
    for flag in FLAG_FIELDS:
        value = get(flag, "")
        known = _BOOL_WORDS.get(value)
        if known is None:
            try:
                known = parse_bool(value)
            except ValidationError as error:
                problems.append((flag, str(error)))
                known = False
        flags.append(known)
    motivated, working, schrijnend, ingebrekestelling, consents_60_plus, medical_reason = flags
    employer_text = get("employer_consents_60_plus", "").strip()
    employer_consents: bool | None = None
    if employer_text:  # empty: no employer to ask
        try:
            employer_consents = parse_bool(employer_text)
        except ValidationError as error:
            problems.append(("employer_consents_60_plus", str(error)))
    dwangsom_text = get("dwangsom", "").strip().lower()
    dwangsom_kind: str | None = None
    if dwangsom_text in DWANGSOM_KINDS:
        dwangsom, dwangsom_kind = True, dwangsom_text
    else:
        try:
            dwangsom = parse_bool(dwangsom_text)
        except ValidationError:
            problems.append(("dwangsom", _DWANGSOM_REASON))
            dwangsom = False
    deadline: date | None = None
    deadline_text = get("dwangsom_deadline", "")
    if deadline_text.strip():
        try:
            deadline = parse_date(deadline_text)
        except ValidationError as error:
            problems.append(("dwangsom_deadline", str(error)))
    if deadline is not None and dwangsom_kind != "rechterlijk":
        problems.append(("dwangsom_deadline", "alleen bij een rechterlijke dwangsom"))
    schrijnend_text = get("schrijnend_ref", "").strip()
    if schrijnend_text and control(schrijnend_text):
        problems.append(("schrijnend_ref", _CONTROL_REASON))
    schrijnend_ref = schrijnend_text or None
    if schrijnend_ref and not schrijnend:
        problems.append(("schrijnend_ref", "ingevuld terwijl schrijnend 'nee' is"))
    status_text = get("status", "").strip()
    if status_text and control(status_text):
        problems.append(("status", _CONTROL_REASON))
    status = status_text.lower() or "open"
    if status not in CASE_STATUS_CODES:
        problems.append(("status", "kies uit open, in_behandeling, afgerond"))
    if problems or bsn is None or received is None:
        return CaseCheck(None, problems)
    # Field order of CaseFacts: case_ref, service, received_on, birth_date, requester,
    # motivated, working, consents_60_plus, schrijnend, schrijnend_ref, ingebrekestelling,
    # dwangsom, medical_reason, employer_consents_60_plus, dwangsom_kind, dwangsom_deadline,
    # central_outcome and ref_key (the store's, None as entered); of Case: facts, bsn,
    # client_name, team, status, client_id (None until stored).
    facts = new_facts(
        ref,
        service,
        received,
        birth,
        requester,
        motivated,
        working,
        consents_60_plus,
        schrijnend,
        schrijnend_ref,
        ingebrekestelling,
        dwangsom,
        medical_reason,
        employer_consents,
        dwangsom_kind,
        deadline,
        None,
        None,
    )
    case = new_case(facts, bsn, name, team, status, None)
    return CaseCheck(case, problems)


def case_fields(case: Case) -> dict[str, str]:
    """A case as text per field, the inverse of :func:`check_case` (for editing)."""
    yes = {True: "ja", False: "nee"}
    f = case.facts
    return {
        "case_ref": f.case_ref,
        "bsn": case.bsn,
        "name": case.client_name,
        "birth_date": f.birth_date.strftime("%d-%m-%Y") if f.birth_date else "",
        "service": f.service,
        "received_on": f.received_on.strftime("%d-%m-%Y"),
        "team": case.team,
        "requester": f.requester or "",
        "schrijnend_ref": f.schrijnend_ref or "",
        "status": case.status,
        **{flag: yes[bool(getattr(f, flag))] for flag in FLAG_FIELDS},
        "employer_consents_60_plus": (
            "" if f.employer_consents_60_plus is None else yes[f.employer_consents_60_plus]
        ),
        "dwangsom": f.dwangsom_kind or yes[f.dwangsom],
        "dwangsom_deadline": (
            f.dwangsom_deadline.strftime("%d-%m-%Y") if f.dwangsom_deadline else ""
        ),
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
