"""The werkvoorraad brought up to date in place gives exactly what reading it whole gives.

From a demo store's werkvoorraad, random changes are made (facts edited, cases afgerond and
opened again, clients renamed, new cases, tasks assigned); then only the changed cases are read
(``cases_to_update``, ``queue_entries``) and put in place (``merge_entries``). The rows must be
those of ``load_queue``: the same order, positions, classes, routes, flags and next tasks, and
the team figures those of ``figures_by_team``."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdbtriage.core.model import REQUESTERS, SERVICES, Actor, Case
from mdbtriage.core.policy import available_policies, load_policy
from mdbtriage.store.database import Store
from mdbtriage.store.delegations import Refused
from mdbtriage.store.demo import load_demo
from mdbtriage.store.overview import figures_by_team, update_figures
from mdbtriage.store.queue_view import (
    QueueEntry,
    cases_to_update,
    load_queue,
    merge_entries,
    queue_entries,
)
from mdbtriage.store.records import get_case, upsert_cases
from mdbtriage.store.tasks import assign_task

ON = date(2026, 11, 23)
ACTOR = Actor.system_account("test")
POLICIES = [load_policy(p) for p in available_policies()]

pick = st.integers(min_value=0, max_value=10_000)
edits = st.one_of(
    st.tuples(st.just("received_on"), st.dates(date(2024, 1, 1), ON + timedelta(days=20))),
    st.tuples(st.just("service"), st.sampled_from(sorted(SERVICES))),
    st.tuples(st.just("status"), st.sampled_from(["open", "in_behandeling", "afgerond"])),
    st.tuples(st.just("schrijnend"), st.booleans()),
    st.tuples(st.just("motivated"), st.booleans()),
    st.tuples(st.just("working"), st.booleans()),
    st.tuples(st.just("ingebrekestelling"), st.booleans()),
    st.tuples(st.just("dwangsom"), st.booleans()),
    st.tuples(st.just("requester"), st.sampled_from([None, *sorted(REQUESTERS)])),
    st.tuples(st.just("client_name"), st.sampled_from(["Anna de Vries", "Bas Bakker", "Éva Öz"])),
    st.tuples(st.just("team"), pick),
    st.tuples(st.just("birth_date"), st.dates(date(1955, 1, 1), date(2000, 1, 1))),
)
actions = st.one_of(
    st.tuples(st.just("edit"), pick, edits),
    st.tuples(
        st.just("new"),
        # References a natural order sorts apart from code points: R-9 before R-10.
        st.text(alphabet="RZr019-/ é", min_size=1, max_size=6).map(lambda t: f"N{t}"),
        st.sampled_from(sorted(SERVICES)),
        st.dates(date(2024, 1, 1), ON + timedelta(days=5)),
        st.one_of(st.none(), pick),  # a new client, or one the store knows
        st.sampled_from([None, "Nieuwe Naam"]),  # and that client's name changed meanwhile
        st.one_of(st.none(), st.dates(date(1955, 1, 1), date(2000, 1, 1))),  # or birth date
    ),
    st.tuples(st.just("task"), pick),
)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(tmp_path_factory.mktemp("demo")) / "store.sqlite3"
    with Store.open(path) as store:
        load_demo(store, n_cases=160, seed=5, today=ON, actor=ACTOR)
    return path


def _refs(store: Store) -> list[str]:
    return [str(r[0]) for r in store.conn.execute("SELECT case_ref FROM cases ORDER BY case_ref")]


def apply_change(store: Store, action: tuple[object, ...]) -> tuple[set[str], set[int]]:
    """Make one change; the cases and tasks it would report (a task by its id only, as the
    office store's notifications of tasks may).

    A new case that changes the name or birth date of a client the store knows reports that
    client's cases too: the case may go to another client later in the same batch, and then
    nothing else would lead to the cases of the first client (a change of a client is named
    by the cases of that client)."""
    kind = action[0]
    refs = _refs(store)
    if kind == "task":
        ref = refs[int(action[1]) % len(refs)]  # type: ignore[call-overload]
        row = store.conn.execute(
            "SELECT s.staff_id FROM staff s JOIN cases c ON c.team_id = s.team_id "
            "WHERE c.case_ref = ? AND s.role = 'VA' ORDER BY s.staff_id LIMIT 1",
            (ref,),
        ).fetchone()
        if row is None:
            return set(), set()
        try:
            task = assign_task(
                store, ACTOR, case_ref=ref, task_code="SPREEKUUR", assignee_id=row[0], on=ON
            )
        except Refused:
            return set(), set()
        return set(), {task}
    if kind == "new":
        _, ref, service, received, client_pick, name, born = action
        template = get_case(store, refs[0])
        assert template is not None
        client = template.client
        if client_pick is not None:
            picked = get_case(store, refs[int(client_pick) % len(refs)])
            assert picked is not None
            client = picked.client
        else:
            client = replace(client, bsn=f"9{len(refs):08d}", name=f"Nieuw {ref}")
        if name is not None:
            client = replace(client, name=name)
        if born is not None:
            client = replace(client, birth_date=born)
        case = replace(
            template.with_facts(
                case_ref=str(ref),
                service=service,
                received_on=received,
                birth_date=client.birth_date,
            ),
            bsn=client.bsn,
            client_name=client.name,
        )
        known = set()
        if client_pick is not None and (name is not None or born is not None):
            known = {
                str(r[0])
                for r in store.conn.execute(
                    "SELECT c.case_ref FROM cases c JOIN clients k USING (client_id) "
                    "WHERE k.bsn = ?",
                    (client.bsn,),
                )
            }
        upsert_cases(store, [case], ACTOR, "test")
        return {str(ref), *known}, set()
    _, index, (name, value) = action  # type: ignore[misc]
    ref = refs[int(index) % len(refs)]
    case = get_case(store, ref)  # type: ignore[arg-type]
    changed: Case
    if name in ("client_name", "status"):
        changed = replace(case, **{name: value})
    elif name == "birth_date":
        changed = case.with_facts(birth_date=value)
    elif name == "team":
        teams = [str(r[0]) for r in store.conn.execute("SELECT team_id FROM teams ORDER BY 1")]
        changed = replace(case, team=teams[int(value) % len(teams)])
    else:
        changed = case.with_facts(**{name: value})
    upsert_cases(store, [changed], ACTOR, "test")
    return {ref}, set()


def _same(entries: list[QueueEntry], expected: list[QueueEntry]) -> None:
    assert [e.case_ref for e in entries] == [e.case_ref for e in expected]
    assert [e.position for e in entries] == list(range(1, len(entries) + 1))
    for got, want in zip(entries, expected, strict=True):
        assert got == want  # placement (class, route, term, flags' facts), client, next task
        assert got.placement.flags == want.placement.flags
        assert got.placement.reasons(want.placement.policy) == want.placement.reasons(
            want.placement.policy
        )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(st.lists(actions, min_size=1, max_size=5), min_size=1, max_size=3),
    policy=st.sampled_from(POLICIES),
)
def test_changes_put_in_place_give_the_queue_read_whole(
    demo_file: Path, tmp_path: Path, steps: list[list[tuple[object, ...]]], policy: object
) -> None:
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "example.sqlite3"
    shutil.copy(demo_file, path)
    with Store.open(path) as store:
        entries = load_queue(store, ON, policy)  # type: ignore[arg-type]
        figures = figures_by_team(entries)
        by_ref = {e.case_ref: e for e in entries}
        for step in steps:  # several updates in a row, each on the result of the one before
            cases: set[str] = set()
            tasks: set[int] = set()
            for action in step:
                more_cases, more_tasks = apply_change(store, action)
                cases |= more_cases
                tasks |= more_tasks
            refs = cases_to_update(
                store, cases, tasks, lambda refs: {by_ref[r].client_id for r in refs if r in by_ref}
            )
            assert cases <= refs
            fresh = queue_entries(store, ON, policy, refs)  # type: ignore[arg-type]
            merge = merge_entries(entries, refs, fresh, by_ref)
            update_figures(figures, merge.removed, merge.added)
            expected = load_queue(store, ON, policy)  # type: ignore[arg-type]
            _same(entries, expected)
            assert by_ref == {e.case_ref: e for e in expected}
            assert figures == figures_by_team(expected)
            assert {t for t, f in figures.items() if not f.total} == set()


def test_a_case_whose_place_stays_changes_no_position(demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "example.sqlite3"
    shutil.copy(demo_file, path)
    policy = POLICIES[0]
    with Store.open(path) as store:
        entries = load_queue(store, ON, policy)
        mid = len(entries) // 2
        middle = entries[mid]
        case = get_case(store, middle.case_ref)  # type: ignore[arg-type]
        upsert_cases(
            store, [case.with_facts(ingebrekestelling=not case.facts.ingebrekestelling)], ACTOR, "t"
        )
        others = [e.placement for e in entries if e is not middle]
        merge = merge_entries(
            entries, [middle.case_ref], queue_entries(store, ON, policy, [middle.case_ref])
        )
        assert merge.renumbered == (mid, mid)  # the new row only
        assert [e.placement for e in entries if e.case_ref != middle.case_ref] == others
        assert entries[mid].placement.facts.ingebrekestelling != (
            middle.placement.facts.ingebrekestelling
        )
        # A case afgerond: every row after it moves up one; the rows before keep their place.
        first_after = entries[mid + 1]
        before = entries[:mid]
        upsert_cases(store, [replace(case, status="afgerond")], ACTOR, "t")
        refs = [case.case_ref]
        merge = merge_entries(entries, refs, queue_entries(store, ON, policy, refs))
        assert merge.renumbered == (mid, len(entries) - 1)
        assert entries[mid] is first_after
        assert entries[:mid] == before
        assert [e.position for e in entries] == list(range(1, len(entries) + 1))
