"""Write the synthetic demo district into a store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mdbtriage.core.demo import generate
from mdbtriage.core.model import Actor
from mdbtriage.store.accounts import add_demo_accounts
from mdbtriage.store.audit import AuditEntry, log
from mdbtriage.store.central import record_decisions
from mdbtriage.store.database import Store
from mdbtriage.store.meetings import load_demo_meetings
from mdbtriage.store.records import (
    stage_case_facts,
    upsert_staff,
    upsert_teams,
    write_case_facts,
)
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
        conn.executemany(
            "INSERT INTO clients (bsn, name, birth_date) VALUES (?, ?, ?) "
            "ON CONFLICT (bsn) DO UPDATE SET name = excluded.name, birth_date = excluded.birth_date",
            (
                (
                    c.client.bsn,
                    c.client.name,
                    c.client.birth_date.isoformat() if c.client.birth_date else None,
                )
                for c in data.cases
            ),
        )
        ids = dict(conn.execute("SELECT bsn, client_id FROM clients").fetchall())
        conn.executemany(
            "INSERT INTO cases (case_ref, client_id, service, received_on, team_id, "
            "requester, motivated, working, consents_60_plus, schrijnend, schrijnend_ref, "
            "ingebrekestelling, dwangsom, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (case_ref) DO UPDATE SET client_id = excluded.client_id, "
            "service = excluded.service, received_on = excluded.received_on, "
            "team_id = excluded.team_id, requester = excluded.requester, "
            "motivated = excluded.motivated, working = excluded.working, "
            "consents_60_plus = excluded.consents_60_plus, schrijnend = excluded.schrijnend, "
            "schrijnend_ref = excluded.schrijnend_ref, "
            "ingebrekestelling = excluded.ingebrekestelling, dwangsom = excluded.dwangsom, "
            "status = excluded.status",
            (
                (
                    c.case_ref,
                    ids[c.client.bsn],
                    c.service,
                    c.received_on.isoformat(),
                    c.team,
                    c.requester,
                    int(c.motivated),
                    int(c.working),
                    int(c.consents_60_plus),
                    int(c.schrijnend),
                    c.schrijnend_ref,
                    int(c.ingebrekestelling),
                    int(c.dwangsom),
                    c.status,
                )
                for c in data.cases
            ),
        )
        stage_case_facts(conn, data.cases)
        write_case_facts(conn)
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
