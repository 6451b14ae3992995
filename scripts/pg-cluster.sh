#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the office store's tests (Debian's postgresql package).
#
#   bash scripts/pg-cluster.sh --available      exit 0 when PostgreSQL's server programs are
#                                               installed, else 1 with the reason on stderr
#   bash scripts/pg-cluster.sh COMMAND [ARG…]   start a cluster, run COMMAND with
#                                               MDB_TRIAGE_TEST_PG set to its URL, stop the
#                                               cluster and exit with COMMAND's status
#   bash scripts/pg-cluster.sh                  start a cluster, print its URL and keep it
#                                               running until Ctrl-C
#
# The cluster lives in a new temporary directory (owned by the user that runs the server),
# listens on 127.0.0.1 on a free port and on a Unix socket in that directory, runs with
# fsync=off (test data only; but see PG_DURABLE) and trusts connections from this machine: the
# URL carries no password. Its owner is the superuser `postgres`. A trap stops it and removes
# the directory when the script exits, however it exits. initdb refuses to run as root, so as
# root the server programs run as the `postgres` user (created by the Debian package).
# PG_BINDIR chooses the server programs; else the newest /usr/lib/postgresql/<major>/bin.
# PG_DURABLE=1 keeps the server's own durability settings (fsync, synchronous_commit and
# full_page_writes on), as a real server has them: the benchmarks use it.
set -euo pipefail

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        [ -x "$PG_BINDIR/initdb" ] && echo "$PG_BINDIR"
        return
    fi
    local dir found=""
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && found=$dir
    done
    if [ -z "$found" ] && command -v pg_ctl >/dev/null 2>&1; then
        dir=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
        [ -x "$dir/initdb" ] && found=$dir
    fi
    # The glob sorts 15 before 16 before 17: the last one found is the newest major.
    [ -n "$found" ] && echo "$found"
}

BINDIR=$(find_bindir || true)
if [ "${1:-}" = "--available" ]; then
    if [ -z "$BINDIR" ]; then
        echo "PostgreSQL is niet geïnstalleerd (geen initdb/pg_ctl in /usr/lib/postgresql/*/bin" \
            "of PG_BINDIR); installeer het met: apt-get install postgresql" >&2
        exit 1
    fi
    exit 0
fi
if [ -z "$BINDIR" ]; then
    echo "PostgreSQL is niet geïnstalleerd: installeer het met: apt-get install postgresql" >&2
    exit 1
fi

as_server() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 - <<'EOF'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

# As root the server runs as postgres, which must reach the directory: /tmp, not a TMPDIR that
# may sit in root's home.
if [ "$(id -u)" -eq 0 ]; then
    PG_TMP=$(mktemp -d /tmp/mdb-triage-pg.XXXXXX)
else
    PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mdb-triage-pg.XXXXXX")
fi
PG_DATA=$PG_TMP/data
PG_STARTED=0
SLEEP_PID=""
stop_cluster() {
    if [ -n "$SLEEP_PID" ]; then
        kill "$SLEEP_PID" 2>/dev/null || true
    fi
    if [ "$PG_STARTED" -eq 1 ]; then
        (cd "$PG_TMP" && as_server "$BINDIR/pg_ctl" stop -D "$PG_DATA" -m fast -s) || true
    fi
    rm -rf "$PG_TMP"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$PG_TMP"
fi
chmod 700 "$PG_TMP"
# The server's working directory must be one it may enter.
cd "$PG_TMP"
as_server "$BINDIR/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C --no-sync \
    --auth-local=trust --auth-host=trust >"$PG_TMP/initdb.log" 2>&1 || {
    cat "$PG_TMP/initdb.log" >&2
    exit 1
}
SPEED_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [ "${PG_DURABLE:-}" = "1" ]; then
    SPEED_OPTIONS=""
fi
started=0
for _ in 1 2 3; do
    PG_PORT=$(free_port)
    PG_STARTED=1
    if as_server "$BINDIR/pg_ctl" start -D "$PG_DATA" -w -t 30 -s -l "$PG_TMP/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_TMP $SPEED_OPTIONS \
            -c max_connections=200"; then
        started=1
        break
    fi
    PG_STARTED=0
done
cd - >/dev/null
if [ "$started" -ne 1 ]; then
    echo "De tijdelijke PostgreSQL-server start niet:" >&2
    cat "$PG_TMP/server.log" >&2 || true
    exit 1
fi

export MDB_TRIAGE_TEST_PG="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
if [ "$#" -eq 0 ]; then
    echo "$MDB_TRIAGE_TEST_PG"
    echo "(socket: host=$PG_TMP port=$PG_PORT; Ctrl-C stopt de server)" >&2
    # 'wait' returns at a signal, so the trap stops the server at once (kill PID or Ctrl-C).
    while true; do
        sleep 3600 &
        SLEEP_PID=$!
        wait "$SLEEP_PID"
    done
fi
echo "== PostgreSQL $("$BINDIR/pg_ctl" --version | awk '{print $3}') op $MDB_TRIAGE_TEST_PG"
status=0
"$@" || status=$?
exit "$status"
