"""Break-glass (noodtoegang): opening the dossier of a client of another team.

A VA, AIOS, SMV or MSP who needs a client of another team (a colleague's absence, an urgent
question) opens the dossier with a stated reason; the access is logged as ``emergency``
("noodtoegang") with the reason and listed for the privacy officer and the team lead to review
(domain.md "Privacy and the access log"). Everyone outside the case's team needs it, whatever
their role: the rule is about the client, not the profession. Without a reason the access is
refused and logged ``geweigerd``. In set-up mode (a store without accounts) role restrictions do
not apply yet, so no reason is asked.
"""

from __future__ import annotations

from typing import Final

from mdbtriage.core.validation import text_problem

MIN_REASON: Final = 10
MAX_REASON: Final = 500
EMERGENCY_PURPOSE: Final = "noodtoegang: dossier van een ander team inzien"


def needs_emergency(own_team: str | None, case_team: str, accounts_exist: bool) -> bool:
    """Whether opening a case of ``case_team`` is break-glass for someone of ``own_team``
    (None: not a staff member of any team)."""
    return accounts_exist and own_team != case_team


def reason_problem(reason: str | None) -> str | None:
    """Why a stated reason does not do (Dutch, naming the field and the value), or None."""
    text = (reason or "").strip()
    if not text:
        return "reden voor noodtoegang ontbreekt: zonder reden geen toegang tot een ander team"
    unsafe = text_problem(text, multiline=True)
    if unsafe:
        return f"reden voor noodtoegang {unsafe}"
    if len(text) < MIN_REASON:
        return (
            f"reden voor noodtoegang '{text}' is te kort: beschrijf in minstens {MIN_REASON} "
            "tekens waarom u deze cliënt nodig hebt"
        )
    if len(text) > MAX_REASON:
        return f"reden voor noodtoegang is te lang ({len(text)} tekens, hoogstens {MAX_REASON})"
    return None
