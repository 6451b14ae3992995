"""A team at work: N workstations on one store at the same time (``run.py --workstations N``).

Every simulated person is a process of its own (so Python's interpreter lock does not put them
in a row) with a connection of its own, as a desktop has: on the office store signed in with
their own demo login (their staff id, ``DEMO_PASSWORD``), on the workstation store N processes
on one file. Each waits a seeded random 1–4 s between actions and then does one of a fixed mix
(``MIX``, written out in docs/benchmarks.md) through the store functions the desktop calls.
Meanwhile each polls its change watcher every ``POLL_MS`` (as the desktop does), so the time
from one person's commit until another's watcher has it is measured across processes
(``time.monotonic`` is one clock for the whole machine).

Every write that was acknowledged (returned without an exception) is noted in the person's own
journal with its value; afterwards the store is checked against the journals: an acknowledged
write that is missing, or that another write overwrote without a refusal, is a lost update.
A save that is refused because someone else changed the row first (``StaleEdit``, the rule
set's or the chair's refusal, each with its Dutch message) is what the product promises, not
an error; it is counted as refused.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import statistics
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# What one person does, in per cent of their actions (a case edit is two actions: the form
# opened, and after the next wait saved; an empty hand-in or sign-off list is only read).
MIX: dict[str, int] = {
    "werkvoorraad": 15,  # load_queue of the own team, as the werkvoorraad tab reads it
    "filter": 15,  # a search term on the loaded werkvoorraad, logged (record_search)
    "dossier": 30,  # read_dossier (logged), documents, notes, access history, the case's tasks
    "zaak_openen": 10,  # the case form opened (version and case read), saved at the next action
    "toewijzen": 10,  # who_may/judge, then assign_task (today), own work or under a delegation
    "inleveren": 10,  # my_tasks, then submit_task of the oldest open one (with its version)
    "accorderen": 5,  # te_accorderen, then sign_off of the oldest one (with its version)
    "mdb_bekijken": 5,  # the agenda and the decisions of the team's coming MDB
}
# The chair of the MDB (the first team's regievoerder) spends most actions on the meeting.
CHAIR_MDB = 60  # per cent: save_decision of the next agenda item (the chair renewed)
# The team leads import now and then (a CSV of IMPORT_ROWS new cases, import_file).
IMPORT_SHARE = 5  # per cent of a team lead's actions, taken from the werkvoorraad loads
IMPORT_ROWS = 100
EDIT_POOL = 12  # cases per team that the case edits choose from: two people meet sometimes
WAIT_S = (1.0, 4.0)
POLL_MS = 500  # ui/events.py: the desktop asks its watcher twice a second
# The order in which a team's people are simulated: the first three cover every kind of work
# (the regievoerder VA, the SMV working under a VA's delegation, the team lead).
ROLE_ORDER = ("VA1", "SMV3", "TL1", "AIOS1", "VA3", "SMV1", "VA2", "AD1", "PB1", "SMV2")
TEAM_SIZE = len(ROLE_ORDER)
# Delegations the work needs in every team (the demo gives only the first team its own).
DELEGATIONS = (
    ("VA1", "SMV3", ("SPREEKUUR", "RAPPORTAGE", "INFO_OPVRAGEN")),
    ("VA3", "AIOS1", ("SPREEKUUR", "RAPPORTAGE", "FML_CONCEPT")),
)
OWN_TASKS = ("DOSSIERSTUDIE", "TEL_CONTACT", "PLANNING", "SPREEKUUR", "ARBEIDSKUNDIG")
REFUSALS = ("StaleEdit", "Refused", "ChairHeld", "MeetingError")


@dataclass(frozen=True)
class Person:
    index: int
    staff_id: str
    team: str
    role: str
    chair: bool
    importer: bool


@dataclass(frozen=True)
class Plan:
    """What every process needs: how to open the store, who it is, the shared facts."""

    backend: str
    target: str  # the store file, or the office store's address (without a login)
    password: str | None
    today: str
    seed: int
    meeting_id: int | None  # the first team's coming MDB
    edit_pool: dict[str, list[str]]
    start: float  # time.monotonic() at which everyone starts
    duration: float
    cap: float  # the latest end, whatever the count
    min_actions: int
    poll_ms: int
    out: str  # folder for the journals


def people_for(store: Any, n: int) -> list[Person]:
    """The first n people: teams in order, in each the roles of ``ROLE_ORDER``."""
    teams = [str(r[0]) for r in store.conn.execute("SELECT team_id FROM teams ORDER BY team_id")]
    if n > len(teams) * TEAM_SIZE:
        raise ValueError(f"at most {len(teams) * TEAM_SIZE} workstations for {len(teams)} teams")
    chosen: list[Person] = []
    for i in range(n):
        team = teams[i // TEAM_SIZE]
        suffix = ROLE_ORDER[i % TEAM_SIZE]
        staff_id = f"{team}-{suffix}"
        row = store.conn.execute("SELECT role FROM staff WHERE staff_id = ?", (staff_id,))
        found = row.fetchone()
        if found is None:
            raise ValueError(f"the demo store has no staff member {staff_id}")
        chosen.append(
            Person(
                index=i,
                staff_id=staff_id,
                team=team,
                role=str(found[0]),
                chair=(i == 0),
                importer=suffix == "TL1",
            )
        )
    return chosen


def prepare(
    store: Any, people: list[Person], today: date
) -> tuple[int | None, dict[str, list[str]]]:
    """The delegations the work needs (in teams that lack them), the first team's coming MDB
    and each team's pool of cases for the case edits."""
    from mdbtriage.core.model import Actor
    from mdbtriage.store.delegations import add_delegation
    from mdbtriage.store.meetings import list_meetings
    from mdbtriage.store.records import get_staff

    teams = sorted({p.team for p in people})
    for team in teams:
        for va, delegate, tasks in DELEGATIONS:
            va_id, delegate_id = f"{team}-{va}", f"{team}-{delegate}"
            exists = store.conn.execute(
                "SELECT 1 FROM delegations WHERE va_id = ? AND delegate_id = ?",
                (va_id, delegate_id),
            ).fetchone()
            staff = get_staff(store, va_id)
            if exists or staff is None:
                continue
            add_delegation(
                store,
                Actor.of_staff(staff),
                va_id=va_id,
                delegate_id=delegate_id,
                tasks=tasks,
                valid_from=today - timedelta(days=30),
                review_percentage=100,
                note="werkafspraak",
            )
    coming = [m for m in list_meetings(store, teams[0]) if m.status != "gesloten"]
    meeting_id = coming[0].meeting_id if coming else None
    pool: dict[str, list[str]] = {}
    for team in teams:
        rows = store.conn.execute(
            "SELECT case_ref FROM cases WHERE team_id = ? AND status != 'afgerond' "
            "ORDER BY received_on DESC, case_ref LIMIT ?",
            (team, EDIT_POOL),
        )
        pool[team] = [str(r[0]) for r in rows]
    return meeting_id, pool


