"""The MDB (multidisciplinaire bespreking): agenda proposal, attendance, decisions, closing,
and what each version of the summary may show.

The rules live here once; the store, the command line and the window call them. Plain Python:
dates are passed in, never read from the clock.

Medical content (kept out of the non-medical summary and out of non-medical eyes): the triage
reasons of a case, the medical considerations of a decision (``medical_remarks``) and the list of
what is missing from the (medical) dossier. Everything else is planning: who leads, which activity
by whom and when, the vast aanspreekpunt, general remarks, whether the dossier was complete. A
general remark that looks medical (:func:`remark_terms`) is warned about while typing and left out
of the non-medical summary. Both summaries show the BSN masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from typing import Final

from mdbtriage.core.forecast import ForecastPage
from mdbtriage.core.medical_terms import assessment_terms
from mdbtriage.core.model import MEDICAL_ROLES, ROLES, Actor, Staff
from mdbtriage.core.taakdelegatie import load_ruleset
from mdbtriage.core.triage import Placement
from mdbtriage.core.validation import format_date, mask_bsn

MEETING_STATUSES: Final[dict[str, str]] = {
    "voorbereiding": "in voorbereiding",
    "gesloten": "gesloten",
}
AGENDA_STATUSES: Final[dict[str, str]] = {
    "bespreken": "bespreken",
    "niet_gereed": "niet gereed",
    "standaardroute": "standaardroute",
}
AGENDA_REASONS: Final[dict[str, str]] = {
    "nieuw": "nieuw sinds de vorige MDB",
    "gewijzigd": "situatie gewijzigd sinds de vorige bespreking",
    "wacht_langst": "wacht het langst in een geprioriteerde klasse",
    "handmatig": "toegevoegd door de voorbereider",
}
SUMMARY_VERSIONS: Final[dict[str, str]] = {
    "medisch": "medische versie",
    "niet-medisch": "niet-medische versie",
}


@cache
def activities() -> dict[str, str]:
    """The activities an MDB can decide on: the tasks of the default taakdelegatie rule set."""
    return {code: task.name for code, task in load_ruleset().tasks.items()}


@cache
def medical_activities() -> frozenset[str]:
    """Activities that are medical decisions: without a VA present the MDB cannot decide them."""
    return frozenset(code for code, task in load_ruleset().tasks.items() if task.medical)


NEW_WINDOW_DAYS: Final = 28
RECENTLY_DISCUSSED_DAYS: Final = 56
LONGEST_WAITING: Final = 8
MAX_AGENDA: Final = 25
LISTED_UNPLANNED: Final = 5
MISSING_MOTIVATION = "medische motivering van de aanvrager"
REMARK_LEFT_OUT: Final = (
    "(opmerking niet opgenomen: mogelijk medische inhoud; zie de medische versie)"
)


class MeetingError(ValueError):
    """An MDB action that a rule refuses; ``str(error)`` lists the Dutch reasons."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class SummaryRefused(MeetingError):
    """A summary version the actor may not see (the medical one for a non-medical role)."""


# --- One chair per MDB ----------------------------------------------------------------------

CHAIR_QUALIFICATION: Final = "REGIEVOERDER"


@dataclass(frozen=True, slots=True)
class Chair:
    """Who runs an MDB's Bespreking, from which workstation and window (``seat``), held until
    ``expires_at`` unless renewed (times in UTC, ISO text)."""

    meeting_id: int
    holder_id: str
    holder_name: str
    workstation: str
    seat: str
    taken_at: str
    renewed_at: str
    expires_at: str

    @property
    def label(self) -> str:
        return f"Voorzitter: {self.holder_name} op {self.workstation}"


class ChairHeld(MeetingError):
    """The MDB is chaired from another seat: this one follows it read-only."""

    def __init__(self, chair: Chair) -> None:
        self.chair = chair
        super().__init__(
            [
                f"MDB {chair.meeting_id} wordt voorgezeten door {chair.holder_name} op "
                f"{chair.workstation}; alleen daar worden de besluiten vastgelegd. U volgt de "
                "bespreking alleen-lezen."
            ]
        )


def chair_takeover_problem(
    person: Staff | None, team: str, regievoerder_id: str | None
) -> str | None:
    """Why ``person`` may not take the chair of an MDB over from whoever holds it; ``None``
    when they may: the regievoerder, i.e. an active VA of the MDB's team qualified
    REGIEVOERDER, or the VA the MDB names as its regievoerder."""
    if person is None:
        return "Alleen de regievoerder (VA) neemt het voorzitterschap over."
    qualified = (
        person.role == "VA" and person.team == team and CHAIR_QUALIFICATION in person.qualifications
    )
    if person.active and (qualified or person.staff_id == regievoerder_id):
        return None
    return (
        "Alleen de regievoerder (VA met de kwalificatie regievoerder MDB, of de regievoerder "
        f"van deze MDB) neemt het voorzitterschap over; {person.name} ({person.role}) mag dat "
        "niet."
    )


