"""The medical-detail word check shared by the forms that must keep medicine out of
non-medical text: the herbeoordeling request (an employer describes work, not medicine) and the
general remarks of an MDB decision (they go into the non-medical summary).

A word list, not understanding: it catches the usual diagnoses, medication, treatments and the
vocabulary of the insurance-medical assessment, and says which words it found so a person can
judge. Plain Python.
"""

from __future__ import annotations

import re
from typing import Final

# Words that betray medical detail (diagnoses, medication, treatment). An employer describes
# function and work, not medicine (AVG, KNMG); medical information travels separately from the
# bedrijfsarts, marked "Medisch geheim". Stems match the start of a word.
MEDICAL_STEMS: Final = (
    "depressi",
    "burn-out",
    "burnout",
    "overspannen",
    "hernia",
    "kanker",
    "tumor",
    "tumour",
    "carcinoom",
    "chemo",
    "bestraling",
    "diagnos",
    "medicijn",
    "medicatie",
    "medicament",
    "antidepressiv",
    "pijnstill",
    "slaapmiddel",
    "oxazepam",
    "diazepam",
    "sertraline",
    "paroxetine",
    "citalopram",
    "oxycodon",
    "tramadol",
    "morfine",
    "paracetamol",
    "ibuprofen",
    "naproxen",
    "insuline",
    "psychose",
    "psychotisch",
    "schizofren",
    "bipolair",
    "angststoornis",
    "paniekstoorn",
    "ptss",
    "adhd",
    "autisme",
    "diabetes",
    "reuma",
    "artrose",
    "fibromyalg",
    "whiplash",
    "long covid",
    "hartinfarct",
    "beroerte",
    "herseninfarct",
    "epilep",
    "migraine",
    "psychiat",
    "psycholo",
    "fysiotherap",
    "therapie",
    "ziekenhuis",
    "operatie",
    "geopereerd",
    "mri",
    "röntgen",
    "ct-scan",
    "verslaving",
    "alcoholis",
)

# The vocabulary of the insurance-medical assessment itself (belastbaarheid, FML, beperkingen,
# prognose, complaints, the treating specialists). A remark that speaks of these belongs with the
# medical considerations of an MDB decision, not in the general remarks. These stems also match
# inside a Dutch compound (rugklachten, duurbelastbaarheid, Long-COVID).
ASSESSMENT_STEMS: Final = (
    "belastbaar",
    "beperking",
    "klacht",
    "prognos",
    "anamnese",
    "covid",
    "orthope",
    "cardiolo",
    "neurolo",
    "reumatolo",
    "oncolo",
    "ggz",
)
# Stems that only count at the start of a word (inside a word they mean something else).
ASSESSMENT_WORD_STEMS: Final = ("fml", "pijn")

_MG = r"|\b\d+(?:[.,]\d+)?\s*mg\b|(?<![\w-])mg\b"
_MEDICAL = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(s) for s in MEDICAL_STEMS) + r")[\w-]*" + _MG,
    re.IGNORECASE,
)
_ASSESSMENT = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(s) for s in (*MEDICAL_STEMS, *ASSESSMENT_WORD_STEMS))
    + r")[\w-]*"
    + r"|(?<![\w-])[\w-]*?(?:"
    + "|".join(re.escape(s) for s in ASSESSMENT_STEMS)
    + r")[\w-]*"
    + _MG,
    re.IGNORECASE,
)


def _found(pattern: re.Pattern[str], text: str) -> list[str]:
    found: list[str] = []
    for match in pattern.finditer(text):
        word = match.group(0)
        if word.lower() not in (w.lower() for w in found):
            found.append(word)
    return found


def medical_terms(text: str) -> list[str]:
    """The words in a text that look like medical detail, in order of appearance, each once."""
    return _found(_MEDICAL, text)


def assessment_terms(text: str) -> list[str]:
    """Like :func:`medical_terms`, and also the vocabulary of the insurance-medical assessment
    (belastbaarheid, beperkingen, klachten, prognose, the treating specialists): what an MDB's
    general remark, meant for non-medical readers too, must not contain."""
    return _found(_ASSESSMENT, text)
