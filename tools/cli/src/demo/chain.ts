import { createService as createAlertsService, type AlertsService } from '@industrialmind/alerts';
import { TOPICS } from '@industrialmind/contracts';
import type { EventBus } from '@industrialmind/event-bus';
import {
  DEFAULT_ROOT_CAUSE_SETTINGS,
  createService as createGraphService,
  type GraphApiService,
} from '@industrialmind/graph-api';
import {
  createMemoryGraphStore,
  generateDemoPlant,
  importPlant,
  type GraphStore,
} from '@industrialmind/graph-store';
import { listen } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import { createPgliteRelationalStore, type RelationalStore } from '@industrialmind/relational-store';
import type { Lifecycle } from '@industrialmind/service-kit';

/** The consumer groups of graph-api and alerts, as the services use them in production. */
export const GRAPH_API_GROUP = 'graph-api';
export const ALERTS_GROUP = 'alerts';

/** What the demo reports of the anomaly → root cause → alert chain. */
export interface ChainCounts {
  /** Root-cause analyses graph-api stored (one per anomaly event). */
  analyses: number;
  /** Alerts in status open. */
  openAlerts: number;
  /** Alerts in any status. */
  alerts: number;
}

export interface Chain {
  graphUrl: string;
  alertsUrl: string;
  /** Machines of the demo plant loaded into the graph. */
  plantMachines: number;
  /** Counts read from the stores (async: the progress line shows the last known ones). */
  counts(): Promise<ChainCounts>;
  /** Whether both consumers have committed every anomaly-detected (and maintenance-predictions) message so far. */
  isCaughtUp(): Promise<boolean>;
}

/**
 * Starts graph-api (in-memory graph seeded with the demo plant of the demo fleet's size and seed) and alerts
 * (PGlite in memory, migrations applied on connect; no notification channel) on the demo's bus, each with its REST
 * API on a free port of 127.0.0.1. Registers every resource with the lifecycle so the shutdown closes them in
 * reverse order: consumers stop before their HTTP servers, the stores close last.
 */
export async function startChain(deps: {
  bus: EventBus;
  logger: Logger;
  lifecycle: Lifecycle;
  fleet: { size: number; seed: number; machineIds: readonly string[] };
}): Promise<Chain> {
  const { bus, logger, lifecycle, fleet } = deps;
  const topic = TOPICS.ANOMALY_DETECTED;

  const graphStore: GraphStore = createMemoryGraphStore();
  lifecycle.register('graph-store', () => graphStore.close());
  await graphStore.connect();
  await graphStore.migrate();
  // The plant's machines are the fleet's (same generator, same size), so every anomaly has a node to rank from.
  const plant = generateDemoPlant({ size: fleet.size, seed: fleet.seed });
  const plantMachineIds = new Set(
    plant.nodes.filter((n) => n.kind === 'Equipment').map((n) => String(n.properties.machine_id)),
  );
  const missing = fleet.machineIds.filter((id) => !plantMachineIds.has(id));
  if (missing.length > 0) throw new Error(`the demo plant lacks fleet machines: ${missing.join(', ')}`);
  await importPlant(graphStore, plant);

  const relationalStore: RelationalStore = createPgliteRelationalStore();
  lifecycle.register('relational-store', () => relationalStore.close());

  const graph: GraphApiService = createGraphService({
    settings: {
      topic,
      groupId: GRAPH_API_GROUP,
      topicPartitions: 6,
      seedDemoPlant: 0,
      requireRoles: false,
      rootCause: DEFAULT_ROOT_CAUSE_SETTINGS,
    },
    logger: logger.child({ component: 'graph-api' }),
    ports: { bus, store: graphStore },
  });
  const alerts: AlertsService = createAlertsService({
    settings: {
      groupId: ALERTS_GROUP,
      topicPartitions: 6,
      maxBatchSize: 1_000,
      partitionsConcurrently: 4,
      rulesTtlMs: 5_000,
      rulHorizon: 50,
      // No notification channel in the demo: nothing to dispatch, nobody to remind.
      dispatcher: {
        ratePerMinute: {},
        pollMs: 500,
        leaseMs: 30_000,
        maxAttempts: 8,
        initialBackoffMs: 1_000,
        maxBackoffMs: 300_000,
        batchSize: 50,
      },
      reminderIntervalMs: 0,
      reminderPollMs: 10_000,
      dispatch: false,
    },
    logger: logger.child({ component: 'alerts' }),
    ports: { bus, store: relationalStore },
    senders: {},
  });

  const graphHttp = await listen(graph.app, { host: '127.0.0.1', port: 0 });
  lifecycle.register('graph-api-http', () => graphHttp.close());
  const alertsHttp = await listen(alerts.app, { host: '127.0.0.1', port: 0 });
  lifecycle.register('alerts-http', () => alertsHttp.close());
  await graph.start();
  lifecycle.register('graph-api', () => graph.stop());
  await alerts.start();
  lifecycle.register('alerts', () => alerts.stop());

  const lagOf = async (groupId: string, topics: string[]) =>
    (await bus.consumerLag(groupId, topics)).reduce((sum, p) => sum + p.lag, 0);
  return {
    graphUrl: `http://127.0.0.1:${graphHttp.port}`,
    alertsUrl: `http://127.0.0.1:${alertsHttp.port}`,
    plantMachines: plantMachineIds.size,
    async counts() {
      // listAnalyses is capped at 1000 per call; the demo's runs stay well below, and the cap is shown as is.
      const [analyses, openAlerts, all] = await Promise.all([
        graphStore.listAnalyses({ limit: 1000 }),
        relationalStore.countAlerts({ status: ['open'] }),
        relationalStore.countAlerts(),
      ]);
      return { analyses: analyses.length, openAlerts, alerts: all };
    },
    async isCaughtUp() {
      // alerts also takes rul-api's maintenance-predictions (when the demo runs rul-api).
      return (
        (await lagOf(GRAPH_API_GROUP, [topic])) === 0 &&
        (await lagOf(ALERTS_GROUP, [topic, TOPICS.MAINTENANCE_PREDICTIONS])) === 0
      );
    },
  };
}