def may_see_medical(role: str) -> bool:
    """Whether a role may read and print the medical content of an MDB."""
    return role in MEDICAL_ROLES


def summary_problems(actor: Actor, *, medical: bool) -> list[str]:
    """Why ``actor`` may not have this version of an MDB summary (empty: they may). The medical
    version is for the medical roles only; the non-medical one is for everyone on the team."""
    if medical and not may_see_medical(actor.role):
        allowed = [r for r in ROLES if r in MEDICAL_ROLES]
        roles = ", ".join(allowed[:-1]) + " en " + allowed[-1]
        return [
            f"de medische versie is alleen voor {roles}; {actor.name} is "
            f"{ROLES.get(actor.role, actor.role)} ({actor.role})"
        ]
    return []


def remark_terms(text: str) -> list[str]:
    """The words of a general remark that look medical: such a remark belongs with the medical
    considerations, and is left out of the non-medical summary."""
    return assessment_terms(text)


def remark_warning(text: str) -> str:
    """The warning shown next to the general remarks while typing ("" when none)."""
    words = remark_terms(text)
    if not words:
        return ""
    quoted = ", ".join(f"'{w}'" for w in words)
    return (
        f"Deze opmerking ({quoted}) lijkt medische informatie te bevatten; zet dit bij medische "
        "overwegingen. Opmerkingen komen ook in het niet-medische verslag."
    )


def activity_label(code: str) -> str:
    return activities().get(code, code)


# --- Agenda -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """A case on the agenda, with the triage proposal as it stood when it was put there."""

    case_ref: str
    position: int
    status: str
    reason: str
    missing: str = ""
    klasse: str = ""
    route: str = ""
    proposed_lead: str = ""
    triage_reasons: tuple[str, ...] = ()

    @property
    def discussed(self) -> bool:
        return self.status == "bespreken"


def proposed_item(
    placement: Placement, reasons: Sequence[str], reason: str, position: int
) -> AgendaItem:
    """An agenda item for a placed case: class D is listed only (standaardroute), a request
    without medical motivation is not ready, anything else is to be discussed."""
    status, missing = "bespreken", ""
    if placement.route.code == "ONVOLLEDIG":
        status, missing = "niet_gereed", MISSING_MOTIVATION
    elif placement.flags and "wordt niet opgepakt" in placement.flags:
        status = "standaardroute"
    return AgendaItem(
        case_ref=placement.case_ref,
        position=position,
        status=status,
        reason=reason,
        missing=missing,
        klasse=placement.klasse,
        route=placement.route.code,
        proposed_lead=placement.lead_role,
        triage_reasons=tuple(reasons),
    )


@dataclass(frozen=True, slots=True)
class AgendaProposal:
    placement: Placement
    reason: str


def propose_agenda(
    placements: Sequence[Placement],
    *,
    on: date,
    previous_meeting_on: date | None,
    last_discussed: Mapping[str, date],
    changed: Set[str],
    unplanned_classes: Set[str] = frozenset({"D"}),
    longest: int = LONGEST_WAITING,
    max_items: int = MAX_AGENDA,
) -> list[AgendaProposal]:
    """The proposed agenda of an MDB on ``on``, in triage order, at most ``max_items`` cases.

    - changed: discussed before and changed since that discussion (always proposed);
    - waiting longest: the first ``longest`` cases of the planned classes (queue order) that were
      not discussed in the last eight weeks;
    - new: never discussed and received since the previous MDB (or in the last four weeks), in
      queue order while there is room; up to five new cases of the unplanned classes are listed
      too (standaardroute, or niet gereed when the medical motivation is missing).
    """
    since = previous_meeting_on or (on - timedelta(days=NEW_WINDOW_DAYS))
    recent = on - timedelta(days=RECENTLY_DISCUSSED_DAYS)
    chosen: dict[str, AgendaProposal] = {}
    new: list[Placement] = []
    waiting_taken = 0
    for p in placements:
        ref = p.case_ref
        discussed_on = last_discussed.get(ref)
        if discussed_on is not None and ref in changed:
            chosen[ref] = AgendaProposal(p, "gewijzigd")
        elif (
            waiting_taken < longest
            and p.klasse not in unplanned_classes
            and p.facts.received_on <= since
            and (discussed_on is None or discussed_on < recent)
        ):
            chosen[ref] = AgendaProposal(p, "wacht_langst")
            waiting_taken += 1
        elif discussed_on is None and since < p.facts.received_on <= on:
            new.append(p)
    unplanned = [p for p in new if p.klasse in unplanned_classes][:LISTED_UNPLANNED]
    room = max_items - len(unplanned)
    for p in new:
        if p.klasse in unplanned_classes:
            continue
        if len(chosen) >= room:
            break
        chosen[p.case_ref] = AgendaProposal(p, "nieuw")
    for p in unplanned:
        chosen[p.case_ref] = AgendaProposal(p, "nieuw")
    return sorted(chosen.values(), key=lambda a: a.placement.position)


