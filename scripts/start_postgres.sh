#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the ledger tests, on loopback only.
#
#   eval "$(scripts/start_postgres.sh)"        # exports ASSAY_TEST_POSTGRES_URL and _DIR
#   scripts/start_postgres.sh --stop "$DIR"    # stops it and deletes its directory
#
# Initialises a fresh cluster in a temporary directory (or $1), listens on 127.0.0.1 at a
# free port (or $ASSAY_PG_PORT), trusts local connections (the server is reachable from
# this machine only and holds test data only), and prints two `export` lines on stdout.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail

bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && bindir="$candidate"
done
if [ -z "$bindir" ]; then
  command -v initdb >/dev/null || { echo "start_postgres: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  bindir="$(dirname "$(command -v initdb)")"
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "${1:-}" = "--stop" ]; then
  dir="${2:?usage: start_postgres.sh --stop DIR}"
  [ -f "$dir/data/PG_VERSION" ] || { echo "start_postgres: $dir is not a cluster started by this script" >&2; exit 1; }
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf -- "$dir"
  exit 0
fi

dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/assay-pg.XXXXXX")}"
mkdir -p "$dir"
port="${ASSAY_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "start_postgres: running as root needs the 'postgres' user (installed by the postgresql package)" >&2; exit 1; }
  chown postgres: "$dir"
fi
chmod 700 "$dir"

as_owner "$bindir/initdb" -D "$dir/data" -U assay --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >&2 \
  || { cat "$dir/server.log" >&2; exit 1; }
as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U assay assay >&2

echo "export ASSAY_TEST_POSTGRES_URL=postgresql://assay@127.0.0.1:$port/assay"
echo "export ASSAY_TEST_POSTGRES_DIR=$dir"
