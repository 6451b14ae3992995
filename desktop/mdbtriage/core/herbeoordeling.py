"""The standard herbeoordeling request (aanvraag herbeoordeling): reading, validating and the
team's intake.

One rule set serves the form in the application and ``mdb-triage herbeoordeling``: both build
the request as one JSON object (README "The standard herbeoordeling request"; an example in
``docs/voorbeelden/herbeoordeling.json``) and call :func:`assess`, which reports every problem
at once, by field, in Dutch.

Rules beyond the request's fields, chosen for this tool (documented in the same README section):

* ``requester.kind`` is one of ``werknemer`` (the client), ``werkgever``, ``eigenrisicodrager``
  and ``gemachtigde``; a professional herbeoordeling by UWV does not use this form.
* A ``wijziging_gezondheid`` is reported by the client or a gemachtigde, needs ``change`` and
  ``since``, and becomes a WIJZIGING_GEZONDHEID case (route LICHT).
* Law and regime: WGA and IVA belong to the WIA. For the WIA the regime is required and must fit
  the percentage: ``GEEN`` below 35, ``WGA_35_80`` from 35 to below 80, ``WGA_80_100`` and
  ``IVA`` from 80 to 100. For WAO, WAZ and Wajong the regime is left empty (``null``) and the
  percentage is the law's own degree of disability, 0 to 100.
* A loonheffingennummer is nine digits passing the 11-check, ``L`` and two digits.
* Dates: the birth date comes before every other date; the last assessment and the change
  ("since") are not after the date of the request.
* A worker (``werknemer``) cannot request a herbeoordeling while a WIA decision or a bezwaar
  for the same client is pending; the caller supplies those cases (:class:`PendingCase`),
  because only the store knows them. A melding wijziging gezondheid stays possible.

Two optional keys extend the request: ``reference`` (the request's reference number; when
absent it is derived from the content, so the same request always gets the same number) and
``intake`` (the team's intake: ``team``, ``schrijnend``, ``schrijnend_ref``, ``working``).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from mdbtriage.core.central import CentralDecision, covers
from mdbtriage.core.medical_terms import medical_terms
from mdbtriage.core.model import SERVICE_REQUESTERS, CaseFacts
from mdbtriage.core.policy import Policy, Route
from mdbtriage.core.triage import choose_route, classify
from mdbtriage.core.validation import (
    EARLIEST_DATE,
    EARLIEST_RECEIVED,
    ValidationError,
    bsn_check,
    check_date_range,
    format_date,
    parse_bool,
    parse_bsn,
    parse_date,
    text_problem,
)

REQUESTER_KINDS: Final[dict[str, str]] = {
    "werknemer": "werknemer (de cliënt zelf)",
    "werkgever": "werkgever",
    "eigenrisicodrager": "eigenrisicodrager / verzekeraar",
    "gemachtigde": "gemachtigde",
}
REQUEST_KINDS: Final[dict[str, str]] = {
    "herbeoordeling": "aanvraag herbeoordeling",
    "wijziging_gezondheid": "melding wijziging gezondheidssituatie",
}
LAWS: Final[dict[str, str]] = {"WIA": "WIA", "WAO": "WAO", "WAZ": "WAZ", "Wajong": "Wajong"}
REGIMES: Final[dict[str, str]] = {
    "WGA_35_80": "WGA 35-80%",
    "WGA_80_100": "WGA 80-100%",
    "IVA": "IVA",
    "GEEN": "geen uitkering (minder dan 35%)",
}
EFFECTS: Final[dict[str, str]] = {
    "meer": "kan meer werken",
    "minder": "kan minder werken",
    "onbekend": "onbekend",
}
WIJZIGING_KINDS: Final = frozenset(SERVICE_REQUESTERS["WIJZIGING_GEZONDHEID"])
PENDING_SERVICES: Final[dict[str, str]] = {
    "WIA_CLAIM": "WIA-claimbeoordeling",
    "BEZWAAR": "bezwaarzaak",
}

FIELD_LABELS: Final[dict[str, str]] = {
    "reference": "Referentienummer",
    "requested_on": "Datum aanvraag",
    "requester": "Aanvrager",
    "requester.kind": "Soort aanvrager",
    "requester.name": "Naam aanvrager",
    "requester.organisation": "Organisatie",
    "requester.contact": "Contactgegevens",
    "requester.loonheffingennummer": "Loonheffingennummer",
    "requester.authorisation": "Machtiging",
    "client": "Cliënt",
    "client.bsn": "BSN",
    "client.name": "Naam cliënt",
    "client.birth_date": "Geboortedatum",
    "benefit": "Huidige uitkering",
    "benefit.law": "Wet",
    "benefit.regime": "Regime",
    "benefit.percentage": "Arbeidsongeschiktheidspercentage",
    "benefit.last_assessment": "Datum laatste beoordeling",
    "request": "Aanvraag",
    "request.kind": "Soort aanvraag",
    "request.reason": "Reden van de aanvraag",
    "request.change": "Wat is er veranderd",
    "request.since": "Sinds",
    "request.confirmed_by": "Wie kan dit bevestigen",
    "request.effect_on_work": "Gevolg voor het werk",
    "request.attachments": "Bijlagen",
    "consent": "Toestemming van de cliënt",
    "intake": "Intake door het team",
    "intake.team": "Team",
    "intake.schrijnend": "Schrijnend",
    "intake.schrijnend_ref": "Referentie centrale toets",
    "intake.working": "Cliënt heeft inkomsten uit werk",
}
SECTIONS: Final[dict[str, tuple[str, ...]]] = {
    "requester": (
        "kind",
        "name",
        "organisation",
        "contact",
        "loonheffingennummer",
        "authorisation",
    ),
    "client": ("bsn", "name", "birth_date"),
    "benefit": ("law", "regime", "percentage", "last_assessment"),
    "request": (
        "kind",
        "reason",
        "change",
        "since",
        "confirmed_by",
        "effect_on_work",
        "attachments",
    ),
    "intake": ("team", "schrijnend", "schrijnend_ref", "working"),
}
TOP_LEVEL: Final = (
    "reference",
    "requested_on",
    "requester",
    "client",
    "benefit",
    "request",
    "consent",
    "intake",
)
MOTIVATION_FIELDS: Final = ("reason", "change", "since", "confirmed_by", "effect_on_work")

MAX_TEXT = 2000
# Bounds on a request file, so that no input can exhaust the reader: size, nesting (the
# contract's object is three levels deep), digits of a number, and attachments.
MAX_FILE_CHARS = 1_000_000
MAX_FILE_BYTES = 4 * MAX_FILE_CHARS  # UTF-8 takes at most four bytes a character
MAX_DEPTH = 20
MAX_NUMBER_CHARS = 30
MAX_ATTACHMENTS = 200
# Free texts that may span several lines; every other text is one line.
MULTILINE_FIELDS: Final = frozenset({"request.reason", "request.change"})
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$")
_LOONHEFFINGEN = re.compile(r"^([0-9]{9})L([0-9]{2})$")
_PERCENTAGE = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{1,6})?$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem with one field: ``field`` is the JSON path (``client.bsn``); ``refusal`` marks
    a rule that refuses a well-formed request rather than a missing or invalid value."""

    field: str
    message: str
    refusal: bool = False

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    def text(self) -> str:
        if self.label == self.field:
            return f"{self.field}: {self.message}"
        return f"{self.label} ({self.field}): {self.message}"