# --- One workstation (a process of its own) --------------------------------------------------


class Workstation:
    def __init__(self, plan: Plan, person: Person, counter: Any) -> None:
        self.plan = plan
        self.person = person
        self.counter = counter
        self.rng = random.Random(plan.seed * 1009 + person.index)
        self.today = date.fromisoformat(plan.today)
        self.actions: list[tuple[str, float, float, str]] = []  # kind, t, ms, outcome
        self.writes: list[dict[str, Any]] = []  # acknowledged writes, with their values
        self.heard: list[tuple[float, str, list[str] | None, str | None]] = []
        self.errors: list[str] = []
        self.refusals: list[str] = []
        self.entries: list[Any] = []
        self.pending_edit: tuple[str, int | None, Any] | None = None
        self.seat = ""
        self.chair_renewed = 0.0
        self.decided = 0
        self.action_started = 0.0

    # opening, as the desktop signs in
    def open(self) -> None:
        from mdbtriage.core.model import Actor
        from mdbtriage.core.policy import DEFAULT_POLICY, load_policy
        from mdbtriage.store.changes import change_watcher
        from mdbtriage.store.database import Store
        from mdbtriage.store.queue_view import load_queue
        from mdbtriage.store.records import get_staff

        if self.plan.backend == "postgresql":
            from mdbtriage.store.office import with_user
            from mdbtriage.store.office_store import OfficeStore, signed_in_staff

            self.store: Any = OfficeStore.open_url(
                with_user(self.plan.target, self.person.staff_id), password=self.plan.password
            )
            staff = signed_in_staff(self.store, f"belastingstest, werkplek {self.person.index}")
        else:
            self.store = Store.open(Path(self.plan.target))
            staff = get_staff(self.store, self.person.staff_id)
            assert staff is not None
        self.staff = staff
        self.actor = Actor.of_staff(staff)
        self.policy = load_policy(DEFAULT_POLICY)
        self.watcher = change_watcher(self.store)
        # The werkvoorraad as the window shows it after signing in (not timed).
        self.entries = load_queue(self.store, self.today, self.policy, team=self.person.team)
        self.team_refs = [e.case_ref for e in self.entries]

    def poll(self) -> None:
        if self.watcher.poll():
            now = time.monotonic()
            notices = getattr(self.watcher, "notices", None)
            if notices is None:
                self.heard.append((now, "*", None, None))
            else:
                for n in notices:
                    self.heard.append(
                        (now, n.table, list(n.keys) if n.keys is not None else None, n.by)
                    )

    def wait_until(self, moment: float) -> None:
        step = self.plan.poll_ms / 1000
        while (now := time.monotonic()) < moment:
            time.sleep(min(step, moment - now))
            self.poll()

    def done(self) -> bool:
        now = time.monotonic()
        if now >= self.plan.cap:
            return True
        return now >= self.plan.start + self.plan.duration and (
            self.counter.value >= self.plan.min_actions
        )

    def run(self) -> None:
        self.wait_until(self.plan.start)
        while True:
            self.wait_until(time.monotonic() + self.rng.uniform(*WAIT_S))
            if self.done():
                break
            kind = "zaak_opslaan" if self.pending_edit else self.choose()
            started = self.action_started = time.monotonic()
            t0 = time.perf_counter()
            outcome = "ok"
            try:
                kind = getattr(self, f"do_{kind}")() or kind
            except Exception as error:
                name = type(error).__name__
                if name in REFUSALS:
                    outcome = "geweigerd"
                    self.refusals.append(f"{kind}: {name}: {error}"[:400])
                else:
                    outcome = "fout"
                    self.errors.append(
                        f"{kind}: {name}: {error}\n{traceback.format_exc(limit=6)}"[:3000]
                    )
            elapsed = (time.perf_counter() - t0) * 1000
            self.actions.append((kind, started, elapsed, outcome))
            with self.counter.get_lock():
                self.counter.value += 1
            self.poll()
        if self.seat and self.plan.meeting_id is not None:
            from mdbtriage.store.meetings import release_chair

            release_chair(self.store, self.plan.meeting_id, self.seat)

    def choose(self) -> str:
        weights = dict(MIX)
        if self.person.importer:
            weights["werkvoorraad"] -= IMPORT_SHARE
            weights["import"] = IMPORT_SHARE
        if self.person.chair and self.plan.meeting_id is not None:
            weights = {k: v * (100 - CHAIR_MDB) / 100 for k, v in weights.items()}
            weights["mdb_besluit"] = CHAIR_MDB
        kinds = list(weights)
        return self.rng.choices(kinds, weights=[weights[k] for k in kinds])[0]

    def acknowledged(self, kind: str, table: str, key: str | None, **values: Any) -> None:
        self.writes.append(
            {
                "kind": kind,
                "t0": self.action_started,
                "t": time.monotonic(),
                "table": table,
                "key": key,
                **values,
            }
        )

    # --- the actions ---

    def do_werkvoorraad(self) -> None:
        from mdbtriage.store.queue_view import load_queue

        self.entries = load_queue(self.store, self.today, self.policy, team=self.person.team)

    def do_filter(self) -> None:
        from mdbtriage.store.queue_view import record_search

        pick = self.rng.random()
        entry = self.rng.choice(self.entries)
        if pick < 0.5:
            term = entry.client_name.split()[-1][:5]
        elif pick < 0.8:
            term = entry.case_ref[-4:]
        else:
            term = "xqzw"
        needle = term.casefold()
        found = [e for e in self.entries if needle in e.search_key]
        record_search(self.store, self.actor, term, len(found))

    def do_dossier(self) -> None:
        from mdbtriage.core.model import MEDICAL_ROLES
        from mdbtriage.store.dossier import case_log, documents, notes, read_dossier
        from mdbtriage.store.tasks import list_tasks

        ref = self.rng.choice(self.team_refs)
        read_dossier(self.store, self.actor, ref)
        documents(self.store, ref)
        notes(self.store, ref, self.actor.role in MEDICAL_ROLES)
        case_log(self.store, ref, self.actor)
        list_tasks(self.store, case_ref=ref)

    def do_zaak_openen(self) -> None:
        from mdbtriage.store.records import get_case
        from mdbtriage.store.versions import case_version

        ref = self.rng.choice(self.plan.edit_pool[self.person.team])
        version = case_version(self.store.conn, ref)
        row = get_case(self.store, ref)
        assert row is not None
        self.pending_edit = (ref, version, row)

    def do_zaak_opslaan(self) -> None:
        from mdbtriage.store.dossier import save_case

        assert self.pending_edit is not None
        ref, version, case = self.pending_edit
        self.pending_edit = None
        changed = case.with_facts(working=not case.facts.working)
        new_version = save_case(self.store, self.actor, changed, new=False, version=version)
        self.acknowledged(
            "zaak", "cases", ref, case_ref=ref, version=new_version, working=changed.working
        )

    def do_toewijzen(self) -> None:
        from mdbtriage.store.tasks import assign_task, judge

        team = self.person.team
        for _ in range(6):
            ref = self.rng.choice(self.team_refs)
            if self.rng.random() < 0.5:
                va, delegate, tasks = self.rng.choice(DELEGATIONS)
                task, assignee, by = self.rng.choice(tasks), f"{team}-{delegate}", f"{team}-{va}"
            else:
                task = self.rng.choice(OWN_TASKS)
                assignee = f"{team}-{self.rng.choice(ROLE_ORDER)}"
                by = None
            verdict = judge(self.store, ref, task, assignee, by, self.today, today=self.today)
            if not verdict.allowed:
                continue
            task_id = assign_task(
                self.store,
                self.actor,
                case_ref=ref,
                task_code=task,
                assignee_id=assignee,
                by_id=by,
                due=self.today + timedelta(days=14),
                on=self.today,
                today=self.today,
                via="belastingstest",
            )
            self.acknowledged(
                "toewijzing",
                "tasks",
                str(task_id),
                task_id=task_id,
                case_ref=ref,
                task_code=task,
                assignee=assignee,
            )
            return None
        return None

    def do_inleveren(self) -> str | None:
        from mdbtriage.store.tasks import list_tasks, submit_task

        own = list_tasks(self.store, assignee_id=self.staff.staff_id, statuses=("open",))
        if not own:
            return "mijn_taken"
        task = own[0]
        result = f"Resultaat {self.person.staff_id} #{len(self.writes)}: {self.rng.random():.6f}"
        minutes = self.rng.randint(10, 120)
        status = submit_task(
            self.store,
            self.actor,
            task.task_id,
            self.staff.staff_id,
            result,
            minutes=minutes,
            version=task.version,
            via="belastingstest",
        )
        self.acknowledged(
            "inlevering",
            "tasks",
            str(task.task_id),
            task_id=task.task_id,
            author=self.staff.staff_id,
            result=result,
            status=status,
        )
        return None

    def do_accorderen(self) -> str | None:
        from mdbtriage.store.tasks import sign_off, te_accorderen

        waiting = te_accorderen(self.store, self.staff.staff_id)
        if not waiting:
            return "mijn_taken"
        task = waiting[0]
        sign_off(
            self.store,
            self.actor,
            task.task_id,
            self.staff.staff_id,
            version=task.version,
            via="belastingstest",
        )
        self.acknowledged(
            "accordering", "tasks", str(task.task_id), task_id=task.task_id, by=self.staff.staff_id
        )
        return None

    def do_mdb_bekijken(self) -> None:
        from mdbtriage.store.meetings import agenda, decisions, list_meetings

        meetings = [
            m for m in list_meetings(self.store, self.person.team) if m.status != "gesloten"
        ]
        if meetings:
            agenda(self.store, meetings[0].meeting_id)
            decisions(self.store, meetings[0].meeting_id)

    def do_mdb_besluit(self) -> None:
        from mdbtriage.core.meetings import Decision
        from mdbtriage.store.meetings import (
            agenda,
            decision_versions,
            new_seat,
            save_decision,
            take_chair,
        )

        meeting_id = self.plan.meeting_id
        assert meeting_id is not None
        if not self.seat or time.monotonic() - self.chair_renewed > 20:
            self.seat = self.seat or new_seat()
            take_chair(
                self.store, meeting_id, self.actor, self.seat, f"werkplek {self.person.index}"
            )
            self.chair_renewed = time.monotonic()
        items = [i for i in agenda(self.store, meeting_id) if i.discussed] or agenda(
            self.store, meeting_id
        )
        item = items[self.decided % len(items)]
        self.decided += 1
        version = decision_versions(self.store, meeting_id).get(item.case_ref, 0)
        remarks = (
            f"Besproken ({self.decided}): {self.rng.choice(('spreekuur', 'rapportage', 'info'))}"
        )
        new_version = save_decision(
            self.store,
            meeting_id,
            Decision(
                case_ref=item.case_ref,
                lead_role="VA",
                lead_staff_id=self.staff.staff_id,
                remarks=remarks,
                medical_remarks="Belastbaarheid opnieuw beoordelen.",
                dossier_complete=True,
            ),
            self.actor,
            version=version,
            seat=self.seat,
        )
        self.acknowledged(
            "besluit",
            "meeting_decisions",
            str(meeting_id),
            meeting_id=meeting_id,
            case_ref=item.case_ref,
            version=new_version,
            remarks=remarks,
        )

    def do_import(self) -> None:
        from mdbtriage.store.imports import import_file
        from synthetic import import_csv

        seed = self.plan.seed * 100_000 + self.person.index * 1000 + len(self.writes)
        with tempfile.TemporaryDirectory(prefix="mdb-load-") as tmp:
            path = Path(tmp) / "zaken.csv"
            path.write_bytes(import_csv(IMPORT_ROWS, seed, self.today))
            report = import_file(
                self.store,
                path,
                "cases",
                skip_invalid=True,
                actor=self.actor,
                today=self.today,
                skip_hint="",
            )
        if not report.written or report.counts is None:
            raise RuntimeError("import: " + " / ".join(report.lines[:3]))
        self.acknowledged(
            "import", "cases", None, prefix=f"IMP-{seed}-", created=report.counts.created
        )

    def journal(self) -> dict[str, Any]:
        return {
            "person": asdict(self.person),
            "actions": self.actions,
            "writes": self.writes,
            "heard": self.heard,
            "errors": self.errors,
            "refusals": self.refusals,
        }


