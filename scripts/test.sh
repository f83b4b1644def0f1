#!/usr/bin/env bash
# `make test`: lint, typecheck, then every package's unit, contract and integration tests with coverage,
# against real servers started here (and stopped again, even when tests fail), then a coverage table.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1

step() { printf '\n=== %s\n' "$*"; }

step "install server prerequisites"
scripts/ensure-apt.sh openjdk-17-jre-headless:java maven:mvn python3:python3

step "build"
pnpm turbo run build --output-logs=errors-only

step "lint (eslint + prettier)"
pnpm turbo run lint --output-logs=errors-only
pnpm exec prettier --check . --log-level warn
node scripts/check-boundaries.js

step "typecheck"
pnpm turbo run typecheck --output-logs=errors-only

step "start local servers"
started_kafka=0
if ! infrastructure/local/kafka.sh status; then
  infrastructure/local/kafka.sh start
  started_kafka=1
fi
cleanup() {
  if [ "$started_kafka" = 1 ]; then infrastructure/local/kafka.sh stop || true; fi
}
trap cleanup EXIT

step "tests: unit, contract (in-memory + real Kafka), integration, with coverage"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
pnpm turbo run test:ci --concurrency=1 --output-logs=full

step "line coverage per package (floor 80 %)"
node scripts/coverage-report.js
