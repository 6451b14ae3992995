"""Write the synthetic demo district into a store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from mdbtriage.core import meetings as rules
from mdbtriage.core.accounts import DEMO_PASSWORD, hash_password
from mdbtriage.core.demo import generate
from mdbtriage.core.meetings import (
    Activity,
    Decision,
)
from mdbtriage.core.model import Actor, Staff
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.central import record_decisions
from mdbtriage.store.database import Store, utc_now
from mdbtriage.store.delegations import add_delegation, adopt_ruleset
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
from mdbtriage.store.records import CaseWriter, list_staff, upsert_staff, upsert_teams
from mdbtriage.store.tasks import assign_task, reject_task, sign_off, submit_task


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


# --- Demo accounts ---------------------------------------------------------------------------


def add_demo_accounts(store: Store, password: str = DEMO_PASSWORD) -> int:
    """An account for every active staff member without one, all with the documented demo
    password (one hash, computed once: the demo password is public anyway). Not on a store with
    real accounts: demo data added there must not give real staff the public password.
    On the office store: a database login for every active staff member who has none (a
    login that exists already is left as it is)."""
    if store.is_office:
        from mdbtriage.store.office_store import add_demo_logins

        return add_demo_logins(store, password)
    if store.conn.execute("SELECT 1 FROM accounts WHERE created_by != 'demo' LIMIT 1").fetchone():
        return 0
    stored = hash_password(password)
    now = utc_now()
    with store.atomic() as conn:
        before = store.count("accounts")
        conn.execute(
            "INSERT INTO accounts (staff_id, password_hash, created_by, created_at, "
            "changed_at) SELECT staff_id, ?, 'demo', ?, ? FROM staff WHERE active = 1 "
            "ON CONFLICT DO NOTHING",
            (stored, now, now),
        )
        return store.count("accounts") - before


# --- Demo delegations and tasks ------------------------------------------------------------


def add_demo_tasks(store: Store, today: date) -> int:
    """Demo delegations and tasks for the first team: every status and the te-accorderen list.

    Returns the number of tasks written; writes nothing when the team lacks the roles.
    """
    team_row = store.conn.execute("SELECT team_id FROM teams ORDER BY team_id LIMIT 1").fetchone()
    if team_row is None:
        return 0
    team = str(team_row[0])
    staff = list_staff(store, team)
    by_role: dict[str, list[Staff]] = {}
    for s in sorted(staff, key=lambda s: s.staff_id):
        by_role.setdefault(s.role, []).append(s)
    if not by_role.get("VA") or not by_role.get("SMV") or not by_role.get("AIOS"):
        return 0
    va, va2 = by_role["VA"][0], by_role["VA"][-1]
    smv_ag = next((s for s in by_role["SMV"] if "POST_HBO_AG" in s.qualifications), None)
    smv = by_role["SMV"][-1]
    aios = by_role["AIOS"][0]
    cases = [
        str(r[0])
        for r in store.conn.execute(
            "SELECT case_ref, service FROM cases WHERE team_id = ? AND status != 'afgerond' "
            "AND service IN ('ZW', 'HERBEOORDELING', 'WIJZIGING_GEZONDHEID', 'EZWB', 'BEZWAAR') "
            "ORDER BY received_on, case_ref LIMIT 8",
            (team,),
        )
    ]
    claims = [
        str(r[0])
        for r in store.conn.execute(
            "SELECT case_ref FROM cases WHERE team_id = ? AND service = 'WIA_CLAIM' "
            "AND status != 'afgerond' ORDER BY received_on, case_ref LIMIT 4",
            (team,),
        )
    ]
    zw_cases = [
        str(r[0])
        for r in store.conn.execute(
            "SELECT case_ref FROM cases WHERE team_id = ? AND service = 'ZW' "
            "AND status != 'afgerond' ORDER BY received_on DESC, case_ref LIMIT 6",
            (team,),
        )
    ]
    if len(cases) < 6 or len(claims) < 3:
        return 0
    if store.conn.execute(
        "SELECT 1 FROM tasks t JOIN staff s ON s.staff_id = t.assignee_id WHERE s.team_id = ?",
        (team,),
    ).fetchone():
        return 0
    start = today - timedelta(days=120)
    va_actor = Actor.of_staff(va)
    with store.atomic():
        add_delegation(
            store,
            va_actor,
            va_id=va.staff_id,
            delegate_id=smv.staff_id,
            tasks=("SPREEKUUR", "RAPPORTAGE", "INFO_OPVRAGEN", "PROBLEEMANALYSE_ZW"),
            valid_from=start,
            review_percentage=100,
            note="vaste werkafspraak spreekuur en rapportage buiten de claimbeoordeling",
        )
        if smv_ag is not None:
            add_delegation(
                store,
                va_actor,
                va_id=va.staff_id,
                delegate_id=smv_ag.staff_id,
                tasks=("RAPPORTAGE", "INFO_OPVRAGEN"),
                services=("ZW",),
                valid_from=start,
                review_percentage=30,
                note="ervaren SMV: steekproef van 30% van het routinewerk",
            )
        add_delegation(
            store,
            Actor.of_staff(va2),
            va_id=va2.staff_id,
            delegate_id=aios.staff_id,
            tasks=("SPREEKUUR", "FML_CONCEPT", "CONCLUSIE", "RAPPORTAGE"),
            valid_from=start,
            note="opleidingsafspraak",
        )
        if smv_ag is not None:
            # The team works under taakherschikking from a month ago.
            adopt_ruleset(
                store, va_actor, team, "taakherschikking-2026", today - timedelta(days=30), va
            )
        plan: list[tuple[str, str, Staff, Staff | None, int]] = [
            (cases[0], "SPREEKUUR", smv, va, 5),
            (cases[1], "RAPPORTAGE", smv, va, 9),
            (cases[2], "INFO_OPVRAGEN", smv, va, 3),
            (cases[3], "DOSSIERSTUDIE", smv, None, 2),
            (claims[0], "SPREEKUUR", aios, va2, 7),
            (claims[1], "CONCLUSIE", aios, va2, 14),
            (claims[2], "DOSSIERSTUDIE", by_role.get("AD", [va])[0], None, 4),
            (cases[4], "TEL_CONTACT", by_role.get("PB", [va])[0], None, 1),
            (cases[5], "PLANNING", by_role.get("MS", [va])[0], None, 2),
        ]
        ids: list[int] = []
        for case_ref, task_code, who, by, due_days in plan:
            ids.append(
                assign_task(
                    store,
                    va_actor,
                    case_ref=case_ref,
                    task_code=task_code,
                    assignee_id=who.staff_id,
                    by_id=by.staff_id if by else None,
                    due=today + timedelta(days=due_days),
                    on=today - timedelta(days=10),
                )
            )
        # Handed in and waiting, accorded after a change, rejected, done.
        submit_task(
            store,
            Actor.of_staff(smv),
            ids[1],
            smv.staff_id,
            "Concept rapportage: belastbaar "
            "voor licht fysiek werk, 4 uur per dag; herbeoordeling over 6 maanden.",
        )
        submit_task(
            store,
            Actor.of_staff(smv),
            ids[2],
            smv.staff_id,
            "Informatie opgevraagd bij huisarts en behandelend orthopeed; termijn 3 weken.",
        )
        submit_task(
            store,
            Actor.of_staff(aios),
            ids[4],
            aios.staff_id,
            "Spreekuur gehouden: anamnese "
            "en lichamelijk onderzoek vastgelegd; geen nieuwe beperkingen.",
        )
        sign_off(
            store,
            Actor.of_staff(va2),
            ids[4],
            va2.staff_id,
            "Spreekuur beoordeeld: aanvullend beperking in tillen (max. 10 kg) opgenomen.",
        )
        submit_task(
            store,
            Actor.of_staff(aios),
            ids[5],
            aios.staff_id,
            "Conclusie: duurzaam benutbare mogelijkheden aanwezig.",
        )
        reject_task(
            store,
            Actor.of_staff(va2),
            ids[5],
            va2.staff_id,
            "Prognose onvoldoende onderbouwd; eerst informatie specialist afwachten.",
        )
        who = by_role.get("AD", [va])[0]
        submit_task(store, Actor.of_staff(who), ids[6], who.staff_id, "Dossier bestudeerd.")
        if smv_ag is not None:
            # The SMV with post-HBO A&G does the probleemanalyse in the Ziektewet alone; the
            # rapportage stays delegated, with a 30% review sample.
            for n, case_ref in enumerate(zw_cases):
                for task_code, by in (("PROBLEEMANALYSE_ZW", None), ("RAPPORTAGE", va)):
                    task_id = assign_task(
                        store,
                        va_actor,
                        case_ref=case_ref,
                        task_code=task_code,
                        assignee_id=smv_ag.staff_id,
                        by_id=by.staff_id if by else None,
                        due=today + timedelta(days=6 + n),
                        on=today - timedelta(days=10),
                    )
                    ids.append(task_id)
                    if n < len(zw_cases) - 1:
                        submit_task(
                            store,
                            Actor.of_staff(smv_ag),
                            task_id,
                            smv_ag.staff_id,
                            "Probleemanalyse en plan van aanpak opgesteld met de cliënt."
                            if task_code == "PROBLEEMANALYSE_ZW"
                            else "Concept rapportage Ziektewet: werkhervatting in eigen werk "
                            "binnen 6 weken verwacht.",
                        )
    return len(ids)


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