# --- The whole run ---------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def simulate(
    *,
    backend: str,
    target: str,
    password: str | None,
    people: list[Person],
    today: date,
    seed: int,
    meeting_id: int | None,
    edit_pool: dict[str, list[str]],
    duration: float,
    min_actions: int,
    poll_ms: int = POLL_MS,
) -> tuple[list[dict[str, Any]], float]:
    """Run the people as processes; their journals and the run's length in seconds."""
    context = multiprocessing.get_context("spawn")
    counter = context.Value("l", 0)
    ready = context.Semaphore(0)
    with tempfile.TemporaryDirectory(prefix="mdb-load-") as out:
        # The start is set once everyone is signed in; the processes learn it through a file.
        start_file = Path(out) / "start"
        plan = Plan(
            backend=backend,
            target=target,
            password=password,
            today=today.isoformat(),
            seed=seed,
            meeting_id=meeting_id,
            edit_pool=edit_pool,
            start=0.0,
            duration=duration,
            cap=0.0,
            min_actions=min_actions,
            poll_ms=poll_ms,
            out=out,
        )
        processes = [
            context.Process(
                target=_worker_after_start, args=(plan, p, counter, ready, str(start_file))
            )
            for p in people
        ]
        for process in processes:
            process.start()
        for _ in processes:
            if not ready.acquire(timeout=300):
                raise RuntimeError("not every workstation signed in within 5 minutes")
        start = time.monotonic() + 1.0
        start_file.write_text(json.dumps({"start": start, "cap": start + 3 * duration}), "utf-8")
        for process in processes:
            process.join(timeout=3 * duration + 120)
            if process.is_alive():
                process.kill()
        ended = time.monotonic()
        journals = []
        for p in people:
            path = Path(out) / f"werkplek-{p.index}.json"
            journals.append(
                json.loads(path.read_text("utf-8"))
                if path.exists()
                else {"failed": "geen journaal"}
            )
    return journals, ended - start


