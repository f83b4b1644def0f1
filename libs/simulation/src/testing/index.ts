// Small, generated stand-ins for the reference data sets, so tests in any package need no files from ../shared.
import { createDefaultMachineTypeRegistry, parseSensorReadings } from '@industrialmind/contracts';
import type { PublishableMessage, Publisher } from '../runtime/sinks';

const SKAB_HEADER =
  'datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;Voltage;Volume Flow RateRMS';

export interface SkabCsvOptions {
  rows: number;
  /** Local time of the first row, `YYYY-MM-DD hh:mm:ss`; default 2020-03-09 10:14:33. Rows are 1 s apart. */
  start?: string;
  /** Add the `anomaly` and `changepoint` columns (as in SKAB's labelled files); default true. */
  isLabelled?: boolean;
  /** Rows (0-based) from which `anomaly` is 1; the first of them has `changepoint` 1. Default: none. */
  anomalyFrom?: number;
  /** Line ending; SKAB ships CRLF. */
  eol?: string;
}

/** A SKAB-format CSV: `;`-separated, the 8 sensor columns with plausible values. */
export function skabCsv(options: SkabCsvOptions): string {
  const isLabelled = options.isLabelled ?? true;
  const eol = options.eol ?? '\r\n';
  const startMs = Date.parse(`${(options.start ?? '2020-03-09 10:14:33').replace(' ', 'T')}Z`);
  const lines = [isLabelled ? `${SKAB_HEADER};anomaly;changepoint` : SKAB_HEADER];
  for (let i = 0; i < options.rows; i++) {
    const time = new Date(startMs + i * 1000).toISOString().slice(0, 19).replace('T', ' ');
    const isAnomaly = options.anomalyFrom !== undefined && i >= options.anomalyFrom;
    const values = [
      (0.0266 + 0.0001 * (i % 7)).toFixed(7),
      (0.0401 + 0.0001 * (i % 5)).toFixed(7),
      (1.33 + (isAnomaly ? 0.4 : 0) + 0.01 * (i % 3)).toFixed(5),
      (0.0547 + 0.3 * (i % 2)).toFixed(6),
      (79.3 + 0.01 * i).toFixed(4),
      (26.02 + 0.001 * i).toFixed(4),
      (233 + (i % 9)).toFixed(3),
      (32 + (isAnomaly ? -8 : 0)).toFixed(1),
    ];
    if (isLabelled) {
      values.push(isAnomaly ? '1.0' : '0.0', isAnomaly && i === options.anomalyFrom ? '1.0' : '0.0');
    }
    lines.push(`${time};${values.join(';')}`);
  }
  return lines.join(eol) + eol;
}

export interface CmapssTextOptions {
  /** Cycles per engine, one entry per engine (units 1, 2, ...). */
  cycles: readonly number[];
}

/** A C-MAPSS-format text file: unit, cycle, 3 settings, 21 sensors, space-separated with a trailing space. */
export function cmapssText(options: CmapssTextOptions): string {
  const lines: string[] = [];
  options.cycles.forEach((count, engine) => {
    for (let cycle = 1; cycle <= count; cycle++) {
      const wear = cycle / count;
      const settings = ['-0.0007', '-0.0004', '100.0'];
      const sensors = [
        '518.67',
        (641.82 + 1.5 * wear).toFixed(2),
        (1589.7 + 12 * wear).toFixed(2),
        (1400.6 + 20 * wear).toFixed(2),
        '14.62',
        '21.61',
        (554.36 - 3 * wear).toFixed(2),
        '2388.06',
        (9046.19 + 10 * wear).toFixed(2),
        '1.30',
        (47.47 + 0.8 * wear).toFixed(2),
        (521.66 - 2 * wear).toFixed(2),
        '2388.02',
        '8138.62',
        (8.4195 + 0.05 * wear).toFixed(4),
        '0.03',
        String(392 + Math.round(3 * wear)),
        '2388',
        '100.00',
        (39.06 - 0.4 * wear).toFixed(2),
        (23.419 - 0.2 * wear).toFixed(4),
      ];
      lines.push(`${engine + 1} ${cycle} ${[...settings, ...sensors].join(' ')} `);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** A message captured by {@link createRecordingPublisher}. */
export interface PublishedMessage extends PublishableMessage {
  topic: string;
}

export interface RecordingPublisher extends Publisher {
  readonly messages: PublishedMessage[];
  /**
   * Values of one topic's messages, parsed as JSON; a batch message (a JSON array, or the row form of the default
   * machine types) gives each reading.
   */
  values<T = Record<string, unknown>>(topic: string): T[];
  /** Makes the next `count` publishes reject with `error`. */
  failNext(count: number, error?: Error): void;
  /** Publishes in progress right now, and the most there ever were. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Holds every publish until `release()`; for backpressure tests. */
  hold(): void;
  release(): void;
}

/** A Publisher that keeps what it is given, can fail on demand and can hold publishes open. */
export function createRecordingPublisher(): RecordingPublisher {
  const readingTypes = createDefaultMachineTypeRegistry();
  const messages: PublishedMessage[] = [];
  let failures = 0;
  let failure = new Error('publish failed');
  let inFlight = 0;
  let maxInFlight = 0;
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  return {
    messages,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    values: <T>(topic: string) =>
      messages
        .filter((m) => m.topic === topic)
        .flatMap((m) => {
          const value = JSON.parse(m.value.toString()) as T | T[];
          if (Array.isArray(value)) return value;
          if (typeof value === 'object' && value !== null && 'rows' in value && !('readings' in value)) {
            // A sensor-readings batch in the row form: the readings it stands for.
            const parsed = parseSensorReadings(m.value, { machineTypes: readingTypes });
            if (parsed.ok) return parsed.value.readings as unknown as T[];
          }
          return [value];
        }),
    failNext(count, error) {
      failures = count;
      if (error) failure = error;
    },
    hold() {
      gate ??= new Promise((resolve) => (open = resolve));
    },
    release() {
      open?.();
      gate = undefined;
      open = undefined;
    },
    async publish(topic, batch) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (gate) await gate;
        if (failures > 0) {
          failures -= 1;
          throw failure;
        }
        for (const m of batch) messages.push({ topic, ...m });
      } finally {
        inFlight -= 1;
      }
    },
  };
}
