import { createDefaultMachineTypeRegistry, type MachineTypeRegistry } from '@industrialmind/contracts';
import { isRetryable } from '@industrialmind/errors';
import type { EventBus, Subscription } from '@industrialmind/event-bus';
import { createMetricsRegistry, type IdentifyFn } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import type { TimeSeriesStore } from '@industrialmind/timeseries-store';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import { startReadingsConsumer } from './consumers/sensor-readings.consumer';
import { createApp } from './http/app';
import { LogEvents } from './log-events';
import { createIngestionMetrics } from './metrics';

export interface IngestionSettings {
  topic: string;
  groupId: string;
  topicPartitions: number;
  maxBatchSize: number;
  lingerMs: number;
  partitionsConcurrently: number;
  /**
   * Group members run by this process. With two, one fetches and parses while the other waits for its store
   * write (a member fetches again only after its handlers returned, i.e. after the write was durable).
   */
  consumers?: number;
}

export interface IngestionService {
  app: Express;
  registry: Registry;
  /** Connects the ports, creates the topic if missing and starts consuming. */
  start(): Promise<void>;
  /** Stops consuming: the in-flight batch is written and committed first. Ports are closed by their owner. */
  stop(): Promise<void>;
  isReady(): boolean;
}

/** Builds the ingestion service from its ports; used by main.ts (one process) and the lite profile (shared process). */
export function createService(deps: {
  settings: IngestionSettings;
  logger: Logger;
  ports: { bus: EventBus; store: TimeSeriesStore };
  machineTypes?: MachineTypeRegistry;
  registry?: Registry;
  identify?: IdentifyFn;
}): IngestionService {
  const { settings, logger, ports } = deps;
  const registry = deps.registry ?? createMetricsRegistry({ defaultLabels: { service: 'ingestion' } });
  const machineTypes = deps.machineTypes ?? createDefaultMachineTypeRegistry();
  const metrics = createIngestionMetrics(registry, () =>
    ports.bus.consumerLag(settings.groupId, [settings.topic]),
  );
  let subscriptions: Subscription[] = [];
  let ready = false;
  const app = createApp({
    logger,
    registry,
    isReady: () => ready,
    store: ports.store,
    ...(deps.identify ? { identify: deps.identify } : {}),
  });
  return {
    app,
    registry,
    isReady: () => ready,
    async start() {
      try {
        await ports.store.connect();
      } catch (err) {
        // A store that is down at start is no reason to crash-loop: the consumer holds its partitions and
        // retries until the store is back (backpressure), exactly as during an outage later on.
        if (!isRetryable(err)) throw err;
        logger.warn(
          { err, event: LogEvents.storeUnavailable },
          'store unavailable at start, readings will wait',
        );
      }
      await ports.bus.connect();
      await ports.bus.ensureTopics([{ topic: settings.topic, partitions: settings.topicPartitions }]);
      for (let i = 0; i < (settings.consumers ?? 1); i++) {
        subscriptions.push(
          await startReadingsConsumer(
            { bus: ports.bus, store: ports.store, machineTypes, logger, metrics },
            {
              topic: settings.topic,
              groupId: settings.groupId,
              maxBatchSize: settings.maxBatchSize,
              lingerMs: settings.lingerMs,
              partitionsConcurrently: settings.partitionsConcurrently,
            },
          ),
        );
      }
      ready = true;
    },
    async stop() {
      ready = false;
      const stopping = subscriptions;
      subscriptions = [];
      await Promise.all(stopping.map((sub) => sub.stop()));
    },
  };
}
