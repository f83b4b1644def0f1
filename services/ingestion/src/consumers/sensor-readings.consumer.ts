import { collectSensorReadings, TOPICS, type MachineTypeRegistry } from '@industrialmind/contracts';
import { deadLetterRejected, type EventBus, type Subscription } from '@industrialmind/event-bus';
import type { Logger } from '@industrialmind/logger';
import type { TimeSeriesStore } from '@industrialmind/timeseries-store';
import { toPoint } from '../domain/to-point';
import { WriteBatcher } from '../domain/write-batcher';
import { LogEvents } from '../log-events';
import type { IngestionMetrics } from '../metrics';

export interface ReadingsConsumerDeps {
  bus: EventBus;
  store: Pick<TimeSeriesStore, 'writePoints'>;
  machineTypes: MachineTypeRegistry;
  logger: Logger;
  metrics: IngestionMetrics;
}

export interface ReadingsConsumerOptions {
  groupId: string;
  topic?: string;
  maxBatchSize: number;
  lingerMs: number;
  partitionsConcurrently: number;
}

/**
 * sensor-readings → TimeSeriesStore. Parse each message with its contract (one reading or a batch of one
 * machine's readings); an invalid message, or an invalid element of a batch, goes to the DLQ with the reason; valid ones are written in batches, and the handler returns (so offsets commit) only after their
 * write is durable. A store outage surfaces as UPSTREAM_* errors, on which the event bus holds the partitions
 * and retries with backoff until the store is back: backpressure, nothing dead-lettered, nothing lost.
 */
export async function startReadingsConsumer(
  deps: ReadingsConsumerDeps,
  options: ReadingsConsumerOptions,
): Promise<Subscription> {
  const { bus, store, machineTypes, logger, metrics } = deps;
  const rejectionReporter = {
    counter: metrics.deadLetters,
    logger,
    event: LogEvents.readingDeadLettered,
  };
  const topic = options.topic ?? TOPICS.SENSOR_READINGS;
  const batcher = new WriteBatcher(
    (points) => store.writePoints(points),
    options,
    (stats) => {
      metrics.batchSize.observe(stats.size);
      metrics.writeDuration.observe({ result: stats.ok ? 'ok' : 'error' }, stats.durationMs / 1000);
    },
  );
  let outageLogged = false;
  const subscription = await bus.subscribe(
    {
      topics: [topic],
      groupId: options.groupId,
      partitionsConcurrently: options.partitionsConcurrently,
      maxBatchSize: options.maxBatchSize,
      onEvent: (event) => {
        if (event.type === 'blocked') {
          metrics.blocked.inc();
          if (!outageLogged) {
            outageLogged = true;
            logger.warn(
              { event: LogEvents.storeUnavailable, error: event.error, partition: event.partition },
              'store unavailable, holding readings',
            );
          }
        } else if (event.type === 'retry') {
          logger.warn(
            { event: LogEvents.writeRetried, error: event.error, attempt: event.attempt },
            'batch retried',
          );
        } else if (event.type === 'batch-processed' && outageLogged) {
          outageLogged = false;
          logger.info({ partition: event.partition }, 'store available again');
        }
      },
    },
    async (batch, ctx) => {
      // An invalid message goes to the DLQ whole; an invalid element of a batch alone, the rest is written.
      const readings = collectSensorReadings(batch, { machineTypes }, (message, rejected) =>
        deadLetterRejected(ctx, message, rejected, rejectionReporter),
      );
      const count = readings.length;
      await batcher.add(readings.map(toPoint));
      metrics.recordWritten(count);
    },
  );
  logger.info(
    { event: LogEvents.consumerStarted, topic, group_id: options.groupId },
    'readings consumer started',
  );
  return subscription;
}
