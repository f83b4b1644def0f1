import { createDefaultMachineTypeRegistry, type MachineTypeRegistry } from '@industrialmind/contracts';
import type { EventBus, Subscription } from '@industrialmind/event-bus';
import { createMetricsRegistry, type IdentifyFn } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import type { TimeSeriesStore } from '@industrialmind/timeseries-store';
import { RulModelFolder, type RulModel } from '@industrialmind/rul-forecasting';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import { startReadingsConsumer } from './consumers/sensor-readings.consumer';
import { StreamState } from './domain/stream-state';
import { createApp } from './http/app';
import { LogEvents } from './log-events';
import { createRulMetrics } from './metrics';

export interface RulSettings {
  inputTopic: string;
  outputTopic: string;
  groupId: string;
  topicPartitions: number;
  publishEvery: number;
  minReadings: number;
  maxMachines: number;
}

export interface RulService {
  app: Express;
  registry: Registry;
  models: RulModelFolder;
  /** Loads the models, connects the bus, creates the topics if missing and starts consuming. */
  start(): Promise<void>;
  /** Stops consuming (the in-flight batch is published and committed first) and the model folder polling. */
  stop(): Promise<void>;
  isReady(): boolean;
}

/** Builds rul-api from its ports; used by main.ts (one process) and the lite profile (shared process). */
export function createService(deps: {
  settings: RulSettings;
  models: { dir: string; pollMs: number; load?: (dir: string, file: string) => Promise<RulModel> };
  logger: Logger;
  /**
   * `history`: the time-series store ingestion writes to, read (never written) for the past readings of machines
   * served by a model with history inputs. Optional: without it such a machine is followed from the first
   * reading this process sees.
   */
  ports: { bus: EventBus; history?: TimeSeriesStore };
  machineTypes?: MachineTypeRegistry;
  registry?: Registry;
  identify?: IdentifyFn;
}): RulService {
  const { settings, logger, ports } = deps;
  const registry = deps.registry ?? createMetricsRegistry({ defaultLabels: { service: 'rul-api' } });
  const machineTypes = deps.machineTypes ?? createDefaultMachineTypeRegistry();
  const state = new StreamState(settings);
  const metrics = createRulMetrics(registry, () => state.size);
  const models = new RulModelFolder({
    dir: deps.models.dir,
    pollMs: deps.models.pollMs,
    logger: logger.child({ component: 'models' }),
    ...(deps.models.load ? { load: deps.models.load } : {}),
  });
  models.onChange((change) => metrics.modelChanges.inc({ type: change.type }));
  let subscription: Subscription | undefined;
  let ready = false;
  const app = createApp({
    logger,
    registry,
    isReady: () => ready,
    models,
    state,
    metrics,
    ...(deps.identify ? { identify: deps.identify } : {}),
  });
  return {
    app,
    registry,
    models,
    isReady: () => ready,
    async start() {
      await models.refresh();
      if (models.list().length === 0)
        logger.warn(
          { event: LogEvents.modelsEmpty, dir: deps.models.dir },
          'no model loaded yet; readings are skipped until one appears',
        );
      models.start();
      if (ports.history) {
        // Not fatal: a store that is down only costs history lookups, which degrade one machine at a time.
        await ports.history
          .connect()
          .catch((err: unknown) =>
            logger.warn(
              { event: LogEvents.historyLookupFailed, err },
              'time-series store unreachable at start; history lookups will be retried per machine',
            ),
          );
      } else if (models.list().some((m) => m.metadata.history !== undefined)) {
        logger.warn(
          { event: LogEvents.historyStoreMissing },
          'a model has history inputs but no time-series store is configured: machines are followed from the first reading seen',
        );
      }
      await ports.bus.connect();
      await ports.bus.ensureTopics([
        { topic: settings.inputTopic, partitions: settings.topicPartitions },
        { topic: settings.outputTopic, partitions: settings.topicPartitions },
      ]);
      subscription = await startReadingsConsumer(
        {
          bus: ports.bus,
          models,
          state,
          machineTypes,
          logger,
          metrics,
          ...(ports.history ? { history: ports.history } : {}),
        },
        settings,
      );
      ready = true;
    },
    async stop() {
      ready = false;
      const stopping = subscription;
      subscription = undefined;
      await stopping?.stop();
      await models.stop();
    },
  };
}