def _worker_after_start(
    plan: Plan, person: Person, counter: Any, ready: Any, start_file: str
) -> None:
    """Sign in, then wait for the start time the parent writes once everyone is in."""
    path = Path(plan.out) / f"werkplek-{person.index}.json"
    station = Workstation(plan, person, counter)
    try:
        station.open()
    except Exception:
        path.write_text(json.dumps({"failed": traceback.format_exc()}), "utf-8")
        ready.release()
        return
    ready.release()
    while not Path(start_file).exists():
        time.sleep(0.05)
        station.poll()
    for _ in range(100):
        try:
            times = json.loads(Path(start_file).read_text("utf-8"))
            break
        except ValueError:
            time.sleep(0.01)
    station.plan = replace(plan, start=times["start"], cap=times["cap"])
    station.heard.clear()
    try:
        station.run()
    except Exception:
        station.errors.append("werkplek gestopt: " + traceback.format_exc()[-3000:])
    finally:
        path.write_text(json.dumps(station.journal(), ensure_ascii=False), "utf-8")
        close = getattr(station.watcher, "close", None)
        if close is not None:
            close()
        station.store.close()


def lost_updates(store: Any, journals: list[dict[str, Any]]) -> list[str]:
    """Every acknowledged write held against the store: what is missing or was overwritten."""
    lost: list[str] = []
    writes = [w for j in journals for w in j.get("writes", [])]
    created: set[int] = set()
    task_changes: Counter[int] = Counter()
    for w in writes:
        if w["kind"] == "toewijzing":
            row = store.conn.execute(
                "SELECT case_ref, task_code, assignee_id FROM tasks WHERE task_id = ?",
                (w["task_id"],),
            ).fetchone()
            if row is None or tuple(map(str, row)) != (
                w["case_ref"],
                w["task_code"],
                w["assignee"],
            ):
                lost.append(f"toewijzing {w['task_id']}: {row}")
            created.add(w["task_id"])
        elif w["kind"] == "inlevering":
            row = store.conn.execute(
                "SELECT count(*) FROM task_versions WHERE task_id = ? AND kind = 'ingeleverd' "
                "AND author_id = ? AND result = ?",
                (w["task_id"], w["author"], w["result"]),
            ).fetchone()
            if not row or row[0] != 1:
                lost.append(f"inlevering taak {w['task_id']}: niet gevonden")
            task_changes[w["task_id"]] += 1
        elif w["kind"] == "accordering":
            row = store.conn.execute(
                "SELECT status, signed_by FROM tasks WHERE task_id = ?", (w["task_id"],)
            ).fetchone()
            if row is None or (str(row[0]), str(row[1])) != ("geaccordeerd", w["by"]):
                lost.append(f"accordering taak {w['task_id']}: {row}")
            task_changes[w["task_id"]] += 1
        elif w["kind"] == "import":
            row = store.conn.execute(
                "SELECT count(*) FROM cases WHERE case_ref LIKE ?", (w["prefix"] + "%",)
            ).fetchone()
            if not row or row[0] != w["created"]:
                lost.append(f"import {w['prefix']}: {row[0] if row else 0} van {w['created']}")
    # Tasks made in the run: only the run wrote them, so their version counts every change.
    for task_id in created:
        row = store.conn.execute(
            "SELECT version FROM tasks WHERE task_id = ?", (task_id,)
        ).fetchone()
        if row is not None and int(row[0]) != 1 + task_changes[task_id]:
            lost.append(f"taak {task_id}: versie {row[0]}, bevestigd {1 + task_changes[task_id]}")
    # Case edits and MDB decisions: the acknowledged versions of a row are all different, the
    # last one is what is stored (value and version), nothing in between was written unseen.
    rows: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for w in writes:
        if w["kind"] == "zaak":
            rows.setdefault(("zaak", w["case_ref"]), []).append(w)
        elif w["kind"] == "besluit":
            rows.setdefault(("besluit", str(w["meeting_id"]), w["case_ref"]), []).append(w)
    for key, done in rows.items():
        done.sort(key=lambda w: w["version"])
        versions = [w["version"] for w in done]
        if len(set(versions)) != len(versions):
            lost.append(f"{' '.join(key)}: dezelfde versie twee keer bevestigd: {versions}")
        if versions != list(range(versions[0], versions[0] + len(versions))):
            lost.append(f"{' '.join(key)}: versies met een gat (ongezien geschreven): {versions}")
        last = done[-1]
        if key[0] == "zaak":
            row = store.conn.execute(
                "SELECT version, working FROM cases WHERE case_ref = ?", (key[1],)
            ).fetchone()
            stored = (int(row[0]), bool(row[1])) if row else None
            expected = (last["version"], bool(last["working"]))
        else:
            row = store.conn.execute(
                "SELECT version, remarks FROM meeting_decisions WHERE meeting_id = ? AND case_ref = ?",
                (int(key[1]), key[2]),
            ).fetchone()
            stored = (int(row[0]), str(row[1])) if row else None
            expected = (last["version"], last["remarks"])
        if stored != expected:
            lost.append(f"{' '.join(key)}: opgeslagen {stored}, laatst bevestigd {expected}")
    return lost