@dataclass(frozen=True, slots=True)
class PendingCase:
    """A case of the same client that blocks a worker's herbeoordeling while it is pending."""

    case_ref: str
    service: str
    status: str


@dataclass(frozen=True, slots=True)
class Requester:
    kind: str | None
    name: str
    organisation: str
    contact: str
    loonheffingennummer: str | None
    authorisation: str | None

    @property
    def is_client(self) -> bool:
        return self.kind == "werknemer"


@dataclass(frozen=True, slots=True)
class ClientPart:
    bsn: str | None
    name: str
    birth_date: date | None


@dataclass(frozen=True, slots=True)
class Benefit:
    law: str | None
    regime: str | None
    percentage: float | None
    last_assessment: date | None


@dataclass(frozen=True, slots=True)
class Motivation:
    kind: str | None
    reason: str
    change: str
    since: date | None
    confirmed_by: str
    effect_on_work: str | None
    attachments: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Intake:
    team: str | None
    schrijnend: bool
    schrijnend_ref: str | None
    working: bool


@dataclass(frozen=True, slots=True)
class HerbeoordelingRequest:
    """A request as far as it could be read: invalid or missing values are ``None`` or empty."""

    reference: str
    requested_on: date | None
    requester: Requester
    client: ClientPart
    benefit: Benefit
    request: Motivation
    consent: bool | None
    intake: Intake

    @property
    def service(self) -> str:
        """The kind of case the request becomes."""
        if self.request.kind == "wijziging_gezondheid":
            return "WIJZIGING_GEZONDHEID"
        return "HERBEOORDELING"

    @property
    def motivated(self) -> bool:
        """Whether every part of the medical motivation came with the request."""
        m = self.request
        return bool(m.reason and m.change and m.since and m.confirmed_by and m.effect_on_work)

    @property
    def title(self) -> str:
        if self.request.kind == "wijziging_gezondheid":
            return "Melding wijziging gezondheidssituatie"
        return "Aanvraag herbeoordeling"


