#!/usr/bin/env bash
# Installs (from Maven Central) and runs Neo4j 5 Community, embedded in a small Java launcher, with Bolt on
# 127.0.0.1:7687 and authentication on (user neo4j, password $NEO4J_PASSWORD).
#   neo4j.sh start    install if missing, start, wait until Bolt serves (idempotent)
#   neo4j.sh stop     stop the server started by this script (by PID file; idempotent)
#   neo4j.sh status   exit 0 when something accepts connections on 127.0.0.1:7687
#   neo4j.sh install  only fetch the jars and compile the launcher
#   neo4j.sh reset    stop and wipe the server's data
# Everything lives under $IM_CACHE (default ~/.cache/industrialmind), outside the clone, so CI reuses it.
set -euo pipefail

NEO4J_VERSION="${NEO4J_VERSION:-5.26.18}"
IM_CACHE="${IM_CACHE:-$HOME/.cache/industrialmind}"
N="$IM_CACHE/neo4j-$NEO4J_VERSION"
RUN="$IM_CACHE/run/neo4j"
PORT="${NEO4J_PORT:-7687}"
HEAP="${NEO4J_HEAP:--Xms256m -Xmx1g}"
PAGECACHE_MB="${NEO4J_PAGECACHE_MB:-256}"
# A development password for a server bound to loopback only; services and tests read NEO4J_PASSWORD themselves.
export NEO4J_PASSWORD="${NEO4J_PASSWORD:-industrialmind-local}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAUNCHER="$HERE/neo4j/Launcher.java"

log() { printf '[neo4j.sh] %s\n' "$*" >&2; }

# shellcheck source=lib.sh
. "$HERE/lib.sh"

install() {
  local sum; sum="$(sha256sum "$LAUNCHER" | cut -c1-16)"
  if [ -f "$N/.installed" ] && [ "$(cat "$N/classes/.source" 2>/dev/null)" = "$sum" ]; then return 0; fi
  command -v javac >/dev/null || { log "javac not found: apt-get install -y openjdk-17-jdk-headless"; exit 1; }
  command -v mvn >/dev/null || { log "mvn not found: apt-get install -y maven"; exit 1; }
  if [ ! -f "$N/.installed" ]; then
    log "installing Neo4j $NEO4J_VERSION (org.neo4j:neo4j + neo4j-bolt) from Maven Central into $N"
    mkdir -p "$N/lib"
    cat > "$N/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.industrialmind</groupId><artifactId>neo4j-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId><version>$NEO4J_VERSION</version></dependency>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j-bolt</artifactId><version>$NEO4J_VERSION</version></dependency>
  </dependencies>
</project>
POM
    mvn -B -q -f "$N/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$N/lib"
    ls "$N/lib" | grep -q "^neo4j-bolt-$NEO4J_VERSION.jar$" || { log "neo4j-bolt jar missing after mvn"; exit 1; }
    touch "$N/.installed"
  fi
  rm -rf "$N/classes" && mkdir -p "$N/classes"
  javac -cp "$N/lib/*" -d "$N/classes" "$LAUNCHER"
  echo "$sum" > "$N/classes/.source"
}

is_running() { pid_alive "$RUN/neo4j.pid"; }

start() {
  install
  if is_running && port_open "$PORT"; then log "already running (pid $(cat "$RUN/neo4j.pid"))"; return 0; fi
  if port_open "$PORT"; then log "something else listens on 127.0.0.1:$PORT; using it"; return 0; fi
  mkdir -p "$RUN/home"
  log "starting Neo4j $NEO4J_VERSION with Bolt on 127.0.0.1:$PORT"
  # The --add-opens flags are the ones Neo4j 5's own neo4j.conf passes (server.jvm.additional).
  # setsid: the server outlives the shell that started it and gets no terminal signals.
  setsid nohup java $HEAP -XX:+UseG1GC -Djava.awt.headless=true \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
    -cp "$N/classes:$N/lib/*" Launcher "$RUN/home" "$PORT" "$PAGECACHE_MB" >"$RUN/neo4j.log" 2>&1 < /dev/null &
  echo $! > "$RUN/neo4j.pid"
  for _ in $(seq 1 180); do
    if grep -q 'NEO4J_READY' "$RUN/neo4j.log" 2>/dev/null && port_open "$PORT"; then
      log "ready (pid $(cat "$RUN/neo4j.pid"), log $RUN/neo4j.log)"; return 0
    fi
    is_running || { log "server exited; last log lines:"; tail -30 "$RUN/neo4j.log" >&2; exit 1; }
    sleep 1
  done
  log "server did not become ready within 180 s; see $RUN/neo4j.log"; exit 1
}

stop() { stop_pidfile "$RUN/neo4j.pid"; }

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) port_open "$PORT" ;;
  reset) stop; rm -rf "$RUN" ;;
  *) echo "usage: $0 start|stop|status|install|reset" >&2; exit 2 ;;
esac
