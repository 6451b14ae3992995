"""The command modules are imported when one of their commands is asked for; the table that
says which module holds which command is the truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from mdbtriage.cli import COMMAND_MODULES, cli, load_command_modules


def test_the_table_names_every_command_of_every_module_and_no_other() -> None:
    load_command_modules()
    registered = {
        name: command.callback.__module__.rsplit(".", 1)[-1]
        for name, command in cli.commands.items()
        if command.callback is not None and command.callback.__module__ != "mdbtriage.cli"
    }
    assert registered == COMMAND_MODULES


def test_one_command_loads_its_own_module_only() -> None:
    code = (
        "import json, sys\n"
        "from mdbtriage.cli import cli\n"
        "cli.get_command(None, 'tasks')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('mdbtriage.cli.'))))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "mdbtriage.cli.tasks" in loaded
    assert not {"mdbtriage.cli.meetings", "mdbtriage.cli.maintenance"} & set(loaded)


def test_help_lists_every_command_and_a_typo_gets_a_suggestion() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["--help"]).output
    for name in COMMAND_MODULES:
        assert name in listed
    wrong = runner.invoke(cli, ["mdb-lst"])
    assert wrong.exit_code == 2 and "mdb-list" in wrong.output
