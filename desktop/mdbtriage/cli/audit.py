"""The access log's command: audit (per case, client, user or period; table, JSON or CSV)."""

from __future__ import annotations

from datetime import timedelta

import click

from mdbtriage.cli import (
    Context,
    cli,
    fail,
    parse_date_option,
    pass_ctx,
    refuse,
    say,
)
from mdbtriage.cli.shared import FORMAT, emit_json, text_table
from mdbtriage.core.accounts import may_read_log_of_others
from mdbtriage.core.validation import ValidationError, parse_bsn
from mdbtriage.store import audit_chain
from mdbtriage.store.access_log import (
    EVENT_LABELS,
    chain_hashes,
    chain_head,
    in_log,
    record_access,
    store_records,
)
from mdbtriage.store.lookups import case_exists, client_id_by_bsn
from mdbtriage.store.records import get_staff

# --- access log -------------------------------------------------------------------------------


# The access log's fields, in the order the log keeps (and hashes) them: one list, in the store.
AUDIT_KEYS = audit_chain.FIELDS


@cli.command()
@click.option("--case", "case_ref", metavar="REF", help="Per zaak.")
@click.option("--bsn", "bsn", metavar="BSN", help="Per cliënt (alle zaken van de cliënt).")
@click.option(
    "--user",
    "user_id",
    metavar="STAFF_ID",
    help="Per medewerker: wat hij deed of wat namens hem gebeurde.",
)
@click.option("--from", "date_from", metavar="DATUM", help="Vanaf deze datum (UTC).")
@click.option("--to", "date_to", metavar="DATUM", help="Tot en met deze datum (UTC).")
@click.option(
    "--event",
    "event",
    metavar="GEBEURTENIS",
    help="Alleen deze gebeurtenis, bijvoorbeeld 'noodtoegang' (emergency): de toegang tot "
    "cliënten van een ander team, met de reden.",
)
@FORMAT
@pass_ctx
def audit(
    context: Context,
    case_ref: str | None,
    bsn: str | None,
    user_id: str | None,
    date_from: str | None,
    date_to: str | None,
    event: str | None,
    fmt: str,
) -> None:
    """Het toegangslogboek (NEN 7513): per zaak, per cliënt, per medewerker, per periode, per
    gebeurtenis (--event noodtoegang: de noodtoegang om na te kijken).

    Wat anderen deden leest alleen een teamleider of de privacyfunctionaris (PO); ieder ander
    ziet zijn eigen regels. Met --format json draagt elke regel zijn hash in de keten
    (chain_hash): een anker voor 'mdb-triage check --anchor'."""
    event_code = _event_code(event) if event is not None else None
    start = parse_date_option(date_from, "--from")
    end = parse_date_option(date_to, "--to")
    if start and end and end < start:
        fail(f"Optie --to, waarde '{date_to}': ligt voor --from '{date_from}'")
    store = context.store()
    actor = context.actor()
    if not may_read_log_of_others(actor.role, context.accounts):
        if user_id is not None and user_id != actor.user_id:
            refuse(
                context,
                "read",
                "toegangslogboek inzien",
                f"alleen een teamleider of de privacyfunctionaris (PO) leest wat anderen deden; "
                f"{actor.user_id} vroeg het logboek van {user_id}",
            )
        user_id = actor.user_id
    client_id: int | None = None
    if bsn is not None:
        try:
            clean = parse_bsn(bsn)
        except ValidationError as error:
            fail(f"Optie --bsn, waarde '{bsn}': {error}")
        client_id = client_id_by_bsn(store, clean)
        if client_id is None:
            fail(f"Optie --bsn, waarde '{bsn}': er is geen cliënt met dit BSN in {store.path}")
    if case_ref is not None and not case_exists(store, case_ref):
        fail(f"Optie --case, waarde '{case_ref}': deze zaak bestaat niet in {store.path}")
    if user_id is not None and get_staff(store, user_id) is None and not in_log(store, user_id):
        fail(
            f"Optie --user, waarde '{user_id}': geen bekende medewerker en niet in het "
            f"toegangslogboek van {store.path}"
        )
    found = store_records(
        store,
        case_ref=case_ref,
        client_id=client_id,
        user_id=user_id,
        since=start.isoformat() if start else None,
        until=(end + timedelta(days=1)).isoformat() if end else None,
        event=event_code,
    )
    query = " ".join(
        f"{k} {v}"
        for k, v in (
            ("--case", case_ref),
            ("--bsn", "******" + bsn[-3:] if bsn else None),
            ("--user", user_id),
            ("--from", date_from),
            ("--to", date_to),
            ("--event", event_code),
        )
        if v
    )
    head_before = chain_head(store)
    record_access(
        store,
        actor,
        "export" if fmt == "json" else "read",
        "toegangslogboek inzien",
        f"audit {query or '(alles)'}: {len(found)} regels; ketenkop {head_before or 'leeg'}",
        client_id=client_id,
    )
    say(
        "Ketenkop van het toegangslogboek (bewaar hem; 'mdb-triage check --anchor' vindt een "
        f"later herschreven logboek): {chain_head(store)}"
    )
    if fmt == "json":
        hashes = chain_hashes(store, [r.log_id for r in found])
        emit_json(
            [
                {**{k: getattr(r, k) for k in AUDIT_KEYS}, "chain_hash": hashes.get(r.log_id)}
                for r in found
            ]
        )
        return
    if not found:
        say("Geen logregels gevonden met deze filters.")
        return
    click.echo(
        text_table(
            (
                "tijdstip (UTC)",
                "gebeurtenis",
                "zaak",
                "gebruiker",
                "namens",
                "uitkomst",
                "doel",
                "details",
            ),
            [
                (
                    r.at[:19].replace("T", " "),
                    EVENT_LABELS.get(r.event, r.event),
                    r.case_ref or "",
                    f"{r.user_id} ({r.role})",
                    r.on_behalf_of or "",
                    r.outcome,
                    r.purpose,
                    r.details,
                )
                for r in found
            ],
        ),
        nl=False,
    )
    say(f"{len(found)} logregels.")


def _event_code(given: str) -> str:
    """The event code for ``--event``: the code itself or its Dutch word (noodtoegang)."""
    wanted = given.strip().lower()
    for code, label in EVENT_LABELS.items():
        if wanted in (code, label):
            return code
    known = ", ".join(f"{label} ({code})" for code, label in EVENT_LABELS.items())
    fail(f"Optie --event, waarde '{given}': onbekende gebeurtenis; kies uit {known}")