@dataclass(frozen=True, slots=True)
class Assessment:
    """The outcome of :func:`assess`: the request as read, its problems and its warnings."""

    request: HerbeoordelingRequest
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]

    @property
    def complete(self) -> bool:
        return not self.problems

    @property
    def refused(self) -> bool:
        """Only refusals stand in the way (the request itself is complete and valid)."""
        return bool(self.problems) and all(p.refusal for p in self.problems)

    def problems_for(self, field: str) -> list[Problem]:
        return [p for p in self.problems if p.field == field]

    def warnings_for(self, field: str) -> list[Problem]:
        return [w for w in self.warnings if w.field == field]


@dataclass(frozen=True, slots=True)
class IntakeOutcome:
    """The team's intake as printed on the form: completeness, route, class, schrijnend."""

    complete: bool
    service: str
    route: Route | None
    klasse: str | None
    klasse_label: str
    schrijnend: bool
    schrijnend_ref: str | None
    schrijnend_approved: bool
    central_decision: CentralDecision | None = None

    def schrijnend_text(self) -> str:
        """The schrijnend line of the intake, with the central decision's reference and date."""
        decision = self.central_decision
        if not self.schrijnend:
            return "nee"
        if decision is not None and self.schrijnend_approved:
            return f"ja, centraal getoetst: {decision.describe()}"
        if decision is not None:
            return f"gemeld, {decision.describe()} (telt niet mee voor de volgorde)"
        if self.schrijnend_ref:
            return (
                f"gemeld met referentie {self.schrijnend_ref}, maar geen centrale beslissing "
                "vastgelegd (telt niet mee voor de volgorde)"
            )
        return "gemeld, centrale toets ontbreekt (telt niet mee voor de volgorde)"


