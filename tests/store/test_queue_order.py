"""The werkvoorraad read in the policy's order by the database: the same order as the triage
engine's sort key, for the first rows (the preview) and for the whole queue, per team and with
afgeronde zaken left out."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdbtriage.core.central import CentralDecision, covers
from mdbtriage.core.model import SERVICES, Actor
from mdbtriage.core.policy import available_policies, load_policy
from mdbtriage.core.triage import build_queue, sort_key
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from mdbtriage.store.queue_view import (
    class_rank_sql,
    load_preview,
    load_queue,
    load_team_preview,
    next_tasks,
    queue_cases,
)
from mdbtriage.store.records import open_cases

pytestmark = pytest.mark.both_stores

POLICIES = [load_policy(p) for p in available_policies()]
ON = date(2026, 11, 23)
TEAMS = ("T1", "T2")
# Central references: only one that is a recorded decision covering the case counts; free text
# ("n.v.t.", blanks) never does.
SCHRIJNEND_REFS = [None, "", " ", "n.v.t.", "CT-1", "CT-2", "CT-3"]
decision_rows = st.lists(
    st.tuples(
        st.sampled_from(["CT-1", "CT-2", "CT-3"]),
        st.integers(min_value=0, max_value=39),  # the case (or its client) it names
        st.sampled_from(["case", "bsn", "both"]),
        st.dates(min_value=date(2024, 1, 1), max_value=ON),
        st.sampled_from(["toegekend", "afgewezen"]),
    ),
    max_size=4,
    unique_by=lambda row: row[0],
)

case_rows = st.lists(
    st.tuples(
        # References with upper and lower case, digits, punctuation and letters beyond ASCII,
        # so that the database's byte order and Python's code point order are both tried.
        st.text(alphabet="AZaz0129-_. éÉ\u0131\U0001f600", min_size=1, max_size=5),
        st.sampled_from(sorted(SERVICES)),
        st.dates(min_value=date(2024, 1, 1), max_value=ON),
        st.booleans(),  # schrijnend
        st.sampled_from(SCHRIJNEND_REFS),
        st.sampled_from(["open", "in_behandeling", "afgerond"]),
        st.sampled_from(TEAMS),
    ),
    max_size=40,
    unique_by=lambda row: row[0],
)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store.open(Path(tmp_path_factory.mktemp("order")) / "store.sqlite3")
    with store.atomic() as conn:
        conn.executemany("INSERT INTO teams (team_id, name) VALUES (?, ?)", [(t, t) for t in TEAMS])
    yield store
    store.close()


def _fill(
    store: Store,
    rows: list[tuple[str, str, date, bool, str | None, str, str]],
    decisions: list[tuple[str, int, str, date, str]] = (),  # type: ignore[assignment]
) -> list[CentralDecision]:
    """Replace every case (and client) of the store by ``rows``, written as they are (without
    their natural keys), and the central decisions by ``decisions``; the decisions written."""
    written: list[CentralDecision] = []
    with store.atomic() as conn:
        conn.execute("DELETE FROM cases")
        conn.execute("DELETE FROM clients")
        conn.execute("DELETE FROM central_decisions")
        for central_ref, index, kind, decided_on, outcome in decisions:
            if index >= len(rows):
                continue
            decision = CentralDecision(
                central_ref,
                None if kind == "bsn" else rows[index][0],
                None if kind == "case" else f"{100000000 + index}",
                decided_on,
                outcome,
            )
            written.append(decision)
            conn.execute(
                "INSERT INTO central_decisions VALUES (?, ?, ?, ?, ?, 'test', 'nu')",
                (
                    decision.central_ref,
                    decision.case_ref,
                    decision.bsn,
                    decided_on.isoformat(),
                    outcome,
                ),
            )
        for i, (ref, service, received, schrijnend, schrijnend_ref, status, team) in enumerate(
            rows
        ):
            conn.execute(
                "INSERT INTO clients (client_id, bsn, name) VALUES (?, ?, ?)",
                (i + 1, f"{100000000 + i}", f"Cliënt {i}"),
            )
            conn.execute(
                "INSERT INTO cases (case_ref, client_id, service, received_on, team_id, "
                "schrijnend, schrijnend_ref, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ref,
                    i + 1,
                    service,
                    received.isoformat(),
                    team,
                    int(schrijnend),
                    schrijnend_ref,
                    status,
                ),
            )
    return written


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=case_rows,
    decisions=decision_rows,
    policy=st.sampled_from(POLICIES),
    team=st.sampled_from([None, *TEAMS]),
    limit=st.integers(min_value=0, max_value=45),
)
def test_database_order_equals_the_engines(
    shared_store, rows, decisions, policy, team, limit
) -> None:  # type: ignore[no-untyped-def]
    written = _fill(shared_store, rows, decisions)
    facts = [r.facts for r in open_cases(shared_store, team)]
    # The store finds the decision a case refers to exactly as core.central.covers says.
    for row in open_cases(shared_store, team):
        f = row.facts
        covering = [
            d.outcome
            for d in written
            if f.schrijnend
            and d.central_ref == f.schrijnend_ref
            and covers(d, f.case_ref, row.bsn, f.service, f.received_on)
        ]
        assert f.central_outcome == (covering[0] if covering else None)
    expected = [p.facts.case_ref for p in build_queue(facts, ON, policy)]
    assert expected == [f.case_ref for f in sorted(facts, key=lambda f: sort_key(f, policy))]
    assert [r.facts.case_ref for r in queue_cases(shared_store, policy, team)] == expected
    first = queue_cases(shared_store, policy, team, limit)
    assert [r.facts.case_ref for r in first] == expected[:limit]
    assert all(r.status != "afgerond" and (team is None or r.team == team) for r in first)
    # The rows themselves are those of open_cases, field for field.
    by_ref = {r.facts.case_ref: r for r in open_cases(shared_store, team)}
    assert all(r == by_ref[r.facts.case_ref] for r in first)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=case_rows,
    decisions=decision_rows,
    team=st.sampled_from([None, *TEAMS]),
    limit=st.integers(0, 45),
)
def test_preview_is_the_head_of_the_whole_queue(shared_store, rows, decisions, team, limit) -> None:  # type: ignore[no-untyped-def]
    _fill(shared_store, rows, decisions)
    policy = POLICIES[0]
    whole = load_queue(shared_store, ON, policy, team)
    preview = load_preview(shared_store, ON, policy, team, limit)
    # Positions 1..N, classes, routes, flags, reasons and the shown facts: all equal.
    assert preview == whole[:limit]
    assert [e.position for e in preview] == list(range(1, len(preview) + 1))
    assert [e.placement.reasons(policy) for e in preview] == [
        e.placement.reasons(policy) for e in whole[:limit]
    ]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=case_rows,
    decisions=decision_rows,
    team=st.sampled_from(TEAMS),
    limit=st.integers(0, 45),
    on=st.sampled_from([None, date(2025, 6, 1)]),
)
def test_team_preview_is_the_teams_head_of_the_whole_queue(  # type: ignore[no-untyped-def]
    shared_store, rows, decisions, team, limit, on
) -> None:
    """The own team's first rows, read on their own, are those rows of the whole werkvoorraad
    (every team), at their positions among all teams."""
    _fill(shared_store, rows, decisions)
    policy = POLICIES[0]
    day = on or ON
    whole = load_queue(shared_store, day, policy)
    preview = load_team_preview(shared_store, day, policy, team, limit)
    assert preview == [e for e in whole if e.team == team][:limit]
    assert [e.placement.reasons(policy) for e in preview] == [
        e.placement.reasons(policy) for e in whole if e.team == team
    ][:limit]


def test_class_rank_is_made_from_the_policy() -> None:
    policy = load_policy()
    sql = class_rank_sql(policy)
    for service in SERVICES:
        assert f"WHEN '{service}' THEN" in sql
    assert "central_decisions" in sql and "'toegekend'" in sql


def test_queue_on_a_date_leaves_out_later_cases(shared_store) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ("R-1", "ABA", date(2026, 1, 5), False, None, "open", "T1"),
        ("R-2", "ABA", date(2026, 3, 5), False, None, "open", "T1"),
    ]
    _fill(shared_store, rows)
    policy = POLICIES[0]
    early = load_queue(shared_store, date(2026, 2, 1), policy)
    assert [e.case_ref for e in early] == ["R-1"]
    assert load_preview(shared_store, date(2026, 2, 1), policy) == early


def test_demo_store_in_database_order_and_tasks_of_some_cases(tmp_path: Path) -> None:
    policy = load_policy()
    with Store.open(tmp_path / "demo.sqlite3") as store:
        load_demo(store, n_cases=400, seed=3, today=ON, actor=Actor.system_account("test"))
        rows = queue_cases(store, policy)
        shuffled = [r.facts for r in rows]
        random.Random(5).shuffle(shuffled)
        assert [r.facts for r in rows] == [p.facts for p in build_queue(shuffled, ON, policy)]
        every = next_tasks(store)
        assert every
        some = [*sorted(every)[::3], "BESTAAT-NIET"]
        assert next_tasks(store, some) == {ref: every[ref] for ref in some if ref in every}
        assert next_tasks(store, []) == {}
        many = [r.facts.case_ref for r in rows] * 3  # more than one chunk of parameters
        assert next_tasks(store, many) == {
            ref: task for ref, task in every.items() if ref in set(many)
        }


def test_team_preview_of_a_demo_district_on_both_stores(store: Store) -> None:
    """Two teams: the first rows overall hold some of each team; its own first rows read on their
    own hold a screenful, at the positions of the whole werkvoorraad."""
    load_demo(store, n_cases=4000, seed=5, today=ON, actor=Actor.system_account("test"))
    policy = POLICIES[0]
    whole = load_queue(store, ON, policy)
    teams = sorted({e.team for e in whole})
    assert len(teams) == 2
    for team in teams:
        own = [e for e in whole if e.team == team]
        preview = load_team_preview(store, ON, policy, team, 60)
        assert preview == own[:60]
        assert [e.position for e in preview] != list(range(1, 61))  # among all teams


def test_whole_werkvoorraad_rows_are_the_engines_placements(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compact rows of the whole werkvoorraad, read and placed a part at a time, make
    again exactly the placements (facts, position, class, route, term, flags, reasons) that
    the engine gives the open cases; rows share what they have in common."""
    from mdbtriage.store import queue_view

    load_demo(store, n_cases=600, seed=11, today=ON, actor=Actor.system_account("test"))
    policy = POLICIES[0]
    expected = build_queue([r.facts for r in open_cases(store)], ON, policy)
    monkeypatch.setattr(queue_view, "LOAD_PART", 37)  # many parts, the last one short
    whole = load_queue(store, ON, policy)
    assert [e.placement for e in whole] == expected
    assert [e.placement.reasons(policy) for e in whole] == [p.reasons(policy) for p in expected]
    assert [e.placement.flags for e in whole] == [p.flags for p in expected]
    # Rows with equal placements but for the position, or equal facts but for the reference
    # and birth date, hold one shared object.
    assert len({id(e.place) for e in whole}) == len({e.place for e in whole}) < len(whole)
    assert len({id(e.marks) for e in whole}) == len({e.marks for e in whole}) < len(whole) / 4


