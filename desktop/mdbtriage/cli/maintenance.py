"""``backup`` and ``restore``: verified copies of the store (``check`` lives with the group);
``encrypt`` and ``decrypt``: encryption at rest of the store and its copies."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from mdbtriage.cli import (
    EXIT_BAD_INPUT,
    EXIT_REFUSED,
    EXIT_UNEXPECTED,
    Context,
    cli,
    fail,
    pass_ctx,
    say,
)
from mdbtriage.cli.passphrase import ask_new_passphrase
from mdbtriage.core.model import Actor
from mdbtriage.store.backup import (
    BackupError,
    BackupRefused,
    backup_dir,
    create_backup,
    list_backups,
    restore_backup,
    system_actor,
    verify_backup,
)
from mdbtriage.store.crypt import ENV_PASSPHRASE, ConvertResult, decrypt_store, encrypt_store
from mdbtriage.store.database import (
    Store,
    StoreError,
    StoreFull,
    StoreLocked,
    StoreMissing,
    StoreNoAccess,
    StoreOnNetworkShare,
    WrongPassphrase,
)
from mdbtriage.store.outputs import OutputRefused, check_output
from mdbtriage.store.safety import looks_encrypted


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
    """Maak een gecontroleerde reservekopie van de opslag (kantooropslag: pg_dump)."""
    if context.office_url is not None:
        _office_backup(context, out, show)
        return
    if show:
        found = list_backups(context.check_path())
        if not found:
            say(f"Er zijn nog geen reservekopieën in {backup_dir(context.path)}.")
            return
        for item in found:
            click.echo(f"{item.taken_at:%Y-%m-%d %H:%M:%S} UTC  {item.path}")
        return
    target = Path(out) if out else None
    if target is not None:
        try:
            check_output(target, context.path, "Optie --out")
        except OutputRefused as error:
            fail(f"{error}; er is niets geschreven.")
        _probe_folder(target)
    store = context.store()
    try:
        written = create_backup(store, target, actor=context.actor())
    except BackupRefused as error:
        fail(f"Reservekopie geweigerd: {error}", EXIT_REFUSED)
    except BackupError as error:
        fail(f"Reservekopie mislukt: {error}", EXIT_UNEXPECTED)
    try:
        size = f" ({written.stat().st_size // 1024} kB)"
    except OSError:  # thinned already by another program's backup of the same moment
        size = "; inmiddels vervangen door een nieuwere reservekopie"
    say(f"Reservekopie geschreven en gecontroleerd: {written}{size}.")
    _say_chain_head(context, written)


def _probe_folder(target: Path) -> None:
    """A folder the backup cannot be written into (no permission, read-only, a system folder
    such as /proc) is bad input for ``--out``, as for every other output (exit 2), found before
    the store is copied; a folder that does not exist yet is made by the backup."""
    import tempfile

    from mdbtriage.store.outputs import file_problem

    folder = target.parent
    if not folder.is_dir():
        return
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".mdb-triage-proef-"):
            pass
    except OSError as error:
        fail(
            f"Optie --out, waarde '{target}': in {folder} kan niets worden geschreven "
            f"({file_problem(error)}); er is niets geschreven."
        )


def _office_folder() -> Path:
    from mdbtriage.store.locations import default_store_path

    return default_store_path().parent / "kantoor-reservekopieen"


def _office_backup(context: Context, out: str | None, show: bool) -> None:
    """``backup`` on the office store: a pg_dump file (custom format) checked with
    ``pg_restore --list``, logged under the owner's login with the chain head."""
    from mdbtriage.store.access_log import chain_head, record_access
    from mdbtriage.store.office_backup import OfficeBackupError, default_target, dump
    from mdbtriage.store.office_store import OfficeStore

    if show:
        folder = _office_folder()
        found = sorted(folder.glob("*.dump")) if folder.is_dir() else []
        if not found:
            say(f"Er zijn nog geen reservekopieën van de kantooropslag in {folder}.")
        for item in found:
            click.echo(str(item))
        return
    store = context.store()
    assert isinstance(store, OfficeStore)
    actor = context.actor()
    target = Path(out) if out else default_target(store.address, _office_folder())
    head = chain_head(store)
    try:
        written = dump(store.address, target, store.password)
    except OfficeBackupError as error:
        record_access(store, actor, "export", "reservekopie maken", str(error), outcome="mislukt")
        fail(f"Reservekopie mislukt: {error}", EXIT_UNEXPECTED)
    record_access(
        store,
        actor,
        "export",
        "reservekopie maken",
        f"{written} (pg_dump, gecontroleerd); ketenkop {head or 'leeg'}",
    )
    say(
        f"Reservekopie geschreven en gecontroleerd: {written} ({written.stat().st_size // 1024} kB)."
    )
    if head:
        say(f"Ketenkop van het toegangslogboek in deze reservekopie: {head}")


