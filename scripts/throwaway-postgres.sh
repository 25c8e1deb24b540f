#!/usr/bin/env bash
# A PostgreSQL server for one test run, on 127.0.0.1, in a temporary directory.
#   throwaway-postgres.sh start DIR PORT   prints nothing; the server accepts user `confab`
#   throwaway-postgres.sh restart DIR      stops it and starts it again on the same port
#   throwaway-postgres.sh stop DIR         stops it (DIR can then be deleted)
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
set -euo pipefail

pg_bin=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1)
[ -n "$pg_bin" ] || { echo "error: PostgreSQL is not installed (run scripts/setup.sh)" >&2; exit 1; }

# Runs from /, which the postgres user can enter: started from a private directory (a clone
# under a home only its owner can open), it could not change into its working directory.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

case "${1:-}" in
  start)
    dir=$2 port=$3
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_owner "$pg_bin/initdb" -D "$dir/data" -A trust -U confab --no-sync >/dev/null
    # Durability is pointless for throwaway data; turning it off makes the tests faster.
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null
    ;;
  restart)
    dir=$2
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null
    ;;
  stop)
    dir=$2
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *)
    echo "usage: $0 start DIR PORT | restart DIR | stop DIR" >&2
    exit 2
    ;;
esac
