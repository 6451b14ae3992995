"""Words for the codes people meet in tables: services, roles, qualifications, tasks and
routes. One source for the desktop's tables and the command line's table output.

The words come from the data that defines the codes: services and roles from core/model.py,
task names from the taakdelegatie rule set (resources/rulesets/), route names from the policy
(resources/policy/). A short form is offered where a table column has little room.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from mdbtriage.core.model import ROLES, SERVICES
from mdbtriage.core.policy import Policy
from mdbtriage.core.taakdelegatie import load_ruleset

#: The words a team uses for a service in a narrow column (the full name is in SERVICES).
SERVICES_SHORT: Final[dict[str, str]] = {
    "WIA_CLAIM": "WIA-claim",
    "ABA": "arbeidsvermogen",
    "HERBEOORDELING": "herbeoordeling",
    "BEZWAAR": "bezwaar en beroep",
    "WIJZIGING_GEZONDHEID": "wijziging gezondheid",
    "ZW": "Ziektewet",
    "EZWB": "EZWB",
    "DESKUNDIGENOORDEEL": "deskundigenoordeel",
    "RIV_TOETS": "RIV-toets",
}

#: The qualifications a rule of the taakdelegatie can ask of a staff member.
QUALIFICATIONS: Final[dict[str, str]] = {
    "POST_HBO_AG": "post-HBO Arbeid & Gezondheid",
    "REGIEVOERDER": "regievoerder MDB",
}


def service_name(code: str) -> str:
    """``WIA_CLAIM`` → ``WIA-claimbeoordeling``."""
    return SERVICES.get(code, code)


def service_short(code: str) -> str:
    """``WIA_CLAIM`` → ``WIA-claim``."""
    return SERVICES_SHORT.get(code) or SERVICES.get(code, code)


def role_name(code: str) -> str:
    """``VA`` → ``verzekeringsarts``."""
    return ROLES.get(code, code)


def qualification_name(code: str) -> str:
    """``POST_HBO_AG`` → ``post-HBO Arbeid & Gezondheid``."""
    return QUALIFICATIONS.get(code, code)


@cache
def _task_names() -> dict[str, str]:
    return {code: task.name for code, task in load_ruleset().tasks.items()}


def task_name(code: str) -> str:
    """``SPREEKUUR`` → ``medisch spreekuur: anamnese en onderzoek`` (the rule set's name)."""
    return _task_names().get(code, code)


def task_short(code: str) -> str:
    """The task's name up to its colon, bracket or comma: ``SPREEKUUR`` → ``medisch spreekuur``."""
    return task_name(code).split(":")[0].split(" (")[0].split(",")[0]


def route_name(code: str, policy: Policy) -> str:
    """``60_PLUS`` → the policy's name of the route."""
    return policy.route_names().get(code, code)


def task_line(text: str) -> str:
    """A task as the werkvoorraad holds it, ``"SPREEKUUR → naam (dd-mm)"``, with the task's
    short name instead of its code."""
    code, arrow, rest = text.partition(" → ")
    return f"{task_short(code)}{arrow}{rest}" if code else text
