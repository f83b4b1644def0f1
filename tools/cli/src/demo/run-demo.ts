import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createService as createAnomalyService } from '@industrialmind/anomaly-api';
import { TOPICS, parseAnomalyDetected } from '@industrialmind/contracts';
import { createMemoryEventBus, dlqTopicOf, type EventBus } from '@industrialmind/event-bus';
import { listen } from '@industrialmind/http';
import { createService as createIngestionService } from '@industrialmind/ingestion';
import type { Logger } from '@industrialmind/logger';
import { createLifecycle } from '@industrialmind/service-kit';
import { createFleet } from '@industrialmind/simulation';
import { createBusSink, createFleetRunner } from '@industrialmind/simulation/runtime';
import { createEmbeddedTimeSeriesStore, type TimeSeriesStore } from '@industrialmind/timeseries-store';
import { waitForStop, waitUntil } from '../commands/shared';
import { injectFaults, type FaultOption } from '../commands/simulate';
import { startChain, type Chain, type ChainCounts } from './chain';
import { createCountingStore } from './counting-store';
import { RUN_HEADER, createDeadLetterCounter } from './dead-letters';
import { DEMO_LOG_EVENTS } from './log-events';
import { createMalformedInjector } from './malformed-injector';
import { createMalformedMaker } from './malformed';
import { createJsonReporter, createTableReporter, type DemoSummary } from './report';
import { startRul, type RulPart } from './rul';

/** The consumer group of ingestion, as the service uses it in production. */
export const INGESTION_GROUP = 'ingestion';
const DLQ_COUNTER_GROUP = 'demo-dlq-counter';

export interface DemoOptions {
  machines: number;
  /** Readings per second for the whole fleet. */
  ratePerSec: number;
  /** Stop after this long; undefined runs until the stop signal. */
  durationSec: number | undefined;
  seed: number;
  /** One message in N is malformed; 0 = none. */
  badEvery: number;
  json: boolean;
  /** How long the shutdown waits for ingestion to catch up with the simulator. */
  drainTimeoutSec: number;
  /** Port of the ingestion REST API on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Faults injected into the fleet at start (`--fault`, as in `simulate`). */
  faults?: readonly FaultOption[];
  /**
   * Simulated seconds per wall-clock second (default 1). The anomaly models average readings per simulated second
   * and calibrate on 400 of them, so at 1 a machine is scored after about 7 minutes; at 100, after 4 s. The
   * readings per wall-clock second stay `ratePerSec`; their timestamps run ahead of the clock.
   */
  speed?: number;
}

export interface DemoDeps {
  logger: Logger;
  /** Writes output text (stdout in the CLI). */
  write(text: string): void;
  /** Aborted on Ctrl-C / SIGTERM: starts the graceful shutdown. */
  stopSignal: AbortSignal;
  /** Default: an in-memory bus (the lite profile). Not connected yet; the demo closes it at the end. */
  bus?: EventBus;
  /** Default: the embedded store. Not connected yet; the demo closes it at the end. */
  store?: TimeSeriesStore;
  /** Default: 8 random hex characters. */
  runId?: string;
  /** Default 1000. */
  reportIntervalMs?: number;
  /**
   * Folder of anomaly models (the committed defaults: `models/anomaly`). When it exists, anomaly-api scores the
   * fleet from the same bus and serves its REST API on a free port of 127.0.0.1.
   */
  anomalyModelDir?: string;
  /**
   * Folder of RUL models (the committed defaults: `services/rul-api/models`). When it exists, rul-api forecasts the
   * fleet's remaining useful life from the same bus (maintenance-predictions, which alerts turns into alerts) and
   * serves its REST API on a free port of 127.0.0.1.
   */
  rulModelDir?: string;
  /**
   * With anomaly scoring on: also run graph-api (root causes into an in-memory graph seeded with the demo plant) and
   * alerts (PGlite in memory) on the same bus, each with its REST API on a free port of 127.0.0.1. Default true.
   */
  withChain?: boolean;
}

/** The consumer group of anomaly-api, as the service uses it in production. */
export const ANOMALY_GROUP = 'anomaly-api';

