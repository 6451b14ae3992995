"""MDB meetings in the store: preparation (agenda, attendance), decisions saved as they are made,
closing (the regievoerder VA confirms; tasks are created), each case's MDB history and the data of
the summary, one module each. Every write is one transaction with its access-log records inside
it. The rules are in :mod:`mdbtriage.core.meetings`; these modules read and write.
"""

from __future__ import annotations

from mdbtriage.store.meetings.agenda import (
    add_case,
    agenda,
    agenda_sizes,
    attendees,
    create_meeting,
    drop_case,
    move_case,
    propose,
    read_agenda,
    reorder,
    set_item_status,
    set_present,
    set_regievoerder,
    va_present,
    warnings,
)
from mdbtriage.store.meetings.base import (
    HistoryEntry,
    Meeting,
    default_regievoerder,
    get_meeting,
    list_meetings,
    team_staff,
)
from mdbtriage.store.meetings.decisions import (
    AssignmentCheck,
    TaskCreator,
    case_history,
    check_activities,
    close_meeting,
    closing_problems,
    decisions,
    default_assignment_check,
    default_task_creator,
    meeting_task_ids,
    save_decision,
)
from mdbtriage.store.meetings.summary import (
    export_summary,
    print_summary,
    summary,
)

__all__ = [
    "AssignmentCheck",
    "HistoryEntry",
    "Meeting",
    "TaskCreator",
    "add_case",
    "agenda",
    "agenda_sizes",
    "attendees",
    "case_history",
    "check_activities",
    "close_meeting",
    "closing_problems",
    "create_meeting",
    "decisions",
    "default_assignment_check",
    "default_regievoerder",
    "default_task_creator",
    "drop_case",
    "export_summary",
    "get_meeting",
    "list_meetings",
    "meeting_task_ids",
    "move_case",
    "print_summary",
    "propose",
    "read_agenda",
    "reorder",
    "save_decision",
    "set_item_status",
    "set_present",
    "set_regievoerder",
    "summary",
    "team_staff",
    "va_present",
    "warnings",
]
