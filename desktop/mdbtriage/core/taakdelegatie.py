"""Taakdelegatie: who may do which task, under whose delegation, and the life of a task.

The rule set (``resources/rulesets/*.toml``) says per task, role, service and qualification
whether someone may do a task ``zelfstandig``, ``gedelegeerd`` (under delegation of a named VA,
whose accordering the result then needs) or not at all (``nee``). A VA records individual
delegations inside those limits: to a named person of the same team, from a date, optionally to
an end date, revocable, for some tasks and optionally some services. :func:`decide` is the one
place where an assignment is judged; the GUI and the CLI both call it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Final

from mdbtriage.core.model import BIG_ROLES, ROLES, SERVICES, Staff
from mdbtriage.core.resources import list_toml, load_toml
from mdbtriage.core.validation import format_date

DEFAULT_RULESET: Final = "uniform-2026"
PERMISSIONS: Final[dict[str, str]] = {
    "zelfstandig": "zelfstandig",
    "gedelegeerd": "onder delegatie van een verzekeringsarts",
    "nee": "niet toegestaan",
}
TASK_STATUSES: Final[dict[str, str]] = {
    "open": "open",
    "done": "gereed",
    "te_accorderen": "te accorderen",
    "geaccordeerd": "geaccordeerd",
    "afgewezen": "afgewezen",
}
# Statuses in which a task still asks something of someone.
ACTIVE_STATUSES: Final = frozenset({"open", "te_accorderen"})


class RuleSetError(ValueError):
    """A rule set that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True, slots=True)
class TaskDef:
    code: str
    name: str
    medical: bool = False
    routine: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """One entry: for ``task`` done by one of ``roles`` in ``services`` (empty: any) by someone with
    all ``qualifications``, the permission is ``permission``."""

    number: int
    task: str
    roles: frozenset[str]
    services: frozenset[str]
    qualifications: frozenset[str]
    permission: str
    note: str
    source: str

    def matches(self, task: str, role: str, service: str, qualifications: Iterable[str]) -> bool:
        return (
            self.task == task
            and role in self.roles
            and (not self.services or service in self.services)
            and self.qualifications <= frozenset(qualifications)
        )

    def label(self, ruleset_id: str | None = None) -> str:
        """The rule as a person can look it up: ``regelset uniform-2026, regel 8 (SPREEKUUR,
        SMV: ...)``; a rule inherited through ``based_on`` names both rule sets."""
        parts = [self.task, "/".join(sorted(self.roles))]
        if self.services:
            parts.append("diensten " + "/".join(sorted(self.services)))
        if self.qualifications:
            parts.append("kwalificatie " + "/".join(sorted(self.qualifications)))
        where = f"regelset {ruleset_id or self.source}, regel {self.number}"
        if ruleset_id and ruleset_id != self.source:
            where += f" van {self.source}"
        return f"{where} ({', '.join(parts)}: {self.permission})"


@dataclass(frozen=True, slots=True)
class RuleSet:
    ruleset_id: str
    name: str
    version: int
    tasks: dict[str, TaskDef]
    rules: tuple[Rule, ...]

    def rule_for(
        self, task: str, role: str, service: str, qualifications: Iterable[str] = ()
    ) -> Rule | None:
        """The first rule that matches; ``None`` means no rule allows it."""
        quals = tuple(qualifications)
        for rule in self.rules:
            if rule.matches(task, role, service, quals):
                return rule
        return None

    def permission(
        self, task: str, role: str, service: str, qualifications: Iterable[str] = ()
    ) -> str:
        rule = self.rule_for(task, role, service, qualifications)
        return rule.permission if rule else "nee"

    def task_name(self, code: str) -> str:
        task = self.tasks.get(code)
        return task.name if task else code


def available_rulesets() -> list[str]:
    return list_toml("rulesets")


def _strings(value: Any, where: str, allowed: Iterable[str] | None = None) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleSetError(f"{where}: verwacht een lijst met codes")
    found = frozenset(value)
    if allowed is not None:
        unknown = sorted(found - set(allowed))
        if unknown:
            raise RuleSetError(f"{where}: onbekende code(s) {', '.join(unknown)}")
    return found


