"""``mdb-triage import-central FILE``: the central desk's decisions on schrijnende situations
(contract.md). Team lead only once accounts exist.

All or nothing: a file with any bad row writes nothing and names every problem (line, column,
value, why) with exit 2. Each decision written gets its access-log record in the same
transaction; the werkvoorraad places the cases it covers at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from mdbtriage.cli import Context, cli, fail, pass_ctx, require_team_lead, say
from mdbtriage.core.central import parse_central
from mdbtriage.store.central import record_decisions, unknown_cases

SHOWN_ERRORS = 100


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
    except OSError as error:
        fail(f"{file}: bestand kan niet worden gelezen ({error.strerror})")
    result = parse_central(data, date.today())
    errors = result.errors
    if errors:
        for error in errors[:SHOWN_ERRORS]:
            say(error.message(name))
        more = f" (de eerste {SHOWN_ERRORS} staan hierboven)" if len(errors) > SHOWN_ERRORS else ""
        fail(f"{name}: {len(errors)} problemen{more}; er is niets geschreven.")
    decisions = result.valid
    if not decisions:
        fail(f"{name}: het bestand bevat geen beslissingen; er is niets geschreven.")
    store = context.store()
    for decision, case_ref in unknown_cases(store, decisions):
        say(
            f"{name}: waarschuwing: beslissing {decision.central_ref} noemt zaak {case_ref}, "
            "die (nog) niet in de opslag staat"
        )
    created, updated = record_decisions(store, decisions, actor, "centrale beslissingen importeren")
    say(f"{name}: {created} centrale beslissingen toegevoegd, {updated} bijgewerkt.")
