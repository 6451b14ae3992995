"""The fast paths of the triage engine and ``open_cases`` give exactly what the straightforward
definitions give: the order of ``sort_key``, the route of ``choose_route``, the same sentences."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core.model import REQUESTERS, SERVICES, Actor, Case, CaseFacts, Client
from mdbtriage.core.ordering import natural_key
from mdbtriage.core.policy import available_policies, load_policy
from mdbtriage.core.termijnen import term_end
from mdbtriage.core.triage import (
    OrderedPlacer,
    Placement,
    build_queue,
    choose_route,
    classify,
    frozen_constructor,
    placement_dict,
    placement_dicts,
    sort_key,
)
from mdbtriage.core.validation import add_months, age_on, format_date
from mdbtriage.store.database import Store
from mdbtriage.store.records import get_case, open_cases, upsert_cases

POLICIES = [load_policy(p) for p in available_policies()]
ON = date(2026, 11, 23)


def reference_reasons(p: Placement, policy: object) -> list[str]:
    """The reasons as first written, sentence by sentence (no caching)."""
    assert hasattr(policy, "unplanned_classes")
    facts = p.facts
    service_name = SERVICES.get(facts.service, facts.service)
    if p.schrijnend_approved:
        first = f"klasse {p.klasse}: {service_name}, schrijnend met centrale toets {facts.schrijnend_ref}"
    else:
        first = f"klasse {p.klasse}: {service_name}"
        if p.klasse in policy.unplanned_classes:
            first += " (wordt niet opgepakt)"
    reasons = [first]
    schrijnend_service = facts.service in ("HERBEOORDELING", "BEZWAAR")
    if facts.schrijnend and schrijnend_service and not p.schrijnend_approved:
        if facts.central_outcome == "afgewezen":
            reasons.append(
                f"schrijnend gemeld, maar de centrale toets {facts.schrijnend_ref} is afgewezen: "
                f"blijft in klasse {p.klasse}"
            )
        else:
            reasons.append(
                "schrijnend gemeld, maar er is geen centrale beslissing toegekend bij deze "
                f"referentie: blijft in klasse {p.klasse}"
            )

    def days(n: int) -> str:
        return f"{n} dag" if n == 1 else f"{n} dagen"

    weeks = p.waiting_days // 7
    reasons.append(
        f"ontvangen {format_date(facts.received_on)}, wacht {weeks} "
        f"{'week' if weeks == 1 else 'weken'} ({days(p.waiting_days)})"
    )
    if p.term_weeks is None or p.term_ends_on is None:
        reasons.append("geen wettelijke beslistermijn voor deze dienst")
    elif p.overdue_days > 0:
        reasons.append(
            f"{p.term_weeks}-wekentermijn {days(p.overdue_days)} verstreken "
            f"(liep tot en met {format_date(p.term_ends_on)})"
        )
    else:
        left = (p.term_ends_on - facts.received_on).days - p.waiting_days
        reasons.append(
            f"{p.term_weeks}-wekentermijn loopt nog {days(left)} "
            f"(tot en met {format_date(p.term_ends_on)})"
        )
    if p.over_six_months:
        reasons.append(f"langer dan {policy.six_months} maanden")
    detail = p.route.explanation.format(
        requester=REQUESTERS.get(facts.requester or "", facts.requester or "onbekend"),
        age=age_on(facts.birth_date, facts.received_on) if facts.birth_date else "?",
    )
    reasons.append(f"route {p.route.name}: {detail}")
    reasons.append(f"voorgestelde regie: {p.route.lead_role}")
    if facts.ingebrekestelling:
        reasons.append("ingebrekestelling geregistreerd: verandert de volgorde niet")
    if facts.dwangsom:
        reasons.append("dwangsom geregistreerd: verandert de volgorde niet")
    return reasons


refs = st.text(alphabet="ABZ019-./_", min_size=1, max_size=6)
facts_strategy = st.builds(
    CaseFacts,
    case_ref=refs,
    service=st.sampled_from(sorted(SERVICES)),
    received_on=st.dates(min_value=date(2023, 1, 1), max_value=ON),
    birth_date=st.one_of(
        st.none(), st.dates(min_value=date(1955, 1, 1), max_value=date(2004, 1, 1))
    ),
    requester=st.one_of(st.none(), st.sampled_from(sorted(REQUESTERS))),
    motivated=st.booleans(),
    working=st.booleans(),
    consents_60_plus=st.booleans(),
    schrijnend=st.booleans(),
    schrijnend_ref=st.sampled_from([None, "", " ", "CT-2026-001"]),
    ingebrekestelling=st.booleans(),
    dwangsom=st.booleans(),
    medical_reason=st.booleans(),
    employer_consents_60_plus=st.sampled_from([None, True, False]),
    central_outcome=st.sampled_from([None, "toegekend", "afgewezen"]),
)


@settings(max_examples=60)
@given(
    st.lists(facts_strategy, max_size=30),
    st.sampled_from(POLICIES),
    st.integers(min_value=0, max_value=500),
)
def test_build_queue_equals_the_definition(cases: list[CaseFacts], policy, days: int) -> None:  # type: ignore[no-untyped-def]
    on = ON + timedelta(days=days)
    queue = build_queue(cases, on, policy)
    received = [f for f in cases if f.received_on <= on]
    expected = sorted(received, key=lambda f: sort_key(f, policy))  # stable, with duplicates
    assert [p.facts for p in queue] == expected
    six = add_months(on, -policy.six_months)
    for position, p in enumerate(queue, start=1):
        facts = p.facts
        klasse, approved = classify(facts, policy)
        weeks = policy.term_weeks(facts.service, facts.requester, facts.received_on)
        last = None if weeks is None else facts.received_on + timedelta(weeks=weeks)
        ends = None if last is None else term_end(last, policy.extra_holidays)
        waiting = (on - facts.received_on).days
        assert p == Placement(
            facts=facts,
            position=position,
            klasse=klasse,
            route=choose_route(facts, policy),
            waiting_days=waiting,
            term_weeks=weeks,
            term_ends_on=ends,
            overdue_days=0 if ends is None else max(0, (on - ends).days),
            over_six_months=facts.service == "WIA_CLAIM" and facts.received_on < six,
            schrijnend_approved=approved,
            policy=policy,
        )
        assert p.reasons(policy) == reference_reasons(p, policy)
    assert placement_dicts(queue, policy) == [placement_dict(p, policy) for p in queue]


@settings(max_examples=60)
@given(
    st.lists(facts_strategy, max_size=40),
    st.sampled_from(POLICIES),
    st.integers(min_value=0, max_value=500),
    st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=8),
)
def test_placing_in_parts_equals_placing_the_whole(  # type: ignore[no-untyped-def]
    cases: list[CaseFacts], policy, days: int, sizes: list[int]
) -> None:
    """The werkvoorraad's cases in its order, placed a part at a time (as the desktop reads
    them), give exactly the placements of the whole: positions go on across the parts."""
    on = ON + timedelta(days=days)
    ordered = sorted(cases, key=lambda f: sort_key(f, policy))
    placer = OrderedPlacer(on, policy)
    placed: list[Placement] = []
    start = 0
    for size in sizes * (len(ordered) + 1):
        if start >= len(ordered):
            break
        placed += placer.place(ordered[start : start + size])
        start += size
    assert placed == build_queue(cases, on, policy)
    assert placer.placed == len(placed)


@settings(max_examples=60)
@given(
    st.lists(facts_strategy, min_size=2, max_size=30),
    st.sampled_from(POLICIES),
    st.randoms(use_true_random=False),
)
def test_parts_out_of_order_are_noticed_and_placed_but_for_the_position(  # type: ignore[no-untyped-def]
    cases: list[CaseFacts], policy, shuffler
) -> None:
    """Parts out of the werkvoorraad's order, in themselves or after the parts before, are
    noticed (``in_order``); every case is still placed as in the whole but for its position,
    so that sorting the placements by ``sort_key`` and numbering them gives the werkvoorraad."""
    shuffled = list(cases)
    shuffler.shuffle(shuffled)
    placer = OrderedPlacer(ON, policy)
    placed = placer.place(shuffled[:5]) + placer.place(shuffled[5:])
    whole = build_queue(shuffled, ON, policy)  # equal keys keep the order they came in
    keys = [sort_key(f, policy) for f in shuffled]
    assert placer.in_order == (keys == sorted(keys))
    ordered = sorted(placed, key=lambda p: sort_key(p.facts, p.policy))
    assert [replace(p, position=i) for i, p in enumerate(ordered, start=1)] == whole


def test_reasons_of_a_hand_made_placement_follow_its_own_fields() -> None:
    policy = POLICIES[0]
    base = build_queue([CaseFacts("H-1", "ZW", date(2026, 3, 1))], ON, policy)[0]
    odd = replace(base, overdue_days=0, waiting_days=10, term_weeks=8, over_six_months=True)
    assert odd.reasons(policy) == reference_reasons(odd, policy)


def test_frozen_constructor_makes_ordinary_frozen_instances() -> None:
    make = frozen_constructor(CaseFacts)
    args = (
        "F-1",
        "ZW",
        date(2026, 1, 2),
        None,
        None,
        True,
        False,
        False,
        False,
        None,
        False,
        True,
        True,
        None,
        None,
        None,
        None,
        None,
    )
    made = make(*args)
    assert made == CaseFacts(*args) and hash(made) == hash(CaseFacts(*args))
    with pytest.raises(FrozenInstanceError):
        made.case_ref = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        make(*args[:-1])


def test_open_cases_reads_back_what_was_written(store: Store) -> None:
    actor = Actor(user_id="T-TL1", name="Test", role="TL")
    cases = [
        Case.entered(
            case_ref="C-1",
            client=Client(bsn="111222333", name="Anna de Vries", birth_date=date(1970, 5, 6)),
            service="BEZWAAR",
            received_on=date(2026, 2, 3),
            team="T1",
            requester="werkgever",
            motivated=True,
            schrijnend=True,
            schrijnend_ref="CT-9",
            dwangsom=True,
        ),
        Case.entered(
            case_ref="C-2",
            client=Client(bsn="123456782", name="Jan Jansen", birth_date=None),
            service="ZW",
            received_on=date(2026, 2, 3),
            team="T2",
            working=True,
            consents_60_plus=True,
            ingebrekestelling=True,
            status="in_behandeling",
        ),
        Case.entered(
            case_ref="C-3",
            client=Client(bsn="123456782", name="Jan Jansen", birth_date=None),
            service="ABA",
            received_on=date(2025, 1, 1),
            team="T2",
            status="afgerond",
        ),
    ]
    upsert_cases(store, cases, actor, purpose="test")
    rows = {r.facts.case_ref: r for r in open_cases(store)}
    assert set(rows) == {"C-1", "C-2"}
    c1 = rows["C-1"]
    assert c1.facts == CaseFacts(
        "C-1",
        "BEZWAAR",
        date(2026, 2, 3),
        date(1970, 5, 6),
        "werkgever",
        True,
        False,
        False,
        True,
        "CT-9",
        False,
        True,
        ref_key=natural_key("C-1"),
    )
    assert (c1.bsn, c1.client_name, c1.team, c1.status) == (
        "111222333",
        "Anna de Vries",
        "T1",
        "open",
    )
    c2 = rows["C-2"]
    assert c2.facts.birth_date is None and c2.facts.requester is None
    assert c2.facts.schrijnend_ref is None and c2.facts.working is True
    assert type(c2.facts.working) is bool and type(c2.facts.motivated) is bool
    assert c2 == get_case(store, "C-2")
    assert c1.facts.received_on is c2.facts.received_on  # one date object per distinct date
    assert [r.facts.case_ref for r in open_cases(store, "T2")] == ["C-2"]
    assert isinstance(c2, Case) and c2.client_id == rows["C-2"].client_id


def test_frozen_constructor_falls_back_where_the_layout_differs() -> None:
    from dataclasses import dataclass

    @dataclass(frozen=True, slots=True, weakref_slot=True)
    class Weak:
        a: int
        b: str

    make = frozen_constructor(Weak)
    made = make(1, "x")
    assert type(made) is Weak and made == Weak(1, "x")
    with pytest.raises(FrozenInstanceError):
        made.a = 2  # type: ignore[misc]


def test_open_cases_equals_get_case_for_every_demo_case(store: Store) -> None:
    from mdbtriage.store.demo import load_demo

    load_demo(store, n_cases=300, seed=7, today=ON, actor=Actor("T", "Test", "TL"))
    rows = open_cases(store)
    assert len(rows) >= 300
    flag_sets = {
        (
            r.facts.motivated,
            r.facts.working,
            r.facts.consents_60_plus,
            r.facts.schrijnend,
            r.facts.ingebrekestelling,
            r.facts.dwangsom,
        )
        for r in rows
    }
    assert len(flag_sets) > 8  # the demo mixes the flags
    for row in rows:
        assert row == get_case(store, row.facts.case_ref)


@settings(max_examples=60)
@given(st.lists(facts_strategy, min_size=1, max_size=20), st.sampled_from(POLICIES))
def test_reasons_name_the_route_in_the_policys_words_not_its_code(  # type: ignore[no-untyped-def]
    cases: list[CaseFacts], policy
) -> None:
    """A person reads "route 60-plusmaatregel: …", not the code ``60_PLUS`` that scripts read in
    the JSON's ``route``."""
    for p in build_queue(cases, ON + timedelta(days=400), policy):
        sentences = p.reasons(policy)
        assert f"route {p.route.name}: " in " | ".join(sentences)
        if p.route.code != p.route.name:
            assert not any(p.route.code in s.split(":")[0] for s in sentences if "route" in s)
        assert placement_dict(p, policy)["route"] == p.route.code
