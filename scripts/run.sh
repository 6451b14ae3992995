#!/usr/bin/env bash
# Run MDB Triage from the checkout: sets up .venv on first use, then passes every argument on.
# Without arguments it opens the desktop application (which offers demo data on an empty store).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/mdb-triage "$@"
