"""Write the synthetic demo district into a store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from mdbtriage.core import meetings as rules
from mdbtriage.core.demo import generate
from mdbtriage.core.meetings import (
    Activity,
    Decision,
)
from mdbtriage.core.model import Actor, Staff
from mdbtriage.store.accounts import add_demo_accounts
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.central import record_decisions
from mdbtriage.store.database import Store
from mdbtriage.store.meetings import (
    agenda,
    close_meeting,
    create_meeting,
    default_regievoerder,
    list_meetings,
    propose,
    save_decision,
    team_staff,
)
from mdbtriage.store.records import CaseWriter, upsert_staff, upsert_teams
from mdbtriage.store.tasks import add_demo_tasks


@dataclass(frozen=True, slots=True)
class DemoSummary:
    teams: int
    staff: int
    cases: int


def load_demo(store: Store, *, n_cases: int, seed: int, today: date, actor: Actor) -> DemoSummary:
    """Generate and write a demo district in one transaction."""
    data = generate(n_cases, seed, today)
    with store.atomic() as conn:
        upsert_teams(store, data.teams)
        upsert_staff(store, data.staff)
        writer = CaseWriter(store, actor, "demogegevens laden", log_each=False)
        writer.add(data.cases, stored={})
        writer.write()
        record_decisions(store, data.decisions, actor, "demogegevens laden")
        log(
            conn,
            actor,
            AuditEntry(
                event="create",
                purpose="demogegevens laden",
                details=f"{len(data.cases)} synthetische zaken, seed {seed}, peildatum {today}",
            ),
        )
    add_demo_tasks(store, today)
    add_demo_accounts(store)
    load_demo_meetings(store, today=today, actor=actor)
    return DemoSummary(teams=len(data.teams), staff=len(data.staff), cases=len(data.cases))


# --- Demo MDBs -----------------------------------------------------------------------------


def load_demo_meetings(store: Store, *, today: date, actor: Actor) -> int:
    """Per team a closed MDB two weeks ago (decided, its activities created as tasks) and an MDB
    in preparation next week. Returns the number of meetings written."""
    written = 0
    teams = [str(r[0]) for r in store.conn.execute("SELECT team_id FROM teams ORDER BY team_id")]
    for team in teams:
        staff = team_staff(store, team)
        regie = default_regievoerder(staff.values())
        if regie is None or list_meetings(store, team):
            continue
        past_on = today - timedelta(days=14)
        proposed = propose(store, team, past_on)
        items = rules.renumber(proposed[:8] + proposed[-2:]) if len(proposed) > 10 else proposed
        if items:
            meeting_id = create_meeting(
                store, team=team, held_on=past_on, actor=actor, agenda=items
            )
            demo_decisions(store, meeting_id, staff, regie, past_on)
            regie_actor = Actor(regie, staff[regie].name, "VA")
            close_meeting(store, meeting_id, regie_actor)
            written += 1
            # After the MDB the client of the first discussed case started working again: the
            # situation changed, so the next agenda brings the case back.
            with store.atomic() as conn:
                later = (datetime.now(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
                conn.execute(
                    "UPDATE cases SET working = 1, updated_at = ?, version = version + 1 "
                    "WHERE case_ref = ?",
                    (later, items[0].case_ref),
                )
        create_meeting(store, team=team, held_on=today + timedelta(days=7), actor=actor)
        written += 1
    return written


# General remarks are planning only (they go into the non-medical summary too); what is
# medical goes into the medical considerations.
_DEMO_PLAN = {
    "VA": ("SPREEKUUR", "Cliënt uitnodigen voor het spreekuur; uitkomst in de volgende MDB."),
    "AD": ("ARBEIDSKUNDIG", "Werkt gedeeltelijk; verdiensten opvragen bij de werkgever."),
    "SMV": ("TEL_CONTACT", "Cliënt telefonisch informeren over de lichte route."),
    "PB": ("PLANNING", "Gemotiveerde aanvraag opvragen bij de aanvrager."),
}
_DEMO_MEDICAL = (
    "Rugklachten met uitstraling; specialistische brief van de orthopeed afwachten.",
    "Depressieve klachten, in behandeling bij de GGZ; prognose onzeker.",
    "Status na hartinfarct, cardioloog meldt herstel; belastbaarheid opnieuw beoordelen.",
    "Long-COVID met vermoeidheid; beperkingen in duurbelasting aannemelijk.",
)
_DEMO_MEDICAL_VA = "Belastbaarheid opnieuw vaststellen na het spreekuur."


def demo_decisions(
    store: Store, meeting_id: int, staff: dict[str, Staff], regie: str, on: date
) -> None:
    by_role: dict[str, list[Staff]] = {}
    for s in staff.values():
        by_role.setdefault(s.role, []).append(s)
    actor = Actor(regie, staff[regie].name, "VA")
    for n, item in enumerate(agenda(store, meeting_id)):
        if not item.discussed:
            continue
        lead_role = item.proposed_lead if item.proposed_lead in _DEMO_PLAN else "VA"
        people = by_role.get(lead_role) or by_role["VA"]
        lead = people[n % len(people)]
        task, remark = _DEMO_PLAN[lead.role if lead.role in _DEMO_PLAN else "VA"]
        contact = (by_role.get("SMV") or [lead])[n % len(by_role.get("SMV") or [lead])]
        save_decision(
            store,
            meeting_id,
            Decision(
                case_ref=item.case_ref,
                lead_role=lead.role,
                lead_staff_id=lead.staff_id,
                contact_staff_id=contact.staff_id,
                activities=(Activity(task, lead.staff_id, on + timedelta(days=14 + n)),),
                remarks=remark,
                medical_remarks=_DEMO_MEDICAL[n % len(_DEMO_MEDICAL)]
                + (f" {_DEMO_MEDICAL_VA}" if task == "SPREEKUUR" else ""),
                dossier_complete=n % 4 != 3,
            ),
            actor,
        )
