"""Input that already is in the werkvoorraad's order is placed without sorting it again, with the
same result; the class ranks a database orders by agree with ``classify``."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core import triage
from mdbtriage.core.model import CaseFacts
from mdbtriage.core.policy import CLASS_ORDER, available_policies, load_policy
from mdbtriage.core.triage import (
    build_queue,
    class_ranks,
    classify,
    sort_key,
)
from tests.core.test_triage_fast_paths import facts_strategy

POLICIES = [load_policy(p) for p in available_policies()]
ON = date(2026, 11, 23)


def _no_sorting(*_args: object, **_kwargs: object) -> list[int]:
    raise AssertionError("ordered input was sorted again")


@settings(max_examples=60)
@given(st.lists(facts_strategy, max_size=30), st.sampled_from(POLICIES), st.randoms())
def test_ordered_input_gives_the_same_queue_without_a_sort(cases, policy, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(cases)
    rnd.shuffle(shuffled)
    expected = build_queue(shuffled, ON, policy)
    ordered = [p.facts for p in expected]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(triage, "sorted", _no_sorting, raising=False)
        again = build_queue(ordered, ON, policy)
    assert again == expected
    assert [p.position for p in again] == list(range(1, len(again) + 1))


def test_unordered_input_is_still_sorted() -> None:
    policy = POLICIES[0]
    cases = [
        CaseFacts("R-2", "ZW", date(2026, 1, 2)),
        CaseFacts("R-1", "ZW", date(2026, 1, 2)),
        CaseFacts("R-3", "ABA", date(2026, 3, 1)),
    ]
    assert [p.case_ref for p in build_queue(cases, ON, policy)] == ["R-3", "R-1", "R-2"]
    many = [CaseFacts(f"R-{i:05}", "ZW", date(2026, 1, 1 + i % 28)) for i in range(2000)]
    random.Random(1).shuffle(many)
    queue = build_queue(many, ON, policy)
    assert [p.facts for p in queue] == sorted(many, key=lambda f: sort_key(f, policy))


@settings(max_examples=100)
@given(facts_strategy, st.sampled_from(POLICIES))
def test_class_ranks_agree_with_classify(facts, policy) -> None:  # type: ignore[no-untyped-def]
    ranks = class_ranks(policy)
    if (
        facts.service in ranks.schrijnend
        and facts.schrijnend
        and facts.central_outcome == "toegekend"
    ):
        rank = ranks.schrijnend[facts.service]
    else:
        rank = ranks.plain[facts.service]
    klasse, _ = classify(facts, policy)
    assert CLASS_ORDER[rank] == klasse
    assert sort_key(facts, policy)[0] == rank