def _raw_rules(
    ruleset_id: str, seen: tuple[str, ...]
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    known = available_rulesets()
    if ruleset_id not in known:
        raise RuleSetError(
            f"regelset '{ruleset_id}' bestaat niet (beschikbaar: {', '.join(known)})"
        )
    if ruleset_id in seen:
        raise RuleSetError(f"regelset '{ruleset_id}' verwijst naar zichzelf via based_on")
    data = load_toml("rulesets", f"{ruleset_id}.toml")
    own = [(ruleset_id, r) for r in data.get("rules", [])]
    base = data.get("based_on")
    if not base:
        return data, own
    base_data, base_rules = _raw_rules(str(base), (*seen, ruleset_id))
    merged = dict(base_data)
    merged.update({k: v for k, v in data.items() if k != "rules"})
    merged["tasks"] = {**base_data.get("tasks", {}), **data.get("tasks", {})}
    return merged, own + base_rules


@cache
def load_ruleset(ruleset_id: str = DEFAULT_RULESET) -> RuleSet:
    """Load and check a rule set from the shipped resources: once per id (as
    ``policy.load_policy``; the rule set is shared, never changed)."""
    data, raw_rules = _raw_rules(ruleset_id, ())
    where = f"regelset {ruleset_id}"
    tasks: dict[str, TaskDef] = {}
    for code, spec in data.get("tasks", {}).items():
        if not isinstance(spec, dict) or not spec.get("name"):
            raise RuleSetError(f"{where}: taak {code} heeft geen naam")
        tasks[code] = TaskDef(
            code=code,
            name=str(spec["name"]),
            medical=bool(spec.get("medical", False)),
            routine=bool(spec.get("routine", False)),
        )
    if not tasks:
        raise RuleSetError(f"{where}: er zijn geen taken gedefinieerd")
    rules: list[Rule] = []
    numbers: dict[str, int] = {}
    for source, spec in raw_rules:
        numbers[source] = numbers.get(source, 0) + 1
        at = f"{where}, {source} regel {numbers[source]}"
        task = spec.get("task")
        if task not in tasks:
            raise RuleSetError(f"{at}: onbekende taak '{task}'")
        permission = spec.get("permission")
        if permission not in PERMISSIONS:
            raise RuleSetError(
                f"{at}: permissie '{permission}' moet zelfstandig, gedelegeerd of nee zijn"
            )
        roles = _strings(spec.get("roles"), f"{at}, roles", ROLES)
        if not roles:
            raise RuleSetError(f"{at}: geen rollen opgegeven")
        rules.append(
            Rule(
                number=numbers[source],
                task=str(task),
                roles=roles,
                services=_strings(spec.get("services"), f"{at}, services", SERVICES),
                qualifications=_strings(spec.get("qualifications"), f"{at}, qualifications"),
                permission=str(permission),
                note=str(spec.get("note", "")),
                source=source,
            )
        )
    return RuleSet(
        ruleset_id=ruleset_id,
        name=str(data.get("name", ruleset_id)),
        version=int(data.get("version", 1)),
        tasks=tasks,
        rules=tuple(rules),
    )


@dataclass(frozen=True, slots=True)
class Adoption:
    """A team works under ``ruleset_id`` from ``valid_from`` (until a later adoption)."""

    team: str
    ruleset_id: str
    valid_from: date


def ruleset_on(adoptions: Iterable[Adoption], team: str, on: date) -> str:
    """The rule set a team works under on a date: its latest adoption that has begun, else the
    default ``uniform-2026``."""
    current: Adoption | None = None
    for adoption in adoptions:
        if adoption.team != team or adoption.valid_from > on:
            continue
        if current is None or adoption.valid_from >= current.valid_from:
            current = adoption
    return current.ruleset_id if current else DEFAULT_RULESET


@dataclass(frozen=True, slots=True)
class Delegation:
    """An individual agreement of a VA with one named team member."""

    delegation_id: int
    va_id: str
    delegate_id: str
    team: str
    tasks: frozenset[str]
    services: frozenset[str] = frozenset()
    valid_from: date = date.min
    valid_to: date | None = None
    revoked_on: date | None = None
    review_percentage: int = 100
    note: str = ""

    def in_force(self, on: date) -> bool:
        if on < self.valid_from:
            return False
        if self.valid_to is not None and on > self.valid_to:
            return False
        return self.revoked_on is None or on < self.revoked_on

    def covers(self, task: str, service: str) -> bool:
        return task in self.tasks and (not self.services or service in self.services)

    def state(self, on: date) -> str:
        """Dutch word for the state on a date: actief, ingetrokken, verlopen, toekomstig."""
        if self.revoked_on is not None and on >= self.revoked_on:
            return "ingetrokken"
        if on < self.valid_from:
            return "toekomstig"
        if self.valid_to is not None and on > self.valid_to:
            return "verlopen"
        return "actief"


@dataclass(frozen=True, slots=True)
class Judgement:
    """The judgement on one assignment.

    ``permission`` is what the rule set says for the assignee's role, service and
    qualifications; ``allowed`` whether this assignment may go ahead now (a ``gedelegeerd``
    permission also needs a valid delegation of a VA of the same team). ``reason`` is a Dutch
    sentence naming the rule and, when refused, the condition that failed.
    """

    task: str
    service: str
    assignee_id: str
    permission: str
    allowed: bool
    reason: str
    ruleset_id: str
    rule: Rule | None = None
    delegating_va_id: str | None = None
    delegation_id: int | None = None
    needs_sign_off: bool = False
    summary: str = ""


def _who(staff: Staff) -> str:
    return f"{staff.name} ({staff.staff_id}, {ROLES.get(staff.role, staff.role)})"


def _va_problem(va: Staff, assignee: Staff) -> tuple[str, str] | None:
    """Why ``va`` cannot delegate to ``assignee``, as (sentence, short condition); ``None``
    when it can."""
    if va.role != "VA":
        return (
            f"{_who(va)} is geen verzekeringsarts en kan niet delegeren",
            f"{va.staff_id} is geen verzekeringsarts",
        )
    if not va.big_number:
        return (
            f"verzekeringsarts {_who(va)} heeft geen BIG-registratie en kan niet delegeren",
            f"{va.staff_id} heeft geen BIG-registratie",
        )
    if not va.active:
        return (
            f"verzekeringsarts {_who(va)} is niet actief en kan niet delegeren",
            f"{va.staff_id} is niet actief",
        )
    if va.team != assignee.team:
        return (
            f"verzekeringsarts {_who(va)} werkt in team {va.team}, niet in team {assignee.team} "
            f"van {assignee.name}; delegatie kan alleen binnen hetzelfde team",
            f"{va.staff_id} werkt in een ander team ({va.team})",
        )
    if va.staff_id == assignee.staff_id:
        return (
            "een verzekeringsarts delegeert niet aan zichzelf",
            "delegeert niet aan zichzelf",
        )
    return None


def _lapsed(pool: Iterable[Delegation], task: str, service: str, on: date) -> str:
    """The delegations that would cover the task but are not in force on ``on``, as a clause
    (``" (delegatie 3 van V1 is ingetrokken)"``); empty when there are none."""
    found = [
        f"delegatie {d.delegation_id} van {d.va_id} is {d.state(on)}"
        for d in sorted(pool, key=lambda d: d.delegation_id)
        if d.covers(task, service) and not d.in_force(on)
    ]
    return f" ({'; '.join(found)})" if found else ""


ACTING_ACTIONS: Final[dict[str, str]] = {
    "toewijzen": "een taak wordt altijd vandaag toegewezen",
    "inleveren": "een resultaat wordt altijd vandaag ingeleverd",
    "accorderen": "een resultaat wordt altijd vandaag geaccordeerd",
    "afwijzen": "een resultaat wordt altijd vandaag afgewezen",
}


def acting_day_problem(on: date, today: date, action: str = "toewijzen") -> str | None:
    """Why ``action`` (assigning, handing in, signing off, rejecting) may not be dated ``on``;
    ``None`` when ``on`` is ``today``. These act today: an earlier date would judge the task
    by delegations as they stood then (reaching back past a revocation), a later one by
    delegations not yet in force."""
    if on == today:
        return None
    when = "in het verleden" if on < today else "in de toekomst"
    return (
        f"{format_date(on)} ligt {when}: {ACTING_ACTIONS[action]} ({format_date(today)}), "
        "zodat niets terugreikt tot vóór een intrekking van een "
        "delegatie of vooruitloopt op een delegatie"
    )


def delegation_start_problem(valid_from: date, today: date) -> str | None:
    """Why a delegation may not start on ``valid_from``; ``None`` from ``today`` on. A
    delegation never starts in the past: no task can be given under it before it was agreed."""
    if valid_from >= today:
        return None
    return (
        f"de begindatum {format_date(valid_from)} ligt voor vandaag ({format_date(today)}); "
        "een delegatie begint vandaag of later"
    )


def decide(
    task: str,
    service: str,
    assignee: Staff,
    delegating_va: Staff | None,
    ruleset: RuleSet,
    delegations: Iterable[Delegation],
    on: date,
    *,
    staff: Mapping[str, Staff] | None = None,
    today: date | None = None,
) -> Judgement:
    """May ``assignee`` do ``task`` on a case of ``service`` on date ``on``?

    For a ``gedelegeerd`` task without ``delegating_va``, the one VA with a delegation that
    covers it is taken (looked up in ``staff``, and still a BIG-registered VA active in the
    assignee's team); when several VAs have one, the VA must be named. With ``today`` (an
    assignment, not a question about a date) ``on`` must be today (:func:`acting_day_problem`).
    """
    if task not in ruleset.tasks:
        raise RuleSetError(
            f"taak '{task}' bestaat niet in regelset {ruleset.ruleset_id} "
            f"(bekend: {', '.join(ruleset.tasks)})"
        )
    if service not in SERVICES:
        raise RuleSetError(f"dienst '{service}' is onbekend")
    task_text = f"'{ruleset.task_name(task)}' ({task})"
    service_text = f"{SERVICES[service]} ({service})"
    rule = ruleset.rule_for(task, assignee.role, service, assignee.qualifications)
    permission = rule.permission if rule else "nee"

    def result(allowed: bool, reason: str, summary: str, **kw: Any) -> Judgement:
        return Judgement(
            summary=summary,
            task=task,
            service=service,
            assignee_id=assignee.staff_id,
            permission=permission,
            allowed=allowed,
            reason=reason,
            ruleset_id=ruleset.ruleset_id,
            rule=rule,
            **kw,
        )

    if today is not None:
        day_problem = acting_day_problem(on, today)
        if day_problem:
            return result(False, f"Niet toegestaan: {day_problem}.", "niet vandaag")
    if not assignee.active:
        return result(
            False, f"{_who(assignee)} is niet actief en kan geen taken krijgen.", "niet actief"
        )
    if rule is None or rule.permission == "nee":
        source = (
            f"volgens {rule.label(ruleset.ruleset_id)}"
            if rule
            else f"volgens regelset {ruleset.ruleset_id}"
        )
        why = f": {rule.note}" if rule and rule.note else ""
        none = "" if rule else " (geen regel staat het toe)"
        role_name = ROLES.get(assignee.role, assignee.role)
        if rule is None:
            short = f"geen regel in {ruleset.ruleset_id} staat het een {role_name} toe"
        else:
            where = f"regel {rule.number} van {rule.source}"
            short = (
                f"{rule.note} ({where})" if rule.note else f"niet voor een {role_name} ({where})"
            )
        return result(
            False,
            f"Niet toegestaan {source}{none}: {_who(assignee)} mag taak {task_text} niet "
            f"uitvoeren bij {service_text}{why}.",
            short,
        )
    if rule.permission == "zelfstandig":
        return result(
            True,
            f"Toegestaan volgens {rule.label(ruleset.ruleset_id)}: {_who(assignee)} voert taak {task_text} "
            f"zelfstandig uit bij {service_text}"
            + (f" ({rule.note})" if rule.note else "")
            + "; accordering is niet nodig.",
            "zelfstandig" + (f": {rule.note}" if rule.note else ""),
        )
    # gedelegeerd: a VA of the same team, and a delegation of that VA in force on the date.
    if ruleset.tasks[task].medical and assignee.role in BIG_ROLES and not assignee.big_number:
        return result(
            False,
            f"Niet toegestaan: {_who(assignee)} heeft geen BIG-nummer en krijgt geen "
            f"gedelegeerde medische taak ({task_text}).",
            "geen BIG-nummer: geen gedelegeerde medische taak",
        )
    pool = [d for d in delegations if d.delegate_id == assignee.staff_id]
    if delegating_va is not None:
        problem = _va_problem(delegating_va, assignee)
        if problem:
            return result(False, f"Niet toegestaan: {problem[0]}.", problem[1])
        pool = [d for d in pool if d.va_id == delegating_va.staff_id]
    fitting = [d for d in pool if d.in_force(on) and d.covers(task, service)]
    if delegating_va is None:
        lookup = staff or {}
        fitting = [
            d
            for d in fitting
            if d.va_id in lookup and _va_problem(lookup[d.va_id], assignee) is None
        ]
    needed = (
        f"volgens {rule.label(ruleset.ruleset_id)} mag {_who(assignee)} taak {task_text} bij {service_text} "
        "alleen onder delegatie van een verzekeringsarts uitvoeren"
    )
    if not fitting:
        day = format_date(on)
        if delegating_va is not None:
            missing = (
                f"verzekeringsarts {delegating_va.name} ({delegating_va.staff_id}) heeft deze "
                f"taak niet aan {assignee.name} gedelegeerd: geen geldige delegatie op {day}"
            )
            short = f"geen geldige delegatie van {delegating_va.staff_id} op {day}"
        else:
            missing = (
                f"geen verzekeringsarts van het team heeft deze taak aan {assignee.name} "
                f"gedelegeerd: geen geldige delegatie op {day}"
            )
            short = f"geen geldige delegatie van een verzekeringsarts op {day}"
        lapsed = _lapsed(pool, task, service, on)
        short += lapsed
        return result(
            False,
            f"Niet toegestaan: {needed}; {missing}{lapsed}. Een verzekeringsarts is nooit "
            "verplicht te delegeren.",
            short,
        )
    vas = sorted({d.va_id for d in fitting})
    if delegating_va is None and len(vas) > 1:
        return result(
            False,
            f"Niet toegestaan zonder keuze: {needed}; meerdere verzekeringsartsen hebben deze "
            f"taak gedelegeerd ({', '.join(vas)}); noem de delegerende verzekeringsarts.",
            f"kies de delegerende arts ({', '.join(vas)})",
        )
    chosen = min(fitting, key=lambda d: d.delegation_id)
    return result(
        True,
        f"Toegestaan onder delegatie: {needed}; delegatie {chosen.delegation_id} van "
        f"verzekeringsarts {chosen.va_id} is geldig op {format_date(on)}. Het resultaat wacht "
        "op accordering door deze verzekeringsarts.",
        f"delegatie {chosen.delegation_id} van {chosen.va_id}; accordering nodig",
        delegating_va_id=chosen.va_id,
        delegation_id=chosen.delegation_id,
        needs_sign_off=True,
    )


def delegation_problems(
    va: Staff,
    delegate: Staff,
    tasks: Iterable[str],
    services: Iterable[str],
    ruleset: RuleSet,
    valid_from: date,
    valid_to: date | None,
    review_percentage: int = 100,
    *,
    today: date | None = None,
) -> list[str]:
    """Every reason why this individual delegation may not be recorded (empty: it may).

    A delegation is narrower than the rule set, never wider: each task must be one the
    delegate's role may do ``gedelegeerd`` in at least one of the chosen services (any service
    when none are chosen). With ``today`` it starts today or later
    (:func:`delegation_start_problem`).
    """
    problems: list[str] = []
    if today is not None:
        start_problem = delegation_start_problem(valid_from, today)
        if start_problem:
            problems.append(start_problem[0].upper() + start_problem[1:])
    va_problem = _va_problem(va, delegate)
    if va_problem:
        problems.append(va_problem[0][0].upper() + va_problem[0][1:])
    if not delegate.active:
        problems.append(f"{_who(delegate)} is niet actief")
    task_list = sorted(set(tasks))
    service_list = sorted(set(services))
    if not task_list:
        problems.append("geen taken opgegeven: noem minstens één taak")
    unknown_services = [s for s in service_list if s not in SERVICES]
    if unknown_services:
        problems.append(f"onbekende dienst(en): {', '.join(unknown_services)}")
    if valid_to is not None and valid_to < valid_from:
        problems.append(
            f"einddatum {valid_to.isoformat()} ligt voor de begindatum {valid_from.isoformat()}"
        )
    if not 0 <= review_percentage <= 100:
        problems.append(f"beoordelingspercentage {review_percentage} moet tussen 0 en 100 liggen")
    scope = [s for s in service_list if s in SERVICES] or list(SERVICES)
    for task in task_list:
        if task not in ruleset.tasks:
            problems.append(f"taak '{task}' bestaat niet in regelset {ruleset.ruleset_id}")
            continue
        perms = {
            s: ruleset.permission(task, delegate.role, s, delegate.qualifications) for s in scope
        }
        if ruleset.tasks[task].medical and delegate.role in BIG_ROLES and not delegate.big_number:
            problems.append(
                f"{_who(delegate)} heeft geen BIG-nummer en krijgt geen gedelegeerde medische "
                f"taak ({task})"
            )
            continue
        if not any(p == "gedelegeerd" for p in perms.values()):
            kinds = sorted(set(perms.values()))
            problems.append(
                f"taak {task} mag volgens regelset {ruleset.ruleset_id} niet gedelegeerd worden "
                f"aan een {ROLES.get(delegate.role, delegate.role)} in "
                f"{'/'.join(service_list) if service_list else 'enige dienst'} "
                f"(regelset zegt: {', '.join(kinds)}); een delegatie mag nooit ruimer zijn dan "
                "de regelset"
            )
            continue
        if service_list:
            wider = [s for s, p in perms.items() if p == "nee"]
            if wider:
                problems.append(
                    f"taak {task} mag volgens regelset {ruleset.ruleset_id} niet door een "
                    f"{ROLES.get(delegate.role, delegate.role)} in {', '.join(wider)}; "
                    "een delegatie mag nooit ruimer zijn dan de regelset"
                )
    return problems


def in_sample(task_id: int, delegation_id: int, percentage: int) -> bool:
    """Whether a delegated result falls in the VA's review sample (deterministic per task)."""
    if percentage >= 100:
        return True
    if percentage <= 0:
        return False
    digest = hashlib.sha256(f"{delegation_id}:{task_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percentage


@dataclass(frozen=True, slots=True)
class TaskInfo:
    """The facts of a task that the life-cycle rules look at."""

    task_id: int
    task: str
    assignee_id: str
    delegating_va_id: str | None
    status: str
    permission: str


def submit_problem(task: TaskInfo, by: Staff) -> str | None:
    """Why ``by`` cannot hand in the result of ``task``; ``None`` when they can."""
    if by.staff_id != task.assignee_id:
        return (
            f"Taak {task.task_id} is toegewezen aan {task.assignee_id}; alleen die medewerker "
            f"levert het resultaat in, niet {by.staff_id}."
        )
    if task.status != "open":
        return (
            f"Taak {task.task_id} staat op '{TASK_STATUSES[task.status]}' en kan niet opnieuw "
            "worden ingeleverd."
        )
    return None


def sign_off_problem(task: TaskInfo, by: Staff, action: str = "accorderen") -> str | None:
    """Why ``by`` cannot accord (sign off) ``task``; ``None`` when they can.

    Only the delegating VA accords a delegated task, and only once its result has been handed
    in (status ``te_accorderen``): an open task has no result to accord. ``action`` is
    ``accorderen`` or ``afwijzen``; rejecting follows the same rule.
    """
    done = {"accorderen": "geaccordeerd", "afwijzen": "afgewezen"}[action]
    if task.permission != "gedelegeerd" or task.delegating_va_id is None:
        return f"Taak {task.task_id} is zelfstandig uitgevoerd en heeft geen accordering nodig."
    if by.staff_id != task.delegating_va_id:
        return (
            f"Alleen de delegerende verzekeringsarts {task.delegating_va_id} mag taak "
            f"{task.task_id} {action}; {by.name} ({by.staff_id}) mag dat niet."
        )
    if not by.active:
        return f"{by.name} ({by.staff_id}) is niet actief en kan niet {action}."
    if task.status == "open":
        return (
            f"Taak {task.task_id} staat op 'open': er is nog geen resultaat ingeleverd, dus er "
            f"valt niets te {action}. Uitvoerder {task.assignee_id}: lever eerst het resultaat "
            f"in met 'mdb-triage complete {task.task_id} --by {task.assignee_id} --result …' "
            "(of in de toepassing via Mijn taken)."
        )
    if task.status != "te_accorderen":
        return (
            f"Taak {task.task_id} staat op '{TASK_STATUSES.get(task.status, task.status)}' en "
            f"kan niet meer worden {done}."
        )
    return None


@dataclass(frozen=True, slots=True)
class ReviewStats:
    """Per delegate: delegated results handed in, reviewed by the VA, changed, rejected."""

    delegate_id: str
    submitted: int = 0
    reviewed: int = 0
    changed: int = 0
    rejected: int = 0
    not_sampled: int = 0
    waiting: int = 0

    @property
    def changed_share(self) -> float:
        return self.changed / self.reviewed if self.reviewed else 0.0


@dataclass(frozen=True, slots=True)
class SignedResult:
    """What the review statistics need of one delegated task."""

    delegate_id: str
    status: str
    reviewed: bool | None
    changed: bool


def review_stats(results: Sequence[SignedResult]) -> list[ReviewStats]:
    """Statistics per delegate, sorted by delegate id."""
    acc: dict[str, dict[str, int]] = {}
    for r in results:
        row = acc.setdefault(r.delegate_id, {k: 0 for k in _STAT_KEYS})
        if r.status == "open":
            continue
        row["submitted"] += 1
        if r.status == "te_accorderen":
            row["waiting"] += 1
        elif r.status == "afgewezen":
            row["reviewed"] += 1
            row["rejected"] += 1
        elif r.status == "geaccordeerd":
            if r.reviewed is False:
                row["not_sampled"] += 1
            else:
                row["reviewed"] += 1
                row["changed"] += int(r.changed)
    return [ReviewStats(delegate_id=k, **v) for k, v in sorted(acc.items())]


_STAT_KEYS = ("submitted", "reviewed", "changed", "rejected", "not_sampled", "waiting")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A team member with the decision for one task: for the assignment dialog."""

    staff: Staff
    decision: Judgement = field(compare=False)


def candidates(
    task: str,
    service: str,
    team_staff: Iterable[Staff],
    delegating_va: Staff | None,
    ruleset: RuleSet,
    delegations: Sequence[Delegation],
    on: date,
    *,
    staff: Mapping[str, Staff] | None = None,
) -> list[Candidate]:
    """Every team member with the decision, allowed ones first, then by role and name."""
    order = list(ROLES)
    members = list(team_staff)
    lookup = staff if staff is not None else {s.staff_id: s for s in members}
    found = [
        Candidate(
            s, decide(task, service, s, delegating_va, ruleset, delegations, on, staff=lookup)
        )
        for s in members
    ]
    found.sort(
        key=lambda c: (
            not c.decision.allowed,
            order.index(c.staff.role) if c.staff.role in order else 99,
            c.staff.name,
        )
    )
    return found
