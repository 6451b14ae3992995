"""The passphrase of an encrypted store on the command line: from ``MDB_TRIAGE_PASSPHRASE`` or
asked without echo, never as an argument (arguments end up in shell histories and process
lists). Kept apart from the command group so that ``Context`` can use it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from mdbtriage.store.crypt import ENV_PASSPHRASE, new_passphrase_problem


def _prompt(text: str) -> str | None:
    """Ask without echo at a terminal; from a pipe (a script) the line is read as it comes,
    without Python's English warning that it might be echoed (nothing is shown). None when
    nothing is given (an empty line, or no input at all)."""
    if not sys.stdin.isatty():
        click.echo(f"{text}: ", err=True, nl=False)
        line = sys.stdin.readline()
        click.echo("", err=True)
        return line.rstrip("\r\n") or None
    try:
        value = click.prompt(text, hide_input=True, err=True, default="", show_default=False)
    except click.Abort:
        return None
    return str(value) or None


def ask_passphrase(path: Path) -> str | None:
    """The passphrase of the encrypted store at ``path``; None when none was given."""
    given = os.environ.get(ENV_PASSPHRASE)
    if given:
        return given
    return _prompt(f"Wachtwoordzin voor {path.name}")


def ask_new_passphrase() -> tuple[str | None, str | None]:
    """A new passphrase (asked twice) and, when it cannot be used, why (Dutch)."""
    given = os.environ.get(ENV_PASSPHRASE)
    if given:
        return given, new_passphrase_problem(given)
    first = _prompt("Nieuwe wachtwoordzin")
    if first is None:
        return None, f"er is geen wachtwoordzin gegeven (vraag of {ENV_PASSPHRASE})"
    problem = new_passphrase_problem(first)
    if problem:
        return None, problem
    second = _prompt("Herhaal de wachtwoordzin")
    if second != first:
        return None, "de twee wachtwoordzinnen zijn niet gelijk"
    return first, None
