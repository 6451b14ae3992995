"""Start-up stays light: the modules loaded to start the program (the CLI and the desktop
application) do not pull in the PDF, chart and test libraries, which are imported when a PDF is
made or a screen that needs them is opened."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = (
    "reportlab",
    "hypothesis",
    "PIL",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtPrintSupport",
    "PySide6.QtCharts",
    "psycopg",
)


def test_starting_the_program_imports_no_pdf_chart_or_test_libraries() -> None:
    code = (
        "import json, sys\n"
        "import mdbtriage.cli\n"
        "import mdbtriage.ui.app\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_pdf_commands_still_load_reportlab_when_used() -> None:
    """The lazy import is where the PDF is made: the command module itself still works."""
    code = (
        "import sys\n"
        "from mdbtriage.cli import herbeoordeling\n"
        "assert 'reportlab' not in sys.modules\n"
        "from mdbtriage.reports.herbeoordeling_pdf import render_request\n"
        "print('reportlab' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
