import { randomBytes } from 'node:crypto';
import { TOPICS, createDefaultMachineTypeRegistry } from '@industrialmind/contracts';
import { dlqTopicOf, type EventBus, type Subscription } from '@industrialmind/event-bus';
import type { Logger } from '@industrialmind/logger';
import { createLifecycle } from '@industrialmind/service-kit';
import { RUN_HEADER, createDeadLetterCounter, createFleetMonitor } from './fleet-monitor';
import { DEMO_LOG_EVENTS } from './log-events';
import { createFleetProducer } from './producer';
import { createReadingGenerator } from './reading-generator';
import { createJsonReporter, createTableReporter, type DemoSummary } from './report';

export const FLEET_MONITOR_GROUP = 'fleet-monitor';

export interface DemoOptions {
  profile: 'lite' | 'full';
  machines: number;
  /** Readings per second for the whole fleet. */
  ratePerSec: number;
  /** Stop after this long; undefined runs until the stop signal. */
  durationSec: number | undefined;
  seed: number;
  /** Every Nth message is malformed; 0 = none. */
  badEvery: number;
  json: boolean;
  /** How long the shutdown waits for the consumers to catch up with the producer. */
  drainTimeoutSec: number;
  /** Default `sensor-readings`; tests pass unique names on a shared broker. */
  topic?: string;
  /** Default `fleet-monitor`; the DLQ counter uses `<groupId>-dlq`. */
  groupId?: string;
}

export interface DemoDeps {
  /** A bus that is not connected yet; the demo connects it and closes it at the end. */
  bus: EventBus;
  logger: Logger;
  /** Writes output text (stdout in the CLI). */
  write(text: string): void;
  /** Aborted on Ctrl-C / SIGTERM: starts the graceful shutdown. */
  stopSignal: AbortSignal;
  /** Default: 8 random hex characters. */
  runId?: string;
  /** Default 1000. */
  reportIntervalMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds or `timeoutMs` passes; resolves with whether it held. */
async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
  return true;
}

/** Resolves with the reason to stop: the stop signal or the end of the duration. */
function waitForStop(signal: AbortSignal, durationSec: number | undefined): Promise<string> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      resolve(typeof signal.reason === 'string' ? signal.reason : 'stop requested');
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (durationSec !== undefined) {
      timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve('duration elapsed');
      }, durationSec * 1000);
    }
  });
}

/**
 * The lite profile in one process, at this stage: a fleet producer publishes generated readings (and a few broken
 * ones) to sensor-readings, the `fleet-monitor` group parses them and dead-letters the broken ones, a DLQ consumer
 * counts the dead letters, and a line of progress is written every second. On stop it shuts down in order
 * (producer, then each consumer once it caught up, then the bus) and writes a summary checking that
 * produced = consumed + dead-lettered. Resolves with the summary; `exitCode` is 1 when the balance or the shutdown
 * failed. Throws when the bus cannot be reached (nothing is left open).
 */
