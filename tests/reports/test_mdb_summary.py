"""The MDB summary PDF: both versions, read back as text; the non-medical one holds no medical
content of the demo cases; a 40-case summary is built quickly."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from pypdf import PdfReader

from mdbtriage.core.meetings import REMARK_LEFT_OUT, Activity, Decision, remark_terms
from mdbtriage.core.model import Actor
from mdbtriage.reports.mdb_summary import build_summary_pdf
from mdbtriage.store import meetings as repo
from mdbtriage.store.database import Store
from mdbtriage.store.demo import load_demo
from tests.conftest import TODAY

TEAM = "SMC-UTRECHT-1"
VA = Actor(f"{TEAM}-VA1", "Regievoerder", "VA")
TL = Actor(f"{TEAM}-TL1", "Teamleider", "TL")


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def closed(store: Store, actor: Actor) -> tuple[Store, int]:
    load_demo(store, n_cases=400, seed=3, today=TODAY, actor=actor)
    past = [m for m in repo.list_meetings(store, TEAM) if m.closed]
    return store, past[0].meeting_id


def _full_bsns(store: Store, meeting_id: int) -> dict[str, str]:
    return {
        str(r[0]): str(r[1])
        for r in store.conn.execute(
            "SELECT a.case_ref, k.bsn FROM meeting_agenda a JOIN cases c USING (case_ref) "
            "JOIN clients k ON k.client_id = c.client_id WHERE a.meeting_id = ?",
            (meeting_id,),
        )
    }


def test_non_medical_summary_holds_no_medical_content_of_the_demo(
    closed: tuple[Store, int],
) -> None:
    store, meeting_id = closed
    medical = repo.summary(store, meeting_id, actor=VA, printed_on=TODAY, medical=True)
    text = _flat(
        _text(
            build_summary_pdf(
                repo.summary(store, meeting_id, actor=TL, printed_on=TODAY, medical=False)
            )
        )
    )
    forbidden = {c.medical_remarks for c in medical.cases if c.medical_remarks}
    forbidden |= {r for c in medical.cases for r in c.triage_reasons}
    forbidden |= {c.missing for c in medical.cases if c.missing}
    forbidden |= set(_full_bsns(store, meeting_id).values())
    # Every medical-looking word anywhere in the medical content of the meeting, one by one:
    # the demo's "Belastbaarheid opnieuw vaststellen" sits in the medical considerations only.
    words = {w for c in medical.cases for w in remark_terms(c.medical_remarks)}
    assert "Belastbaarheid" in words
    forbidden |= words
    assert forbidden, "the demo meeting has medical content to leave out"
    leaked = [f for f in forbidden if _flat(f) in text]
    assert leaked == []
    assert "Medische overwegingen" not in text and "Redenen triage" not in text
    assert "niet-medische versie" in text
    # What the team lead needs is there: planning, names, the general remarks, masked BSN.
    case = next(c for c in medical.cases if c.status == "bespreken")
    assert case.case_ref in text and case.contact_name in text and _flat(case.remarks) in text
    assert all(_flat(c.remarks) in text for c in medical.cases if c.remarks)
    assert REMARK_LEFT_OUT not in text, "the demo's general remarks are planning only"
    assert "******" + case.bsn[-3:] in text


def test_a_medical_general_remark_is_left_out_of_the_non_medical_summary(
    closed: tuple[Store, int],
) -> None:
    store, _ = closed
    upcoming = next(m for m in repo.list_meetings(store, TEAM) if not m.closed)
    ref = next(i.case_ref for i in repo.agenda(store, upcoming.meeting_id) if i.discussed)
    remark = "Belastbaarheid opnieuw vaststellen; rugklachten nemen toe."
    repo.save_decision(
        store,
        upcoming.meeting_id,
        Decision(ref, "VA", f"{TEAM}-VA2", f"{TEAM}-SMV1", remarks=remark),
        VA,
    )
    plain = repo.summary(store, upcoming.meeting_id, actor=TL, printed_on=TODAY, medical=False)
    text = _flat(_text(build_summary_pdf(plain)))
    assert "Belastbaarheid" not in text and "rugklachten" not in text
    assert REMARK_LEFT_OUT in text
    medical = repo.summary(store, upcoming.meeting_id, actor=VA, printed_on=TODAY, medical=True)
    assert _flat(remark) in _flat(_text(build_summary_pdf(medical)))


def test_no_full_bsn_in_either_version(closed: tuple[Store, int]) -> None:
    store, meeting_id = closed
    bsns = _full_bsns(store, meeting_id)
    assert len(bsns) > 5
    for actor, medical in ((VA, True), (TL, False)):
        data = repo.summary(store, meeting_id, actor=actor, printed_on=TODAY, medical=medical)
        text = _flat(_text(build_summary_pdf(data)))
        assert [b for b in bsns.values() if b in text] == []
        for case_ref, bsn in bsns.items():
            assert "******" + bsn[-3:] in text, f"{case_ref}: masked BSN shown"


def test_medical_summary_shows_reasons_and_considerations(closed: tuple[Store, int]) -> None:
    store, meeting_id = closed
    data = repo.summary(store, meeting_id, actor=VA, printed_on=TODAY, medical=True)
    text = _flat(_text(build_summary_pdf(data)))
    case = next(c for c in data.cases if c.status == "bespreken")
    assert _flat(case.medical_remarks) in text
    assert _flat(case.triage_reasons[0]) in text
    assert "******" + _full_bsns(store, meeting_id)[case.case_ref][-3:] in text
    assert "MEDISCH GEHEIM" in text
    reader = PdfReader(io.BytesIO(build_summary_pdf(data)))
    assert f"pagina 1 van {len(reader.pages)}" in _flat(reader.pages[0].extract_text())
    assert "SMC Utrecht 1" in text and "Aanwezigen" in text


def test_forty_cases_are_summarised_quickly(store: Store, actor: Actor) -> None:
    load_demo(store, n_cases=2000, seed=5, today=TODAY, actor=actor)
    day = TODAY + timedelta(days=21)
    rows = [
        r[0]
        for r in store.conn.execute(
            "SELECT case_ref FROM cases WHERE team_id = ? AND status != 'afgerond' "
            "ORDER BY case_ref LIMIT 40",
            (TEAM,),
        )
    ]
    regie = Actor(f"{TEAM}-VA1", "Regievoerder", "VA")
    meeting_id = repo.create_meeting(store, team=TEAM, held_on=day, actor=actor, agenda=[])
    for ref in rows:
        repo.add_case(store, meeting_id, ref, actor)
        repo.set_item_status(store, meeting_id, ref, "bespreken", "", actor)
        repo.save_decision(
            store,
            meeting_id,
            Decision(
                ref,
                "VA",
                f"{TEAM}-VA2",
                f"{TEAM}-SMV1",
                (
                    Activity("DOSSIERSTUDIE", f"{TEAM}-VA2", day + timedelta(days=7)),
                    Activity("TEL_CONTACT", f"{TEAM}-SMV1", day + timedelta(days=3)),
                ),
                remarks="Plan besproken met het team.",
                medical_remarks="Medische overweging.",
                dossier_complete=True,
            ),
            regie,
        )
    started = time.perf_counter()
    data = repo.summary(store, meeting_id, actor=regie, printed_on=TODAY, medical=True)
    pdf = build_summary_pdf(data)
    elapsed = time.perf_counter() - started
    assert len(data.cases) == 40
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 5
    assert elapsed < 5.0, f"40 cases took {elapsed:.2f} s"


def test_output_is_deterministic(closed: tuple[Store, int]) -> None:
    store, meeting_id = closed
    data = repo.summary(store, meeting_id, actor=TL, printed_on=TODAY, medical=False)
    assert build_summary_pdf(data) == build_summary_pdf(data)


def test_the_summary_ends_with_the_teams_forecast_on_a_page_of_its_own(
    closed: tuple[Store, int],
) -> None:
    store, meeting_id = closed
    data = repo.summary(store, meeting_id, actor=TL, printed_on=TODAY, medical=False)
    assert data.forecast is not None and len(data.forecast.weeks) == 8
    reader = PdfReader(io.BytesIO(build_summary_pdf(data)))
    last = _flat(reader.pages[-1].extract_text())
    assert f"Prognose van team {data.team_name} op {TODAY:%d-%m-%Y}" in last
    assert "Een schatting" in last and "Schatting, geen toezegging." in last
    start, backlog, over = data.forecast.weeks[0]
    assert f"{start:%d-%m-%Y} {backlog} {over}" in last
    assert "Niemand wacht langer dan zes maanden" in last
    assert "Prognose van team" not in _flat(reader.pages[-2].extract_text())


def test_every_font_of_the_summary_is_embedded(closed: tuple[Store, int]) -> None:
    store, meeting_id = closed
    data = repo.summary(store, meeting_id, actor=TL, printed_on=TODAY, medical=False)
    reader = PdfReader(io.BytesIO(build_summary_pdf(data)))
    fonts = {
        str(font["/BaseFont"]): "/FontDescriptor" in font
        and "/FontFile2" in font["/FontDescriptor"].get_object()
        for page in reader.pages
        for font in (f.get_object() for f in page["/Resources"]["/Font"].values())
    }
    assert fonts and all(fonts.values()), fonts
    assert not any("Helvetica" in name for name in fonts)


def test_the_medical_version_has_no_forecast_page(closed: tuple[Store, int]) -> None:
    store, meeting_id = closed
    data = repo.summary(store, meeting_id, actor=VA, printed_on=TODAY, medical=True)
    assert data.forecast is None
    assert "Prognose van team" not in _text(build_summary_pdf(data))
