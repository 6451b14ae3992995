"""The data of the MDB summary (medical or not, the BSN masked) and its printing and export,
logged per client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from mdbtriage.core import meetings as rules
from mdbtriage.core.forecast import ForecastPage
from mdbtriage.core.forecast import page as forecast_page
from mdbtriage.core.labels import route_name
from mdbtriage.core.meetings import (
    MeetingSummary,
    SummaryActivity,
    SummaryCase,
    SummaryRefused,
)
from mdbtriage.core.model import SERVICES, Actor
from mdbtriage.core.validation import mask_bsn
from mdbtriage.store import audit_chain
from mdbtriage.store.audit import AuditEntry
from mdbtriage.store.connection import Connection
from mdbtriage.store.database import Store
from mdbtriage.store.delegations import log_refusal, policy_for
from mdbtriage.store.meetings.agenda import agenda, attendees, warnings
from mdbtriage.store.meetings.base import _log_cases, get_meeting
from mdbtriage.store.meetings.decisions import decisions
from mdbtriage.store.outputs import check_output, write_atomically

# --- Summary ------------------------------------------------------------------------------


def summary(
    store: Store, meeting_id: int, *, actor: Actor, printed_on: date, medical: bool
) -> MeetingSummary:
    """The data of the summary PDF for ``actor``; the non-medical version is stripped in core.

    The medical version for a non-medical role is refused (:class:`SummaryRefused`, the refusal
    logged); the BSN is masked in both versions."""
    meeting = get_meeting(store, meeting_id)
    refused = rules.summary_problems(actor, medical=medical)
    if refused:
        log_refusal(
            store,
            actor,
            AuditEntry(
                event="read",
                purpose="MDB-verslag",
                details=f"MDB {meeting_id}, medische versie: {'; '.join(refused)}",
            ),
        )
        raise SummaryRefused(refused)
    people: dict[str, tuple[str, str]] = {
        str(r[0]): (str(r[1]), str(r[2]))
        for r in store.conn.execute("SELECT staff_id, name, role FROM staff")
    }
    items = agenda(store, meeting_id)
    found = decisions(store, meeting_id)
    clients = {
        str(r[0]): (str(r[1]), str(r[2]), str(r[3]))
        for r in store.conn.execute(
            "SELECT c.case_ref, k.name, k.bsn, c.service FROM meeting_agenda a "
            "JOIN cases c ON c.case_ref = a.case_ref JOIN clients k ON k.client_id = c.client_id "
            "WHERE a.meeting_id = ?",
            (meeting_id,),
        )
    }

    def name(staff_id: str | None) -> str:
        return people.get(staff_id or "", (staff_id or "", ""))[0]

    policy = policy_for(store, meeting.team_id, meeting.held_on)

    cases = []
    for item in items:
        client_name, bsn, service = clients[item.case_ref]
        d = found.get(item.case_ref) if item.discussed else None
        cases.append(
            SummaryCase(
                case_ref=item.case_ref,
                client_name=client_name,
                bsn=mask_bsn(bsn),
                service=SERVICES.get(service, service),
                status=item.status,
                reason=item.reason,
                klasse=item.klasse,
                route=route_name(item.route, policy),
                proposed_lead=item.proposed_lead,
                triage_reasons=item.triage_reasons,
                missing=item.missing,
                lead_role=(d.lead_role or "") if d else "",
                lead_name=name(d.lead_staff_id) if d else "",
                contact_name=name(d.contact_staff_id) if d else "",
                activities=tuple(
                    SummaryActivity(
                        task=rules.activity_label(a.task),
                        assignee=name(a.assignee_id),
                        assignee_role=people.get(a.assignee_id, ("", ""))[1],
                        due_on=a.due_on,
                        note=f"onder delegatie van {name(a.delegated_by)}"
                        if a.delegated_by
                        else "",
                    )
                    for a in d.activities
                )
                if d
                else (),
                remarks=d.remarks if d else "",
                medical_remarks=d.medical_remarks if d else "",
                dossier_complete=d.dossier_complete if d else None,
            )
        )
    full = MeetingSummary(
        meeting_id=meeting.meeting_id,
        team_id=meeting.team_id,
        team_name=meeting.team_name,
        held_on=meeting.held_on,
        status=meeting.status,
        regievoerder=name(meeting.regievoerder_id),
        attendees=tuple(attendees(store, meeting_id)),
        cases=tuple(cases),
        printed_on=printed_on,
        closed_by=name(meeting.closed_by),
        medical=True,
        warnings=tuple(warnings(store, meeting_id)) if not meeting.closed else (),
        # The team's forecast is a page of the non-medical version, the one for the team lead
        # and for printing (the medical version is about the cases discussed).
        forecast=None
        if medical
        else _forecast_page(store, meeting.team_id, meeting.team_name, printed_on),
        chain_head=audit_chain.head(store.conn) or "",
    )
    return full if medical else rules.non_medical(full)


def _forecast_page(store: Store, team: str, team_name: str, on: date) -> ForecastPage | None:
    """The team's capacity forecast on the day the summary is printed (no medical content)."""
    from mdbtriage.store.forecast import read_forecast_inputs

    inputs = read_forecast_inputs(store, team, on, policy_for(store, team, on))
    if not inputs.cases:
        return None
    return forecast_page(inputs.run(), team_name)


def _log_output(
    conn: Connection, actor: Actor, data: MeetingSummary, *, event: str, target: str
) -> None:
    """One access-log record per client in a printed or exported summary."""
    version = "medisch" if data.medical else "niet-medisch"
    _log_cases(
        conn,
        actor,
        (c.case_ref for c in data.cases),
        event,
        "MDB-verslag " + ("afdrukken" if event == "print" else "exporteren"),
        f"MDB {data.meeting_id}, {rules.SUMMARY_VERSIONS[version]}, {target}"
        + (f"; ketenkop {data.chain_head}" if data.chain_head else ""),
    )


def _check_output(actor: Actor, data: MeetingSummary) -> None:
    refused = rules.summary_problems(actor, medical=data.medical)
    if refused:
        raise SummaryRefused(refused)


def export_summary(
    store: Store, actor: Actor, data: MeetingSummary, pdf: bytes, path: Path
) -> None:
    """Write the summary PDF to ``path`` with one 'export' record per client, in one
    transaction: a file that cannot be written leaves no record. A path that would replace
    the store or its companions raises :class:`OutputRefused`."""
    check_output(path, store.path, "Bestand")
    _check_output(actor, data)
    with store.atomic() as conn:
        _log_output(conn, actor, data, event="export", target=path.name)
        write_atomically(path, pdf)


def print_summary(
    store: Store, actor: Actor, data: MeetingSummary, printer: str, send: Callable[[], None]
) -> None:
    """Print the summary through ``send`` (which drives the printer) with one 'print' record
    per client, in one transaction: a print that fails leaves no record."""
    _check_output(actor, data)
    with store.atomic() as conn:
        _log_output(conn, actor, data, event="print", target=printer)
        send()
