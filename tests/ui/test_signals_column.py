"""The werkvoorraad's Signalen column: each signal in words with an icon, and a filter per
signal that keeps exactly the rows whose triage flags carry it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mdbtriage.core.triage import (
    FLAG_INGEBREKESTELLING,
    FLAG_MOTIVERING,
    FLAG_NIET_OPGEPAKT,
    FLAG_TERMIJN,
)
from mdbtriage.ui.queue_model import COLUMN_KEYS, SIGNALS

# The werkvoorraad and the task screens on both stores.
pytestmark = pytest.mark.both_stores

SIGNALS_COLUMN = COLUMN_KEYS.index("signals")


def _has_flag(key: str, flags: list[str], six_months: str) -> bool:
    """The signal as the triage's own flags (core/triage.py) name it."""
    return {
        "te_laat": FLAG_TERMIJN in flags,
        "ingebrekestelling": FLAG_INGEBREKESTELLING in flags or any("dwangsom" in f for f in flags),
        "schrijnend": any(f.startswith("schrijnend") for f in flags),
        "motivering": FLAG_MOTIVERING in flags,
        "niet_opgepakt": FLAG_NIET_OPGEPAKT in flags,
        "zes_maanden": six_months in flags,
    }[key]


@pytest.mark.parametrize("signal", SIGNALS, ids=lambda s: s.key)
def test_each_signal_filters_to_the_rows_that_carry_it(make_window, tl_session, policy, signal):
    view = make_window(tl_session).werkvoorraad
    model = view.model
    every = model.all_entries()
    expected = [
        e.case_ref
        for e in every
        if _has_flag(signal.key, e.placement.flags, policy.six_months_label)
    ]
    assert expected, f"the demo has no case with {signal.label}"
    view.signal.setCurrentIndex(view.signal.findData(signal.key))
    shown = [model.entry(r).case_ref for r in range(model.rowCount())]
    assert sorted(shown) == sorted(expected)
    for row in range(min(model.rowCount(), 30)):
        index = model.index(row, SIGNALS_COLUMN)
        assert signal.short(model.entry(row)) in index.data()  # in words
        assert index.data(Qt.ItemDataRole.DecorationRole) is not None  # and an icon
    assert view.count.text().startswith(f"{len(expected)} van ")


def test_rows_without_signals_show_an_empty_cell_and_no_icon(make_window, tl_session):
    model = make_window(tl_session).werkvoorraad.model
    quiet = next(r for r in range(model.rowCount()) if not model.entry(r).placement.flags)
    index = model.index(quiet, SIGNALS_COLUMN)
    assert index.data() == ""
    assert index.data(Qt.ItemDataRole.DecorationRole) is None


def test_signal_filter_shows_icons_and_is_reset_by_esc(qtbot, make_window, tl_session):
    view = make_window(tl_session).werkvoorraad
    assert view.signal.itemText(0) == "Alle signalen"
    assert all(not view.signal.itemIcon(i).isNull() for i in range(1, view.signal.count()))
    view.signal.setCurrentIndex(1)
    filtered = view.model.rowCount()
    assert filtered < view.model.total()
    qtbot.keyClick(view.search, Qt.Key.Key_Escape)
    assert view.signal.currentIndex() == 0
    assert view.model.rowCount() == view.model.total()


def test_sorting_on_signals_puts_the_most_urgent_first(qtbot, make_window, tl_session):
    view = make_window(tl_session).werkvoorraad
    view.table.sortByColumn(SIGNALS_COLUMN, Qt.SortOrder.DescendingOrder)
    first = view.model.entry(0)
    assert SIGNALS[0].test(first)  # te laat comes first
    last = view.model.entry(view.model.rowCount() - 1)
    assert not any(s.test(last) for s in SIGNALS)


def test_the_sort_rank_follows_the_signals_in_their_order(make_window, tl_session):
    from mdbtriage.ui.queue_model import _signals_rank

    model = make_window(tl_session).werkvoorraad.model
    for entry in model.all_entries():
        bits = [signal.test(entry) for signal in SIGNALS]
        expected = sum(1 << (len(SIGNALS) - i) for i, on in enumerate(bits) if on)
        assert _signals_rank(entry) == expected, entry.case_ref
