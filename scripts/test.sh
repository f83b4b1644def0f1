#!/usr/bin/env bash
# `make test`: lint, typecheck, then every package's unit, contract and integration tests with coverage,
# against real servers started here (and stopped again, even when tests fail), then a coverage table.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

step() { printf '\n=== %s\n' "$*"; }

step "install server prerequisites"
# The JDK (javac) compiles the small Neo4j launcher (infrastructure/local/neo4j/Launcher.java).
scripts/ensure-apt.sh openjdk-17-jre-headless:java openjdk-17-jdk-headless:javac maven:mvn python3:python3 curl:curl

step "build"
pnpm turbo run build --output-logs=errors-only

step "lint (eslint + prettier)"
pnpm turbo run lint --output-logs=errors-only
pnpm exec prettier --check . --log-level warn
node scripts/check-boundaries.js

step "typecheck"
pnpm turbo run typecheck --output-logs=errors-only

step "start local servers (Kafka, InfluxDB, PostgreSQL, Neo4j)"
# Servers this script starts, it stops again (also when tests fail); ones already running are left alone.
started=()
cleanup() {
  for server in "${started[@]}"; do infrastructure/local/$server.sh stop || true; done
}
trap cleanup EXIT
for server in kafka influxdb postgres neo4j; do
  if ! infrastructure/local/$server.sh status; then
    infrastructure/local/$server.sh start
    started+=("$server")
  fi
done

step "tests: unit, contract (embedded + real Kafka/InfluxDB/PostgreSQL/Neo4j), integration, reliability, with coverage"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export INFLUX_URL="${INFLUX_URL:-http://127.0.0.1:8086}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres:postgres@127.0.0.1:5432/postgres}"
# neo4j.sh sets this password on the local server (loopback only); both read NEO4J_PASSWORD when it is set.
export NEO4J_URI="${NEO4J_URI:-bolt://127.0.0.1:7687}" NEO4J_USER="${NEO4J_USER:-neo4j}"
export NEO4J_PASSWORD="${NEO4J_PASSWORD:-industrialmind-local}"
pnpm turbo run test:ci --concurrency=1 --output-logs=full

step "reference data sets (SKAB, C-MAPSS) through the replay parsers"
# The workplace keeps them beside the clone (../shared/datasets); they are never copied into the repo.
datasets="${SHARED_DATASETS_DIR:-}"
for candidate in "$PWD/../shared/datasets" "$PWD/../../shared/datasets" /work/shared/datasets; do
  [ -n "$datasets" ] && break
  [ -d "$candidate/skab" ] && [ -d "$candidate/cmapss" ] && datasets="$(cd "$candidate" && pwd)"
done
if [ -n "$datasets" ]; then
  SHARED_DATASETS_DIR="$datasets" pnpm --filter @industrialmind/simulation run test:datasets
else
  echo "WARNING: reference data sets not found (set SHARED_DATASETS_DIR); the dataset checks did not run" >&2
fi

step "trainer (Python): anomaly and RUL data, calibration, alarm policy, PyTorch-vs-ONNX parity"
# The venv lives outside the clone and is reused (PyTorch from PyPI is several GB): stamped by requirements hash.
trainer_python="$(scripts/trainer-venv.sh)"
(cd services/trainer-orchestrator/trainer && "$trainer_python" -m unittest discover -s tests -t . -v)
# Same dataset lookup as above: C-MAPSS when present, synthetic data otherwise.
SHARED_DATASETS_DIR="${datasets:-}" services/trainer-orchestrator/trainer/industrialmind_trainer/rul/run-tests.sh

step "line coverage per package (floor 80 %)"
node scripts/coverage-report.js
