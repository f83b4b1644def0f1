import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import {
  TOPICS,
  createDefaultMachineTypeRegistry,
  packSensorReadings,
  type BatchForm,
  type MachineTypeRegistry,
  type SensorReading,
} from '@industrialmind/contracts';
import { GROUND_TRUTH_TOPIC, encodeGroundTruth, type GroundTruthRecord } from '../ground-truth';

/** A message as the EventBus port takes it (`OutgoingMessage` of @industrialmind/event-bus). */
export interface PublishableMessage {
  key: string | null;
  value: Buffer | string;
  headers?: Record<string, string>;
  timestampMs?: number;
}

/** What the runners need of an event bus: `EventBus.publish`, which resolves once the messages are durable. */
export interface Publisher {
  publish(topic: string, messages: PublishableMessage[]): Promise<void>;
}

/** A reading and its ground truth; the reading is absent when every channel dropped out. */
export interface SampleLike {
  reading: SensorReading | undefined;
  truth: GroundTruthRecord;
}

export interface WriteResult {
  /** Readings written (acknowledged, for a bus). */
  readings: number;
  groundTruth: number;
  /** Readings the contract rejected and that were skipped (only with `onInvalid`). */
  invalid: number;
}

/** Where runners put samples. `write` resolves when they are durable and rejects when they are not. */
export interface SampleSink {
  write(samples: readonly SampleLike[]): Promise<WriteResult>;
  close?(): Promise<void>;
}

export interface BusSinkOptions {
  publisher: Publisher;
  /** Checks channel names on encode; default the built-in machine types. */
  machineTypes?: MachineTypeRegistry;
  /** Default `sensor-readings`. */
  readingsTopic?: string;
  /** Default `simulator-ground-truth`; `null` publishes no ground truth. */
  groundTruthTopic?: string | null;
  headers?: Record<string, string>;
  /**
   * Called for a reading the contract rejects, which is then skipped. Without it such a reading fails the whole
   * write (the simulator never builds one, so there it would be a bug).
   */
  onInvalid?: (reading: SensorReading, err: unknown) => void;
  /**
   * Readings per `sensor-readings` message (default 100): a machine's readings of one write are sent as batches
   * of up to this many (the contract's batch form, since 1.1), which is most of the cost saved at high rates.
   * 1 sends one reading per message, the only form 1.0 readers understand.
   */
  maxReadingsPerMessage?: number;
  /**
   * How a batch is written (default `rows`, the contract's 1.2 row form: a quarter of the bytes); `array` is the
   * 1.1 array form. A message of one reading is always a single reading.
   */
  batchForm?: BatchForm;
  /**
   * Called after each acknowledged publish with its topic, message count, duration and the records those
   * messages carry (readings or ground-truth records).
   */
  onPublished?: (topic: string, count: number, durationMs: number, records: number) => void;
}

/**
 * Publishes readings to `sensor-readings`, each machine's readings of one write packed into batch messages
 * (`packSensorReadings`, validated by the contract), and each ground-truth record to `simulator-ground-truth`,
 * both keyed by `machine_id`. The two topics are published in
 * parallel; the write resolves when both are acknowledged.
 */
