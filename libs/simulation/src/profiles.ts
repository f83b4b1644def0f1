import { SIMULATOR_MACHINE_TYPES, type MachineChannel } from '@industrialmind/contracts';

/** The simulator's machine types (declared in libs/contracts). */
export const SIMULATOR_MACHINE_TYPE_NAMES = [
  'cnc-mill',
  'centrifugal-pump',
  'compressor',
  'conveyor-motor',
] as const;
export type SimulatorMachineTypeName = (typeof SIMULATOR_MACHINE_TYPE_NAMES)[number];

/** Their channels, in this order everywhere (arrays indexed by channel use it). */
export const SIMULATOR_CHANNELS = ['temperature', 'vibration', 'pressure', 'power'] as const;
export type SimulatorChannel = (typeof SIMULATOR_CHANNELS)[number];

export const TEMPERATURE = 0;
export const VIBRATION = 1;
export const PRESSURE = 2;
export const POWER = 3;

/**
 * The physics of one machine type, in the units of its contract channels (°C, mm/s, bar, kW). Levels are what a
 * healthy machine shows at full load; a machine draws ±10 % around them so a fleet is not identical.
 */
export interface MachineProfile {
  type: SimulatorMachineTypeName;
  /** Power at no load (machine on, idling) and at full load, kW. */
  idlePowerKw: number;
  ratedPowerKw: number;
  /** Temperature above ambient at full load, °C, and the thermal time constant of the measuring point, s. */
  temperatureRiseC: number;
  thermalTauSec: number;
  /** Vibration velocity RMS at full load, mm/s (ISO 10816: 1.8-4.5 is a healthy medium machine). */
  vibrationMmS: number;
  /** Pressure at the normal working point, bar. */
  pressureBar: number;
  /** Measurement noise (1 sigma) per channel, in channel units. */
  noise: readonly [temperature: number, vibration: number, pressure: number, power: number];
  /** Physically plausible range per channel, from the contract. */
  ranges: ReadonlyArray<readonly [min: number, max: number]>;
}

function rangesOf(type: SimulatorMachineTypeName): ReadonlyArray<readonly [number, number]> {
  const declared = SIMULATOR_MACHINE_TYPES.find((t) => t.name === type);
  if (declared === undefined) throw new Error(`libs/contracts does not declare machine type ${type}`);
  return SIMULATOR_CHANNELS.map((name) => {
    const channel: MachineChannel | undefined = declared.channels.find((c) => c.name === name);
    if (channel?.min === undefined || channel.max === undefined) {
      throw new Error(`libs/contracts gives no range for ${type}.${name}`);
    }
    return [channel.min, channel.max] as const;
  });
}

export const MACHINE_PROFILES: Readonly<Record<SimulatorMachineTypeName, MachineProfile>> = {
  // Spindle bearing temperature, spindle vibration, coolant pressure (on while cutting), spindle drive power.
  'cnc-mill': {
    type: 'cnc-mill',
    idlePowerKw: 1.8,
    ratedPowerKw: 22,
    temperatureRiseC: 26,
    thermalTauSec: 900,
    vibrationMmS: 2.6,
    pressureBar: 6,
    noise: [0.15, 0.08, 0.05, 0.25],
    ranges: rangesOf('cnc-mill'),
  },
  // Bearing housing temperature, pump vibration, discharge pressure (VFD-driven, follows demand), motor power.
  'centrifugal-pump': {
    type: 'centrifugal-pump',
    idlePowerKw: 8,
    ratedPowerKw: 90,
    temperatureRiseC: 24,
    thermalTauSec: 1200,
    vibrationMmS: 3.0,
    pressureBar: 9,
    noise: [0.15, 0.1, 0.06, 0.9],
    ranges: rangesOf('centrifugal-pump'),
  },
  // Oil-injected screw compressor: discharge temperature, vibration, network pressure (load/unload band), power.
  compressor: {
    type: 'compressor',
    idlePowerKw: 42,
    ratedPowerKw: 160,
    temperatureRiseC: 72,
    thermalTauSec: 300,
    vibrationMmS: 3.4,
    pressureBar: 7,
    noise: [0.2, 0.1, 0.02, 1.5],
    ranges: rangesOf('compressor'),
  },
  // Drive motor / gearbox temperature, vibration, gearbox lubrication oil pressure, motor power.
  'conveyor-motor': {
    type: 'conveyor-motor',
    idlePowerKw: 4,
    ratedPowerKw: 45,
    temperatureRiseC: 38,
    thermalTauSec: 1800,
    vibrationMmS: 2.0,
    pressureBar: 2.6,
    noise: [0.15, 0.07, 0.03, 0.45],
    ranges: rangesOf('conveyor-motor'),
  },
};

export function isSimulatorMachineType(name: string): name is SimulatorMachineTypeName {
  return (SIMULATOR_MACHINE_TYPE_NAMES as readonly string[]).includes(name);
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Hour of day (0-24, fractional) at `tMs` in a plant `utcOffsetHours` from UTC. */
export function localHour(tMs: number, utcOffsetHours: number): number {
  const h = (tMs / HOUR_MS + utcOffsetHours) % 24;
  return h < 0 ? h + 24 : h;
}

/** Day of the week at `tMs` (0 = Sunday; 1970-01-01 was a Thursday). */
export function dayOfWeek(tMs: number, utcOffsetHours: number): number {
  const days = Math.floor((tMs + utcOffsetHours * HOUR_MS) / DAY_MS);
  return (((days + 4) % 7) + 7) % 7;
}

/**
 * How busy a production plant is (0-1): two full shifts on weekdays (06-14 at full load, 14-22 slightly less),
 * a reduced night shift, a half-hour lunch break, a short Saturday morning, a quiet Sunday.
 */
export function shiftFactor(hour: number, day: number): number {
  if (day === 0) return 0.08;
  if (day === 6) return hour >= 6 && hour < 14 ? 0.5 : 0.08;
  if (hour >= 12 && hour < 12.5) return 0.35;
  if (hour >= 6 && hour < 14) return 1;
  if (hour >= 14 && hour < 22) return 0.85;
  return 0.35;
}

/** Indoor ambient temperature, °C: coolest around 03:00, warmest around 15:00. */
export function ambientTemperature(hour: number, offsetC: number): number {
  return 19 + offsetC + 3.5 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
}

function bump(hour: number, centre: number, width: number): number {
  const z = (hour - centre) / width;
  return Math.exp(-z * z);
}

/** Water demand on a pump (0-1): a morning and an evening peak over a night minimum, plus the plant's own use. */
export function waterDemand(hour: number, shift: number): number {
  return Math.min(
    1,
    0.32 + 0.28 * bump(hour, 7.5, 1.6) + 0.2 * bump(hour, 19, 2.2) + 0.2 * shift - 0.06 * bump(hour, 3, 2),
  );
}
