"""The shared medical-detail word check: the herbeoordeling list as it was, and the wider
assessment vocabulary used for the general remarks of an MDB decision."""

from __future__ import annotations

import pytest

from mdbtriage.core import herbeoordeling
from mdbtriage.core.medical_terms import assessment_terms, medical_terms


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Belastbaarheid opnieuw vaststellen na het spreekuur.", ["Belastbaarheid"]),
        ("Rugklachten met uitstraling naar het been", ["Rugklachten"]),
        ("Long-COVID met vermoeidheid", ["Long-COVID"]),
        ("in behandeling bij de GGZ, prognose onzeker", ["GGZ", "prognose"]),
        ("FML concept na pijnbehandeling", ["FML", "pijnbehandeling"]),
        ("Hij heeft kanker en gebruikt 20 mg oxycodon", ["kanker", "20 mg", "oxycodon"]),
        ("Werkt gedeeltelijk; verdiensten opvragen bij de werkgever.", []),
        ("Zaak behandelen in de volgende MDB; terugkoppeling aan de werkgever.", []),
        ("Medische informatie opvragen bij de huisarts.", []),
    ],
)
def test_assessment_terms(text: str, found: list[str]) -> None:
    assert assessment_terms(text) == found


def test_the_herbeoordeling_check_is_the_shared_one_and_unchanged() -> None:
    assert herbeoordeling.medical_terms is medical_terms
    assert medical_terms("Belastbaarheid en rugklachten") == [], (
        "the herbeoordeling warning keeps its own, narrower list"
    )
    assert medical_terms("Overspannenheid na een hernia-operatie") == [
        "Overspannenheid",
        "hernia-operatie",
    ]
