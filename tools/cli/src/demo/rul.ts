import { TOPICS, parseMaintenancePrediction } from '@industrialmind/contracts';
import type { EventBus } from '@industrialmind/event-bus';
import { listen } from '@industrialmind/http';
import type { Logger } from '@industrialmind/logger';
import { createService as createRulService } from '@industrialmind/rul-api';
import type { Lifecycle } from '@industrialmind/service-kit';

/** The consumer group of rul-api, as the service uses it in production. */
export const RUL_GROUP = 'rul-api';
const MIN_READINGS = 15;

/** What the demo reports of the remaining-useful-life forecasts. */
export interface RulCounts {
  predictions: number;
  machines: number;
  /** Predictions by priority (`recommended_action` follows it). */
  byPriority: Record<string, number>;
}

export interface RulPart {
  url: string;
  /** Machine types the loaded models forecast. */
  machineTypes: string[];
  /**
   * Simulated time until a machine's first forecast: the models sample the stream every `sample_interval_ms` of
   * reading time (20 simulated minutes for the simulator's) and need `minReadings` samples.
   */
  firstForecastSimulatedMs: number;
  counts(): RulCounts;
  /** Whether rul-api has committed every sensor-readings message published so far. */
  isCaughtUp(): Promise<boolean>;
}

/**
 * Starts rul-api on the demo's bus with the models in `modelsDir` (the committed ones: one per simulator machine
 * type, trained on the simulator's degradation) and its REST API on a free port of 127.0.0.1, plus a counter of
 * the maintenance-predictions it publishes (alerts, when running, turns the urgent ones into alerts).
 */
export async function startRul(deps: {
  bus: EventBus;
  logger: Logger;
  lifecycle: Lifecycle;
  modelsDir: string;
  topicPartitions: number;
}): Promise<RulPart> {
  const { bus, logger, lifecycle } = deps;
  const rul = createRulService({
    settings: {
      inputTopic: TOPICS.SENSOR_READINGS,
      outputTopic: TOPICS.MAINTENANCE_PREDICTIONS,
      groupId: RUL_GROUP,
      topicPartitions: deps.topicPartitions,
      publishEvery: 10,
      minReadings: MIN_READINGS,
      maxMachines: 100_000,
    },
    // The demo's models do not change while it runs.
    models: { dir: deps.modelsDir, pollMs: 0 },
    logger: logger.child({ component: 'rul-api' }),
    ports: { bus },
  });
  const counts: RulCounts = { predictions: 0, machines: 0, byPriority: {} };
  const machines = new Set<string>();
  const counter = await bus.subscribe(
    { topics: [TOPICS.MAINTENANCE_PREDICTIONS], groupId: 'demo-rul-counter' },
    async (batch) => {
      for (const message of batch) {
        const parsed = parseMaintenancePrediction(message.value);
        if (!parsed.ok) continue;
        counts.predictions++;
        machines.add(parsed.value.machine_id);
        counts.byPriority[parsed.value.priority] = (counts.byPriority[parsed.value.priority] ?? 0) + 1;
      }
      counts.machines = machines.size;
    },
  );
  lifecycle.register('rul-counter', () => counter.stop());
  const http = await listen(rul.app, { host: '127.0.0.1', port: 0 });
  lifecycle.register('rul-http', () => http.close());
  await rul.start();
  lifecycle.register('rul-api', () => rul.stop());
  return {
    url: `http://127.0.0.1:${http.port}`,
    machineTypes: [...new Set(rul.models.list().map((m) => m.metadata.machine_type))].sort(),
    firstForecastSimulatedMs:
      MIN_READINGS * Math.max(0, ...rul.models.list().map((m) => m.metadata.sample_interval_ms ?? 0)),
    counts: () => ({ ...counts, byPriority: { ...counts.byPriority } }),
    async isCaughtUp() {
      const lag = await bus.consumerLag(RUL_GROUP, [TOPICS.SENSOR_READINGS]);
      return lag.every((p) => p.lag === 0);
    },
  };
}
