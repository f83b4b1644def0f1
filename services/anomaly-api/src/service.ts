import { AnomalyModelMetadataSchema, type AnomalyModelMetadata } from '@industrialmind/anomaly-scoring';
import { createDefaultMachineTypeRegistry, type MachineTypeRegistry } from '@industrialmind/contracts';
import { AppError, ErrorCode } from '@industrialmind/errors';
import type { EventBus, Subscription } from '@industrialmind/event-bus';
import { createMetricsRegistry, type IdentifyFn } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import { createModelDirectory, type ModelDirectory } from '@industrialmind/model-runtime';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import { startReadingsConsumer } from './consumers/sensor-readings.consumer';
import { createScorerRegistry, type ScorerRegistry } from './domain/scorer-registry';
import { createApp } from './http/app';
import { LogEvents } from './log-events';
import { createAnomalyMetrics } from './metrics';

export interface AnomalySettings {
  modelDir: string;
  modelPollMs: number;
  inputTopic: string;
  outputTopic: string;
  groupId: string;
  topicPartitions: number;
  maxBatch: number;
  consumerBatch: number;
  continuingEvery: number;
  partitionsConcurrently: number;
}

export interface AnomalyService {
  app: Express;
  registry: Registry;
  /** Loads the models (NOT_FOUND when the folder holds none), then starts consuming. */
  start(): Promise<void>;
  /** Stops consuming (the in-flight batch finishes and commits) and closes the model sessions. */
  stop(): Promise<void>;
  isReady(): boolean;
  /** The scorers (set once started). */
  scorers(): ScorerRegistry;
}

/** Builds anomaly-api from its ports; used by main.ts (one process) and the lite profile (shared process). */
export function createService(deps: {
  settings: AnomalySettings;
  logger: Logger;
  ports: { bus: EventBus };
  machineTypes?: MachineTypeRegistry;
  registry?: Registry;
  identify?: IdentifyFn;
  roles?: { predict: string[]; model: string[] };
  /** Start the sensor-readings consumer (default true; false serves REST only). */
  consume?: boolean;
}): AnomalyService {
  const { settings, logger, ports } = deps;
  const registry = deps.registry ?? createMetricsRegistry({ defaultLabels: { service: 'anomaly-api' } });
  const machineTypes = deps.machineTypes ?? createDefaultMachineTypeRegistry();
  const metrics = createAnomalyMetrics(registry);
  const directory: ModelDirectory<AnomalyModelMetadata> = createModelDirectory({
    dir: settings.modelDir,
    task: 'anomaly',
    schema: AnomalyModelMetadataSchema,
    pollMs: settings.modelPollMs,
    keyOf: (m) => m.machine_type,
    logger: logger.child({ component: 'model-directory' }),
  });
  let scorers: ScorerRegistry | undefined;
  let subscription: Subscription | undefined;
  let ready = false;
  // Routes resolve the registry per request: it exists only after start() loaded the models.
  const started = (): ScorerRegistry => {
    if (!scorers) throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'anomaly models are not loaded yet');
    return scorers;
  };
  const lazyScorers: ScorerRegistry = {
    get: (t) => started().get(t),
    all: () => scorers?.all() ?? [],
    score: (inputs) => started().score(inputs),
  };
  const app = createApp({
    logger,
    registry,
    metrics,
    isReady: () => ready,
    scorers: lazyScorers,
    ...(deps.identify ? { identify: deps.identify } : {}),
    ...(deps.roles ? { roles: deps.roles } : {}),
  });
  return {
    app,
    registry,
    isReady: () => ready,
    scorers: () => lazyScorers,
    async start() {
      await directory.start();
      scorers = createScorerRegistry(
        directory,
        { maxBatch: settings.maxBatch, continuingEvery: settings.continuingEvery },
        (machineType, next, previous) => {
          if (previous)
            metrics.modelInfo.remove({ machine_type: machineType, model_version: previous.model_version });
          metrics.modelInfo.set({ machine_type: machineType, model_version: next.model_version }, 1);
          logger.info(
            {
              event: previous ? LogEvents.modelSwapped : LogEvents.modelLoaded,
              machine_type: machineType,
              model_version: next.model_version,
              ...(previous ? { previous_version: previous.model_version } : {}),
            },
            previous ? 'anomaly model swapped' : 'anomaly model loaded',
          );
        },
      );
      if (deps.consume ?? true) {
        await ports.bus.connect();
        await ports.bus.ensureTopics([
          { topic: settings.inputTopic, partitions: settings.topicPartitions },
          { topic: settings.outputTopic, partitions: settings.topicPartitions },
        ]);
        subscription = await startReadingsConsumer(
          { bus: ports.bus, scorers, machineTypes, logger, metrics },
          {
            inputTopic: settings.inputTopic,
            outputTopic: settings.outputTopic,
            groupId: settings.groupId,
            maxBatchSize: settings.consumerBatch,
            partitionsConcurrently: settings.partitionsConcurrently,
          },
        );
      }
      ready = true;
    },
    async stop() {
      ready = false;
      const stopping = subscription;
      subscription = undefined;
      await stopping?.stop();
      await directory.close();
    },
  };
}
