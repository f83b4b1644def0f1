# IndustrialMind developer entry points. The first two are all a newcomer needs:
#   make demo   runs the platform in the single-process lite profile (no servers needed)
#   make test   installs what is missing, starts the local servers, runs every check and test, stops the servers
SHELL := /bin/bash
.DEFAULT_GOAL := help
export TURBO_TELEMETRY_DISABLED := 1
export DO_NOT_TRACK := 1
export NEXT_TELEMETRY_DISABLED := 1

SERVERS := kafka influxdb postgres neo4j
PNPM_VERSION := $(shell node -p "require('./package.json').packageManager.split('@')[1]" 2>/dev/null)

.PHONY: help bootstrap build demo test lint typecheck unit up down bench clean trainer

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

bootstrap: ## install the toolchain and dependencies (idempotent)
	@scripts/bootstrap.sh

build: bootstrap ## compile every package
	@pnpm turbo run build --output-logs=errors-only

demo: build ## run the lite profile in one process (Ctrl-C to stop)
	@bin/industrialmind demo $(ARGS)

test: bootstrap ## lint, typecheck, unit + contract + integration tests against real local servers, coverage
	@scripts/test.sh

lint: build ## eslint + prettier
	@pnpm turbo run lint --output-logs=errors-only && pnpm exec prettier --check . --log-level warn && node scripts/check-boundaries.js

typecheck: build ## tsc --noEmit everywhere
	@pnpm turbo run typecheck --output-logs=errors-only

unit: build ## fast tests only, no servers
	@pnpm turbo run test --output-logs=errors-only

up: ## start the local servers (Kafka, InfluxDB, PostgreSQL, Neo4j) for development
	@for s in $(SERVERS); do infrastructure/local/$$s.sh start || exit 1; done

down: ## stop the local servers
	@for s in $(SERVERS); do infrastructure/local/$$s.sh stop; done

bench: build up ## run the benchmarks against local servers (see docs/benchmarks.md)
	@bin/industrialmind bench event-bus $(ARGS)
	@bin/industrialmind bench ingestion $(ARGS)
	@bin/industrialmind bench alerts
	@bin/industrialmind bench graph root-cause
	@bin/industrialmind bench graph latency
	@bin/industrialmind bench anomaly $(ARGS)
	@bin/industrialmind bench rul

trainer: ## create or reuse the trainer's Python venv (~/.cache/industrialmind/venv-trainer; PyTorch, several GB)
	@scripts/trainer-venv.sh >/dev/null

clean: ## remove build outputs
	@pnpm turbo run clean >/dev/null; rm -rf .turbo
