"""``mdb-triage herbeoordeling FILE.json --out FILE.pdf``: validate a request and write the
standard PDF (README "The standard herbeoordeling request").

Exit 2 names every missing or invalid field and writes nothing; exit 3 when the request is
complete but refused by a rule (a worker's request while a WIA decision or bezwaar of the
client is pending in the store). With ``--ontvangstbewijs`` an incomplete request is written as
a receipt marked ONVOLLEDIG instead. Warnings (medical detail in an employer's text) go to
stderr and do not stop the PDF. Every PDF written is recorded in the access log as an export.
"""

from __future__ import annotations

from pathlib import Path

import click

from mdbtriage.cli import EXIT_BAD_INPUT, EXIT_REFUSED, Context, cli, fail, pass_ctx, say
from mdbtriage.core.herbeoordeling import (
    MAX_FILE_BYTES,
    RequestFileError,
    intake_outcome,
    parse_json,
)
from mdbtriage.core.policy import DEFAULT_POLICY, PolicyError, available_policies, load_policy
from mdbtriage.store.central import decision_by_ref
from mdbtriage.store.herbeoordeling import assess_with_store, log_output, log_refusal
from mdbtriage.store.outputs import (
    OutputRefused,
    check_output,
    file_problem,
    write_atomically,
)


@cli.command("herbeoordeling")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--out", "out", required=True, metavar="FILE.pdf", help="Het PDF-bestand.")
@click.option(
    "--ontvangstbewijs",
    is_flag=True,
    help="Schrijf een onvolledige aanvraag als ontvangstbewijs 'ONVOLLEDIG'.",
)
@click.option(
    "--policy",
    "policy_id",
    default=DEFAULT_POLICY,
    show_default=True,
    help="Prioriteringsbeleid voor de route (" + ", ".join(available_policies()) + ").",
)
@pass_ctx
def herbeoordeling(
    context: Context, file: str, out: str, ontvangstbewijs: bool, policy_id: str
) -> None:
    """Controleer een aanvraag herbeoordeling (JSON) en schrijf het standaardformulier als PDF."""
    # reportlab is imported when a PDF is made, not at every start of the program.
    from mdbtriage.reports.herbeoordeling_pdf import render_receipt, render_request

    name = Path(file).name
    target = Path(out)
    try:
        check_output(target, context.path, "Optie --out", inputs=[Path(file)])
    except OutputRefused as error:
        fail(f"{error}; er is niets geschreven.")
    try:
        with open(file, "rb") as handle:  # never more than the bound into memory
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        fail(f"{file}: bestand kan niet worden gelezen ({file_problem(error)})")
    if len(raw) > MAX_FILE_BYTES:
        fail(
            f"{name}: het bestand is te groot (meer dan {MAX_FILE_BYTES} bytes); er is niets geschreven."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        fail(f"{file}: bestand is geen UTF-8-tekst (byte {error.start + 1})")
    try:
        data = parse_json(text)
    except RequestFileError as error:
        fail(f"{name}: {error}; er is niets geschreven.")
    try:
        policy = load_policy(policy_id)
    except PolicyError as error:
        fail(f"Optie --policy: {error}")
    store = context.store()
    assessment = assess_with_store(store, data, viewer=context.actor())
    for warning in assessment.warnings:
        say(f"{name}: waarschuwing: {warning.text()}")
    central_ref = assessment.request.intake.schrijnend_ref
    decision = decision_by_ref(store, central_ref) if central_ref else None
    outcome = intake_outcome(assessment, policy, decision)
    if assessment.problems:
        for problem in assessment.problems:
            say(f"{name}: {problem.text()}")
        if not ontvangstbewijs:
            count = len(assessment.problems)
            if assessment.refused:
                log_refusal(store, context.actor(), assessment, f"{name} naar {target.name}")
                fail(f"{name}: aanvraag geweigerd; er is niets geschreven.", EXIT_REFUSED)
            fail(
                f"{name}: aanvraag onvolledig of ongeldig ({count} "
                f"{'punt' if count == 1 else 'punten'}); er is niets geschreven. "
                "Gebruik --ontvangstbewijs voor een ontvangstbewijs 'ONVOLLEDIG'.",
                EXIT_BAD_INPUT,
            )
        content = render_receipt(assessment, outcome)
        kind = "ontvangstbewijs ONVOLLEDIG"
    else:
        if ontvangstbewijs:
            say(f"{name}: de aanvraag is volledig; het volledige formulier wordt geschreven.")
        content = render_request(assessment, outcome)
        kind = "aanvraagformulier"
    reference = assessment.request.reference
    try:
        with store.atomic():
            log_output(
                store,
                context.actor(),
                assessment,
                "export",
                f"{kind} {reference} naar {target.name}",
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, content)
    except OSError as error:
        fail(
            f"{out}: PDF kan niet worden geschreven ({file_problem(error)}); er is niets geschreven."
        )
    route = f", route {outcome.route.name}" if outcome.route else ""
    say(f"{kind[0].upper()}{kind[1:]} {reference} geschreven naar {out}{route}.")
