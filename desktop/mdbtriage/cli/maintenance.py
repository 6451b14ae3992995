"""``backup`` and ``restore``: verified copies of the store (``check`` lives with the group)."""

from __future__ import annotations

from pathlib import Path

import click

from mdbtriage.cli import EXIT_UNEXPECTED, Context, cli, fail, pass_ctx, say
from mdbtriage.store.backup import (
    BackupError,
    backup_dir,
    create_backup,
    list_backups,
    restore_backup,
    verify_backup,
)


@cli.command()
@click.option(
    "--out",
    "out",
    metavar="BESTAND",
    type=click.Path(dir_okay=False),
    help="Schrijf de reservekopie naar dit bestand (anders in de map backups/ naast de opslag).",
)
@click.option("--list", "show", is_flag=True, help="Toon de automatische reservekopieën.")
@pass_ctx
def backup(context: Context, out: str | None, show: bool) -> None:
    """Maak een gecontroleerde reservekopie van de opslag."""
    if show:
        found = list_backups(context.path)
        if not found:
            say(f"Er zijn nog geen reservekopieën in {backup_dir(context.path)}.")
            return
        for item in found:
            click.echo(f"{item.taken_at:%Y-%m-%d %H:%M:%S} UTC  {item.path}")
        return
    target = Path(out) if out else None
    if target is not None and target.resolve() == context.path.resolve():
        fail(f"Optie --out, waarde '{out}': dat is de opslag zelf; kies een ander bestand")
    store = context.store()
    try:
        written = create_backup(store, target)
    except BackupError as error:
        fail(f"Reservekopie mislukt: {error}", EXIT_UNEXPECTED)
    size = written.stat().st_size
    say(f"Reservekopie geschreven en gecontroleerd: {written} ({size // 1024} kB).")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--check-only", is_flag=True, help="Controleer het bestand alleen; zet niets terug.")
@pass_ctx
def restore(context: Context, file: str, check_only: bool) -> None:
    """Zet een reservekopie terug. Het bestand wordt eerst gecontroleerd; wat wordt vervangen,
    blijft bewaard in de map backups/. Sluit de desktoptoepassing eerst."""
    source = Path(file)
    if not source.exists():
        fail(f"{file}: bestand bestaat niet")
    if check_only:
        problems = verify_backup(source)
        if problems:
            for problem in problems[:20]:
                say(f"Probleem: {problem}")
            fail(f"{file} is geen bruikbare reservekopie.")
        say(f"{file} is een goede reservekopie.")
        return
    context.close()
    try:
        result = restore_backup(context.path, source)
    except BackupError as error:
        fail(f"Terugzetten geweigerd: {error}")
    say(f"{source} is teruggezet in {context.path}.")
    if result.kept_copy is not None:
        say(f"De vervangen opslag is bewaard als {result.kept_copy}.")
