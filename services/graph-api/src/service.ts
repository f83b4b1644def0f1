import { createDefaultMachineTypeRegistry, type MachineTypeRegistry } from '@industrialmind/contracts';
import type { EventBus, Subscription } from '@industrialmind/event-bus';
import {
  createPlantCachedGraphStore,
  generateDemoPlant,
  importPlant,
  type GraphStore,
} from '@industrialmind/graph-store';
import { createMetricsRegistry, type IdentifyFn } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import { startAnomalyConsumer } from './consumers/anomaly-detected.consumer';
import type { RootCauseSettings } from './domain/root-cause';
import { createApp } from './http/app';
import { LogEvents } from './log-events';
import { createGraphApiMetrics } from './metrics';

export interface GraphApiSettings {
  topic: string;
  groupId: string;
  topicPartitions: number;
  /** Machines of the demo plant loaded into an empty graph at start; 0: none. */
  seedDemoPlant: number;
  requireRoles: boolean;
  /**
   * Reads of the static plant (nodes, traversals, expansions) kept in memory, emptied on every graph write made
   * through this service (it must be the graph's only writer); 0 turns the cache off. Analyses are always read.
   */
  plantCacheEntries?: number;
  rootCause: RootCauseSettings;
}

export interface GraphApiService {
  app: Express;
  registry: Registry;
  /** Connects the ports, migrates the schema, seeds the demo plant if asked, starts consuming. */
  start(): Promise<void>;
  /** Stops consuming (the in-flight batch finishes and commits). Ports are closed by their owner. */
  stop(): Promise<void>;
  isReady(): boolean;
}

/** Builds graph-api from its ports; used by main.ts (one process) and the lite profile (shared process). */
export function createService(deps: {
  settings: GraphApiSettings;
  logger: Logger;
  ports: { bus: EventBus; store: GraphStore };
  machineTypes?: MachineTypeRegistry;
  registry?: Registry;
  identify?: IdentifyFn;
}): GraphApiService {
  const { settings, logger } = deps;
  const cacheEntries = settings.plantCacheEntries ?? 0;
  // Every read and write of the service goes through the cache, so each graph write empties it.
  const store =
    cacheEntries > 0
      ? createPlantCachedGraphStore(deps.ports.store, { maxEntries: cacheEntries })
      : deps.ports.store;
  const ports = { bus: deps.ports.bus, store };
  const registry = deps.registry ?? createMetricsRegistry({ defaultLabels: { service: 'graph-api' } });
  const metrics = createGraphApiMetrics(registry);
  const machineTypes = deps.machineTypes ?? createDefaultMachineTypeRegistry();
  let subscription: Subscription | undefined;
  let ready = false;
  const app = createApp({
    logger,
    registry,
    metrics,
    isReady: () => ready,
    store: ports.store,
    settings: settings.rootCause,
    requireRoles: settings.requireRoles,
    ...(deps.identify ? { identify: deps.identify } : {}),
  });
  return {
    app,
    registry,
    isReady: () => ready,
    async start() {
      await ports.store.connect();
      await ports.store.migrate();
      if (settings.seedDemoPlant > 0) {
        const counts = await ports.store.counts();
        if (Object.keys(counts.nodes).length === 0) {
          const imported = await importPlant(
            ports.store,
            generateDemoPlant({ size: settings.seedDemoPlant }),
          );
          logger.info({ event: LogEvents.plantSeeded, ...imported }, 'demo plant loaded');
        }
      }
      await ports.bus.connect();
      await ports.bus.ensureTopics([{ topic: settings.topic, partitions: settings.topicPartitions }]);
      subscription = await startAnomalyConsumer(
        { bus: ports.bus, store: ports.store, machineTypes, logger, metrics, settings: settings.rootCause },
        { groupId: settings.groupId, topic: settings.topic },
      );
      ready = true;
    },
    async stop() {
      ready = false;
      const stopping = subscription;
      subscription = undefined;
      await stopping?.stop();
    },
  };
}
