import { encodeSensorReading, type SensorReading } from '@industrialmind/contracts';

const TYPES = ['cnc-mill', 'centrifugal-pump', 'compressor', 'conveyor-motor'] as const;

export interface Workload {
  /** Kafka messages, keyed by machine. */
  messages: Array<{ key: string; value: Buffer }>;
  /** The same readings as InfluxDB line protocol, one line each. */
  lines: string[];
  fromMs: number;
  toMs: number;
}

/**
 * `count` sensor readings from `machines` machines, one every 10 ms per machine (distinct point keys), with the
 * four simulator channels; encoded once up front so the measured path does no generation work.
 */
export function makeWorkload(
  count: number,
  machines: number,
  t0: number,
  measurement = 'sensor_reading',
): Workload {
  const messages: Workload['messages'] = [];
  const lines: string[] = [];
  for (let n = 0; n < count; n++) {
    const machine = n % machines;
    const seq = Math.floor(n / machines);
    const timestampMs = t0 + seq * 10;
    const r: SensorReading = {
      schema_version: '1.0',
      reading_id: `b-${machine}-${seq}`,
      timestamp: new Date(timestampMs).toISOString(),
      machine_id: `bench-m${machine}`,
      machine_type: TYPES[machine % TYPES.length]!,
      readings: {
        temperature: 60 + ((seq * 7) % 300) / 10,
        vibration: 2 + ((seq * 3) % 50) / 100,
        pressure: 5 + ((seq * 11) % 20) / 10,
        power: 10 + ((seq * 13) % 80) / 10,
      },
      metadata: { location: `line-${machine % 8}` },
    };
    messages.push({ key: r.machine_id, value: encodeSensorReading(r) });
    const fields = Object.entries(r.readings)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    lines.push(
      `${measurement},location=${r.metadata!.location},machine_id=${r.machine_id},machine_type=${r.machine_type} ${fields} ${timestampMs}`,
    );
  }
  return { messages, lines, fromMs: t0, toMs: t0 + Math.ceil(count / machines) * 10 + 1 };
}