def renumber(items: Iterable[AgendaItem]) -> list[AgendaItem]:
    """The items with positions 1..n in their current order."""
    return [replace(item, position=i) for i, item in enumerate(items, start=1)]


def move(items: Sequence[AgendaItem], case_ref: str, offset: int) -> list[AgendaItem]:
    """The agenda with one case moved ``offset`` places (clamped at the ends)."""
    order = list(items)
    index = next(i for i, item in enumerate(order) if item.case_ref == case_ref)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    return renumber(order)


def agenda_problems(status: str, missing: str) -> list[str]:
    problems = []
    if status not in AGENDA_STATUSES:
        problems.append(f"status '{status}' bestaat niet (kies uit {', '.join(AGENDA_STATUSES)})")
    if status == "niet_gereed" and not missing.strip():
        problems.append("niet gereed: vul in wat er in het dossier ontbreekt")
    return problems


# --- Attendance ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attendee:
    staff_id: str
    name: str
    role: str
    present: bool


def needed_roles(items: Sequence[AgendaItem]) -> dict[str, list[str]]:
    """Role -> the cases to be discussed that need it: a VA for every discussed case (medical
    responsibility), and the proposed lead role of each."""
    needed: dict[str, list[str]] = {}
    for item in items:
        if not item.discussed:
            continue
        needed.setdefault("VA", []).append(item.case_ref)
        if item.proposed_lead and item.proposed_lead != "VA":
            needed.setdefault(item.proposed_lead, []).append(item.case_ref)
    return needed


def _cases_text(refs: Sequence[str]) -> str:
    shown = ", ".join(refs[:3])
    more = f" en {len(refs) - 3} meer" if len(refs) > 3 else ""
    return f"{len(refs)} {'zaak' if len(refs) == 1 else 'zaken'} ({shown}{more})"


def attendance_warnings(
    items: Sequence[AgendaItem], attendees: Sequence[Attendee], regievoerder_id: str | None
) -> list[str]:
    """Warnings for roles the agenda needs that nobody present has."""
    present_roles = {a.role for a in attendees if a.present}
    warnings: list[str] = []
    needed = needed_roles(items)
    if "VA" in needed and "VA" not in present_roles:
        warnings.append(
            "Geen verzekeringsarts (VA) aanwezig: er kunnen geen medische besluiten worden "
            f"genomen voor {_cases_text(needed['VA'])}."
        )
    if regievoerder_id is None:
        warnings.append("Er is geen regievoerder (VA) aangewezen voor deze MDB.")
    else:
        regie = next((a for a in attendees if a.staff_id == regievoerder_id), None)
        if regie is None or not regie.present:
            warnings.append(
                "De regievoerder is niet aanwezig: de besluiten kunnen niet worden bevestigd."
            )
    for role in sorted(needed):
        if role != "VA" and role not in present_roles:
            warnings.append(
                f"Geen {ROLES.get(role, role)} ({role}) aanwezig, nodig voor "
                f"{_cases_text(needed[role])}."
            )
    return warnings


# --- Decisions ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Activity:
    """A next activity decided in the MDB; ``delegated_by`` is the VA under whose delegation a
    non-VA does a delegated task."""

    task: str
    assignee_id: str
    due_on: date
    delegated_by: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    case_ref: str
    lead_role: str | None = None
    lead_staff_id: str | None = None
    contact_staff_id: str | None = None
    activities: tuple[Activity, ...] = ()
    remarks: str = ""
    medical_remarks: str = ""
    dossier_complete: bool | None = None


