#!/usr/bin/env bash
# Create the project's virtual environment (.venv) and install MDB Triage with its test tools.
# Re-running it is cheap: it only installs again when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    # The encryption extra (SQLCipher) is optional: where its wheel cannot be installed the
    # program and the tests run without it (the encryption tests are then skipped).
    .venv/bin/python -m pip install --quiet -e ".[test,crypt]" \
        || .venv/bin/python -m pip install --quiet -e ".[test]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
