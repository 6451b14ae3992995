"""The MDB rules: agenda proposal, attendance warnings, decisions, closing, the non-medical view."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mdbtriage.core import meetings as m
from mdbtriage.core.model import Actor, CaseFacts, Staff
from mdbtriage.core.policy import load_policy
from mdbtriage.core.triage import build_queue

ON = date(2026, 11, 23)
POLICY = load_policy()
SERVICES = ["WIA_CLAIM", "ABA", "HERBEOORDELING", "BEZWAAR", "ZW", "WIJZIGING_GEZONDHEID"]

facts_strategy = st.builds(
    CaseFacts,
    case_ref=st.integers(1, 10_000).map(lambda n: f"Z-{n:05d}"),
    service=st.sampled_from(SERVICES),
    received_on=st.integers(0, 700).map(lambda d: ON - timedelta(days=d)),
    requester=st.sampled_from([None, "werkgever", "werknemer"]),
    motivated=st.booleans(),
)


def _unique(cases: list[CaseFacts]) -> list[CaseFacts]:
    return list({c.case_ref: c for c in cases}.values())


@settings(max_examples=60, deadline=None)
@given(
    cases=st.lists(facts_strategy, max_size=80).map(_unique),
    discussed_share=st.integers(0, 3),
    data=st.data(),
)
def test_proposed_agenda_is_a_bounded_ordered_subset(
    cases: list[CaseFacts], discussed_share: int, data: st.DataObject
) -> None:
    placements = build_queue(cases, ON, POLICY)
    refs = [p.case_ref for p in placements]
    discussed = {r: ON - timedelta(days=70) for r in refs[:: discussed_share + 2]}
    changed = (
        set(data.draw(st.lists(st.sampled_from(sorted(discussed)), max_size=3)))
        if discussed
        else set()
    )
    proposal = m.propose_agenda(
        placements,
        on=ON,
        previous_meeting_on=ON - timedelta(days=14),
        last_discussed=discussed,
        changed=changed,
    )
    chosen = [p.placement.case_ref for p in proposal]
    assert len(set(chosen)) == len(chosen)
    positions = [p.placement.position for p in proposal]
    assert positions == sorted(positions), "the agenda keeps the triage order"
    assert changed <= set(chosen), "every changed case that was discussed comes back"
    assert len(chosen) <= m.MAX_AGENDA + len(changed) + m.LONGEST_WAITING
    for p in proposal:
        if p.reason == "nieuw":
            assert p.placement.case_ref not in discussed
            assert p.placement.facts.received_on > ON - timedelta(days=14)
        if p.reason == "wacht_langst":
            assert p.placement.klasse != "D"
    waiting = [p for p in proposal if p.reason == "wacht_langst"]
    assert len(waiting) <= m.LONGEST_WAITING


def test_proposed_status_follows_class_and_route() -> None:
    cases = [
        CaseFacts("A-1", "WIA_CLAIM", ON - timedelta(days=5)),
        CaseFacts(
            "D-1", "HERBEOORDELING", ON - timedelta(days=5), requester="werknemer", motivated=True
        ),
        CaseFacts("O-1", "HERBEOORDELING", ON - timedelta(days=5), requester="werkgever"),
    ]
    placements = {p.case_ref: p for p in build_queue(cases, ON, POLICY)}
    items = {r: m.proposed_item(p, p.reasons(POLICY), "nieuw", 1) for r, p in placements.items()}
    assert items["A-1"].status == "bespreken"
    assert items["D-1"].status == "standaardroute"
    assert items["O-1"].status == "niet_gereed"
    assert items["O-1"].missing == m.MISSING_MOTIVATION
    assert items["A-1"].triage_reasons[0].startswith("klasse A")


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 12), data=st.data())
def test_move_keeps_every_case_and_numbers_from_one(n: int, data: st.DataObject) -> None:
    items = [m.AgendaItem(f"Z-{i}", i, "bespreken", "nieuw") for i in range(1, n + 1)]
    ref = data.draw(st.sampled_from([i.case_ref for i in items]))
    offset = data.draw(st.integers(-15, 15))
    moved = m.move(items, ref, offset)
    assert sorted(i.case_ref for i in moved) == sorted(i.case_ref for i in items)
    assert [i.position for i in moved] == list(range(1, n + 1))
    old = [i.case_ref for i in items].index(ref)
    assert [i.case_ref for i in moved].index(ref) == max(0, min(n - 1, old + offset))


def _item(ref: str, lead: str, status: str = "bespreken") -> m.AgendaItem:
    return m.AgendaItem(ref, 1, status, "nieuw", proposed_lead=lead)


def test_no_va_present_warns_that_no_medical_decisions_can_be_taken() -> None:
    items = [_item("Z-1", "VA"), _item("Z-2", "AD"), _item("Z-3", "SMV", "standaardroute")]
    people = [
        m.Attendee("va1", "Arts", "VA", present=False),
        m.Attendee("ad1", "Deskundige", "AD", present=True),
    ]
    warnings = m.attendance_warnings(items, people, "va1")
    assert any("Geen verzekeringsarts (VA) aanwezig" in w and "2 zaken" in w for w in warnings)
    assert any("regievoerder is niet aanwezig" in w for w in warnings)
    assert not any("(AD)" in w for w in warnings)
    assert not any("(SMV)" in w for w in warnings), "a standaardroute case needs nobody"
    people[0] = m.Attendee("va1", "Arts", "VA", present=True)
    people[1] = m.Attendee("ad1", "Deskundige", "AD", present=False)
    warnings = m.attendance_warnings(items, people, "va1")
    assert warnings == ["Geen arbeidsdeskundige (AD) aanwezig, nodig voor 1 zaak (Z-2)."]


STAFF = {
    "va1": Staff("va1", "Arts", "VA", "T", big_number="12345678901"),
    "smv1": Staff("smv1", "Verpleegkundige", "SMV", "T", big_number="12345678902"),
    "ad1": Staff("ad1", "Deskundige", "AD", "T"),
}


def test_decision_problems_name_the_field() -> None:
    decision = m.Decision(
        "Z-1",
        lead_role="AD",
        lead_staff_id="smv1",
        contact_staff_id="x9",
        activities=(
            m.Activity("SPREEKUUR", "va1", ON - timedelta(days=1)),
            m.Activity("VLIEGEN", "ad1", ON),
        ),
        medical_remarks="knieklachten",
    )
    problems = m.decision_problems(decision, meeting_on=ON, staff=STAFF, va_present=False)
    text = "\n".join(problems)
    assert "Vast aanspreekpunt: medewerker 'x9'" in text
    assert "Aan kop: Verpleegkundige is SMV, niet AD" in text
    assert "ligt vóór de MDB" in text
    assert "geen verzekeringsarts aanwezig, dus geen medisch besluit mogelijk" in text
    assert "'VLIEGEN' is geen bekende activiteit" in text
    assert "Medische overwegingen" in text
    ok = m.Decision("Z-1", "AD", "ad1", "smv1", (m.Activity("ARBEIDSKUNDIG", "ad1", ON),))
    assert m.decision_problems(ok, meeting_on=ON, staff=STAFF, va_present=False) == []


def test_only_the_present_regievoerder_closes_a_complete_meeting() -> None:
    items = [_item("Z-1", "VA"), _item("Z-2", "AD", "standaardroute")]
    people = [m.Attendee("va1", "Arts", "VA", True)]
    complete = m.Decision(
        "Z-1", "VA", "va1", "smv1", (m.Activity("SPREEKUUR", "va1", ON),), dossier_complete=True
    )
    kwargs = {
        "status": "voorbereiding",
        "regievoerder_id": "va1",
        "attendees": people,
        "items": items,
    }
    assert (
        m.closing_problems(closer_id="va1", closer_role="VA", decisions={"Z-1": complete}, **kwargs)
        == []
    )  # type: ignore[arg-type]
    refused = m.closing_problems(
        closer_id="smv1", closer_role="SMV", decisions={"Z-1": complete}, **kwargs
    )  # type: ignore[arg-type]
    assert refused == [
        "Alleen de regievoerder (VA) van deze MDB bevestigt de besluiten en sluit de MDB."
    ]
    partial = m.Decision("Z-1", "VA")
    problems = m.closing_problems(
        closer_id="va1", closer_role="VA", decisions={"Z-1": partial}, **kwargs
    )  # type: ignore[arg-type]
    assert problems == [
        "Z-1: besluit mist het vaste aanspreekpunt, een vervolgactiviteit, of het dossier compleet was"
    ]


# The "§" keeps generated texts from matching the fixed words of the view ("dossier onvolledig").
text_strategy = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=12, max_size=40)
    .filter(lambda t: t.strip() != "")
    .map(lambda t: "§" + t)
)
PLANNING_REMARKS = (
    "planning ok",
    "Cliënt uitnodigen voor het spreekuur; uitkomst in de volgende MDB.",
    "Werkt gedeeltelijk; verdiensten opvragen bij de werkgever.",
    "Zaak behandelen in de volgende MDB.",
)
MEDICAL_REMARKS = (
    "Belastbaarheid opnieuw vaststellen na het spreekuur.",
    "Rugklachten; brief van de orthopeed afwachten.",
    "Long-COVID, beperkingen in duurbelasting.",
    "Gebruikt 50 mg sertraline.",
    "Prognose onzeker, FML volgt.",
)


@settings(max_examples=60, deadline=None)
@given(
    medical=st.lists(text_strategy, min_size=1, max_size=6),
    missing=text_strategy,
    reasons=st.lists(text_strategy, min_size=1, max_size=3),
    remarks=st.lists(st.sampled_from(PLANNING_REMARKS + MEDICAL_REMARKS), min_size=6, max_size=6),
)
def test_the_non_medical_view_holds_no_medical_content(
    medical: list[str], missing: str, reasons: list[str], remarks: list[str]
) -> None:
    cases = tuple(
        m.SummaryCase(
            case_ref=f"Z-{i}",
            client_name="Jan Jansen",
            bsn="123456782",
            service="ZW",
            status="bespreken" if i % 2 else "niet_gereed",
            reason="nieuw",
            klasse="C",
            route="REGULIER",
            proposed_lead="VA",
            triage_reasons=tuple(reasons),
            missing=missing if i % 2 == 0 else "",
            remarks=remarks[i],
            medical_remarks=text,
        )
        for i, text in enumerate(medical)
    )
    full = m.MeetingSummary(1, "T", "Team", ON, "gesloten", "Arts", (), cases, ON)
    view = m.non_medical(full)
    dumped = repr(view)
    for text in [*medical, missing, *reasons]:
        assert text not in dumped
    assert "123456782" not in dumped
    for case, remark in zip(view.cases, remarks, strict=False):
        if remark in MEDICAL_REMARKS:
            assert case.remarks == m.REMARK_LEFT_OUT
            assert remark not in dumped
        else:
            assert case.remarks == remark, "planning remarks stay in the non-medical version"
    assert not view.medical
    assert [c.remarks for c in full.cases] == remarks[: len(cases)], "the medical one keeps all"


def test_a_medical_looking_remark_gets_a_warning_naming_the_words() -> None:
    warning = m.remark_warning("Belastbaarheid opnieuw vaststellen; rugklachten nemen toe.")
    assert "'Belastbaarheid', 'rugklachten'" in warning
    assert "lijkt medische informatie te bevatten; zet dit bij medische overwegingen" in warning
    assert all(m.remark_warning(r) == "" for r in PLANNING_REMARKS)
    assert all(m.remark_warning(r) for r in MEDICAL_REMARKS)


@settings(max_examples=40, deadline=None)
@given(
    role=st.sampled_from(
        ["VA", "AIOS", "SMV", "MSP", "AD", "RIB", "PB", "MS", "TL", "PO", "onbekend"]
    ),
    medical=st.booleans(),
)
def test_only_medical_roles_get_the_medical_summary(role: str, medical: bool) -> None:
    problems = m.summary_problems(Actor("x1", "Sam", role), medical=medical)
    if medical and role not in ("VA", "AIOS", "SMV", "MSP"):
        assert len(problems) == 1
        assert "de medische versie is alleen voor VA, AIOS, SMV en MSP; Sam is" in problems[0]
    else:
        assert problems == []


def test_only_medical_roles_see_medical_content() -> None:
    assert [
        r for r in ("VA", "AIOS", "SMV", "AD", "TL", "MS", "onbekend") if m.may_see_medical(r)
    ] == ["VA", "AIOS", "SMV"]
