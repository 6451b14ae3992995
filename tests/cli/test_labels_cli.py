"""The command line's queue table names services and routes in words, from the same source as
the desktop's werkvoorraad (core/labels.py)."""

from __future__ import annotations

import pytest

from mdbtriage.core.labels import service_short
from mdbtriage.core.policy import load_policy
from tests.cli.conftest import DEMO_TEAM_LEAD, Run, SignIn

pytestmark = pytest.mark.both_stores


def test_queue_table_shows_service_and_route_names(run: Run, sign_in: SignIn) -> None:
    run("demo", "--cases", "50", "--on", "2026-11-23")
    sign_in(DEMO_TEAM_LEAD)
    result = run("queue", "--on", "2026-11-23")
    assert result.exit_code == 0
    table = result.stdout
    assert service_short("WIA_CLAIM") in table and "WIA_CLAIM" not in table
    names = load_policy().route_names()
    assert any(name in table for name in names.values())
    assert "60_PLUS" not in table and "ONVOLLEDIG" not in table