export function createBusSink(options: BusSinkOptions): SampleSink {
  const { publisher, headers, onInvalid, onPublished } = options;
  const machineTypes = options.machineTypes ?? createDefaultMachineTypeRegistry();
  const readingsTopic = options.readingsTopic ?? TOPICS.SENSOR_READINGS;
  const groundTruthTopic =
    options.groundTruthTopic === undefined ? GROUND_TRUTH_TOPIC : options.groundTruthTopic;
  const maxReadingsPerMessage = options.maxReadingsPerMessage ?? 100;
  const batchForm = options.batchForm ?? 'rows';
  const publish = async (topic: string, messages: PublishableMessage[], records: number): Promise<void> => {
    if (messages.length === 0) return;
    const started = performance.now();
    await publisher.publish(topic, messages);
    onPublished?.(topic, messages.length, performance.now() - started, records);
  };
  const pack = (readings: SensorReading[]): ReturnType<typeof packSensorReadings> =>
    packSensorReadings(readings, { machineTypes, maxReadingsPerMessage, form: batchForm });
  return {
    async write(samples) {
      const valid: SensorReading[] = [];
      for (const sample of samples) if (sample.reading !== undefined) valid.push(sample.reading);
      let packed: ReturnType<typeof packSensorReadings>;
      const rejected = new Set<SensorReading>();
      try {
        packed = pack(valid);
      } catch (err) {
        if (onInvalid === undefined) throw err;
        // Find the culprits one by one (rare: only replayed files can hold readings the contract rejects).
        for (const reading of valid) {
          try {
            pack([reading]);
          } catch (problem) {
            onInvalid(reading, problem);
            rejected.add(reading);
          }
        }
        packed = pack(valid.filter((reading) => !rejected.has(reading)));
      }
      const invalid = rejected.size;
      const truths: PublishableMessage[] = [];
      if (groundTruthTopic !== null) {
        for (const sample of samples) {
          // A skipped reading's ground truth is skipped with it.
          if (sample.reading !== undefined && rejected.has(sample.reading)) continue;
          const value = encodeGroundTruth(sample.truth);
          truths.push(
            headers
              ? { key: sample.truth.machine_id, value, headers }
              : { key: sample.truth.machine_id, value },
          );
        }
      }
      const readings: PublishableMessage[] = packed.map(({ key, value }) =>
        headers ? { key, value, headers } : { key, value },
      );
      const readingCount = valid.length - invalid;
      await Promise.all([
        publish(readingsTopic, readings, readingCount),
        groundTruthTopic === null ? Promise.resolve() : publish(groundTruthTopic, truths, truths.length),
      ]);
      return { readings: readingCount, groundTruth: truths.length, invalid };
    },
  };
}

export interface JsonlSinkOptions {
  /** What to write, one JSON object per line: the readings, or the ground-truth records. */
  content: 'readings' | 'ground-truth';
  /** Append to an existing file instead of replacing it; default false. */
  append?: boolean;
}

/** Writes samples as JSON Lines to a file, honouring the stream's backpressure. `close()` flushes it. */
export function createJsonlSink(path: string, options: JsonlSinkOptions): SampleSink {
  const stream = createWriteStream(path, { flags: options.append ? 'a' : 'w' });
  let failure: Error | undefined;
  stream.on('error', (err) => {
    failure = err;
  });
  // The file is opened asynchronously: the first write waits for it, so a path that cannot be opened fails that
  // write instead of being buffered and reported (or lost) later.
  const opened = new Promise<void>((resolve) => {
    stream.once('ready', () => resolve());
    stream.once('error', () => resolve());
  });
  const isReadings = options.content === 'readings';
  return {
    async write(samples) {
      await opened;
      if (failure) throw failure;
      let text = '';
      let count = 0;
      for (const sample of samples) {
        const record = isReadings ? sample.reading : sample.truth;
        if (record === undefined) continue;
        text += `${JSON.stringify(record)}\n`;
        count += 1;
      }
      if (text.length > 0 && !stream.write(text)) {
        await Promise.race([once(stream, 'drain'), once(stream, 'error')]);
      }
      if (failure) throw failure;
      return isReadings
        ? { readings: count, groundTruth: 0, invalid: 0 }
        : { readings: 0, groundTruth: count, invalid: 0 };
    },
    async close() {
      if (stream.closed || stream.destroyed) return;
      await new Promise<void>((resolve, reject) => {
        stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
      if (failure) throw failure;
    },
  };
}

/** Writes every sample to each sink in parallel; counts are summed. */
export function combineSinks(...sinks: SampleSink[]): SampleSink {
  return {
    async write(samples) {
      const results = await Promise.all(sinks.map((s) => s.write(samples)));
      return results.reduce(
        (sum, r) => ({
          readings: sum.readings + r.readings,
          groundTruth: sum.groundTruth + r.groundTruth,
          invalid: sum.invalid + r.invalid,
        }),
        { readings: 0, groundTruth: 0, invalid: 0 },
      );
    },
    async close() {
      for (const sink of sinks) await sink.close?.();
    },
  };
}
