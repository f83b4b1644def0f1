import { parseAnomalyDetected, TOPICS, type MachineTypeRegistry } from '@industrialmind/contracts';
import { AppError, ErrorCode } from '@industrialmind/errors';
import type { EventBus, Subscription } from '@industrialmind/event-bus';
import type { GraphStore } from '@industrialmind/graph-store';
import type { Logger } from '@industrialmind/logger';
import { rankRootCauses, reviseDownstream, type RootCauseSettings } from '../domain/root-cause';
import { LogEvents } from '../log-events';
import type { GraphApiMetrics } from '../metrics';

export interface AnomalyConsumerDeps {
  bus: EventBus;
  store: GraphStore;
  machineTypes: MachineTypeRegistry;
  logger: Logger;
  metrics: GraphApiMetrics;
  settings: RootCauseSettings;
}

/**
 * anomaly-detected → root-cause analysis stored in the graph store, keyed by the anomaly's `event_id`: the first
 * anomalous reading of an event is ranked and stored; a redelivery (or a later "continuing" reading) replaces it
 * with an equal or fresher one, so replays never duplicate. Readings that are not anomalous and "ended" events
 * are skipped. After storing, the analyses of recent anomalies downstream are revised with this one as evidence.
 * An invalid payload goes to the DLQ with the reason; a machine the graph does not know is logged and
 * skipped (not an error of the message); a graph outage blocks the partition until Neo4j is back.
 */
export async function startAnomalyConsumer(
  deps: AnomalyConsumerDeps,
  options: { groupId: string; topic?: string },
): Promise<Subscription> {
  const { bus, store, machineTypes, logger, metrics, settings } = deps;
  const topic = options.topic ?? TOPICS.ANOMALY_DETECTED;
  const subscription = await bus.subscribe(
    { topics: [topic], groupId: options.groupId, maxBatchSize: 100 },
    async (batch, ctx) => {
      for (const message of batch) {
        const parsed = parseAnomalyDetected(message.value, { machineTypes });
        if (!parsed.ok) {
          ctx.deadLetter(message, parsed.reason);
          metrics.deadLetters.inc({ reason: parsed.issues[0]?.code ?? 'invalid' });
          logger.debug(
            {
              event: LogEvents.anomalyDeadLettered,
              topic,
              partition: message.partition,
              offset: message.offset,
            },
            'anomaly dead-lettered',
          );
          continue;
        }
        const event = parsed.value;
        if (!event.is_anomaly || event.state === 'ended') {
          metrics.analyses.inc({ result: 'skipped' });
          continue;
        }
        const end = metrics.rankDuration.startTimer({ source: 'consumer' });
        try {
          const timestampMs = Date.parse(event.timestamp);
          const result = await rankRootCauses(
            store,
            {
              machineId: event.machine_id,
              timestampMs,
              contributions: event.feature_contributions,
              eventId: event.event_id,
            },
            settings,
          );
          await store.saveAnalysis({
            id: event.event_id,
            machineId: event.machine_id,
            timestampMs,
            document: {
              ...result,
              score: event.score,
              model_version: event.model_version,
              reading_id: event.reading_id,
            },
          });
          metrics.analyses.inc({ result: 'stored' });
          const revised = await reviseDownstream(
            store,
            { machineId: event.machine_id, timestampMs },
            settings,
          );
          if (revised > 0) metrics.analyses.inc({ result: 'revised' }, revised);
          logger.debug(
            {
              event: LogEvents.rootCauseStored,
              machine_id: event.machine_id,
              top: result.candidates[0]?.component_id,
            },
            'root cause stored',
          );
        } catch (err) {
          if (err instanceof AppError && err.code === ErrorCode.NOT_FOUND) {
            metrics.analyses.inc({ result: 'unknown_machine' });
            logger.warn(
              { event: LogEvents.anomalyUnknownMachine, machine_id: event.machine_id },
              'anomaly on a machine the graph does not know',
            );
            continue;
          }
          throw err;
        } finally {
          end();
        }
      }
    },
  );
  logger.info(
    { event: LogEvents.consumerStarted, topic, group_id: options.groupId },
    'anomaly consumer started',
  );
  return subscription;
}
