"""``mdb-triage import-central FILE``: the central desk's decisions on schrijnende situations
(README "Imports"). Team lead only once accounts exist.

All or nothing: a file with any bad row writes nothing and names every problem (line, column,
value, why) with exit 2: the first 100 on screen, all of them in ``FILE.errors.csv`` (named as
the file was given, folder included). A row whose case belongs to another client than its BSN is
such a bad row. Each decision written gets its access-log record in the same
transaction; the werkvoorraad places the cases it covers at once.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import click

from mdbtriage.cli import Context, cli, fail, pass_ctx, require_team_lead, say
from mdbtriage.core.central import parse_central
from mdbtriage.core.csvimport import ERRORS_COLUMNS, RowError, error_row
from mdbtriage.store.central import check_against_store, record_decisions, unknown_cases
from mdbtriage.store.imports import errors_path_for
from mdbtriage.store.outputs import OutputRefused, check_output, write_atomically

SHOWN_ERRORS = 100


def _errors_file(context: Context, path: Path, errors: list[RowError]) -> str:
    """Write every problem to ``FILE.errors.csv``; the sentence that ends the message."""
    target = errors_path_for(path)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(ERRORS_COLUMNS)
    writer.writerows(error_row(error) for error in errors)
    try:
        check_output(target, context.path, "Foutenbestand")
        write_atomically(target, out.getvalue().encode("utf-8-sig"))
    except (OutputRefused, OSError) as error:
        return f"er is niets geschreven (foutenbestand niet geschreven: {error})."
    return f"er is niets geschreven; alle problemen staan in {target}."


@cli.command("import-central")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_ctx
def import_central(context: Context, file: str) -> None:
    """Importeer centrale beslissingen over schrijnende situaties (CSV)."""
    actor = require_team_lead(
        context, "centrale beslissingen vastleggen", "centrale beslissingen importeren"
    )
    name = Path(file).name
    try:
        data = Path(file).read_bytes()
    except OSError as problem:
        fail(f"{file}: bestand kan niet worden gelezen ({problem.strerror})")
    result = parse_central(data, date.today())
    store = context.store()
    if not result.file_errors:
        check_against_store(store, result.rows)  # a case of another client than the BSN
    errors = result.errors
    if errors:
        for error in errors[:SHOWN_ERRORS]:
            say(error.message(name))
        more = f" (de eerste {SHOWN_ERRORS} staan hierboven)" if len(errors) > SHOWN_ERRORS else ""
        fail(f"{name}: {len(errors)} problemen{more}; {_errors_file(context, Path(file), errors)}")
    decisions = result.valid
    if not decisions:
        fail(f"{name}: het bestand bevat geen beslissingen; er is niets geschreven.")
    for decision, case_ref in unknown_cases(store, decisions):
        say(
            f"{name}: waarschuwing: beslissing {decision.central_ref} noemt zaak {case_ref}, "
            "die (nog) niet in de opslag staat"
        )
    created, updated = record_decisions(store, decisions, actor, "centrale beslissingen importeren")
    say(f"{name}: {created} centrale beslissingen toegevoegd, {updated} bijgewerkt.")