def refresh_samples(
    journals: list[dict[str, Any]], office: bool, end: float
) -> tuple[list[float], int]:
    """Milliseconds from each acknowledged write until each other workstation's watcher had it
    (office: a notice of that table, key and login; workstation store: the next poll that saw
    a change); and how many (write, workstation) pairs never heard of it."""
    samples: list[float] = []
    missed = 0
    for j in journals:
        me = j.get("person", {}).get("staff_id")
        for w in j.get("writes", []):
            if w["t"] > end - 2.0:
                continue
            for other in journals:
                if other is j or "heard" not in other:
                    continue
                found = None
                for t, table, keys, by in other["heard"]:
                    if t < w["t0"]:
                        continue
                    if office:
                        if table != w["table"] or by != me:
                            continue
                        if w["key"] is not None and keys is not None and w["key"] not in keys:
                            continue
                    found = t
                    break
                if found is None:
                    missed += 1
                else:
                    samples.append(max(0.0, found - w["t"]) * 1000)
    return samples, missed


def summarise(
    journals: list[dict[str, Any]], lost: list[str], length_s: float, office: bool
) -> dict[str, Any]:
    actions = [a for j in journals for a in j.get("actions", [])]
    times = [a[2] for a in actions]
    failed = [j["failed"] for j in journals if "failed" in j]
    errors = [e for j in journals for e in j.get("errors", [])] + failed
    refusals = [r for j in journals for r in j.get("refusals", [])]
    end = max((a[1] + a[2] / 1000 for a in actions), default=0.0)
    refresh, missed = refresh_samples(journals, office, end)
    per_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({a[0] for a in actions}):
        ms = [a[2] for a in actions if a[0] == kind]
        per_kind[kind] = {
            "n": len(ms),
            "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(percentile(ms, 95) or 0.0, 1),
            "max_ms": round(max(ms), 1),
            "geweigerd": sum(1 for a in actions if a[0] == kind and a[3] == "geweigerd"),
        }
    return {
        "team_actions": len(actions),
        "team_errors": len(errors),
        "team_refused": len(refusals),
        "team_lost_updates": len(lost),
        "team_p50_ms": round(statistics.median(times), 1) if times else None,
        "team_p95_ms": round(percentile(times, 95) or 0.0, 1) if times else None,
        "refresh_p50_ms": round(statistics.median(refresh), 1) if refresh else None,
        "refresh_p95_ms": round(percentile(refresh, 95) or 0.0, 1) if refresh else None,
        "refresh_samples": len(refresh),
        "refresh_missed": missed,
        "duration_s": round(length_s, 1),
        "writes_acknowledged": sum(len(j.get("writes", [])) for j in journals),
        "per_action": per_kind,
        "errors_sample": errors[:5],
        "refused_sample": sorted(
            Counter(r.split(" is intussen")[0][:160] for r in refusals).items()
        )[:8],
        "lost_sample": lost[:10],
    }
