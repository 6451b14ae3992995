"""A closed MDB of team T1 around given cases, for the tests of the summary PDF."""

from __future__ import annotations

from datetime import date

from mdbtriage.core.meetings import MeetingSummary, SummaryCase


def closed_summary(cases: tuple[SummaryCase, ...]) -> MeetingSummary:
    """The summary of a closed MDB of team T1 held on 2 November 2026 that discussed ``cases``."""
    return MeetingSummary(
        meeting_id=1,
        team_id="T1",
        team_name="Team 1",
        held_on=date(2026, 11, 2),
        status="gesloten",
        regievoerder="Dokter",
        attendees=(),
        cases=cases,
        printed_on=date(2026, 11, 3),
    )