def _office_restore(context: Context, source: Path, check_only: bool) -> None:
    """``restore`` on the office store: only into an empty database, as its owner."""
    import os

    from mdbtriage.cli import ENV_PASSWORD
    from mdbtriage.store.office import (
        OfficeError,
        _foreign_tables,
        applied_versions,
        connect,
        parse_url,
    )
    from mdbtriage.store.office_backup import restore, verify
    from mdbtriage.store.office_store import OWNER_SQL

    if check_only:
        problems = verify(source)
        if problems:
            fail(f"{source} is geen bruikbare reservekopie: {problems[0]}")
        say(f"{source} is een goede reservekopie van een kantooropslag.")
        return
    url = context.office_url
    assert url is not None
    try:
        address = parse_url(url)
        password = os.environ.get(ENV_PASSWORD) or None
        conn = connect(address, password=password)
        try:
            row = conn.execute(OWNER_SQL).fetchone()
            owner = bool(row and row[0])
            empty = not applied_versions(conn) and not _foreign_tables(conn)
        finally:
            conn.close()
        restore(address, source, password, empty=empty, owner=owner)
    except OfficeError as error:
        fail(f"Terugzetten geweigerd: {error}", error.exit_code)
    say(
        f"{source} is teruggezet in {address.where}. Voer nu 'mdb-triage server-init {url}' uit: "
        "die geeft de rollen en rechten terug (die staan niet in een reservekopie)."
    )


def refuse_encryption_on_office(context: Context, command: str) -> None:
    """``encrypt``/``decrypt`` concern the workstation store's file; refused on an address."""
    if context.office_url is not None:
        fail(
            f"Geweigerd: '{command}' versleutelt het bestand van een werkplekopslag. De "
            "kantooropslag beveiligt de verbinding met TLS (sslmode=verify-full) en de server "
            "zijn schijf met schijfversleuteling; dat regelt IT (zie de README).",
            EXIT_REFUSED,
        )


def _say_chain_head(context: Context, written: Path) -> None:
    """The access log's chain head in the backup: noted elsewhere, it is the anchor against
    which 'check --anchor' finds a log rewritten later (the backup itself serves as well)."""
    from mdbtriage.store.audit_chain import file_head

    try:
        key = context.passphrase() if looks_encrypted(written) else None
        found = file_head(written, key)
    except StoreError:
        return
    if found:
        say(f"Ketenkop van het toegangslogboek in deze reservekopie: {found}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--check-only", is_flag=True, help="Controleer het bestand alleen; zet niets terug.")
@pass_ctx
def restore(context: Context, file: str, check_only: bool) -> None:
    """Zet een reservekopie terug. Het bestand wordt eerst gecontroleerd; wat wordt vervangen,
    blijft bewaard in de map backups/. Sluit de desktoptoepassing eerst."""
    if not file.strip():
        fail("Argument BESTAND is leeg: geef het pad van een reservekopie")
    source = Path(file)
    if not source.exists():
        fail(f"{file}: bestand bestaat niet")
    if source.is_dir():
        fail(f"{file}: dat is een map; geef een reservekopie (een bestand)")
    if context.office_url is not None:
        _office_restore(context, source, check_only)
        return
    path = context.check_path()
    encrypted = looks_encrypted(source) or looks_encrypted(path)
    key = context.passphrase() if encrypted else None
    if check_only:
        problems = verify_backup(source, passphrase=key)
        if problems:
            for problem in problems[:20]:
                say(f"Probleem: {problem}")
            fail(f"{file} is geen bruikbare reservekopie.")
        say(f"{file} is een goede reservekopie.")
        return
    actor = _restore_actor(context, key)
    context.close()
    try:
        result = restore_backup(path, source, passphrase=key, actor=actor)
    except BackupRefused as error:
        fail(f"Terugzetten geweigerd: {error}", EXIT_REFUSED)
    except BackupError as error:
        fail(f"Terugzetten geweigerd: {error}")
    say(f"{source} is teruggezet in {context.path}.")
    if result.kept_copy is not None:
        say(f"De vervangen opslag is bewaard als {result.kept_copy}.")
    if result.log_problem:
        say(
            "Let op: de logregels van na de reservekopie konden niet worden overgenomen "
            f"({result.log_problem}); ze staan nog in de bewaarde opslag."
        )
    else:
        say(f"{result.carried_records} logregels van na de reservekopie zijn overgenomen.")
        if result.carried_records:
            say(f"Overgenomen: {result.carried_ranges}.")


def _restore_actor(context: Context, key: str | None) -> Actor:
    """Who restores: ``--user`` when the store can still be opened to check it, else the
    operating-system account (a damaged store cannot say who its staff are)."""
    if not context.path.exists():
        return system_actor()
    try:
        Store.open(context.path, passphrase=key).close()
    except StoreError:
        return system_actor()
    return context.actor()


def _report(result: ConvertResult, verb: str) -> None:
    if result.copies:
        say(f"{len(result.copies)} reservekopieën {verb}.")
    for skipped in result.skipped:
        say(f"Niet {verb}: {skipped}")


