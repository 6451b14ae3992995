"""Central decisions on schrijnende situations: the rules for one decision and for which cases
it covers, and the CSV of the central desk (``import-central``; README "Imports").

The weighing of schrijnende situations is made by a central team, not the local office. A
decision covers one case (``case_ref``), or by BSN alone every HERBEOORDELING and BEZWAAR of
that client received on or before ``decided_on``. A case counts as class B only when it is
marked schrijnend and its ``schrijnend_ref`` is the reference of a ``toegekend`` decision that
covers it (``core.triage.classify``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from mdbtriage.core.caserules import REF_PATTERN
from mdbtriage.core.csvimport import (
    ParsedRow,
    ParseResult,
    RowError,
    decode,
    quote_problem,
    sniff_delimiter,
)
from mdbtriage.core.triage import CENTRAL_OUTCOMES
from mdbtriage.core.validation import (
    ValidationError,
    format_date,
    mask_bsn,
    parse_bsn,
    parse_date,
)

CENTRAL_COLUMNS: Final = ("central_ref", "case_ref", "bsn", "decided_on", "outcome")
# The services whose cases a decision by BSN alone covers.
BSN_SCOPE: Final = frozenset({"HERBEOORDELING", "BEZWAAR"})
FIELD_LABELS: Final[dict[str, str]] = {
    "central_ref": "Centrale referentie",
    "case_ref": "Zaaknummer",
    "bsn": "BSN",
    "decided_on": "Datum beslissing",
    "outcome": "Uitkomst",
}


@dataclass(frozen=True, slots=True)
class CentralDecision:
    """One decision of the central team, as in its letter."""

    central_ref: str
    case_ref: str | None
    bsn: str | None
    decided_on: date
    outcome: str

    def describe(self) -> str:
        """The decision in one Dutch line (for the log, the dossier and the PDF)."""
        return (
            f"centrale toets {self.central_ref} van {format_date(self.decided_on)}: {self.outcome}"
        )


def covers(
    decision: CentralDecision, case_ref: str, bsn: str, service: str, received_on: date
) -> bool:
    """Whether ``decision`` is about this case: it names the case (and, if it names a BSN too,
    that is the client's), or it names only the client, the service is a herbeoordeling or
    bezwaar and the case was received on or before the decision."""
    if decision.bsn is not None and decision.bsn != bsn:
        return False
    if decision.case_ref is not None:
        return decision.case_ref == case_ref
    return service in BSN_SCOPE and received_on <= decision.decided_on


def case_conflict(decision: CentralDecision, case_bsn: str | None) -> tuple[str, str] | None:
    """What a valid decision gets wrong against the store, as (field, reason): it names a case
    and a BSN, and the case (``case_bsn``: its client's BSN, None when the store does not hold
    it) belongs to another client. Such a decision would cover nothing, silently."""
    if decision.case_ref is None or decision.bsn is None or case_bsn is None:
        return None
    if case_bsn == decision.bsn:
        return None
    return (
        "bsn",
        f"zaak {decision.case_ref} hoort bij een andere cliënt (BSN {mask_bsn(case_bsn)}); "
        "controleer zaaknummer en BSN, of laat het BSN leeg",
    )


def check_decision(
    raw: Mapping[str, str], today: date
) -> tuple[CentralDecision | None, list[tuple[str, str]]]:
    """One decision given as text per field; the problems per field in Dutch."""
    problems: list[tuple[str, str]] = []
    central_ref = raw.get("central_ref", "").strip()
    if not central_ref:
        problems.append(("central_ref", "is verplicht"))
    elif not REF_PATTERN.match(central_ref):
        problems.append(
            ("central_ref", "mag alleen letters, cijfers en - _ . / bevatten (max. 40)")
        )
    case_ref = raw.get("case_ref", "").strip() or None
    if case_ref and not REF_PATTERN.match(case_ref):
        problems.append(("case_ref", "mag alleen letters, cijfers en - _ . / bevatten (max. 40)"))
    bsn: str | None = None
    if raw.get("bsn", "").strip():
        try:
            bsn = parse_bsn(raw.get("bsn", ""))
        except ValidationError as error:
            problems.append(("bsn", str(error)))
    elif case_ref is None:
        problems.append(("case_ref", "zaaknummer of BSN is verplicht (beide leeg)"))
    decided_on: date | None = None
    try:
        decided_on = parse_date(raw.get("decided_on", ""))
    except ValidationError as error:
        problems.append(("decided_on", str(error)))
    if decided_on is not None and decided_on > today:
        problems.append(("decided_on", f"ligt in de toekomst (na {format_date(today)})"))
    outcome = raw.get("outcome", "").strip().lower()
    if outcome not in CENTRAL_OUTCOMES:
        problems.append(("outcome", f"kies uit {' of '.join(CENTRAL_OUTCOMES)}"))
    if problems or decided_on is None:
        return None, problems
    return CentralDecision(central_ref, case_ref, bsn, decided_on, outcome), []


def parse_central(data: bytes, today: date) -> ParseResult[CentralDecision]:
    """The decisions of a central desk's CSV file (UTF-8 with or without BOM, ``,`` or ``;``,
    header names in any case, unknown columns refused), every problem with line and column."""
    result: ParseResult[CentralDecision] = ParseResult()
    try:
        text = decode(data)
    except ValidationError as error:
        result.file_errors.append(RowError(1, "", "", str(error)))
        return result
    if not text.strip():
        result.file_errors.append(RowError(1, "", "", "de kopregel ontbreekt: het bestand is leeg"))
        return result
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text.split("\n", 1)[0]))
    try:
        header = [name.strip().lower() for name in next(reader)]
        result.header = header
        for name in header:
            if name not in CENTRAL_COLUMNS or header.count(name) > 1:
                reason = (
                    "kolom komt twee keer voor"
                    if name in CENTRAL_COLUMNS
                    else (f"onbekende kolom; toegestaan: {', '.join(CENTRAL_COLUMNS)}")
                )
                result.file_errors.append(RowError(1, name, name, reason))
        for name in CENTRAL_COLUMNS:
            if name not in header:
                result.file_errors.append(RowError(1, name, "", "verplichte kolom ontbreekt"))
        if result.file_errors:
            return result
        seen: dict[str, int] = {}
        line = reader.line_num
        physical: list[str] | None = None  # the file's lines, read when a record spans several
        for values in reader:
            start, line = line + 1, reader.line_num
            if not "".join(values).strip():
                continue
            errors: list[RowError] = []
            if line > start:  # a quoted field over several lines: most likely a stray quote
                physical = physical or io.StringIO(text).readlines()
                quote = quote_problem(
                    values, header, start, line, "".join(physical[start - 1 : line])
                )
                if quote is not None and quote.unclosed:
                    result.file_errors.append(
                        RowError(start, quote.column, quote.value, quote.reason)
                    )
                    break
                if quote is not None:
                    errors.append(RowError(start, quote.column, quote.value, quote.reason))
                    result.rows.append(ParsedRow(start, {}, None, errors))
                    continue
            if len(values) != len(header):
                errors.append(
                    RowError(
                        start,
                        "",
                        "",
                        f"aantal velden klopt niet: {len(values)}, verwacht {len(header)}",
                    )
                )
                result.rows.append(ParsedRow(start, {}, None, errors))
                continue
            raw = dict(zip(header, values, strict=True))
            decision, problems = check_decision(raw, today)
            errors = [RowError(start, name, raw.get(name, ""), why) for name, why in problems]
            if decision is not None and decision.central_ref in seen:
                errors.append(
                    RowError(
                        start,
                        "central_ref",
                        decision.central_ref,
                        f"staat al op regel {seen[decision.central_ref]}",
                    )
                )
            elif decision is not None:
                seen[decision.central_ref] = start
            result.rows.append(ParsedRow(start, raw, None if errors else decision, errors))
    except csv.Error:
        result.file_errors.append(
            RowError(
                reader.line_num or 1,
                "",
                "",
                "de regel is geen geldige CSV (controleer aanhalingstekens en scheidingstekens)",
            )
        )
    return result
