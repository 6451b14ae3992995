"""A realistic synthetic team or district: Dutch names, valid BSNs, staff of every role, cases of
every service over two years of receipt dates so that every class, route and flag occurs.

Deterministic for a seed and a date. About 2,000 cases make one team; larger numbers make a
district or the national backlog, one team per 2,000 cases.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from mdbtriage.core.central import CentralDecision
from mdbtriage.core.model import Case, Client, Staff, Team
from mdbtriage.core.validation import bsn_check

CASES_PER_TEAM = 2000

FIRST_NAMES = (
    "Anna",
    "Sanne",
    "Lotte",
    "Emma",
    "Fleur",
    "Iris",
    "Maaike",
    "Ingrid",
    "Wilma",
    "Petra",
    "Ans",
    "Marieke",
    "Yvonne",
    "Fatima",
    "Aylin",
    "Noor",
    "Esther",
    "Hanneke",
    "Joke",
    "Karin",
    "Jan",
    "Pieter",
    "Kees",
    "Henk",
    "Willem",
    "Johan",
    "Bram",
    "Daan",
    "Sem",
    "Mohammed",
    "Mehmet",
    "Ruud",
    "Gerrit",
    "Thijs",
    "Lucas",
    "Jeroen",
    "Sander",
    "Bas",
    "Wouter",
    "Erik",
    "Dewi",
    "Priya",
    "Anouk",
    "Bart",
    "Joost",
    "Rik",
    "Sophie",
    "Lieke",
    "Mila",
    "Tom",
)
PREFIXES = ("", "", "", "", "van ", "de ", "van der ", "van den ", "ter ", "den ")
SURNAMES = (
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Dijkstra",
    "Koster",
    "Prins",
    "Willems",
    "Kok",
    "Jacobs",
    "Vermeulen",
    "Berg",
    "Leeuwen",
    "Dijk",
    "Wal",
    "Veen",
    "Heuvel",
    "Boer",
    "Linden",
    "Graaf",
    "Wit",
    "Yilmaz",
    "El Amrani",
    "Kaya",
    "Öztürk",
    "Bouzid",
    "Nguyen",
    "Çelik",
    "Hoekstra",
    "Postma",
    "Kuipers",
    "Schouten",
    "Groen",
    "Sanders",
    "Maas",
    "Verhoeven",
    "Timmermans",
    "Molenaar",
)
DUTCH_WITH_PREFIX = frozenset(
    {
        "Berg",
        "Leeuwen",
        "Dijk",
        "Wal",
        "Veen",
        "Heuvel",
        "Boer",
        "Linden",
        "Graaf",
        "Wit",
        "Bos",
        "Vos",
        "Brink",
        "Kok",
    }
)
PLACES = (
    "Utrecht",
    "Amersfoort",
    "Zwolle",
    "Groningen",
    "Leeuwarden",
    "Arnhem",
    "Nijmegen",
    "Eindhoven",
    "Tilburg",
    "Breda",
    "Den Bosch",
    "Maastricht",
    "Heerlen",
    "Rotterdam",
    "Den Haag",
    "Leiden",
    "Haarlem",
    "Amsterdam",
    "Alkmaar",
    "Almere",
    "Enschede",
    "Apeldoorn",
    "Emmen",
    "Venlo",
    "Dordrecht",
    "Middelburg",
    "Hoorn",
    "Assen",
    "Deventer",
    "Zaandam",
)
SERVICE_WEIGHTS = (
    ("WIA_CLAIM", 34),
    ("ABA", 10),
    ("HERBEOORDELING", 15),
    ("BEZWAAR", 8),
    ("WIJZIGING_GEZONDHEID", 7),
    ("ZW", 12),
    ("EZWB", 5),
    ("DESKUNDIGENOORDEEL", 4),
    ("RIV_TOETS", 5),
)
REQUESTER_WEIGHTS = (
    ("werkgever", 40),
    ("werknemer", 30),
    ("eigenrisicodrager", 12),
    ("gemachtigde", 10),
    ("uwv", 8),
)
# (role, count per team, qualifications for some)
TEAM_ROLES = (
    ("VA", 3),
    ("AIOS", 1),
    ("SMV", 3),
    ("AD", 2),
    ("RIB", 1),
    ("PB", 1),
    ("MS", 1),
    ("TL", 1),
)


@dataclass(frozen=True, slots=True)
class DemoData:
    teams: list[Team]
    staff: list[Staff]
    cases: list[Case]
    decisions: list[CentralDecision] = field(default_factory=list)


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> Iterator[str]:
    codes = [c for c, _ in table]
    weights = [w for _, w in table]
    while True:
        yield from rng.choices(codes, weights=weights, k=1024)


def _name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    prefix = rng.choice(PREFIXES) if surname in DUTCH_WITH_PREFIX else ""
    return f"{rng.choice(FIRST_NAMES)} {prefix}{surname}"


def _bsn(rng: random.Random, used: set[str]) -> str:
    while True:
        body = f"{rng.randrange(10_000_000, 99_999_999):08d}"
        total = sum(int(d) * w for d, w in zip(body, range(9, 1, -1), strict=True))
        check = total % 11
        if check == 10:
            continue
        bsn = body + str(check)
        if bsn not in used and bsn_check(bsn):
            used.add(bsn)
            return bsn


def _big(rng: random.Random) -> str:
    return f"{rng.randrange(10**10, 10**11):011d}"


def team_count(n_cases: int) -> int:
    return max(1, round(n_cases / CASES_PER_TEAM))


def generate(n_cases: int, seed: int, today: date) -> DemoData:
    """A district of ``n_cases`` open cases on ``today``, the same for the same seed."""
    rng = random.Random(seed)
    teams: list[Team] = []
    staff: list[Staff] = []
    for t in range(team_count(n_cases)):
        place = PLACES[t % len(PLACES)]
        number = t // len(PLACES) + 1
        team_id = f"SMC-{place.upper().replace(' ', '')}-{number}"
        teams.append(Team(team_id=team_id, name=f"SMC {place} {number}"))
        for role, count in TEAM_ROLES:
            for i in range(1, count + 1):
                quals: tuple[str, ...] = ()
                if role == "SMV" and i == 1:
                    quals = ("POST_HBO_AG",)
                elif role == "VA" and i == 1:
                    quals = ("REGIEVOERDER",)
                staff.append(
                    Staff(
                        staff_id=f"{team_id}-{role}{i}",
                        name=_name(rng),
                        role=role,
                        team=team_id,
                        big_number=_big(rng) if role in ("VA", "AIOS", "SMV") else None,
                        qualifications=quals,
                        hours_per_week=float(rng.choice((24, 28, 32, 36, 36, 36))),
                    )
                )
    cases = list(_coverage_cases(teams[0].team_id, today, rng))
    used = {c.bsn for c in cases}
    services = _weighted(rng, SERVICE_WEIGHTS)
    requesters = _weighted(rng, REQUESTER_WEIGHTS)
    team_ids = [t.team_id for t in teams]
    span = 730
    for i in range(len(cases), n_cases):
        service = next(services)
        # Receipt dates over two years, more of them recent (a backlog that drains slowly).
        age_days = int(span * (rng.random() ** 1.6))
        received = today - timedelta(days=age_days)
        age_years = rng.choices(
            (rng.randint(18, 39), rng.randint(40, 59), rng.randint(60, 66)), weights=(35, 45, 20)
        )[0]
        birth = received - timedelta(days=age_years * 365 + rng.randint(0, 364))
        requester = next(requesters) if service in ("HERBEOORDELING", "BEZWAAR") else None
        if service == "BEZWAAR" and requester == "uwv":  # UWV files no bezwaar against itself
            requester = "werknemer"
        schrijnend = requester is not None and rng.random() < 0.05
        dwangsom = age_days > 70 and rng.random() < 0.04
        dwangsom_kind = (
            ("rechterlijk" if rng.random() < 0.25 else "bestuurlijk") if dwangsom else None
        )
        cases.append(
            Case.entered(
                case_ref=f"Z{today.year % 100:02d}-{i + 1:06d}",
                client=Client(bsn=_bsn(rng, used), name=_name(rng), birth_date=birth),
                service=service,
                received_on=received,
                team=team_ids[i % len(team_ids)],
                requester=requester,
                motivated=requester in ("werknemer", "uwv") or rng.random() < 0.6,
                working=rng.random() < 0.25,
                consents_60_plus=age_years >= 60 and rng.random() < 0.8,
                employer_consents_60_plus=(
                    None if age_years < 60 or rng.random() < 0.3 else rng.random() < 0.85
                ),
                medical_reason=service == "ZW" and rng.random() < 0.3,
                schrijnend=schrijnend,
                schrijnend_ref=(
                    f"CT-{received.year}-{rng.randint(1, 999):03d}"
                    if schrijnend and rng.random() < 0.7
                    else None
                ),
                ingebrekestelling=age_days > 56 and rng.random() < 0.12,
                dwangsom=dwangsom,
                dwangsom_kind=dwangsom_kind,
                dwangsom_deadline=(
                    today + timedelta(days=rng.randint(14, 120))
                    if dwangsom_kind == "rechterlijk"
                    else None
                ),
                status="in_behandeling" if rng.random() < 0.15 else "open",
            )
        )
    cases = cases[:n_cases]
    return DemoData(teams=teams, staff=staff, cases=cases, decisions=_decisions(cases, rng))


def _decisions(cases: list[Case], rng: random.Random) -> list[CentralDecision]:
    """The central team's decisions on most schrijnende cases with a reference: most granted,
    some refused (a reference without a decision stays "centrale toets ontbreekt")."""
    found: dict[str, CentralDecision] = {}
    for c in cases:
        ref = c.facts.schrijnend_ref
        if not c.facts.schrijnend or not ref or not ref.startswith("CT-") or ref in found:
            continue
        if c.case_ref != "V-0004" and rng.random() < 0.2:
            continue
        outcome = "toegekend" if c.case_ref == "V-0004" or rng.random() < 0.8 else "afgewezen"
        by_bsn = rng.random() < 0.3
        found[ref] = CentralDecision(
            central_ref=ref,
            case_ref=None if by_bsn else c.case_ref,
            bsn=c.bsn if by_bsn else None,
            decided_on=c.facts.received_on + timedelta(days=rng.randint(7, 28)),
            outcome=outcome,
        )
    return list(found.values())


def _coverage_cases(team: str, today: date, rng: random.Random) -> Iterator[Case]:
    """A handful of cases that make sure every class, route and flag occurs in any demo."""
    used: set[str] = set()

    def case(ref: str, service: str, days_ago: int, age: int, **kw: Any) -> Case:
        received = today - timedelta(days=days_ago)
        birth = received - timedelta(days=age * 365 + 40)
        return Case.entered(
            case_ref=ref,
            client=Client(bsn=_bsn(rng, used), name=_name(rng), birth_date=birth),
            service=service,
            received_on=received,
            team=team,
            **kw,
        )

    # 60-plusmaatregel: received while the measure was in force (up to 2024-12-31).
    sixty_days = max(30, (today - date(2024, 11, 14)).days)
    yield case("V-0001", "WIA_CLAIM", sixty_days, 62, consents_60_plus=True)
    yield case("V-0002", "WIA_CLAIM", 101, 63, working=True)
    yield case("V-0003", "ABA", 12, 19)
    yield case(
        "V-0004",
        "BEZWAAR",
        307,
        45,
        requester="werknemer",
        motivated=True,
        schrijnend=True,
        schrijnend_ref=f"CT-{today.year}-004",
    )
    yield case(
        "V-0005",
        "HERBEOORDELING",
        418,
        51,
        requester="werkgever",
        ingebrekestelling=True,
        dwangsom=True,
        dwangsom_kind="bestuurlijk",
    )
    yield case(
        "V-0006",
        "HERBEOORDELING",
        285,
        48,
        requester="werknemer",
        motivated=True,
        schrijnend=True,
        schrijnend_ref="n.v.t.",
    )
    yield case("V-0007", "ZW", 235, 33)
    yield case("V-0010", "ZW", 60, 41, medical_reason=True)
    yield case("V-0008", "WIJZIGING_GEZONDHEID", 20, 55)
    yield case("V-0009", "HERBEOORDELING", 40, 57, requester="uwv", motivated=True, working=True)
