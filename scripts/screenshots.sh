#!/usr/bin/env bash
# Screenshots of every screen of the desktop at 1366×768 and 1920×1080, under a virtual X
# server (Xvfb), on a demo store built in a temporary folder: docs/screenshots/<screen>-<size>.png.
#   scripts/screenshots.sh            both sizes
#   scripts/screenshots.sh 1366x768   one size
# Every run also makes the 1366×768 screens at 200% text: <screen>-1366x768-200.png.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=docs/screenshots
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1366x768 1920x1080)

if ! command -v Xvfb >/dev/null || ! /sbin/ldconfig -p | grep -q libxcb-cursor.so.0; then
    echo "Xvfb en libxcb-cursor0 installeren…"
    apt-get install -y xvfb libxcb-cursor0
fi

mkdir -p "$OUT"
shoot() {  # size, zoom percentage, suffix
    local size=$1 zoom=$2 suffix=$3
    display=":$((90 + RANDOM % 100))"
    Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
    xvfb=$!
    trap 'kill "$xvfb" 2>/dev/null || true' EXIT
    for _ in $(seq 50); do
        [ -e "/tmp/.X11-unix/X${display#:}" ] && break
        sleep 0.1
    done
    echo "== $size, tekst $zoom%"
    DISPLAY="$display" QT_QPA_PLATFORM=xcb .venv/bin/python scripts/screens.py \
        --out "$OUT" --suffix="$suffix" --cases 2000 --zoom "$zoom"
    kill "$xvfb" 2>/dev/null || true
    wait "$xvfb" 2>/dev/null || true
    trap - EXIT
}
for size in "${SIZES[@]}"; do
    shoot "$size" 100 "-$size"
done
shoot 1366x768 200 "-1366x768-200"
ls -l "$OUT"
