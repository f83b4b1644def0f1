#!/usr/bin/env bash
# Installs (apt) and runs PostgreSQL on 127.0.0.1:5432 for the relational store's tests and the alerts service.
#   postgres.sh start    install if missing, create the cluster if missing, start, wait until it serves (idempotent)
#   postgres.sh stop     stop the cluster (idempotent)
#   postgres.sh status   exit 0 when PostgreSQL answers on 127.0.0.1:$POSTGRES_PORT
#   postgres.sh install  only install the apt packages
#   postgres.sh reset    stop the cluster and drop it (data lost), so the next start creates it anew
# We run as root; PostgreSQL refuses to, so the cluster belongs to the `postgres` user that Debian's package
# creates, and is managed with Debian's pg_ctlcluster (data in /var/lib/postgresql/<version>/<cluster>).
# The role `postgres` gets the password `postgres` for TCP logins from 127.0.0.1 only (local development only):
#   DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:5432/postgres
set -euo pipefail

PORT="${POSTGRES_PORT:-5432}"
CLUSTER="${POSTGRES_CLUSTER:-main}"
PASSWORD="${POSTGRES_PASSWORD:-postgres}"

log() { printf '[postgres.sh] %s\n' "$*" >&2; }

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }

install() {
  if [ -n "$(pg_version)" ] && command -v pg_ctlcluster >/dev/null && command -v psql >/dev/null; then return 0; fi
  log "installing PostgreSQL with apt"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  [ -n "$(pg_version)" ] || { log "apt did not install a PostgreSQL server"; exit 1; }
}

psql_admin() { runuser -u postgres -- psql -p "$PORT" -v ON_ERROR_STOP=1 -qAtX "$@"; }

start() {
  install
  local version; version="$(pg_version)"
  if port_open "$PORT"; then log "already running on 127.0.0.1:$PORT"; return 0; fi
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version $CLUSTER"; then
    log "creating cluster $version/$CLUSTER on port $PORT"
    # Listen on loopback only; scram passwords over TCP, peer auth on the Unix socket (Debian's defaults).
    pg_createcluster "$version" "$CLUSTER" --port "$PORT" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  fi
  local conf="/etc/postgresql/$version/$CLUSTER/postgresql.conf"
  # Settings that matter (idempotent: the last occurrence wins in postgresql.conf).
  if ! grep -q '^# industrialmind settings' "$conf"; then
    cat >>"$conf" <<CONF
# industrialmind settings
listen_addresses = '127.0.0.1'
port = $PORT
max_connections = 200
fsync = on
synchronous_commit = on
CONF
  fi
  log "starting PostgreSQL $version/$CLUSTER on 127.0.0.1:$PORT"
  pg_ctlcluster "$version" "$CLUSTER" start
  for _ in $(seq 1 60); do
    if port_open "$PORT" && runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
    sleep 0.5
  done
  port_open "$PORT" || { log "PostgreSQL did not start; see /var/log/postgresql/postgresql-$version-$CLUSTER.log"; exit 1; }
  psql_admin -c "ALTER ROLE postgres PASSWORD '$PASSWORD'"
  log "ready (postgresql://postgres:***@127.0.0.1:$PORT/postgres)"
}

stop() {
  local version; version="$(pg_version)"
  [ -n "$version" ] || { log "not installed"; return 0; }
  if pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2" "$4}' | grep -qx "$version $CLUSTER online"; then
    pg_ctlcluster "$version" "$CLUSTER" stop -m fast
    log "stopped"
  else
    log "not running"
  fi
}

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) port_open "$PORT" ;;
  reset)
    stop
    version="$(pg_version)"
    [ -z "$version" ] || pg_dropcluster "$version" "$CLUSTER" 2>/dev/null || true
    ;;
  *) echo "usage: $0 start|stop|status|install|reset" >&2; exit 2 ;;
esac
