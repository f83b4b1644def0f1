#!/usr/bin/env bash
# Builds (from the Go module proxy) and runs InfluxDB 1.8.10 with the v2 HTTP API (/api/v2/write, /api/v2/query with
# Flux, /health) on 127.0.0.1:8086. See infrastructure/local/README.md (InfluxDB) for why 1.8 and what it lacks.
#   influxdb.sh start    build if missing, start, wait until it serves, create the default database (idempotent)
#   influxdb.sh stop     stop the server started by this script (by PID file; idempotent)
#   influxdb.sh status   exit 0 when /health answers on 127.0.0.1:8086
#   influxdb.sh install  only build the binary
#   influxdb.sh reset    stop and wipe the server's data
# Everything lives under $IM_CACHE (default ~/.cache/industrialmind), outside the clone, so CI reuses it.
set -euo pipefail

INFLUXDB_VERSION="${INFLUXDB_VERSION:-1.8.10}"
IM_CACHE="${IM_CACHE:-$HOME/.cache/industrialmind}"
I="$IM_CACHE/influxdb-$INFLUXDB_VERSION"
BIN="$I/bin/influxd"
RUN="$IM_CACHE/run/influxdb"
PORT="${INFLUXDB_PORT:-8086}"
RPC_PORT="${INFLUXDB_RPC_PORT:-8088}"
# The database (= v2 bucket "<db>/autogen") that services and benchmarks use by default; tests make their own.
DATABASE="${INFLUXDB_DATABASE:-industrialmind}"
URL="http://127.0.0.1:$PORT"

log() { printf '[influxdb.sh] %s\n' "$*" >&2; }

healthy() { curl -fsS --max-time 2 "$URL/health" >/dev/null 2>&1; }

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install() {
  if [ -x "$BIN" ] && [ "$(cat "$I/.installed" 2>/dev/null)" = "$INFLUXDB_VERSION" ]; then return 0; fi
  command -v go >/dev/null || { log "go not found: install a Go toolchain (verified with Go 1.26.8)"; exit 1; }
  log "building influxd $INFLUXDB_VERSION from the Go module proxy into $I/bin (about 2 min on 2 cores)"
  mkdir -p "$I/bin"
  local started=$SECONDS
  # Pure Go at 1.8.x: Flux 0.65's Rust parser (libflux) sits behind a build tag, so no cgo, Rust or pkg-config.
  # v1.8.10's go.mod has no replace directives, so `go install pkg@version` works without a throwaway module.
  # GOTOOLCHAIN=local: use the installed Go and never try to download another toolchain.
  GOBIN="$I/bin" GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
    go install -ldflags "-s -w -X main.version=$INFLUXDB_VERSION" \
    "github.com/influxdata/influxdb/cmd/influxd@v$INFLUXDB_VERSION"
  "$BIN" version >&2
  echo "$INFLUXDB_VERSION" > "$I/.installed"
  log "built in $((SECONDS - started)) s"
}

write_config() {
  mkdir -p "$RUN/meta" "$RUN/data" "$RUN/wal"
  cat > "$RUN/influxdb.conf" <<CONF
# Written by infrastructure/local/influxdb.sh; edits are overwritten on start.
reporting-disabled = true
# RPC service for backup/restore: loopback only (its default is all interfaces).
bind-address = "127.0.0.1:$RPC_PORT"

[meta]
  dir = "$RUN/meta"
  logging-enabled = false

[data]
  dir = "$RUN/data"
  wal-dir = "$RUN/wal"
  query-log-enabled = false
  # Tests create a database per suite with unique machine ids; no per-tag or per-database caps to trip over.
  max-values-per-tag = 0
  max-series-per-database = 0

[monitor]
  # No _internal database and no self-monitoring writes.
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:$PORT"
  auth-enabled = false
  # Without it /api/v2/query answers 403.
  flux-enabled = true
  log-enabled = false
  pprof-enabled = false
  # 25 MB is the default; a 20,000-point batch of line protocol is about 2 MB.
  max-body-size = 26214400

[logging]
  level = "warn"
CONF
}

is_running() { pid_alive "$RUN/influxd.pid"; }

create_database() {
  # InfluxQL through the v1 endpoint: 1.8 has no /api/v2/buckets. CREATE DATABASE is idempotent.
  curl -fsS --max-time 10 -XPOST "$URL/query" --data-urlencode "q=CREATE DATABASE \"$DATABASE\"" >/dev/null
}

start() {
  command -v curl >/dev/null || { log "curl not found: apt-get install -y curl"; exit 1; }
  install
  if is_running && healthy; then log "already running (pid $(cat "$RUN/influxd.pid"))"; create_database; return 0; fi
  if port_open "$PORT"; then
    if healthy; then log "something else serves InfluxDB on 127.0.0.1:$PORT; using it"; create_database; return 0; fi
    log "127.0.0.1:$PORT is taken by something that is not InfluxDB"; exit 1
  fi
  write_config
  log "starting influxd $INFLUXDB_VERSION on 127.0.0.1:$PORT (RPC 127.0.0.1:$RPC_PORT)"
  # setsid: the server outlives the shell that started it and gets no terminal signals.
  setsid nohup "$BIN" run -config "$RUN/influxdb.conf" >"$RUN/influxd.log" 2>&1 < /dev/null &
  echo $! > "$RUN/influxd.pid"
  for _ in $(seq 1 120); do
    if healthy; then
      create_database
      log "ready (pid $(cat "$RUN/influxd.pid"), database $DATABASE, bucket $DATABASE/autogen, log $RUN/influxd.log)"
      return 0
    fi
    is_running || { log "influxd exited; last log lines:"; tail -30 "$RUN/influxd.log" >&2; exit 1; }
    sleep 0.5
  done
  log "influxd did not become ready within 60 s; see $RUN/influxd.log"; exit 1
}

stop() { stop_pidfile "$RUN/influxd.pid"; }

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) healthy ;;
  reset) stop; rm -rf "$RUN" ;;
  *) echo "usage: $0 start|stop|status|install|reset" >&2; exit 2 ;;
esac