def test_werkvoorraad_out_of_the_databases_order_is_put_in_the_policys(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the database's order is not the policy's (an office store's cases stored before
    the reference's natural key was kept sort last there), the werkvoorraad is still the
    engine's, read once: the rows are put in the policy's order and numbered."""
    from mdbtriage.store import queue_view

    load_demo(store, n_cases=300, seed=12, today=ON, actor=Actor.system_account("test"))
    policy = POLICIES[0]
    expected = build_queue([r.facts for r in open_cases(store)], ON, policy)
    monkeypatch.setattr(queue_view, "LOAD_PART", 50)
    monkeypatch.setattr(queue_view, "_queue_order", lambda _s, _p: "c.case_ref DESC")
    reads: list[str] = []
    stream = queue_view.stream_rows
    monkeypatch.setattr(
        queue_view, "stream_rows", lambda conn, sql, *a: reads.append(sql) or stream(conn, sql, *a)
    )
    said: list[str] = []
    whole = load_queue(store, ON, policy, progress=lambda _percent, text: said.append(text))
    assert [e.placement for e in whole] == expected
    assert [e.flags for e in whole] == [p.flags for p in expected]
    assert len(reads) == 1
    assert "regels in de volgorde van het beleid zetten" in said


def test_rows_whose_routes_share_a_code_keep_their_own_route() -> None:
    """Two routes of a policy with the same code (the policy file does not forbid it) stay two
    routes in the rows: a row shows the route the engine chose for it."""
    from dataclasses import replace

    from mdbtriage.core.model import Case, CaseFacts
    from mdbtriage.store.queue_view import entries_from

    base = POLICIES[0]
    regulier = base.routes[-1]
    special = replace(
        regulier,
        name="regulier (werkgever)",
        lead_role="AD",
        services=frozenset({"WIA_CLAIM"}),
        requesters=frozenset({"werkgever"}),
    )
    policy = replace(base, routes=(*base.routes[:-1], special, regulier))
    rows = [
        Case(
            CaseFacts(f"Z-{i}", "WIA_CLAIM", date(2026, 10, 1), requester=who),
            "123456782",
            "X",
            "T1",
        )
        for i, who in enumerate(["werknemer", "werkgever"])
    ]
    engine = build_queue([r.facts for r in rows], ON, policy)
    rows_made = entries_from(rows, ON, policy)
    assert [(e.route_rule.name, e.lead_role) for e in rows_made] == [
        (p.route.name, p.route.lead_role) for p in engine
    ]
    assert {p.route.name for p in engine} == {"regulier", "regulier (werkgever)"}


def test_a_werkvoorraad_read_that_fails_halfway_leaves_the_connection_free(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error while the werkvoorraad is read (here from the progress report) closes the read
    at once: the next statement on the connection runs (a read left open would keep the
    office store's connection busy, and the workstation store's tables locked)."""
    from mdbtriage.store import queue_view

    load_demo(store, n_cases=300, seed=13, today=ON, actor=Actor.system_account("test"))
    monkeypatch.setattr(queue_view, "LOAD_PART", 50)
    calls: list[int] = []

    def progress(percent: int, _text: str) -> None:
        calls.append(percent)
        if len(calls) == 4:
            raise RuntimeError("afgebroken")

    # The error is kept (as the desktop keeps it to show it): its frames hold the read.
    with pytest.raises(RuntimeError, match="afgebroken") as caught:
        load_queue(store, ON, POLICIES[0], progress=progress)
    with store.atomic() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS temp.mdb_probe (a TEXT)")
        conn.execute("DROP TABLE temp.mdb_probe")
    assert caught.value.__traceback__ is not None
    assert load_queue(store, ON, POLICIES[0])
