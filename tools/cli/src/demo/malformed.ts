import { SCHEMA_VERSIONS } from '@industrialmind/contracts';

/** The kinds of broken message the demo sends to show the dead-letter queue, in the order they are used. */
export const MALFORMED_KINDS = [
  'unknown-channel',
  'nan-as-string',
  'timestamp-without-zone',
  'not-json',
] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export interface MalformedMessage {
  key: string;
  value: string;
  kind: MalformedKind;
}

/**
 * Makes messages the sensor-readings contract rejects, cycling through {@link MALFORMED_KINDS} and over the
 * fleet's machines (their ids and types come from the simulated fleet, so the keys look like real traffic).
 */
export function createMalformedMaker(
  machines: ReadonlyArray<{ machineId: string; machineType: string }>,
  runId: string,
): (timestampMs: number) => MalformedMessage {
  if (machines.length === 0) throw new RangeError('the demo fleet needs at least one machine');
  let count = 0;
  return (timestampMs) => {
    const kind = MALFORMED_KINDS[count % MALFORMED_KINDS.length]!;
    const machine = machines[count % machines.length]!;
    count += 1;
    // Every simulator machine type declares these four channels; each kind breaks one thing about them.
    const readings: Record<string, unknown> = { temperature: 50, vibration: 2, pressure: 5, power: 10 };
    const reading: Record<string, unknown> = {
      schema_version: SCHEMA_VERSIONS['sensor-readings'],
      reading_id: `${runId}-bad-${count}`,
      timestamp: new Date(timestampMs).toISOString(),
      machine_id: machine.machineId,
      machine_type: machine.machineType,
      readings,
    };
    switch (kind) {
      case 'unknown-channel':
        // A typo of a declared channel: the DLQ reason suggests the right name.
        readings.temprature = readings.temperature;
        delete readings.temperature;
        break;
      case 'nan-as-string':
        // What a JSON writer without a NaN check emits for a failed sensor.
        readings.temperature = 'NaN';
        break;
      case 'timestamp-without-zone':
        reading.timestamp = (reading.timestamp as string).replace(/Z$/, '');
        break;
      case 'not-json':
        return { key: machine.machineId, value: JSON.stringify(reading).slice(0, 40), kind };
    }
    return { key: machine.machineId, value: JSON.stringify(reading), kind };
  };
}
