import { createMachineTypeRegistry, type MachineType, type MachineTypeRegistry } from './machine-type';

// Plausible ranges are sensor/physics limits, wide enough that every fault a scenario or data set can show
// still falls inside; they are for simulators and sanity checks, not anomaly thresholds.

function simulatorType(
  name: string,
  description: string,
  ranges: {
    temperature: [number, number];
    vibration: [number, number];
    pressure: [number, number];
    power: [number, number];
  },
): MachineType {
  return {
    name,
    description,
    channels: [
      {
        name: 'temperature',
        unit: '°C',
        description: 'Bearing/housing temperature',
        min: ranges.temperature[0],
        max: ranges.temperature[1],
      },
      {
        name: 'vibration',
        unit: 'mm/s',
        description: 'Vibration velocity, RMS (ISO 10816)',
        min: ranges.vibration[0],
        max: ranges.vibration[1],
      },
      {
        name: 'pressure',
        unit: 'bar',
        description: 'Process or lubrication pressure, gauge',
        min: ranges.pressure[0],
        max: ranges.pressure[1],
      },
      {
        name: 'power',
        unit: 'kW',
        description: 'Electrical power drawn',
        min: ranges.power[0],
        max: ranges.power[1],
      },
    ],
  };
}

/** The simulator's default machine types, each with temperature, vibration, pressure and power. */
export const SIMULATOR_MACHINE_TYPES: readonly MachineType[] = [
  simulatorType('cnc-mill', 'CNC milling machine (spindle bearing, coolant pressure)', {
    temperature: [0, 150],
    vibration: [0, 50],
    pressure: [0, 20],
    power: [0, 60],
  }),
  simulatorType('centrifugal-pump', 'Centrifugal water pump', {
    temperature: [-20, 150],
    vibration: [0, 50],
    pressure: [0, 40],
    power: [0, 250],
  }),
  simulatorType('compressor', 'Screw air compressor (discharge temperature and pressure)', {
    temperature: [-20, 200],
    vibration: [0, 50],
    pressure: [0, 16],
    power: [0, 500],
  }),
  simulatorType('conveyor-motor', 'Belt-conveyor drive motor and gearbox (gearbox oil pressure)', {
    temperature: [-30, 180],
    vibration: [0, 50],
    pressure: [0, 10],
    power: [0, 110],
  }),
];

/**
 * SKAB (Skoltech Anomaly Benchmark) water-pump test bed, one channel per CSV column. Wire names are the
 * columns in snake_case; `source_name` keeps the exact column (note the spaces in `Volume Flow RateRMS`) so
 * the replayer can map one to the other. Observed in the shipped files: accelerometers 0.03-0.28 g,
 * current 0.36-3.2 A, pressure -1.3-1.7 bar, motor 65-92 °C, fluid 24-30 °C, 201-255 V, 22-128 l/min.
 */
export const SKAB_MACHINE_TYPE: MachineType = {
  name: 'skab',
  description: 'SKAB water-pump test bed (replayed data set, ../shared/datasets/skab)',
  channels: [
    {
      name: 'accelerometer1_rms',
      source_name: 'Accelerometer1RMS',
      unit: 'g',
      description: 'Vibration RMS, accelerometer 1',
      min: 0,
      max: 5,
    },
    {
      name: 'accelerometer2_rms',
      source_name: 'Accelerometer2RMS',
      unit: 'g',
      description: 'Vibration RMS, accelerometer 2',
      min: 0,
      max: 5,
    },
    { name: 'current', source_name: 'Current', unit: 'A', description: 'Motor current', min: 0, max: 20 },
    {
      name: 'pressure',
      source_name: 'Pressure',
      unit: 'bar',
      description: 'Pressure in the loop after the pump (gauge; can be negative)',
      min: -5,
      max: 20,
    },
    {
      name: 'temperature',
      source_name: 'Temperature',
      unit: '°C',
      description: 'Motor body temperature',
      min: -20,
      max: 150,
    },
    {
      name: 'thermocouple',
      source_name: 'Thermocouple',
      unit: '°C',
      description: 'Temperature of the fluid in the loop',
      min: -20,
      max: 150,
    },
    { name: 'voltage', source_name: 'Voltage', unit: 'V', description: 'Motor voltage', min: 0, max: 500 },
    {
      name: 'volume_flow_rate_rms',
      source_name: 'Volume Flow RateRMS',
      unit: 'l/min',
      description: 'Circulation flow rate, RMS',
      min: 0,
      max: 500,
    },
  ],
};

