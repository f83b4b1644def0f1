#!/usr/bin/env bash
# Installs (from Maven Central), formats and runs a single-node KRaft Apache Kafka broker on 127.0.0.1:9092.
#   kafka.sh start    install if missing, format storage if needed, start, wait until it serves (idempotent)
#   kafka.sh stop     stop the broker started by this script (by PID file; idempotent)
#   kafka.sh status   exit 0 when the broker answers on 127.0.0.1:9092
#   kafka.sh install  only fetch the jars
#   kafka.sh reset    stop and wipe the broker's data
# Everything lives under $IM_CACHE (default ~/.cache/industrialmind), outside the clone, so CI reuses it.
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-3.9.1}"
IM_CACHE="${IM_CACHE:-$HOME/.cache/industrialmind}"
K="$IM_CACHE/kafka-$KAFKA_VERSION"
RUN="$IM_CACHE/run/kafka"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
HEAP="${KAFKA_HEAP:--Xms256m -Xmx768m}"

log() { printf '[kafka.sh] %s\n' "$*" >&2; }

# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install() {
  if [ -f "$K/.installed" ]; then return 0; fi
  command -v java >/dev/null || { log "java not found: apt-get install -y openjdk-17-jre-headless"; exit 1; }
  command -v mvn >/dev/null || { log "mvn not found: apt-get install -y maven"; exit 1; }
  log "installing Kafka $KAFKA_VERSION from Maven Central into $K"
  mkdir -p "$K/libs" "$K/config"
  cat > "$K/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.industrialmind</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>
  </dependencies>
</project>
POM
  mvn -B -q -f "$K/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$K/libs"
  ls "$K/libs" | grep -q "^kafka_2.13-$KAFKA_VERSION.jar$" || { log "kafka_2.13 jar missing after mvn"; exit 1; }
  cat > "$K/config/log4j.properties" <<'L4J'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=WARN
log4j.logger.org.apache.kafka=WARN
log4j.logger.kafka.server.KafkaRaftServer=INFO
L4J
  touch "$K/.installed"
}

write_config() {
  mkdir -p "$RUN/data"
  cat > "$RUN/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$RUN/data
num.partitions=6
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
delete.topic.enable=true
log.retention.hours=24
message.max.bytes=2097152
PROPS
}

is_running() { pid_alive "$RUN/kafka.pid"; }

start() {
  install
  if is_running && port_open "$PORT"; then log "already running (pid $(cat "$RUN/kafka.pid"))"; return 0; fi
  if port_open "$PORT"; then log "something else listens on 127.0.0.1:$PORT; using it"; return 0; fi
  write_config
  local cp="$K/libs/*" logopt="-Dlog4j.configuration=file:$K/config/log4j.properties"
  if [ ! -f "$RUN/cluster.id" ]; then
    python3 -c 'import uuid,base64;print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="))' > "$RUN/cluster.id"
  fi
  java -cp "$cp" $logopt kafka.tools.StorageTool format -t "$(cat "$RUN/cluster.id")" \
    -c "$RUN/server.properties" --ignore-formatted >"$RUN/format.log" 2>&1 || { cat "$RUN/format.log" >&2; exit 1; }
  log "starting broker on 127.0.0.1:$PORT"
  # setsid: the broker outlives the shell that started it and gets no terminal signals.
  setsid nohup java $HEAP -XX:+UseG1GC -Djava.awt.headless=true $logopt -cp "$cp" \
    kafka.Kafka "$RUN/server.properties" >"$RUN/kafka.log" 2>&1 < /dev/null &
  echo $! > "$RUN/kafka.pid"
  for _ in $(seq 1 120); do
    if grep -q 'Kafka Server started' "$RUN/kafka.log" 2>/dev/null && port_open "$PORT"; then
      log "ready (pid $(cat "$RUN/kafka.pid"), log $RUN/kafka.log)"; return 0
    fi
    is_running || { log "broker exited; last log lines:"; tail -30 "$RUN/kafka.log" >&2; exit 1; }
    sleep 1
  done
  log "broker did not become ready within 120 s; see $RUN/kafka.log"; exit 1
}

stop() { stop_pidfile "$RUN/kafka.pid"; }

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) port_open "$PORT" ;;
  reset) stop; rm -rf "$RUN" ;;
  *) echo "usage: $0 start|stop|status|install|reset" >&2; exit 2 ;;
esac
