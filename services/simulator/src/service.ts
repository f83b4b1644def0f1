import type { MachineTypeRegistry } from '@industrialmind/contracts';
import { TOPICS } from '@industrialmind/contracts';
import type { EventBus } from '@industrialmind/event-bus';
import { createMetricsRegistry } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import { GROUND_TRUTH_TOPIC } from '@industrialmind/simulation';
import { createJsonlSink } from '@industrialmind/simulation/runtime';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { Config } from './config';
import { createSimulatorController, type SimulatorController } from './controller';
import { createApp } from './http/app';
import { createSimulatorMetrics } from './metrics';

export interface ServicePorts {
  /** Only publishing, creating topics and the readiness ping are used. */
  bus: Pick<EventBus, 'publish' | 'ensureTopics' | 'ping'>;
}

export interface ServiceOptions {
  config: Omit<Config, 'eventBus' | 'profile' | 'logLevel' | 'http' | 'otel' | 'shutdownGraceMs'>;
  logger: Logger;
  ports: ServicePorts;
  /** Backs /readyz; main.ts passes the lifecycle's. Default: ready. */
  isReady?: () => boolean;
  registry?: Registry;
  machineTypes?: MachineTypeRegistry;
  /** Other topic names, for tests that share a broker; production uses the defaults. */
  topics?: { readings?: string; groundTruth?: string };
  clock?: () => number;
}

export interface SimulatorService {
  app: Express;
  controller: SimulatorController;
  registry: Registry;
  /** Creates the topics, then starts the fleet when SIMULATOR_AUTOSTART is on. */
  start(): Promise<void>;
  /** Stops the fleet and any replay, draining what is in flight; closes the ground-truth file. */
  stop(): Promise<void>;
}

/** Builds the simulator from its config and ports, without starting anything (main.ts and the lite profile). */
export function createService(options: ServiceOptions): SimulatorService {
  const { config, logger, ports } = options;
  const registry = options.registry ?? createMetricsRegistry();
  // The gauges read the controller when /metrics is scraped, after it exists.
  const metrics = createSimulatorMetrics(registry, {
    fleetSize: () => controller.currentFleet().size,
    targetRatePerSec: () => controller.status().rate_per_sec,
    isRunning: () => controller.status().running,
    lagMs: () => controller.status().lag_ms,
    activeFaults: () => controller.status().active_faults,
  });
  const groundTruthFile =
    config.groundTruth.file !== undefined &&
    (config.groundTruth.mode === 'file' || config.groundTruth.mode === 'both')
      ? createJsonlSink(config.groundTruth.file, { content: 'ground-truth', append: true })
      : undefined;
  const controller: SimulatorController = createSimulatorController({
    config,
    logger,
    bus: ports.bus,
    metrics,
    groundTruthFile,
    ...(options.machineTypes === undefined ? {} : { machineTypes: options.machineTypes }),
    ...(options.topics === undefined ? {} : { topics: options.topics }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const app = createApp({ logger, registry, controller, isReady: options.isReady ?? (() => true) });
  return {
    app,
    controller,
    registry,
    async start() {
      const partitions = config.topics.partitions;
      await ports.bus.ensureTopics([
        { topic: options.topics?.readings ?? TOPICS.SENSOR_READINGS, partitions },
        { topic: options.topics?.groundTruth ?? GROUND_TRUTH_TOPIC, partitions },
      ]);
      if (config.runner.isAutostart) controller.start();
    },
    stop: () => controller.close(),
  };
}
