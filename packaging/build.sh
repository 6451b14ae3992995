#!/usr/bin/env bash
# Build the one-folder program dist/mdb-triage/ with PyInstaller (installed into .venv on first
# use). The result runs without Python on a Linux workstation like this one; copy the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pip install --quiet "pyinstaller>=6.10"
# Stage the package as a plain tree: mdbtriage/ with db/ and resources/ inside, as in the wheel.
rm -rf build/stage
mkdir -p build/stage
cp -r desktop/mdbtriage build/stage/mdbtriage
cp -r db build/stage/mdbtriage/db
cp -r resources build/stage/mdbtriage/resources
find build/stage -name __pycache__ -prune -exec rm -rf {} +
export MDB_TRIAGE_STAGE="$PWD/build/stage"
PYTHONPATH="$MDB_TRIAGE_STAGE" .venv/bin/pyinstaller --noconfirm --clean \
    --distpath dist --workpath build/pyinstaller packaging/mdb-triage.spec
cp packaging/mdb-triage.desktop packaging/mdb-triage.svg dist/mdb-triage/
echo "Gebouwd: dist/mdb-triage/mdb-triage"