const CMAPSS_SENSORS: ReadonlyArray<
  [symbol: string, description: string, unit: string, min: number, max: number]
> = [
  ['T2', 'Total temperature at fan inlet', '°R', 400, 560],
  ['T24', 'Total temperature at LPC outlet', '°R', 450, 700],
  ['T30', 'Total temperature at HPC outlet', '°R', 1100, 1800],
  ['T50', 'Total temperature at LPT outlet', '°R', 900, 1600],
  ['P2', 'Pressure at fan inlet', 'psia', 0, 20],
  ['P15', 'Total pressure in bypass duct', 'psia', 0, 30],
  ['P30', 'Total pressure at HPC outlet', 'psia', 0, 700],
  ['Nf', 'Physical fan speed', 'rpm', 1500, 2600],
  ['Nc', 'Physical core speed', 'rpm', 7000, 10000],
  ['epr', 'Engine pressure ratio (P50/P2)', '-', 0.5, 2],
  ['Ps30', 'Static pressure at HPC outlet', 'psia', 0, 60],
  ['phi', 'Ratio of fuel flow to Ps30', 'pps/psi', 0, 700],
  ['NRf', 'Corrected fan speed', 'rpm', 1500, 2600],
  ['NRc', 'Corrected core speed', 'rpm', 7000, 9000],
  ['BPR', 'Bypass ratio', '-', 5, 15],
  ['farB', 'Burner fuel-air ratio', '-', 0, 0.1],
  ['htBleed', 'Bleed enthalpy', '-', 200, 500],
  ['Nf_dmd', 'Demanded fan speed', 'rpm', 1500, 2600],
  // The paper lists rpm, but the values (84.9-100) are a percentage of the design speed.
  ['PCNfR_dmd', 'Demanded corrected fan speed', '%', 50, 120],
  ['W31', 'HPT coolant bleed', 'lbm/s', 0, 60],
  ['W32', 'LPT coolant bleed', 'lbm/s', 0, 40],
];

/**
 * NASA C-MAPSS turbofan (FD001-FD004): 3 operational settings and 21 sensors, named as in the literature
 * (`setting_1..3`, `s_1..s_21`, columns 3-26 of the text files; columns 1-2, unit and cycle, are not
 * channels). Sensor meanings and units follow Saxena et al. 2008, Table 2; the settings are altitude, Mach
 * number and throttle-resolver angle. Ranges widen what FD001-FD004 show.
 */
export const CMAPSS_TURBOFAN_MACHINE_TYPE: MachineType = {
  name: 'cmapss-turbofan',
  description: 'NASA C-MAPSS simulated turbofan engine (replayed data set, ../shared/datasets/cmapss)',
  channels: [
    { name: 'setting_1', unit: 'kft', description: 'Operational setting 1: altitude', min: -1, max: 45 },
    {
      name: 'setting_2',
      unit: 'Mach',
      description: 'Operational setting 2: Mach number',
      min: -0.01,
      max: 1,
    },
    {
      name: 'setting_3',
      unit: 'deg',
      description: 'Operational setting 3: throttle resolver angle (TRA)',
      min: 0,
      max: 120,
    },
    ...CMAPSS_SENSORS.map(([symbol, description, unit, min, max], i) => ({
      name: `s_${i + 1}`,
      source_name: symbol,
      unit,
      description: `Sensor ${i + 1} (${symbol}): ${description}`,
      min,
      max,
    })),
  ],
};

/** Every built-in machine type: the simulator's four, SKAB and C-MAPSS. */
export const DEFAULT_MACHINE_TYPES: readonly MachineType[] = [
  ...SIMULATOR_MACHINE_TYPES,
  SKAB_MACHINE_TYPE,
  CMAPSS_TURBOFAN_MACHINE_TYPE,
];

/** A registry of {@link DEFAULT_MACHINE_TYPES}, plus any extra types (e.g. from configuration). */
export function createDefaultMachineTypeRegistry(extra: readonly MachineType[] = []): MachineTypeRegistry {
  return createMachineTypeRegistry([...DEFAULT_MACHINE_TYPES, ...extra]);
}
