"""The roles MSP (medisch specialist) and PO (privacy officer): their default rule-set rows,
medical role and BIG requirement, and the staff import."""

from __future__ import annotations

from mdbtriage.core.csvimport import parse_staff
from mdbtriage.core.model import BIG_ROLES, MEDICAL_ROLES, ROLES, SERVICES
from mdbtriage.core.taakdelegatie import load_ruleset

MSP_TASKS = {
    "DOSSIERSTUDIE": "zelfstandig",
    "INFO_OPVRAGEN": "zelfstandig",
    "SPREEKUUR": "gedelegeerd",
    "FML_CONCEPT": "gedelegeerd",
    "RAPPORTAGE": "gedelegeerd",
}


def test_msp_may_do_what_domain_md_lists_and_nothing_else() -> None:
    for ruleset_id in ("uniform-2026", "taakherschikking-2026"):
        ruleset = load_ruleset(ruleset_id)
        for task in ruleset.tasks:
            for service in SERVICES:
                expected = MSP_TASKS.get(task, "nee")
                assert ruleset.permission(task, "MSP", service) == expected, (task, service)
                assert ruleset.permission(task, "PO", service) == "nee"


def test_msp_is_a_big_registered_medical_role_and_po_is_neither() -> None:
    assert ROLES["MSP"] == "medisch specialist" and ROLES["PO"] == "privacy officer"
    assert "MSP" in BIG_ROLES and "MSP" in MEDICAL_ROLES
    assert "PO" not in BIG_ROLES and "PO" not in MEDICAL_ROLES


def test_staff_import_takes_msp_with_a_big_number_and_po_without() -> None:
    data = (
        b"staff_id,name,role,team,big_number,qualifications,hours_per_week\n"
        b"S-1,Dr. Ezra Bakker,MSP,T1,12345678901,,16\n"
        b"S-2,Noor Visser,PO,T1,,,8\n"
        b"S-3,Dr. Kim de Wit,MSP,T1,,,16\n"
    )
    result = parse_staff(data)
    assert [s.role for s in result.valid] == ["MSP", "PO"]
    assert [(e.line, e.column) for e in result.errors] == [(4, "big_number")]
