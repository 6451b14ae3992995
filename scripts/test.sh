#!/usr/bin/env bash
# Every check of the project: ruff (lint and format), mypy over the whole package (strict on core,
# store and cli), the layer contracts (import-linter), and the whole pytest suite, GUI tests
# offscreen included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
echo "== ruff"
.venv/bin/ruff check
.venv/bin/ruff format --check
echo "== mypy (the whole package: core, store, cli strict; ui, reports checked)"
.venv/bin/mypy desktop/mdbtriage
echo "== import-linter"
.venv/bin/lint-imports
echo "== pytest"
# The office store's tests (tests/office) need PostgreSQL: without MDB_TRIAGE_TEST_PG a
# throwaway cluster is started for the run when PostgreSQL is installed; otherwise those tests
# are skipped, except under CI=true, where a missing server fails them.
if [ -z "${MDB_TRIAGE_TEST_PG:-}" ] && bash scripts/pg-cluster.sh --available; then
    bash scripts/pg-cluster.sh .venv/bin/python -m pytest "$@"
else
    .venv/bin/python -m pytest "$@"
fi
