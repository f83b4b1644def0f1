import {
  SIMULATOR_MACHINE_TYPES,
  type Encodable,
  type MachineType,
  type SensorReading,
} from '@industrialmind/contracts';
import { createRandom } from './prng';

/** How one channel of one machine behaves: a level, a slow swing around it and measurement noise. */
interface ChannelModel {
  name: string;
  min: number;
  max: number;
  baseline: number;
  amplitude: number;
  noise: number;
  periodSec: number;
  phase: number;
}

/** A simulated machine: its id (the Kafka key), its type and its channel models. */
export interface FleetMachine {
  machineId: string;
  machineType: string;
  channels: readonly ChannelModel[];
}

// Where a healthy machine sits within a channel's plausible range (contracts give only the range). Vibration in
// particular runs near the bottom: 2-5 mm/s is "good" in ISO 10816, the top of the range is a failing bearing.
const OPERATING_BAND: Record<string, [number, number]> = {
  temperature: [0.3, 0.45],
  vibration: [0.04, 0.1],
  pressure: [0.35, 0.6],
  power: [0.4, 0.7],
};
const DEFAULT_BAND: [number, number] = [0.3, 0.6];
const DEFAULT_RANGE: [number, number] = [0, 100];

/** The kinds of broken message the demo sends to show the dead-letter queue, in the order they are used. */
export const MALFORMED_KINDS = [
  'unknown-channel',
  'nan-as-string',
  'timestamp-without-zone',
  'not-json',
] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export interface ReadingGeneratorOptions {
  machines: number;
  seed: number;
  /** Makes reading ids unique across runs that share a seed (sinks deduplicate by reading_id). */
  runId: string;
  /** Default: the simulator's machine types from contracts, assigned round-robin. */
  machineTypes?: readonly MachineType[];
}

export interface MalformedMessage {
  key: string;
  value: string;
  kind: MalformedKind;
}

export interface ReadingGenerator {
  readonly machines: readonly FleetMachine[];
  /** The next machine's reading (round-robin over the fleet) at `timestampMs`; valid against contracts. */
  next(timestampMs: number): Encodable<SensorReading>;
  /** A message that readers must reject, cycling through {@link MALFORMED_KINDS}. */
  malformed(timestampMs: number): MalformedMessage;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function buildFleet(options: ReadingGeneratorOptions): FleetMachine[] {
  const types = options.machineTypes ?? SIMULATOR_MACHINE_TYPES;
  if (types.length === 0) throw new RangeError('the demo fleet needs at least one machine type');
  const random = createRandom(options.seed);
  const perType = new Map<string, number>();
  const width = Math.max(3, String(Math.ceil(options.machines / types.length)).length);
  const fleet: FleetMachine[] = [];
  for (let i = 0; i < options.machines; i++) {
    const type = types[i % types.length]!;
    const n = (perType.get(type.name) ?? 0) + 1;
    perType.set(type.name, n);
    fleet.push({
      machineId: `${type.name}-${String(n).padStart(width, '0')}`,
      machineType: type.name,
      channels: type.channels.map((channel) => {
        const min = channel.min ?? DEFAULT_RANGE[0];
        const max = channel.max ?? min + (DEFAULT_RANGE[1] - DEFAULT_RANGE[0]);
        const span = max - min;
        const [lo, hi] = OPERATING_BAND[channel.name] ?? DEFAULT_BAND;
        return {
          name: channel.name,
          min,
          max,
          baseline: min + span * (lo + (hi - lo) * random.next()),
          amplitude: span * 0.02 * random.next(),
          noise: span * 0.004,
          periodSec: 30 + 270 * random.next(),
          phase: 2 * Math.PI * random.next(),
        };
      }),
    });
  }
  return fleet;
}

/**
 * Generates plausible sensor readings for a fleet of the simulator's machine types: each channel holds a level
 * inside its plausible range, swings slowly around it and carries noise. Deterministic: the same seed, run id and
 * timestamps give the same readings. A stand-in until the real simulator service exists.
 */
export function createReadingGenerator(options: ReadingGeneratorOptions): ReadingGenerator {
  if (!Number.isInteger(options.machines) || options.machines < 1) {
    throw new RangeError('the demo fleet needs at least one machine');
  }
  const machines = buildFleet(options);
  // A separate stream for noise, so the fleet's shape does not depend on how many readings were drawn.
  const noise = createRandom(options.seed ^ 0x9e3779b9);
  let cursor = 0;
  let sequence = 0;
  let malformedCount = 0;

  const next = (timestampMs: number): Encodable<SensorReading> => {
    const machine = machines[cursor]!;
    cursor = (cursor + 1) % machines.length;
    sequence += 1;
    const t = timestampMs / 1000;
    const readings: Record<string, number> = {};
    for (const c of machine.channels) {
      const swing = c.amplitude * Math.sin((2 * Math.PI * t) / c.periodSec + c.phase);
      const value = c.baseline + swing + c.noise * noise.gaussian();
      readings[c.name] = round3(Math.min(c.max, Math.max(c.min, value)));
    }
    return {
      reading_id: `${options.runId}-${sequence}`,
      timestamp: new Date(timestampMs).toISOString(),
      machine_id: machine.machineId,
      machine_type: machine.machineType,
      readings,
    };
  };

  const malformed = (timestampMs: number): MalformedMessage => {
    const kind = MALFORMED_KINDS[malformedCount % MALFORMED_KINDS.length]!;
    malformedCount += 1;
    const reading = { schema_version: '1.0', ...next(timestampMs) } as Record<string, unknown>;
    const readings = { ...(reading.readings as Record<string, unknown>) };
    const [first] = Object.keys(readings);
    switch (kind) {
      case 'unknown-channel':
        // A typo of a declared channel: the DLQ reason suggests the right name.
        if (first !== undefined) {
          const typo = first.length > 4 ? `${first.slice(0, 4)}${first.slice(5)}` : `${first}x`;
          readings[typo] = readings[first];
          delete readings[first];
        }
        reading.readings = readings;
        break;
      case 'nan-as-string':
        // What a JSON writer without a NaN check emits for a failed sensor.
        if (first !== undefined) readings[first] = 'NaN';
        reading.readings = readings;
        break;
      case 'timestamp-without-zone':
        reading.timestamp = (reading.timestamp as string).replace(/Z$/, '');
        break;
      case 'not-json':
        return { key: reading.machine_id as string, value: JSON.stringify(reading).slice(0, 40), kind };
    }
    return { key: reading.machine_id as string, value: JSON.stringify(reading), kind };
  };

  return { machines, next, malformed };
}
