import {
  createDefaultMachineTypeRegistry,
  packSensorReadings,
  type BatchForm,
  type SensorReading,
} from '@industrialmind/contracts';

const TYPES = ['cnc-mill', 'centrifugal-pump', 'compressor', 'conveyor-motor'] as const;

export interface Workload {
  /** Kafka messages, keyed by machine, in time order; each carries `perMessage` readings of one machine. */
  messages: Array<{ key: string; value: Buffer }>;
  /** Mean Kafka message value bytes per reading. */
  bytesPerReading: number;
  /** Readings the messages carry in total (= lines). */
  readings: number;
  /**
   * The same readings as InfluxDB line protocol, one line each, joined into request bodies of `batch` lines
   * (bytes, not 500,000 strings: the benchmark's own heap would otherwise cost it GC time during the runs).
   */
  bodies: Buffer[];
  fromMs: number;
  toMs: number;
}

/**
 * `count` sensor readings from `machines` machines, one every 10 ms per machine (distinct point keys), with the
 * four simulator channels; encoded once up front so the measured path does no generation work. A producer
 * gathers each machine's readings for `perMessage` sample periods and sends them as one message (the contract's
 * batch form; `perMessage` 1 is one reading per message), the way the simulator's sink packs what one tick
 * produced; messages follow each other in time order across machines.
 */
export function makeWorkload(
  count: number,
  machines: number,
  t0: number,
  perMessage = 1,
  form: BatchForm = 'rows',
  batch = 5000,
  measurement = 'sensor_reading',
): Workload {
  const machineTypes = createDefaultMachineTypeRegistry();
  const messages: Workload['messages'] = [];
  let lines: string[] = [];
  const bodies: Buffer[] = [];
  let window: SensorReading[] = [];
  const flush = (): void => {
    for (const m of packSensorReadings(window, { machineTypes, maxReadingsPerMessage: perMessage, form }))
      messages.push({ key: m.key, value: m.value });
    window = [];
  };
  for (let n = 0; n < count; n++) {
    const machine = n % machines;
    const seq = Math.floor(n / machines);
    if (machine === 0 && seq % perMessage === 0) flush();
    const timestampMs = t0 + seq * 10;
    const r: SensorReading = {
      schema_version: '1.1',
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
    window.push(r);
    const fields = Object.entries(r.readings)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    lines.push(
      `${measurement},location=${r.metadata!.location},machine_id=${r.machine_id},machine_type=${r.machine_type} ${fields} ${timestampMs}`,
    );
    if (lines.length === batch) {
      bodies.push(Buffer.from(lines.join('\n')));
      lines = [];
    }
  }
  flush();
  if (lines.length > 0) bodies.push(Buffer.from(lines.join('\n')));
  const bytes = messages.reduce((n, m) => n + m.value.byteLength, 0);
  return {
    messages,
    readings: count,
    bytesPerReading: bytes / count,
    bodies,
    fromMs: t0,
    toMs: t0 + Math.ceil(count / machines) * 10 + 1,
  };
}
