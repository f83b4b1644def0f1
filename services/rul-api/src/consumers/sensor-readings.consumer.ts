import {
  collectSensorReadings,
  encodeMaintenancePrediction,
  type MachineTypeRegistry,
  type MaintenancePrediction,
  type SensorReading,
} from '@industrialmind/contracts';
import { deadLetterRejected, type EventBus, type Subscription } from '@industrialmind/event-bus';
import type { Logger } from '@industrialmind/logger';
import {
  forecastBatch,
  type MachineHistory,
  type RulModel,
  type RulModelFolder,
} from '@industrialmind/rul-forecasting';
import type { TimeSeriesStore } from '@industrialmind/timeseries-store';
import { lookupHistory } from '../domain/history-lookup';
import type { StreamState } from '../domain/stream-state';
import { LogEvents } from '../log-events';
import type { RulMetrics } from '../metrics';

export interface ReadingsConsumerDeps {
  bus: EventBus;
  models: Pick<RulModelFolder, 'select'>;
  state: StreamState;
  machineTypes: MachineTypeRegistry;
  logger: Logger;
  metrics: RulMetrics;
  /**
   * Where a machine's past readings are (the time-series store): a model with history inputs gets the first
   * readings and the count of a machine this process has not followed from its first reading. Absent: the machine
   * is taken to start with the first reading this process sees.
   */
  history?: Pick<TimeSeriesStore, 'queryRange' | 'countPoints'>;
}

export interface ReadingsConsumerOptions {
  inputTopic: string;
  outputTopic: string;
  groupId: string;
}

/** History lookups in flight at once (a restart meets every machine anew in its first batches). */
const HISTORY_LOOKUP_CONCURRENCY = 16;

/**
 * sensor-readings → maintenance-predictions. Each valid reading joins its machine's window; when the machine's
 * cadence is reached its forecast is computed (batched per model across the fetched batch) and published, and
 * the handler returns (so offsets commit) only after the publish was acknowledged: at-least-once. A prediction
 * names the reading it is based on (`reading_id`), so a consumer deduplicates a replay by (machine_id, reading_id).
 * Invalid messages (or elements of a batch message) go to the DLQ with the reason; readings of machines no model serves are skipped and counted.
 */
export async function startReadingsConsumer(
  deps: ReadingsConsumerDeps,
  options: ReadingsConsumerOptions,
): Promise<Subscription> {
  const { bus, models, state, machineTypes, logger, metrics } = deps;
  const rejectionReporter = {
    counter: metrics.deadLetters,
    logger,
    event: LogEvents.readingDeadLettered,
  };
  /**
   * Machines of the batch that a model with history inputs serves and that this process has not followed yet get
   * their past from the store (first reading in the batch: readings before it), several lookups at a time.
   */
  async function seedNewMachines(
    store: NonNullable<ReadingsConsumerDeps['history']>,
    readings: SensorReading[],
  ) {
    const first = new Map<string, { reading: SensorReading; model: RulModel }>();
    for (const reading of readings) {
      if (first.has(reading.machine_id)) continue;
      const model = models.select(reading.machine_type, reading.machine_id);
      if (model?.metadata.history && state.isNew(reading.machine_id, model.metadata))
        first.set(reading.machine_id, { reading, model });
    }
    const pending = [...first.values()];
    const lookUp = async ({ reading, model }: { reading: SensorReading; model: RulModel }) => {
      const { metadata } = model;
      try {
        const past = await lookupHistory(
          store,
          reading.machine_id,
          metadata.channels,
          metadata.history!.start_readings,
          Date.parse(reading.timestamp),
        );
        state.seed(reading.machine_id, metadata, past);
        metrics.historyLookups.inc({ result: past.count > 0 ? 'found' : 'none' });
      } catch (err) {
        // Degrade, never block the stream on the store: the machine starts from this reading (looks younger).
        metrics.historyLookups.inc({ result: 'failed' });
        logger.warn(
          { event: LogEvents.historyLookupFailed, machine_id: reading.machine_id, err },
          'could not read the machine past from the time-series store; following it from this reading',
        );
      }
    };
    const workers = Array.from({ length: Math.min(HISTORY_LOOKUP_CONCURRENCY, pending.length) }, async () => {
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) await lookUp(next);
    });
    await Promise.all(workers);
  }

  const subscription = await bus.subscribe(
    {
      topics: [options.inputTopic],
      groupId: options.groupId,
      onEvent: (event) => {
        if (event.type === 'retry')
          logger.warn(
            { event: LogEvents.publishRetried, error: event.error, attempt: event.attempt },
            'batch retried',
          );
      },
    },
    async (batch, ctx) => {
      const due = new Map<RulModel, Array<{ reading: SensorReading; machine: MachineHistory }>>();
      const readings = collectSensorReadings(batch, { machineTypes }, (message, rejected) =>
        deadLetterRejected(ctx, message, rejected, rejectionReporter),
      );
      if (deps.history) await seedNewMachines(deps.history, readings);
      for (const reading of readings) {
        const model = models.select(reading.machine_type, reading.machine_id);
        if (!model) {
          metrics.readingsWithoutModel.inc({ machine_type: reading.machine_type });
          continue;
        }
        const observed = state.observe(
          reading.machine_id,
          reading.readings,
          model.metadata,
          Date.parse(reading.timestamp),
        );
        if (!observed.due) continue;
        const history = state.history(reading.machine_id)!;
        const machine = { recent: [...history.rows], start: [...history.start], count: history.count };
        const list = due.get(model) ?? [];
        // A machine due twice in one batch keeps only its latest forecast.
        const existing = list.findIndex((d) => d.reading.machine_id === reading.machine_id);
        if (existing >= 0) list.splice(existing, 1);
        list.push({ reading, machine });
        due.set(model, list);
      }
      const messages = [];
      for (const [model, items] of due) {
        const stop = metrics.inferenceDuration.startTimer({ source: 'stream' });
        const forecasts = await forecastBatch(
          model,
          items.map((i) => i.machine),
        );
        stop();
        for (let i = 0; i < items.length; i++) {
          const { reading } = items[i]!;
          const f = forecasts[i]!;
          const prediction: MaintenancePrediction = {
            schema_version: '1.0',
            machine_id: reading.machine_id,
            machine_type: reading.machine_type,
            timestamp: reading.timestamp,
            reading_id: reading.reading_id,
            ...f,
          };
          messages.push({ key: reading.machine_id, value: encodeMaintenancePrediction(prediction) });
          metrics.predictionsPublished.inc({ model: model.metadata.name, priority: f.priority });
          metrics.predictedRul.observe({ model: model.metadata.name }, f.predicted_rul);
        }
      }
      if (messages.length > 0) await bus.publish(options.outputTopic, messages);
    },
  );
  logger.info(
    { event: LogEvents.consumerStarted, topic: options.inputTopic, group_id: options.groupId },
    'readings consumer started',
  );
  return subscription;
}
