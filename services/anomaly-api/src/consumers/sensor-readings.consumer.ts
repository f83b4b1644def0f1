import {
  collectSensorReadings,
  encodeAnomalyDetected,
  type MachineTypeRegistry,
} from '@industrialmind/contracts';
import {
  deadLetterRejected,
  type EventBus,
  type OutgoingMessage,
  type Subscription,
} from '@industrialmind/event-bus';
import type { Logger } from '@industrialmind/logger';
import type { ScorerRegistry } from '../domain/scorer-registry';
import { toAnomalyDetected } from '../domain/to-message';
import { LogEvents } from '../log-events';
import type { AnomalyMetrics } from '../metrics';
import { recordResults } from '../record-results';

export interface ReadingsConsumerDeps {
  bus: EventBus;
  scorers: ScorerRegistry;
  machineTypes: MachineTypeRegistry;
  logger: Logger;
  metrics: AnomalyMetrics;
}

export interface ReadingsConsumerOptions {
  inputTopic: string;
  outputTopic: string;
  groupId: string;
  maxBatchSize: number;
  partitionsConcurrently: number;
}

/**
 * sensor-readings → scorer → anomaly-detected. Each message (one reading or a batch of one machine's) is parsed
 * with its contract (an invalid message or batch element goes to the DLQ with the reason), the batch is scored in order, and the events it produces are published, keyed by
 * machine_id, before the handler returns: offsets commit only after the events are acknowledged (at-least-once;
 * event ids are derived from the reading that started the event, so a redelivery repeats the same ids).
 */
export async function startReadingsConsumer(
  deps: ReadingsConsumerDeps,
  options: ReadingsConsumerOptions,
): Promise<Subscription> {
  const { bus, scorers, machineTypes, logger, metrics } = deps;
  const rejectionReporter = {
    counter: metrics.deadLetters,
    logger,
    event: LogEvents.readingDeadLettered,
  };
  const subscription = await bus.subscribe(
    {
      topics: [options.inputTopic],
      groupId: options.groupId,
      maxBatchSize: options.maxBatchSize,
      partitionsConcurrently: options.partitionsConcurrently,
    },
    async (batch, ctx) => {
      const readings = collectSensorReadings(batch, { machineTypes }, (message, rejected) =>
        deadLetterRejected(ctx, message, rejected, rejectionReporter),
      );
      if (readings.length === 0) return;
      const stopTimer = metrics.scoringDuration.startTimer({ source: 'stream' });
      const results = await scorers.score(
        readings.map((r) => ({
          machineId: r.machine_id,
          machineType: r.machine_type,
          values: r.readings,
          readingId: r.reading_id,
          timestampMs: Date.parse(r.timestamp),
        })),
      );
      stopTimer();
      const out: OutgoingMessage[] = [];
      results.forEach((result, i) => {
        const reading = readings[i]!;
        recordResults(metrics, reading.machine_type, result);
        if (result.status === 'no_model') return;
        const message = toAnomalyDetected(result, reading);
        if (!message) return;
        if (message.state === 'started')
          logger.info(
            { event: LogEvents.eventStarted, machine_id: message.machine_id, event_id: message.event_id },
            'anomaly event started',
          );
        out.push({ key: message.machine_id, value: encodeAnomalyDetected(message, { machineTypes }) });
      });
      if (out.length > 0) await bus.publish(options.outputTopic, out);
    },
  );
  logger.info(
    { event: LogEvents.consumerStarted, topic: options.inputTopic, group_id: options.groupId },
    'readings consumer started',
  );
  return subscription;
}
