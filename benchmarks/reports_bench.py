"""PDF measurements: the herbeoordeling request against a bare reportlab page with the same text,
and the MDB summary of a meeting with 40 cases."""

from __future__ import annotations

import io
import json
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from mdbtriage.core.model import Actor
from mdbtriage.core.policy import load_policy
from synthetic import ROOT, copy_store, open_store

EXAMPLE_REQUEST = ROOT / "docs" / "voorbeelden" / "herbeoordeling.json"


def herbeoordeling_samples(runs: int) -> tuple[list[float], list[float]]:
    """Milliseconds of ``render_request`` for the example request, and of the floor: a plain
    reportlab canvas (built-in Helvetica, no layout) drawing the same lines of text."""
    from pypdf import PdfReader
    from reportlab.pdfgen import canvas

    from mdbtriage.core.herbeoordeling import assess, intake_outcome
    from mdbtriage.reports.herbeoordeling_pdf import render_request

    data = json.loads(EXAMPLE_REQUEST.read_text("utf-8"))
    assessment = assess(data)
    outcome = intake_outcome(assessment, load_policy())
    pdf = render_request(assessment, outcome)  # warm: fonts registered, modules loaded
    reader = PdfReader(io.BytesIO(pdf))
    pages = [
        [line for line in (page.extract_text() or "").splitlines() if line.strip()]
        for page in reader.pages
    ]
    if not any(pages):
        raise RuntimeError("the herbeoordeling PDF holds no extractable text")

    def floor() -> bytes:
        out = io.BytesIO()
        pdf_canvas = canvas.Canvas(out, invariant=1)
        for lines in pages:
            y = 800.0
            pdf_canvas.setFont("Helvetica", 9)
            for line in lines:
                pdf_canvas.drawString(40, y, line)
                y -= 11
                if y < 40:
                    pdf_canvas.showPage()
                    pdf_canvas.setFont("Helvetica", 9)
                    y = 800.0
            pdf_canvas.showPage()
        pdf_canvas.save()
        return out.getvalue()

    floor()
    return (
        [_ms(lambda: render_request(assessment, outcome)) for _ in range(runs)],
        [_ms(floor) for _ in range(runs)],
    )


def mdb_summary_samples(store_path: Path, today: date, runs: int, n_cases: int = 40) -> list[float]:
    """Milliseconds of what ``mdb-summary --versie medisch`` computes for a closed MDB with
    ``n_cases`` decided cases: the summary data from the store and the PDF."""
    from mdbtriage.core import meetings as rules
    from mdbtriage.reports.mdb_summary import build_summary_pdf
    from mdbtriage.store import meetings as repo
    from mdbtriage.store.demo import demo_decisions

    with tempfile.TemporaryDirectory(prefix="mdb-bench-") as tmp:
        target = copy_store(store_path, Path(tmp) / "mdb.sqlite3")
        with open_store(target) as store:
            team = str(
                store.conn.execute(
                    "SELECT team_id FROM cases GROUP BY team_id ORDER BY count(*) DESC LIMIT 1"
                ).fetchone()[0]
            )
            staff = repo.team_staff(store, team)
            regie = repo.default_regievoerder(staff.values())
            if regie is None:
                raise RuntimeError(f"team {team} has no regievoerder")
            held_on = today - timedelta(days=1)
            proposed = repo.propose(store, team, held_on)
            if len(proposed) < n_cases:
                # Fill up with the longest waiting cases of the queue that were not proposed.
                taken = {item.case_ref for item in proposed}
                extra = [
                    r[0]
                    for r in store.conn.execute(
                        "SELECT case_ref FROM cases WHERE team_id = ? AND status != 'afgerond' "
                        "ORDER BY received_on, case_ref",
                        (team,),
                    )
                    if r[0] not in taken
                ]
                meeting_id = repo.create_meeting(
                    store, team=team, held_on=held_on, actor=_actor(staff, regie), agenda=proposed
                )
                for ref in extra[: n_cases - len(proposed)]:
                    repo.add_case(store, meeting_id, ref, _actor(staff, regie))
            else:
                items = rules.renumber(proposed[:n_cases])
                meeting_id = repo.create_meeting(
                    store, team=team, held_on=held_on, actor=_actor(staff, regie), agenda=items
                )
            demo_decisions(store, meeting_id, staff, regie, held_on)
            repo.close_meeting(store, meeting_id, _actor(staff, regie))

            def sample() -> int:
                data = repo.summary(
                    store, meeting_id, actor=_actor(staff, regie), printed_on=today, medical=True
                )
                build_summary_pdf(data)
                return len(data.cases)

            count = sample()
            if count != n_cases:
                raise RuntimeError(f"the MDB summary holds {count} cases, not {n_cases}")
            return [_ms(sample) for _ in range(runs)]


def _actor(staff: dict[str, object], staff_id: str) -> Actor:
    person = staff[staff_id]
    return Actor(staff_id, str(person.name), str(person.role))  # type: ignore[attr-defined]


def _ms(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000