class RequestFileError(ValidationError):
    """A request file that is not a JSON object at all."""


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _nesting(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (brackets inside strings aside)."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        if match[0] in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _bounded_number(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        if len(text) > MAX_NUMBER_CHARS:
            raise RequestFileError(
                f"getal van {len(text)} tekens is te lang (ten hoogste {MAX_NUMBER_CHARS})"
            )
        return kind(text)

    return parse


def _no_constant(name: str) -> None:
    raise RequestFileError(f"{name} is geen geldig JSON-getal")


def parse_json(text: str) -> dict[str, Any]:
    """The JSON object of a request file, or :class:`RequestFileError` naming line and column.

    Files above :data:`MAX_FILE_CHARS`, nesting deeper than :data:`MAX_DEPTH` and numbers longer
    than :data:`MAX_NUMBER_CHARS` characters (or ``NaN``/``Infinity``) are refused before they
    are read into memory."""
    if len(text) > MAX_FILE_CHARS:
        raise RequestFileError(
            f"het bestand is te groot ({len(text)} tekens; ten hoogste {MAX_FILE_CHARS})"
        )
    depth = _nesting(text)
    if depth > MAX_DEPTH:
        raise RequestFileError(
            f"de JSON is {depth} lagen diep genest (ten hoogste {MAX_DEPTH}); een aanvraag is "
            "één object met secties"
        )
    try:
        data = json.loads(
            text,
            parse_int=_bounded_number(int),
            parse_float=_bounded_number(float),
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as error:
        raise RequestFileError(
            f"geen geldige JSON op regel {error.lineno}, kolom {error.colno}: "
            f"{_json_problem(error.msg)}"
        ) from None
    except RecursionError:
        raise RequestFileError(f"de JSON is te diep genest (ten hoogste {MAX_DEPTH})") from None
    if not isinstance(data, dict):
        raise RequestFileError("het bestand moet één JSON-object bevatten ({ ... })")
    broken = _unpaired_surrogate(data, "")
    if broken is not None:
        raise RequestFileError(
            f"veld '{broken}': bevat een teken dat niet bestaat (een losse \\ud800–\\udfff-"
            "code, de helft van een paar); typ de tekst opnieuw"
        )
    return data


# What Python's JSON reader says (English), in Dutch; the reader's wording up to a colon or
# " at"/" starting at" is the key.
_JSON_PROBLEMS = {
    "Expecting value": "hier wordt een waarde verwacht",
    "Expecting property name enclosed in double quotes": (
        "hier wordt een veldnaam tussen dubbele aanhalingstekens verwacht"
    ),
    "Expecting ',' delimiter": "hier wordt een komma verwacht",
    "Expecting ':' delimiter": "hier wordt een dubbele punt verwacht",
    "Unterminated string starting at": "een tekst zonder afsluitend aanhalingsteken begint hier",
    "Invalid control character at": "een stuurteken (zoals een regeleinde) midden in een tekst",
    "Invalid \\escape": "een ongeldige combinatie met \\ in een tekst",
    "Invalid \\uXXXX escape": "een ongeldige \\u-code in een tekst",
    "Extra data": "na het object staat nog meer (één JSON-object per bestand)",
    "Illegal trailing comma before end of object": "een komma voor de sluitende }",
    "Illegal trailing comma before end of array": "een komma voor de sluitende ]",
}


def _json_problem(message: str) -> str:
    """The JSON reader's English message as a Dutch clause."""
    for english, dutch in _JSON_PROBLEMS.items():
        if message.startswith(english):
            return dutch
    return "ongeldige JSON"


def _unpaired_surrogate(value: object, where: str) -> str | None:
    """The dotted path of the first text (key or value) holding half a UTF-16 pair
    (``"\\ud800"``), which no file, PDF or database can hold; None when there is none."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where or "(het object)"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            found = _unpaired_surrogate(key, inner) or _unpaired_surrogate(item, inner)
            if found is not None:
                return found.encode("utf-8", "replace").decode("utf-8")
        return None
    if isinstance(value, list):
        for number, item in enumerate(value):
            found = _unpaired_surrogate(item, f"{where}[{number}]")
            if found is not None:
                return found
    return None


def derive_reference(data: Mapping[str, Any]) -> str:
    """The reference number a request without one gets (see :func:`_fingerprint`)."""
    return assess({k: v for k, v in data.items() if k != "reference"}).request.reference


def _fingerprint(parts: Sequence[object], problems: Sequence[Problem]) -> str:
    """A reference number that follows from the content as read (not its spelling: dates in
    either format, 85 or "85", key order; not the intake), so the same request always gets
    the same number. Problems (which quote invalid values) are part of the content."""
    content = [
        *(p.isoformat() if isinstance(p, date) else p for p in parts),
        sorted(p.text() for p in problems if not p.field.startswith("intake")),
    ]
    canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:10].upper()
    return f"HB-{digest}"


def _shown(value: object, limit: int = 60) -> str:
    """A value as quoted in a message: JSON with every special character escaped, shortened."""
    try:
        text = json.dumps(value, ensure_ascii=True)
    except ValueError:
        text = "(onleesbare waarde)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _key(key: str) -> str:
    """An unknown key as named in a message; quoted and escaped when it is not plain text."""
    return key if len(key) <= 40 and text_problem(key) is None else _shown(key, 40)


class _Reader:
    """Collects problems while reading the raw values of one request."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def fail(self, field: str, message: str, *, refusal: bool = False) -> None:
        self.problems.append(Problem(field, message, refusal))

    def problems_for(self, field: str) -> list[Problem]:
        return [p for p in self.problems if p.field == field]

    def missing(self, field: str, message: str) -> None:
        """Report a required field as missing, unless its value was already refused."""
        if not self.problems_for(field):
            self.fail(field, message)

    def section(self, data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
        value = data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(name, "moet een object zijn ({ ... })")
            return {}
        for key in sorted(set(value) - set(SECTIONS[name])):
            self.fail(
                f"{name}.{_key(key)}", f"onbekend veld; toegestaan: {', '.join(SECTIONS[name])}"
            )
        return value

    def text(self, data: Mapping[str, Any], field: str, *, required: bool = False) -> str:
        key = field.rsplit(".", 1)[-1]
        value = data.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(field, f"moet tekst zijn, niet {_shown(value)}")
            return ""
        value = value.strip()
        if len(value) > MAX_TEXT:
            self.fail(field, f"is te lang ({len(value)} tekens; ten hoogste {MAX_TEXT})")
            return ""
        problem = text_problem(value, multiline=field in MULTILINE_FIELDS)
        if problem:
            self.fail(field, problem)
            return ""
        if required and not value:
            self.fail(field, "ontbreekt")
        return value

    def choice(
        self, data: Mapping[str, Any], field: str, options: Mapping[str, str], *, required: bool
    ) -> str | None:
        value = self.text(data, field, required=required)
        if not value:
            return None
        for code in options:
            if value.lower() == code.lower():
                return code
        self.fail(field, f"'{value}' is onbekend; kies uit {', '.join(options)}")
        return None

    def date(
        self,
        data: Mapping[str, Any],
        field: str,
        *,
        required: bool,
        earliest: date = EARLIEST_DATE,
        today: date | None = None,
    ) -> date | None:
        """A date from ``earliest``; with ``today``, not after today."""
        value = self.text(data, field, required=required)
        if not value:
            return None
        try:
            day = parse_date(value)
            if today is not None:
                return check_date_range(day, earliest, today, future="vandaag")
            return check_date_range(day, earliest)
        except ValidationError as error:
            self.fail(field, f"'{value}': {error}")
            return None

    def flag(self, data: Mapping[str, Any], field: str) -> bool | None:
        key = field.rsplit(".", 1)[-1]
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip():
            try:
                return parse_bool(value)
            except ValidationError as error:
                self.fail(field, f"{_shown(value)}: {error}")
                return None
        if isinstance(value, str):
            return None
        self.fail(field, f"moet true of false zijn, niet {_shown(value)}")
        return None


def _percentage(reader: _Reader, data: Mapping[str, Any]) -> float | None:
    field = "benefit.percentage"
    value = data.get("percentage")
    if value is None or (isinstance(value, str) and not value.strip()):
        reader.fail(field, "ontbreekt")
        return None
    if isinstance(value, bool):
        reader.fail(field, f"moet een getal van 0 tot en met 100 zijn, niet {json.dumps(value)}")
        return None
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip().replace(",", ".")
        if not _PERCENTAGE.match(text):
            reader.fail(field, f"'{value}' is geen getal (0 tot en met 100, cijfers 0-9)")
            return None
        number = float(text)
    elif isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            reader.fail(field, "het getal is veel te groot (0 tot en met 100)")
            return None
        if math.isnan(number):
            reader.fail(field, "moet een getal van 0 tot en met 100 zijn")
            return None
    else:
        reader.fail(field, "moet een getal van 0 tot en met 100 zijn")
        return None
    if not 0 <= number <= 100:
        reader.fail(field, f"{format_percentage(number)} ligt niet tussen 0 en 100")
        return None
    return number


def format_percentage(value: float) -> str:
    """A percentage as Dutch readers write it: 85%, 42,5%."""
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}%"


def regime_problem(law: str, regime: str | None, percentage: float) -> str | None:
    """Why a regime does not fit the law and the percentage, or ``None`` when it does."""
    if law != "WIA":
        if regime is not None:
            return (
                f"{REGIMES[regime]} hoort bij de WIA; laat het regime leeg bij {law} "
                "(het percentage is dan de mate van arbeidsongeschiktheid)"
            )
        return None
    if regime is None:
        return "ontbreekt (verplicht bij de WIA)"
    pct = format_percentage(percentage)
    if regime == "GEEN" and percentage >= 35:
        return f"bij {pct} is er wel een WIA-uitkering; 'geen' geldt alleen onder 35%"
    if regime == "WGA_35_80" and not 35 <= percentage < 80:
        return f"{REGIMES[regime]} vraagt een percentage van 35 tot 80, niet {pct}"
    if regime in ("WGA_80_100", "IVA") and percentage < 80:
        return f"{REGIMES[regime]} vraagt een percentage van 80 tot en met 100, niet {pct}"
    return None


def _loonheffingennummer(reader: _Reader, value: str) -> str | None:
    field = "requester.loonheffingennummer"
    text = value.upper().replace(" ", "").replace(".", "")
    match = _LOONHEFFINGEN.match(text)
    if not match:
        reader.fail(field, f"'{value}' moet de vorm 123456789L01 hebben (9 cijfers, L, 2 cijfers)")
        return None
    if not bsn_check(match.group(1)):
        reader.fail(field, f"'{value}': de eerste 9 cijfers voldoen niet aan de elfproef")
        return None
    return text


def assess(
    data: Mapping[str, Any], pending: Sequence[PendingCase] = (), *, today: date | None = None
) -> Assessment:
    """Read and check a request; every problem is reported, by field, in Dutch.

    ``pending`` are the open or in_behandeling WIA_CLAIM and BEZWAAR cases of the client's BSN
    as the store knows them (other cases are ignored here). With ``today`` the date of the
    request and the birth date may not lie in the future. Every date lies from 1900 on
    (:data:`~mdbtriage.core.validation.EARLIEST_DATE`), the request's from 2000 on
    (:data:`~mdbtriage.core.validation.EARLIEST_RECEIVED`).
    """
    r = _Reader()
    for key in sorted(set(data) - set(TOP_LEVEL)):
        r.fail(_key(key), f"onbekend veld; toegestaan: {', '.join(TOP_LEVEL)}")

    reference = r.text(data, "reference")
    if reference and not _REFERENCE.match(reference):
        r.fail(
            "reference", f"'{reference}' mag alleen letters, cijfers en - _ . / bevatten (max. 40)"
        )
        reference = ""
    requested_on = r.date(
        data, "requested_on", required=True, earliest=EARLIEST_RECEIVED, today=today
    )

    # Requester
    raw = r.section(data, "requester")
    kind = r.choice(raw, "requester.kind", REQUESTER_KINDS, required=True)
    is_client = kind == "werknemer"
    name = r.text(raw, "requester.name", required=True)
    organisation = r.text(raw, "requester.organisation")
    if kind in ("werkgever", "eigenrisicodrager") and not organisation:
        r.missing("requester.organisation", f"ontbreekt (verplicht voor een {kind})")
    contact = r.text(raw, "requester.contact", required=True)
    lh_text = r.text(raw, "requester.loonheffingennummer")
    loonheffingen: str | None = None
    if lh_text:
        loonheffingen = _loonheffingennummer(r, lh_text)
    elif kind == "werkgever":
        r.fail("requester.loonheffingennummer", "ontbreekt (verplicht voor een werkgever)")
    authorisation = r.text(raw, "requester.authorisation") or None
    if kind == "gemachtigde" and not authorisation:
        r.fail("requester.authorisation", "ontbreekt (een gemachtigde vermeldt de machtiging)")
    requester = Requester(kind, name, organisation, contact, loonheffingen, authorisation)

    # Client
    raw = r.section(data, "client")
    bsn: str | None = None
    bsn_text = r.text(raw, "client.bsn", required=True)
    if bsn_text:
        try:
            bsn = parse_bsn(bsn_text)
        except ValidationError as error:
            r.fail("client.bsn", f"'{bsn_text}': {error}")
    client_name = r.text(raw, "client.name", required=True)
    birth_date = r.date(raw, "client.birth_date", required=True, today=today)
    client = ClientPart(bsn, client_name, birth_date)

    # Current benefit
    raw = r.section(data, "benefit")
    law = r.choice(raw, "benefit.law", LAWS, required=True)
    regime = r.choice(raw, "benefit.regime", REGIMES, required=False)
    regime_given = not r.problems_for("benefit.regime")
    percentage = _percentage(r, raw)
    last_assessment = r.date(raw, "benefit.last_assessment", required=True)
    if law and regime_given:
        if percentage is not None:
            why = regime_problem(law, regime, percentage)
            if why:
                r.fail("benefit.regime", why)
        elif law == "WIA" and regime is None:
            r.fail("benefit.regime", "ontbreekt (verplicht bij de WIA)")
        elif law != "WIA" and regime is not None:
            r.fail("benefit.regime", f"{REGIMES[regime]} hoort bij de WIA; laat het leeg bij {law}")
    benefit = Benefit(law, regime, percentage, last_assessment)

    # What is asked and why
    raw = r.section(data, "request")
    request_kind = r.choice(raw, "request.kind", REQUEST_KINDS, required=True)
    motivated_required = request_kind == "herbeoordeling" and kind is not None and not is_client
    wijziging = request_kind == "wijziging_gezondheid"
    why_required = f"verplicht voor een gemotiveerde aanvraag door een {kind}"
    texts: dict[str, str] = {}
    for key in ("reason", "change", "confirmed_by"):
        field = f"request.{key}"
        texts[key] = r.text(raw, field)
        if (motivated_required or (wijziging and key == "change")) and not texts[key]:
            r.missing(field, f"ontbreekt ({why_required})" if motivated_required else "ontbreekt")
    since = r.date(raw, "request.since", required=False)
    if (motivated_required or wijziging) and since is None:
        r.missing(
            "request.since", f"ontbreekt ({why_required})" if motivated_required else "ontbreekt"
        )
    effect = r.choice(raw, "request.effect_on_work", EFFECTS, required=False)
    if motivated_required and effect is None:
        r.missing(
            "request.effect_on_work", f"ontbreekt ({why_required}); kies meer, minder of onbekend"
        )
    attachments: list[str] = []
    raw_attachments = raw.get("attachments")
    if raw_attachments is not None:
        if not isinstance(raw_attachments, list):
            r.fail("request.attachments", 'moet een lijst zijn (["...", ...])')
        elif len(raw_attachments) > MAX_ATTACHMENTS:
            r.fail(
                "request.attachments",
                f"{len(raw_attachments)} bijlagen zijn te veel (ten hoogste {MAX_ATTACHMENTS})",
            )
        else:
            for index, item in enumerate(raw_attachments, start=1):
                if not isinstance(item, str) or not item.strip():
                    r.fail("request.attachments", f"bijlage {index} moet een niet-lege tekst zijn")
                    continue
                text = item.strip()
                problem = (
                    f"is te lang ({len(text)} tekens; ten hoogste {MAX_TEXT})"
                    if len(text) > MAX_TEXT
                    else text_problem(text)
                )
                if problem:
                    r.fail("request.attachments", f"bijlage {index} {problem}")
                else:
                    attachments.append(text)
    if wijziging and kind is not None and kind not in WIJZIGING_KINDS:
        r.fail(
            "request.kind",
            f"een wijziging in de gezondheid meldt de cliënt zelf (of een gemachtigde), "
            f"niet een {kind}; een {kind} vraagt een herbeoordeling aan",
        )
    motivation = Motivation(
        request_kind,
        texts["reason"],
        texts["change"],
        since,
        texts["confirmed_by"],
        effect,
        tuple(attachments),
    )

    # Consent
    consent = r.flag(data, "consent")
    if kind is not None and not is_client:
        if consent is None:
            r.missing("consent", f"ontbreekt (verplicht als de aanvrager een {kind} is)")
        elif consent is False:
            r.fail("consent", "de cliënt moet toestemming geven als iemand anders de aanvraag doet")

    # Team's intake (optional extension)
    raw = r.section(data, "intake")
    team = r.text(raw, "intake.team") or None
    schrijnend = bool(r.flag(raw, "intake.schrijnend"))
    schrijnend_ref = r.text(raw, "intake.schrijnend_ref") or None
    if schrijnend_ref and not schrijnend:
        r.fail("intake.schrijnend_ref", "alleen invullen als de zaak schrijnend is")
    working = bool(r.flag(raw, "intake.working"))
    intake = Intake(team, schrijnend, schrijnend_ref, working)

    # Dates against each other
    if birth_date is not None:
        for field, day in (
            ("requested_on", requested_on),
            ("benefit.last_assessment", last_assessment),
            ("request.since", since),
        ):
            if day is not None and day <= birth_date:
                r.fail(
                    field,
                    f"{format_date(day)} ligt niet na de geboortedatum {format_date(birth_date)}",
                )
    if requested_on is not None:
        for field, day in (("benefit.last_assessment", last_assessment), ("request.since", since)):
            if day is not None and day > requested_on and not (birth_date and day <= birth_date):
                r.fail(
                    field,
                    f"{format_date(day)} ligt na de datum van de aanvraag {format_date(requested_on)}",
                )

    # A worker's herbeoordeling while a WIA decision or bezwaar is pending
    if request_kind == "herbeoordeling" and is_client:
        for case in pending:
            if case.service in PENDING_SERVICES and case.status in ("open", "in_behandeling"):
                r.fail(
                    "request.kind",
                    f"geweigerd: er loopt nog een {PENDING_SERVICES[case.service]} "
                    f"(zaak {case.case_ref}, {case.status.replace('_', ' ')}); een werknemer kan "
                    "geen herbeoordeling aanvragen zolang een WIA-beslissing of bezwaar loopt "
                    "(een melding wijziging gezondheid kan wel)",
                    refusal=True,
                )

    # Medical detail in a non-client's text: a warning, never an error
    if kind is not None and not is_client:
        for field, text in (
            ("request.reason", motivation.reason),
            ("request.change", motivation.change),
            ("request.attachments", " ".join(motivation.attachments)),
        ):
            words = medical_terms(text)
            if words:
                r.warnings.append(
                    Problem(
                        field,
                        f"lijkt medische details te bevatten ({', '.join(words)}); een {kind} "
                        "beschrijft functioneren en werk, geen diagnoses of medicatie. Medische "
                        "informatie gaat apart via de bedrijfsarts, gemarkeerd 'Medisch geheim'.",
                    )
                )

    if not reference:
        reference = _fingerprint(
            [
                requested_on,
                *(requester.kind, name, organisation, contact, loonheffingen, authorisation),
                *(bsn, client_name, birth_date),
                *(law, regime, percentage, last_assessment),
                *(request_kind, motivation.reason, motivation.change, since),
                *(motivation.confirmed_by, effect, list(motivation.attachments), consent),
            ],
            r.problems,
        )
    request = HerbeoordelingRequest(
        reference=reference,
        requested_on=requested_on,
        requester=requester,
        client=client,
        benefit=benefit,
        request=motivation,
        consent=consent,
        intake=intake,
    )
    return Assessment(request, _ordered(r.problems), tuple(r.warnings))


def _ordered(problems: list[Problem]) -> tuple[Problem, ...]:
    """Problems in the order of the form, each (field, message) once."""
    return tuple(in_form_order(list(dict.fromkeys(problems))))


# The fields in the order the form prints them: the kind of request stands in section 1, with
# the date, though the JSON holds it with the motivation. A whole part that is missing or
# unreadable (``requester``) stands where that part first appears. The receipt lists what is
# missing or invalid in this order, as the form shows it.
FORM_ORDER: tuple[str, ...] = (
    "reference",
    "requested_on",
    "request",
    "request.kind",
    "requester",
    "requester.kind",
    "requester.name",
    "requester.organisation",
    "requester.contact",
    "requester.loonheffingennummer",
    "requester.authorisation",
    "client",
    "client.bsn",
    "client.name",
    "client.birth_date",
    "benefit",
    "benefit.law",
    "benefit.regime",
    "benefit.percentage",
    "benefit.last_assessment",
    "request.reason",
    "request.change",
    "request.since",
    "request.confirmed_by",
    "request.effect_on_work",
    "request.attachments",
    "consent",
    "intake",
    "intake.schrijnend",
    "intake.schrijnend_ref",
    "intake.working",
    "intake.team",
)
_POSITION = {field: index for index, field in enumerate(FORM_ORDER)}


def form_position(field: str) -> tuple[int, int]:
    """Where a problem with ``field`` stands in the form's order: at the field; an unknown key
    of a part (``client.foo``) after that part's last field; anything else at the end."""
    if field in _POSITION:
        return _POSITION[field], 0
    part = field.partition(".")[0] + "."
    last = [index for known, index in _POSITION.items() if known.startswith(part)]
    return (max(last), 1) if last else (len(FORM_ORDER), 0)


def in_form_order(problems: Sequence[Problem]) -> list[Problem]:
    """``problems`` in the order of the form (those of one field in the order given)."""
    return sorted(problems, key=lambda problem: form_position(problem.field))


def intake_outcome(
    assessment: Assessment, policy: Policy, decision: CentralDecision | None = None
) -> IntakeOutcome:
    """The team's intake: completeness, and for a complete request its route and class under
    the policy on the date of the request. ``decision`` is the recorded central decision with
    the intake's reference, if any: it counts when it covers this request."""
    request = assessment.request
    intake = request.intake
    route: Route | None = None
    klasse: str | None = None
    approved = False
    if (
        decision is None
        or not intake.schrijnend
        or decision.central_ref != intake.schrijnend_ref
        or request.requested_on is None
        or not covers(
            decision,
            request.reference,
            request.client.bsn or "",
            request.service,
            request.requested_on,
        )
    ):
        decision = None
    if assessment.complete and request.requested_on is not None:
        facts = case_facts(request, central_outcome=decision.outcome if decision else None)
        route = choose_route(facts, policy)
        klasse, approved = classify(facts, policy)
    return IntakeOutcome(
        complete=assessment.complete,
        service=request.service,
        route=route,
        klasse=klasse,
        klasse_label=policy.class_labels.get(klasse, "") if klasse else "",
        schrijnend=intake.schrijnend,
        schrijnend_ref=intake.schrijnend_ref,
        schrijnend_approved=approved,
        central_decision=decision,
    )


def case_facts(
    request: HerbeoordelingRequest,
    case_ref: str | None = None,
    central_outcome: str | None = None,
) -> CaseFacts:
    """What the triage engine reads of a (complete) request; ``central_outcome`` that of the
    central decision covering it."""
    if request.requested_on is None:
        raise ValueError("a request without a date cannot be placed")
    return CaseFacts(
        case_ref=case_ref or request.reference,
        service=request.service,
        received_on=request.requested_on,
        birth_date=request.client.birth_date,
        requester=request.requester.kind if request.service == "HERBEOORDELING" else None,
        motivated=request.motivated,
        working=request.intake.working,
        schrijnend=request.intake.schrijnend,
        schrijnend_ref=request.intake.schrijnend_ref,
        central_outcome=central_outcome,
    )