/** Like waitUntil, for a condition that must ask something asynchronously. */
async function waitUntilAsync(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/**
 * The lite profile of the data path in one process: the simulated fleet publishes readings (plus a few broken
 * messages) to sensor-readings on the event bus, the ingestion service consumes them, dead-letters the broken ones
 * and writes the rest to the time-series store, and serves them over REST on 127.0.0.1:`port`. A DLQ consumer
 * counts the dead letters. A line of progress is written every second. On stop it shuts down in order (simulator,
 * then waits for ingestion to catch up, then ingestion, the DLQ counter, HTTP, store and bus) and writes a summary
 * checking that produced = written + dead-lettered. Resolves with the summary; `exitCode` is 1 when the balance or
 * the shutdown failed. Throws when it cannot start (port in use...), leaving nothing open.
 */
export async function runDemo(options: DemoOptions, deps: DemoDeps): Promise<DemoSummary> {
  const { logger, write, stopSignal } = deps;
  const topic = TOPICS.SENSOR_READINGS;
  const runId = deps.runId ?? randomBytes(4).toString('hex');
  const headers = { [RUN_HEADER]: runId };
  const drainTimeoutMs = options.drainTimeoutSec * 1000;
  const reporter = options.json ? createJsonReporter() : createTableReporter();
  const bus = deps.bus ?? createMemoryEventBus({ logger });
  const store = createCountingStore(deps.store ?? createEmbeddedTimeSeriesStore());
  const lifecycle = createLifecycle({
    logger,
    // The demo decides its exit code itself (the balance counts too), so the lifecycle must not end the process.
    exit: () => {},
    closeTimeoutMs: drainTimeoutMs + 5_000,
    gracePeriodMs: 2 * drainTimeoutMs + 15_000,
  });

  const speed = options.speed ?? 1;
  const fleetStartMs = Date.now();
  const clock = (): number => fleetStartMs + (Date.now() - fleetStartMs) * speed;
  const fleet = createFleet({ size: options.machines, seed: options.seed, startMs: fleetStartMs, runId });
  // Unknown machines are a usage error before anything is opened; the faults themselves are injected when the
  // fleet starts, so `start=` counts from the first reading rather than from before the services' start-up.
  const unknown = (options.faults ?? []).find((f) => fleet.machine(f.machineId) === undefined);
  if (unknown) injectFaults(fleet, [unknown], Date.now(), 'demo');
  const runner = createFleetRunner({
    fleet,
    // Nothing in the lite data path reads the ground truth yet, so it is not published.
    sink: createBusSink({ publisher: bus, groundTruthTopic: null, headers }),
    // At speed N the fleet makes ratePerSec / N readings per simulated second, ratePerSec per wall-clock second.
    ratePerSec: options.ratePerSec / speed,
    clock,
    drainTimeoutMs,
    onEvent: (event) => {
      if (event.type === 'write-failed' && event.attempt === 1) {
        logger.warn(
          { err: event.error, event: DEMO_LOG_EVENTS.publishFailed, topic },
          'publish failed, retrying',
        );
      }
    },
  });
  const injector = createMalformedInjector({
    bus,
    topic,
    malformed: createMalformedMaker(fleet.machines, runId),
    badEvery: options.badEvery,
    validProduced: () => runner.stats().readingsWritten,
    headers,
    logger,
  });
  const produced = () => runner.stats().readingsWritten + injector.produced;
  const deadLetters = createDeadLetterCounter({ runId, logger: logger.child({ component: 'dlq-counter' }) });
  const ingestion = createIngestionService({
    settings: {
      topic,
      groupId: INGESTION_GROUP,
      topicPartitions: 6,
      maxBatchSize: 5_000,
      lingerMs: 50,
      partitionsConcurrently: 6,
    },
    logger: logger.child({ component: 'ingestion' }),
    ports: { bus, store },
  });

  const anomaly =
    deps.anomalyModelDir !== undefined && existsSync(deps.anomalyModelDir)
      ? createAnomalyService({
          settings: {
            modelDir: deps.anomalyModelDir,
            modelPollMs: 5_000,
            inputTopic: topic,
            outputTopic: TOPICS.ANOMALY_DETECTED,
            groupId: ANOMALY_GROUP,
            topicPartitions: 6,
            maxBatch: 512,
            consumerBatch: 2_000,
            continuingEvery: 10,
            partitionsConcurrently: 1,
          },
          logger: logger.child({ component: 'anomaly-api' }),
          ports: { bus },
        })
      : undefined;
  const anomalyEvents = { started: 0, ended: 0, machines: new Set<string>() };
  let chain: Chain | undefined;
  let rul: RulPart | undefined;
  let chainCounts: ChainCounts = { analyses: 0, openAlerts: 0, alerts: 0 };

  let ingestionUrl: string;
  let anomalyUrl: string | undefined;
  try {
    lifecycle.register('event-bus', () => bus.close());
    lifecycle.register('store', () => store.close());
    const http = await listen(ingestion.app, { host: '127.0.0.1', port: options.port });
    lifecycle.register('http', () => http.close());
    ingestionUrl = `http://127.0.0.1:${http.port}`;
    await ingestion.start();
    const dlqSubscription = await bus.subscribe(
      { topics: [dlqTopicOf(topic)], groupId: DLQ_COUNTER_GROUP },
      deadLetters.handler,
    );
    lifecycle.register('dlq-counter', () => dlqSubscription.stop());
    lifecycle.register('ingestion', () => ingestion.stop());
    if (anomaly) {
      // graph-api and alerts stop after anomaly-api (they consume what it publishes), before the stores close.
      if (deps.withChain !== false) {
        chain = await startChain({
          bus,
          logger,
          lifecycle,
          fleet: {
            size: options.machines,
            seed: options.seed,
            machineIds: fleet.machines.map((m) => m.machineId),
          },
        });
        const started = chain;
        lifecycle.register('chain-drain', async () => {
          if (!(await waitUntilAsync(() => started.isCaughtUp(), drainTimeoutMs))) {
            logger.warn(
              { event: DEMO_LOG_EVENTS.chainNotDrained, drain_timeout_ms: drainTimeoutMs },
              'graph-api or alerts did not catch up before the drain timeout',
            );
          }
          // The summary's counts, read while the stores are still open.
          chainCounts = await started.counts();
        });
      }
      const eventsSubscription = await bus.subscribe(
        { topics: [TOPICS.ANOMALY_DETECTED], groupId: 'demo-anomaly-counter' },
        async (batch) => {
          for (const message of batch) {
            const parsed = parseAnomalyDetected(message.value);
            if (!parsed.ok) continue;
            if (parsed.value.state === 'started') {
              anomalyEvents.started++;
              anomalyEvents.machines.add(parsed.value.machine_id);
            } else if (parsed.value.state === 'ended') anomalyEvents.ended++;
          }
        },
      );
      lifecycle.register('anomaly-counter', () => eventsSubscription.stop());
      const anomalyHttp = await listen(anomaly.app, { host: '127.0.0.1', port: 0 });
      lifecycle.register('anomaly-http', () => anomalyHttp.close());
      anomalyUrl = `http://127.0.0.1:${anomalyHttp.port}`;
      await anomaly.start();
      lifecycle.register('anomaly-api', () => anomaly.stop());
    }
    if (deps.rulModelDir !== undefined && existsSync(deps.rulModelDir)) {
      // Registered after the chain, so it stops (and its last predictions are published) before alerts drains.
      rul = await startRul({
        bus,
        logger,
        lifecycle,
        modelsDir: deps.rulModelDir,
        topicPartitions: 6,
      });
    }
    lifecycle.register('drain', async () => {
      const isCaughtUp = () => store.pointsWritten + deadLetters.stats().deadLetters >= produced();
      if (!(await waitUntil(isCaughtUp, drainTimeoutMs))) {
        logger.warn(
          {
            event: DEMO_LOG_EVENTS.notDrained,
            drain_timeout_ms: drainTimeoutMs,
            produced: produced(),
            written: store.pointsWritten,
            dead_letters: deadLetters.stats().deadLetters,
          },
          'ingestion did not catch up before the drain timeout',
        );
      }
    });
  } catch (err) {
    await lifecycle.shutdown('start failed', { exitCode: 1 });
    throw err;
  }

  write(
    reporter.start({
      profile: 'lite',
      machines: options.machines,
      ratePerSec: options.ratePerSec,
      seed: options.seed,
      runId,
      durationSec: options.durationSec,
      badEvery: options.badEvery,
      topic,
      ingestionUrl,
      exampleMachineId: fleet.machines[0]!.machineId,
    }),
  );

  if (anomalyUrl && anomaly) {
    const types = anomaly
      .scorers()
      .all()
      .map((m) => m.machineType)
      .join(', ');
    const line = options.json
      ? `${JSON.stringify({ type: 'anomaly-api', url: anomalyUrl, machine_types: types.split(', ') })}\n`
      : `anomaly-api: scoring ${types} on ${anomalyUrl} (try: curl '${anomalyUrl}/model')\n`;
    write(line);
  }
  if (rul) {
    write(
      options.json
        ? `${JSON.stringify({ type: 'rul-api', url: rul.url, machine_types: rul.machineTypes })}\n`
        : `rul-api: forecasting remaining useful life of ${rul.machineTypes.join(', ')} on ${rul.url}, first forecasts after ~${Math.ceil(rul.firstForecastSimulatedMs / speed / 1000)} s at --speed ${speed} (try: curl '${rul.url}/model')\n`,
    );
  }
  if (chain) {
    write(
      options.json
        ? `${JSON.stringify({ type: 'chain', graph_api_url: chain.graphUrl, alerts_url: chain.alertsUrl, plant_machines: chain.plantMachines })}\n`
        : `anomaly-detected -> graph-api (root causes, demo plant of ${chain.plantMachines} machines) on ${chain.graphUrl}\n` +
            `                 -> alerts (PGlite in memory) on ${chain.alertsUrl}\n` +
            `try:\n  curl '${chain.graphUrl}/analyses?limit=5'\n  curl '${chain.alertsUrl}/alerts?status=open'\n`,
    );
  }

  try {
    injectFaults(fleet, options.faults ?? [], clock(), 'demo');
  } catch (err) {
    await lifecycle.shutdown('start failed', { exitCode: 1 });
    throw err;
  }
  runner.start();
  injector.start();
  const startedAtMs = Date.now();
  let last = { atMs: startedAtMs, written: 0 };
  let isRefreshing = false;
  // The stores answer asynchronously: each line shows the counts of the previous refresh.
  const refreshChainCounts = (): void => {
    if (!chain || isRefreshing) return;
    isRefreshing = true;
    chain
      .counts()
      .then((counts) => void (chainCounts = counts))
      .catch((err: unknown) => logger.debug({ err }, 'chain counts unavailable'))
      .finally(() => void (isRefreshing = false));
  };
  const report = (): void => {
    refreshChainCounts();
    const now = Date.now();
    const d = deadLetters.stats();
    const seconds = Math.max((now - last.atMs) / 1000, 1e-3);
    write(
      reporter.progress({
        elapsedSec: (now - startedAtMs) / 1000,
        produced: produced(),
        written: store.pointsWritten,
        readingsPerSec: (store.pointsWritten - last.written) / seconds,
        machinesSeen: store.machinesWritten,
        deadLetters: d.deadLetters,
        lastDeadLetterReason: d.lastReason,
        ...(chain
          ? {
              chain: {
                anomalies: anomalyEvents.started,
                analyses: chainCounts.analyses,
                openAlerts: chainCounts.openAlerts,
              },
            }
          : {}),
      }),
    );
    last = { atMs: now, written: store.pointsWritten };
  };
  const reportTimer = setInterval(report, deps.reportIntervalMs ?? 1000);
  // Closed right after the producers: one last line with the final produced count, before the drain.
  lifecycle.register('reporter', () => {
    clearInterval(reportTimer);
    if (Date.now() - last.atMs >= 100) report();
  });
  lifecycle.register('malformed-injector', () => injector.stop());
  lifecycle.register('simulator', () => runner.stop());

  const reason = await waitForStop(stopSignal, options.durationSec);
  const stoppedAtMs = Date.now();
  const shutdownCode = await lifecycle.shutdown(reason);

  const written = store.pointsWritten;
  const deadLettered = deadLetters.stats().deadLetters;
  const isBalanced = produced() === written + deadLettered;
  if (!isBalanced) {
    logger.error(
      { event: DEMO_LOG_EVENTS.unbalanced, produced: produced(), written, dead_lettered: deadLettered },
      'produced != written + dead-lettered',
    );
  }
  const summary: DemoSummary = {
    elapsedSec: (stoppedAtMs - startedAtMs) / 1000,
    produced: produced(),
    malformedSent: injector.produced,
    written,
    deadLettered,
    isBalanced,
    machinesSeen: store.machinesWritten,
    isCleanShutdown: shutdownCode === 0,
    exitCode: Math.max(shutdownCode, isBalanced ? 0 : 1),
    ...(chain ? { chain: { anomalyEvents: anomalyEvents.started, ...chainCounts } } : {}),
  };
  // The anomaly line comes before the summary, which stays the last line (scripts read it).
  if (anomaly) {
    const scored = anomaly
      .scorers()
      .all()
      .reduce((n, m) => n + m.scorer.stats().calibrated, 0);
    write(
      options.json
        ? `${JSON.stringify({ type: 'anomaly-summary', machines_calibrated: scored, events_started: anomalyEvents.started, events_ended: anomalyEvents.ended, machines_with_events: anomalyEvents.machines.size })}\n`
        : `anomaly events: ${anomalyEvents.started} started, ${anomalyEvents.ended} ended, on ${anomalyEvents.machines.size} machines (${scored} machines past their cold start)\n`,
    );
  }
  if (rul) {
    const c = rul.counts();
    const priorities = Object.entries(c.byPriority)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([p, n]) => `${p} ${n}`)
      .join(', ');
    write(
      options.json
        ? `${JSON.stringify({ type: 'rul-summary', predictions: c.predictions, machines: c.machines, by_priority: c.byPriority })}\n`
        : `rul forecasts: ${c.predictions} on ${c.machines} machines${priorities ? ` (${priorities})` : ''}\n`,
    );
  }
  write(reporter.summary(summary));
  return summary;
}
