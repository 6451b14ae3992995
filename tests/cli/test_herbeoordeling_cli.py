"""``mdb-triage herbeoordeling FILE.json --out FILE.pdf`` as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from mdbtriage.core.model import Actor, Case, Client
from mdbtriage.store.database import Store
from mdbtriage.store.records import upsert_cases
from tests.cli.conftest import Run

EXAMPLE = Path(__file__).parents[2] / "docs" / "voorbeelden" / "herbeoordeling.json"


def write(tmp_path: Path, data: dict[str, object], name: str = "aanvraag.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def example() -> dict[str, object]:
    data: dict[str, object] = json.loads(EXAMPLE.read_text("utf-8"))
    return data


def pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(out.stdout.split())


needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("qpdf")), reason="poppler-utils/qpdf missing"
)


@needs_poppler
def test_a_complete_request_becomes_a_valid_pdf_with_every_field(
    run: Run, tmp_path: Path, store_path: Path
) -> None:
    out = tmp_path / "aanvraag.pdf"
    result = run("herbeoordeling", str(EXAMPLE), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "route regulier" in result.stderr  # the policy's name, as on the form
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    text = pdf_text(out)
    for value in (
        "02-11-2026",
        "M. de Vries",
        "Bouwbedrijf Noorderhaven B.V.",
        "m.devries@noorderhaven.example, 050 123 45 67",
        "111222333L01",
        "123456782",
        "Jan Jansen",
        "12-04-1968",
        "WIA",
        "WGA 80-100%",
        "85%",
        "01-03-2024",
        "Werknemer kan sinds de zomer geen enkele taak meer in zijn eigen functie uitvoeren.",
        "Hij kan niet langer dan een uur achter elkaar werken en heeft na elk uur rust nodig; "
        "de aangepaste werkplek volstaat niet meer.",
        "01-06-2026",
        "bedrijfsarts A. Bakker, Arbodienst Noord",
        "kan minder werken",
        "Advies bedrijfsarts van 15-09-2026 (apart verzonden, Medisch geheim)",
        "Functiebeschrijving uitvoerder",
        "ja",
        "SMC-GRONINGEN",
    ):
        assert value in text, value
    with Store.open(store_path) as store:
        rows = store.query("SELECT event, details FROM audit_log")
    assert [r[0] for r in rows] == ["export"]
    assert "aanvraag.pdf" in rows[0][1]


def test_the_same_file_gives_the_same_pdf(run: Run, tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert run("herbeoordeling", str(EXAMPLE), "--out", str(first)).exit_code == 0
    assert run("herbeoordeling", str(EXAMPLE), "--out", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_an_incomplete_request_exits_2_naming_every_problem_and_writes_nothing(
    run: Run, tmp_path: Path, store_path: Path
) -> None:
    data = example()
    assert isinstance(data["requester"], dict) and isinstance(data["client"], dict)
    del data["requester"]["loonheffingennummer"]
    data["client"]["bsn"] = "123456789"
    data["consent"] = None
    data["kleur"] = "blauw"
    out = tmp_path / "aanvraag.pdf"
    result = run("herbeoordeling", str(write(tmp_path, data)), "--out", str(out))
    assert result.exit_code == 2
    assert not out.exists()
    assert list(tmp_path.glob("*.pdf")) == [] and list(tmp_path.glob(".aanvraag*")) == []
    for fragment in (
        "aanvraag.json: Loonheffingennummer (requester.loonheffingennummer): ontbreekt",
        "BSN (client.bsn): '123456789': BSN voldoet niet aan de elfproef",
        "Toestemming van de cliënt (consent): ontbreekt",
        "kleur: onbekend veld",
        "4 punten",
    ):
        assert fragment in result.stderr, fragment
    assert result.stdout == ""
    with Store.open(store_path) as store:
        assert store.count("audit_log") == 0


def test_the_receipt_is_written_on_request(run: Run, tmp_path: Path) -> None:
    data = example()
    data["consent"] = False
    out = tmp_path / "ontvangst.pdf"
    result = run(
        "herbeoordeling", str(write(tmp_path, data)), "--out", str(out), "--ontvangstbewijs"
    )
    assert result.exit_code == 0, result.stderr
    assert "Ontvangstbewijs ONVOLLEDIG" in result.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_medical_detail_is_a_warning_on_stderr(run: Run, tmp_path: Path) -> None:
    data = example()
    assert isinstance(data["request"], dict)
    data["request"]["change"] = "Sinds zijn burn-out gebruikt hij antidepressiva."
    out = tmp_path / "aanvraag.pdf"
    result = run("herbeoordeling", str(write(tmp_path, data)), "--out", str(out))
    assert result.exit_code == 0
    assert "waarschuwing: Wat is er veranderd (request.change)" in result.stderr
    assert "burn-out, antidepressiva" in result.stderr
    assert out.exists()


def test_a_workers_request_is_refused_with_exit_3_while_a_claim_is_pending(
    run: Run, tmp_path: Path, store_path: Path, actor: Actor
) -> None:
    with Store.open(store_path) as store:
        client = Client("123456782", "Jan Jansen", date(1968, 4, 12))
        upsert_cases(
            store,
            [
                Case.entered(
                    case_ref="W-1",
                    client=client,
                    service="WIA_CLAIM",
                    received_on=date(2026, 9, 1),
                    team="T1",
                )
            ],
            actor,
            "test",
        )
    data = example()
    data["requester"] = {"kind": "werknemer", "name": "Jan Jansen", "contact": "06 1234 5678"}
    out = tmp_path / "aanvraag.pdf"
    result = run("herbeoordeling", str(write(tmp_path, data)), "--out", str(out))
    assert result.exit_code == 3
    assert "WIA-claimbeoordeling (zaak W-1, open)" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('{\n  "requested_on": 2026-11-02\n}', "regel 2, kolom"),
        ("[]", "JSON-object"),
    ],
)
def test_a_file_that_is_no_request_exits_2(
    run: Run, tmp_path: Path, content: str, fragment: str
) -> None:
    path = tmp_path / "kapot.json"
    path.write_text(content, encoding="utf-8")
    result = run("herbeoordeling", str(path), "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert not (tmp_path / "x.pdf").exists()