def decision_problems(
    decision: Decision, *, meeting_on: date, staff: Mapping[str, Staff], va_present: bool
) -> list[str]:
    """What makes a (possibly unfinished) decision impossible to record; each names the field."""
    problems: list[str] = []
    if decision.lead_role is not None and decision.lead_role not in ROLES:
        problems.append(f"Aan kop: rol '{decision.lead_role}' bestaat niet")
    for label, staff_id in (
        ("Aan kop", decision.lead_staff_id),
        ("Vast aanspreekpunt", decision.contact_staff_id),
    ):
        if staff_id is None:
            continue
        member = staff.get(staff_id)
        if member is None:
            problems.append(f"{label}: medewerker '{staff_id}' hoort niet bij dit team")
        elif not member.active:
            problems.append(f"{label}: {member.name} is niet actief")
    lead = staff.get(decision.lead_staff_id or "")
    if lead is not None and decision.lead_role and lead.role != decision.lead_role:
        problems.append(f"Aan kop: {lead.name} is {lead.role}, niet {decision.lead_role}")
    for n, activity in enumerate(decision.activities, start=1):
        where = f"Activiteit {n} ({activity_label(activity.task)})"
        if activity.task not in activities():
            problems.append(f"Activiteit {n}: '{activity.task}' is geen bekende activiteit")
        if activity.assignee_id not in staff:
            problems.append(f"{where}: medewerker '{activity.assignee_id}' hoort niet bij dit team")
        if activity.due_on < meeting_on:
            problems.append(
                f"{where}: uiterste datum {format_date(activity.due_on)} ligt vóór de MDB "
                f"({format_date(meeting_on)})"
            )
        if activity.task in medical_activities() and not va_present:
            problems.append(
                f"{where}: geen verzekeringsarts aanwezig, dus geen medisch besluit mogelijk"
            )
    if decision.medical_remarks.strip() and not va_present:
        problems.append(
            "Medische overwegingen: geen verzekeringsarts aanwezig, dus geen medisch besluit"
        )
    return problems


def completeness_problems(decision: Decision | None, case_ref: str) -> list[str]:
    """What a discussed case still lacks before the MDB can be closed."""
    if decision is None:
        return [f"{case_ref}: nog geen besluit"]
    missing = []
    if not decision.lead_role:
        missing.append("wie aan kop gaat")
    if not decision.contact_staff_id:
        missing.append("het vaste aanspreekpunt")
    if not decision.activities:
        missing.append("een vervolgactiviteit")
    if decision.dossier_complete is None:
        missing.append("of het dossier compleet was")
    return [f"{case_ref}: besluit mist {', '.join(missing)}"] if missing else []


def closing_problems(
    *,
    status: str,
    closer_id: str,
    closer_role: str,
    regievoerder_id: str | None,
    attendees: Sequence[Attendee],
    items: Sequence[AgendaItem],
    decisions: Mapping[str, Decision],
) -> list[str]:
    """Why the MDB cannot be closed by this person now (empty: it can)."""
    if status == "gesloten":
        return ["Deze MDB is al gesloten."]
    problems: list[str] = []
    if regievoerder_id is None:
        problems.append("Er is geen regievoerder aangewezen.")
    elif closer_id != regievoerder_id or closer_role != "VA":
        problems.append(
            "Alleen de regievoerder (VA) van deze MDB bevestigt de besluiten en sluit de MDB."
        )
    present = {a.staff_id for a in attendees if a.present}
    if regievoerder_id is not None and regievoerder_id not in present:
        problems.append("De regievoerder staat niet als aanwezig geregistreerd.")
    for item in items:
        if item.discussed:
            problems.extend(completeness_problems(decisions.get(item.case_ref), item.case_ref))
    return problems


# --- Summary ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SummaryActivity:
    task: str
    assignee: str
    assignee_role: str
    due_on: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class SummaryCase:
    case_ref: str
    client_name: str
    bsn: str
    service: str
    status: str
    reason: str
    klasse: str
    route: str  # the route's name in the policy's words
    proposed_lead: str
    triage_reasons: tuple[str, ...] = ()
    missing: str = ""
    lead_role: str = ""
    lead_name: str = ""
    contact_name: str = ""
    activities: tuple[SummaryActivity, ...] = ()
    remarks: str = ""
    medical_remarks: str = ""
    dossier_complete: bool | None = None


@dataclass(frozen=True, slots=True)
class MeetingSummary:
    """Everything a summary PDF shows, as plain data; ``medical`` says which version it is."""

    meeting_id: int
    team_id: str
    team_name: str
    held_on: date
    status: str
    regievoerder: str
    attendees: tuple[Attendee, ...]
    cases: tuple[SummaryCase, ...]
    printed_on: date
    closed_by: str = ""
    medical: bool = True
    warnings: tuple[str, ...] = field(default_factory=tuple)
    forecast: ForecastPage | None = None
    # The access log's chain head when the summary was made: an anchor for 'check --anchor'.
    chain_head: str = ""


def non_medical(summary: MeetingSummary) -> MeetingSummary:
    """The summary without medical content: no triage reasons, no medical considerations, no list
    of missing dossier items, general remarks that look medical replaced by a note, and the BSN
    masked."""
    cases = tuple(
        replace(
            c,
            bsn=mask_bsn(c.bsn),
            triage_reasons=(),
            medical_remarks="",
            missing="dossier onvolledig" if c.missing else "",
            remarks=REMARK_LEFT_OUT if remark_terms(c.remarks) else c.remarks,
        )
        for c in summary.cases
    )
    return replace(summary, cases=cases, medical=False)
