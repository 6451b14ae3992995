"""What the command modules share: the ``--format`` option, the store's refusals turned into
exit codes, the acting user, plain-text tables and JSON on standard output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import click

from mdbtriage.cli import (
    EXIT_BAD_INPUT,
    EXIT_REFUSED,
    Context,
    fail,
    parse_date_option,
    say,
)
from mdbtriage.core.model import Actor
from mdbtriage.store.access_log import record_access
from mdbtriage.store.delegations import Refused, TaakdelegatieError, staff_or_error
from mdbtriage.store.tasks import get_task
from mdbtriage.store.versions import StaleEdit

#: A stored record's number (a task, an MDB, a delegation): a whole number the databases can
#: hold, so that a mistyped huge one is bad input (exit 2), not an overflow.
RECORD_ID = click.IntRange(1, 2**63 - 1)

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)


@contextmanager
def rules() -> Iterator[None]:
    """Turn the store's refusals and input errors into the command line's exit codes (README
    "Command line at a glance")."""
    try:
        yield
    except Refused as refused:
        for reason in refused.reasons:
            say(f"Geweigerd: {reason}")
        sys.exit(EXIT_REFUSED)
    except StaleEdit as stale:
        say(f"Geweigerd: {stale}")
        sys.exit(EXIT_REFUSED)
    except TaakdelegatieError as error:
        fail(f"Ongeldige invoer: {error}", EXIT_BAD_INPUT)


def session(context: Context) -> tuple[Actor, str]:
    """The acting user, and the note for the log when nobody signed in with a password.

    Signed in, the note is empty. In set-up mode (no accounts) it says how the person was
    named (``via opdrachtregel, systeemaccount jan, zonder --user``), so every record of the
    action shows it was not an authenticated session.
    """
    return context.actor(), context.via()


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [tuple(header), *(tuple(r) for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = []
    for line in lines:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(line[:-1])]
        out.append("  ".join([*cells, line[-1]]).rstrip())
    return "\n".join(out) + "\n"


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


def on_or_today(on: str | None) -> date:
    return parse_date_option(on, "--on") or date.today()


def acting_as(
    context: Context, staff_id: str, verb: str, task_id: int | None = None
) -> tuple[Actor, str]:
    """The actor for an action a named person does (``--by``) and the log note of
    :func:`_session`.

    In set-up mode without ``--user`` the person named by ``--by`` is logged as the user (the
    command names them), with the note that no one signed in. A signed-in person (or a
    ``--user``) who is someone else is refused (nobody acts in another's name); the refusal
    record carries the task's case and client.
    """
    store = context.store()
    with rules():
        staff = staff_or_error(store, staff_id, "Medewerker (--by)")
        task = get_task(store, task_id) if task_id is not None else None
        if task_id is not None and task is None:
            raise TaakdelegatieError(f"taak {task_id} bestaat niet")
    user, via = session(context)
    if user.user_id.startswith("os:"):
        return Actor.of_staff(staff), via
    if user.user_id != staff.staff_id:
        about = f" (taak {task.task_id}, {task.task_code})" if task else ""
        record_access(
            store,
            user,
            "change",
            verb,
            f"{user.user_id} probeerde te {verb} namens {staff.staff_id}{about}",
            client_id=task.client_id if task else None,
            case_ref=task.case_ref if task else None,
            outcome="geweigerd",
        )
        fail(
            f"Geweigerd: u bent aangemeld als {user.user_id} en kunt niet {verb} namens "
            f"{staff.staff_id}.",
            EXIT_REFUSED,
        )
    return user, via