def _log_conversion(
    context: Context, key: str | None, purpose: str, outcome: str, details: str
) -> None:
    """The record of an encryption or decryption, in the store as it is afterwards, under the
    operating-system account (maintenance needs file access, not a sign-in). A store that cannot
    be opened (a wrong passphrase, in use) is reported all the same: the message says why."""
    from mdbtriage.store.access_log import record_access

    path = context.path
    try:
        store = Store.open(path, passphrase=key if looks_encrypted(path) else None)
    except StoreError:
        return
    try:
        record_access(store, context.actor(), "change", purpose, details, outcome=outcome)
    except StoreError:
        pass
    finally:
        store.close()


def _convert_failed(context: Context, key: str, purpose: str, error: StoreError) -> NoReturn:
    refused = StoreLocked | StoreOnNetworkShare | WrongPassphrase | StoreMissing | StoreFull
    if isinstance(error, refused | StoreNoAccess | BackupRefused):
        _log_conversion(context, key, purpose, "geweigerd", str(error))
        fail(f"Geweigerd: {error}", EXIT_REFUSED)
    _log_conversion(context, key, purpose, "mislukt", str(error))
    fail(f"Mislukt: {error}; de opslag is niet gewijzigd", EXIT_UNEXPECTED)


def _copies(result: ConvertResult) -> str:
    return f"{len(result.copies)} reservekopieën" + (
        f", {len(result.skipped)} niet" if result.skipped else ""
    )


@cli.command()
@click.option(
    "--keep-plain",
    is_flag=True,
    help="Bewaar een onversleutelde kopie van de opslag in backups/ (berg die zelf veilig op).",
)
@pass_ctx
def encrypt(context: Context, keep_plain: bool) -> None:
    """Versleutel de opslag en zijn reservekopieën met een wachtwoordzin (voor computers zonder
    schijfversleuteling). De wachtwoordzin komt uit MDB_TRIAGE_PASSPHRASE of wordt twee keer
    gevraagd, en wordt nergens bewaard: zonder wachtwoordzin zijn de gegevens niet te openen.
    Het onversleutelde bestand wordt overschreven en verwijderd. Sluit de desktoptoepassing
    eerst."""
    refuse_encryption_on_office(context, "encrypt")
    path = context.path
    already = looks_encrypted(path)
    if already:
        key = context.passphrase()
    else:
        new, problem = ask_new_passphrase()
        if new is None or problem:
            fail(f"Versleutelen geweigerd: {problem}; er is niets gewijzigd", EXIT_BAD_INPUT)
        key = new
    context.close()
    purpose = "opslag versleutelen"
    try:
        result = encrypt_store(path, key, keep_plain=keep_plain)
    except (StoreError, OSError) as error:
        if isinstance(error, OSError):
            _log_conversion(context, key, purpose, "mislukt", str(error))
            fail(f"Versleutelen mislukt: {error}", EXIT_UNEXPECTED)
        _convert_failed(context, key, purpose, error)
    if result.created:
        done = "nieuwe versleutelde opslag gemaakt"
    elif already:
        done = "was al versleuteld"
    else:
        done = f"versleuteld met een wachtwoordzin, {_copies(result)} mee versleuteld" + (
            f"; onversleutelde kopie bewaard als {result.kept_plain}" if result.kept_plain else ""
        )
    _log_conversion(context, key, purpose, "gelukt", done)
    if result.created:
        say(f"Nieuwe versleutelde opslag gemaakt: {path}.")
    elif already:
        say(f"{path} was al versleuteld.")
    else:
        say(f"{path} is versleuteld en met de wachtwoordzin gecontroleerd.")
        if result.wiped:
            say("Het onversleutelde bestand is overschreven en verwijderd.")
        else:
            say(
                "Het onversleutelde bestand is verwijderd, maar kon niet eerst worden overschreven."
            )
    _report(result, "versleuteld")
    if result.kept_plain is not None:
        say(
            f"Onversleutelde kopie bewaard als {result.kept_plain}: berg die veilig op of "
            "verwijder hem."
        )
    say(
        "Bewaar de wachtwoordzin goed: zonder wachtwoordzin zijn de opslag en de "
        f"reservekopieën niet te openen. Geef hem bij elke start op (of in {ENV_PASSPHRASE})."
    )


@cli.command()
@pass_ctx
def decrypt(context: Context) -> None:
    """Maak de versleutelde opslag en zijn reservekopieën weer onversleuteld. Sluit de
    desktoptoepassing eerst."""
    refuse_encryption_on_office(context, "decrypt")
    path = context.path
    if not looks_encrypted(path):
        _log_conversion(context, None, "opslag ontsleutelen", "geweigerd", "niet versleuteld")
        fail(f"{path} is niet versleuteld; er is niets gewijzigd", EXIT_REFUSED)
    key = context.passphrase()
    context.close()
    purpose = "opslag ontsleutelen"
    try:
        result = decrypt_store(path, key)
    except (StoreError, OSError) as error:
        if isinstance(error, OSError):
            _log_conversion(context, key, purpose, "mislukt", str(error))
            fail(f"Ontsleutelen mislukt: {error}", EXIT_UNEXPECTED)
        _convert_failed(context, key, purpose, error)
    _log_conversion(
        context, key, purpose, "gelukt", f"niet meer versleuteld, {_copies(result)} mee ontsleuteld"
    )
    say(f"{path} is niet meer versleuteld.")
    _report(result, "ontsleuteld")