export async function runDemo(options: DemoOptions, deps: DemoDeps): Promise<DemoSummary> {
  const { bus, logger, write, stopSignal } = deps;
  const topic = options.topic ?? TOPICS.SENSOR_READINGS;
  const groupId = options.groupId ?? FLEET_MONITOR_GROUP;
  const runId = deps.runId ?? randomBytes(4).toString('hex');
  const drainTimeoutMs = options.drainTimeoutSec * 1000;
  const reporter = options.json ? createJsonReporter() : createTableReporter();
  const machineTypes = createDefaultMachineTypeRegistry();
  const lifecycle = createLifecycle({
    logger,
    // The demo decides its exit code itself (the balance counts too), so the lifecycle must not end the process.
    exit: () => {},
    closeTimeoutMs: drainTimeoutMs + 5_000,
    gracePeriodMs: 2 * drainTimeoutMs + 15_000,
  });

  const monitor = createFleetMonitor({ machineTypes, runId });
  const deadLetters = createDeadLetterCounter({ runId, logger: logger.child({ component: 'dlq-consumer' }) });
  const producer = createFleetProducer({
    bus,
    topic,
    generator: createReadingGenerator({ machines: options.machines, seed: options.seed, runId }),
    machineTypes,
    ratePerSec: options.ratePerSec,
    badEvery: options.badEvery,
    headers: { [RUN_HEADER]: runId },
    logger: logger.child({ component: 'producer' }),
  });

  const drainThenStop = async (
    name: string,
    subscription: Subscription,
    isCaughtUp: () => boolean,
    progress: () => object,
  ): Promise<void> => {
    if (!(await waitUntil(isCaughtUp, drainTimeoutMs))) {
      logger.warn(
        {
          event: DEMO_LOG_EVENTS.notDrained,
          consumer: name,
          drain_timeout_ms: drainTimeoutMs,
          ...progress(),
        },
        'consumer did not catch up before the drain timeout',
      );
    }
    await subscription.stop();
  };

  write(
    reporter.start({
      profile: options.profile,
      machines: options.machines,
      ratePerSec: options.ratePerSec,
      seed: options.seed,
      runId,
      durationSec: options.durationSec,
      badEvery: options.badEvery,
      topic,
    }),
  );

  try {
    await bus.connect();
    lifecycle.register('event-bus', () => bus.close());
    await bus.ensureTopics([{ topic, partitions: 6 }]);
    const dlqSubscription = await bus.subscribe(
      { topics: [dlqTopicOf(topic)], groupId: `${groupId}-dlq` },
      deadLetters.handler,
    );
    lifecycle.register('dlq-consumer', () =>
      drainThenStop(
        'dlq-consumer',
        dlqSubscription,
        () => deadLetters.stats().deadLetters >= monitor.stats().rejected,
        () => ({ dead_letters: deadLetters.stats().deadLetters, rejected: monitor.stats().rejected }),
      ),
    );
    const monitorSubscription = await bus.subscribe({ topics: [topic], groupId }, monitor.handler);
    lifecycle.register('fleet-monitor', () =>
      drainThenStop(
        'fleet-monitor',
        monitorSubscription,
        () => monitor.stats().consumed + monitor.stats().rejected >= producer.produced,
        () => ({ ...monitor.stats(), produced: producer.produced }),
      ),
    );
  } catch (err) {
    await lifecycle.shutdown('start failed', { exitCode: 1 });
    throw err;
  }

  producer.start();
  let last = { atMs: Date.now(), consumed: 0 };
  const report = (): void => {
    const now = Date.now();
    const m = monitor.stats();
    const d = deadLetters.stats();
    const seconds = Math.max((now - last.atMs) / 1000, 1e-3);
    write(
      reporter.progress({
        elapsedSec: (now - producer.startedAtMs) / 1000,
        produced: producer.produced,
        consumed: m.consumed,
        readingsPerSec: (m.consumed - last.consumed) / seconds,
        machinesSeen: m.machinesSeen,
        deadLetters: d.deadLetters,
        lastDeadLetterReason: d.lastReason,
      }),
    );
    last = { atMs: now, consumed: m.consumed };
  };
  const reportTimer = setInterval(report, deps.reportIntervalMs ?? 1000);
  // Closed right after the producer: one last line with the final produced count, before the drain.
  lifecycle.register('reporter', () => {
    clearInterval(reportTimer);
    if (Date.now() - last.atMs >= 100) report();
  });
  lifecycle.register('producer', () => producer.stop());

  const reason = await waitForStop(stopSignal, options.durationSec);
  const stoppedAtMs = Date.now();
  const shutdownCode = await lifecycle.shutdown(reason);

  const m = monitor.stats();
  const deadLettered = deadLetters.stats().deadLetters;
  const isBalanced = producer.produced === m.consumed + deadLettered;
  if (!isBalanced) {
    logger.error(
      {
        event: DEMO_LOG_EVENTS.unbalanced,
        produced: producer.produced,
        consumed: m.consumed,
        dead_lettered: deadLettered,
      },
      'produced != consumed + dead-lettered',
    );
  }
  const summary: DemoSummary = {
    elapsedSec: (stoppedAtMs - producer.startedAtMs) / 1000,
    produced: producer.produced,
    malformedSent: producer.malformed,
    consumed: m.consumed,
    deadLettered,
    isBalanced,
    machinesSeen: m.machinesSeen,
    ignored: m.ignored,
    isCleanShutdown: shutdownCode === 0,
    exitCode: Math.max(shutdownCode, isBalanced ? 0 : 1),
  };
  write(reporter.summary(summary));
  return summary;
}
