// Renders the plots of docs/simulator.md from the simulation itself: `pnpm --filter @industrialmind/simulator plots`
// (after `pnpm build`). Deterministic: the same code gives the same PNGs, so they can be committed and re-made.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  FAULT_CATALOG,
  SIMULATOR_CHANNELS,
  SIMULATOR_MACHINE_TYPE_NAMES,
  createFleet,
  type FaultKind,
  type FaultShape,
  type SimulatedSample,
  type SimulatorChannel,
  type SimulatorMachineTypeName,
} from '@industrialmind/simulation';
import { COLORS, renderFigure, type Panel, type Series } from './plot/chart';

const OUT_DIR = resolve(
  process.argv[2] ?? join(__dirname, '..', '..', '..', '..', 'docs', 'img', 'simulator'),
);
const HOUR = 3_600_000;
// A Monday, so the plots show a working day's shifts.
const MONDAY = Date.parse('2024-05-06T00:00:00Z');
const UNITS: Record<SimulatorChannel, string> = {
  temperature: '°C',
  vibration: 'mm/s',
  pressure: 'bar',
  power: 'kW',
};
const CHANNEL_COLORS: Record<SimulatorChannel, Series['color']> = {
  temperature: COLORS.red,
  vibration: COLORS.purple,
  pressure: COLORS.blue,
  power: COLORS.orange,
};

interface Run {
  samples: SimulatedSample[];
}

function simulate(options: {
  type: SimulatorMachineTypeName;
  startMs: number;
  hours: number;
  intervalMs: number;
  seed?: number;
  lifeHours?: number;
  initialHealth?: number;
  repairHours?: number | null;
  faults?: Array<{
    kind: FaultKind;
    shape: FaultShape;
    startMs: number;
    durationMs: number | null;
    onsetMs?: number;
    severity?: number;
    channel?: SimulatorChannel;
  }>;
}): Run {
  const fleet = createFleet({
    size: 1,
    seed: options.seed ?? 7,
    startMs: options.startMs,
    sampleIntervalMs: options.intervalMs,
    machineTypes: [options.type],
    lifeHours: options.lifeHours ?? 2000,
    initialHealth: options.initialHealth ?? 0.9,
    repairHours: options.repairHours === undefined ? 8 : options.repairHours,
  });
  const machineId = fleet.machines[0]!.machineId;
  for (const f of options.faults ?? []) {
    fleet.injectFault({
      machineId,
      kind: f.kind,
      shape: f.shape,
      startMs: f.startMs,
      durationMs: f.durationMs,
      ...(f.onsetMs === undefined ? {} : { onsetMs: f.onsetMs }),
      ...(f.severity === undefined ? {} : { severity: f.severity }),
      ...(f.channel === undefined ? {} : { channel: f.channel }),
    });
  }
  const samples = fleet.generateUntil(options.startMs + options.hours * HOUR - 1);
  return { samples };
}

function times(run: Run): number[] {
  return run.samples.map((s) => Date.parse(s.truth.timestamp));
}

function channelPanel(run: Run, channel: SimulatorChannel): Panel {
  return {
    title: `${channel} (${UNITS[channel]})`,
    series: [
      {
        label: channel,
        color: CHANNEL_COLORS[channel],
        x: times(run),
        y: run.samples.map((s) => s.reading?.readings[channel] ?? NaN),
      },
    ],
  };
}

function truthPanel(
  run: Run,
  title: string,
  series: Array<{ label: string; color: Series['color']; value: (s: SimulatedSample) => number }>,
  range?: [number, number],
): Panel {
  const x = times(run);
  return {
    title,
    series: series.map((s) => ({ label: s.label, color: s.color, x, y: run.samples.map(s.value) })),
    ...(range === undefined ? {} : { yMin: range[0], yMax: range[1] }),
  };
}

function write(name: string, png: Buffer): void {
  writeFileSync(join(OUT_DIR, name), png);
  process.stdout.write(`wrote ${join(OUT_DIR, name)} (${Math.round(png.length / 1024)} KiB)\n`);
}

function renderNormal(type: SimulatorMachineTypeName): void {
  const startMs = MONDAY + 2 * HOUR;
  const hours = 12;
  const run = simulate({ type, startMs, hours, intervalMs: 5_000, seed: 8 });
  write(
    `normal-${type}.png`,
    renderFigure({
      title: `${type}: normal operation`,
      subtitle: `Monday 02:00-14:00 UTC, one reading every 5 s; night shift until 06:00, lunch break 12:00-12:30`,
      startMs,
      endMs: startMs + hours * HOUR,
      panels: [
        ...SIMULATOR_CHANNELS.map((c) => channelPanel(run, c)),
        truthPanel(run, 'load (ground truth, 0-1)', [
          { label: 'load', color: COLORS.green, value: (s) => s.truth.load ?? NaN },
        ]),
      ],
    }),
  );
}

interface FaultPlot {
  kind: FaultKind;
  type: SimulatorMachineTypeName;
  shape: FaultShape;
  channel?: SimulatorChannel;
  severity?: number;
  note: string;
}

const FAULT_PLOTS: FaultPlot[] = [
  {
    kind: 'bearing_wear',
    type: 'cnc-mill',
    shape: 'exponential',
    note: 'vibration leads, temperature follows',
  },
  { kind: 'cavitation', type: 'centrifugal-pump', shape: 'ramp', note: 'pressure drops and fluctuates' },
  { kind: 'overheating', type: 'compressor', shape: 'ramp', note: 'discharge temperature climbs' },
  {
    kind: 'pressure_leak',
    type: 'compressor',
    shape: 'ramp',
    note: 'loaded longer: more power, lower pressure',
  },
  { kind: 'electrical_fault', type: 'conveyor-motor', shape: 'step', note: 'power spikes and drops' },
  { kind: 'sensor_stuck', type: 'compressor', shape: 'step', channel: 'temperature', note: 'value frozen' },
  {
    kind: 'sensor_dropout',
    type: 'centrifugal-pump',
    shape: 'ramp',
    channel: 'vibration',
    note: 'channel missing more and more often',
  },
  {
    kind: 'sensor_spikes',
    type: 'conveyor-motor',
    shape: 'step',
    channel: 'pressure',
    severity: 0.5,
    note: 'isolated spikes',
  },
  { kind: 'sensor_drift', type: 'cnc-mill', shape: 'ramp', channel: 'temperature', note: 'bias grows' },
];

function renderFault(plot: FaultPlot): void {
  const startMs = MONDAY + 6 * HOUR;
  const faultStart = startMs + 1 * HOUR;
  const duration = 4 * HOUR;
  const hours = 6;
  const run = simulate({
    type: plot.type,
    startMs,
    hours,
    intervalMs: 5_000,
    faults: [
      {
        kind: plot.kind,
        shape: plot.shape,
        startMs: faultStart,
        durationMs: duration,
        ...(plot.severity === undefined ? {} : { severity: plot.severity }),
        ...(plot.channel === undefined ? {} : { channel: plot.channel }),
      },
    ],
  });
  const intensity = (s: SimulatedSample): number =>
    s.truth.active_faults.find((f) => f.kind === plot.kind)?.severity ?? 0;
  write(
    `fault-${plot.kind.replace(/_/g, '-')}.png`,
    renderFigure({
      title: `${plot.kind} on a ${plot.type}${plot.channel === undefined ? '' : ` (${plot.channel} sensor)`}`,
      subtitle: `${FAULT_CATALOG[plot.kind].description}. Shape ${plot.shape}, 4 h from 07:00 (shaded): ${plot.note}.`,
      startMs,
      endMs: startMs + hours * HOUR,
      bands: [{ startMs: faultStart, endMs: faultStart + duration, label: plot.kind }],
      panels: [
        ...SIMULATOR_CHANNELS.map((c) => channelPanel(run, c)),
        truthPanel(
          run,
          'ground truth: fault intensity and health (0-1)',
          [
            { label: 'intensity', color: COLORS.red, value: intensity },
            { label: 'health', color: COLORS.green, value: (s) => s.truth.health ?? NaN },
          ],
          [0, 1.05],
        ),
      ],
    }),
  );
}

function renderDegradation(): void {
  const startMs = MONDAY;
  const hours = 24 * 14;
  const lifeHours = 200;
  const faultStart = startMs + 60 * HOUR;
  const run = simulate({
    type: 'centrifugal-pump',
    startMs,
    hours,
    intervalMs: 60_000,
    seed: 11,
    lifeHours,
    initialHealth: 1,
    repairHours: 24,
    faults: [
      {
        kind: 'bearing_wear',
        shape: 'exponential',
        startMs: faultStart,
        durationMs: null,
        onsetMs: 48 * HOUR,
        severity: 0.6,
      },
    ],
  });
  write(
    'degradation.png',
    renderFigure({
      title: 'centrifugal-pump: run to failure, repair, second life',
      subtitle: `Life ${lifeHours} h (this machine draws ±20 %), bearing wear from hour 60 (exponential, severity 0.6); down 24 h after failure. One reading per minute.`,
      startMs,
      endMs: startMs + hours * HOUR,
      xAxis: 'hours',
      bands: [{ startMs: faultStart, endMs: faultStart + 48 * HOUR, label: 'bearing wear onset' }],
      panels: [
        channelPanel(run, 'vibration'),
        channelPanel(run, 'temperature'),
        truthPanel(run, 'ground truth: health (0-1)', [
          { label: 'health', color: COLORS.green, value: (s) => s.truth.health ?? NaN },
        ]),
        truthPanel(run, 'ground truth: remaining useful life (h)', [
          { label: 'RUL', color: COLORS.brown, value: (s) => s.truth.rul_hours ?? NaN },
        ]),
      ],
    }),
  );
}

mkdirSync(OUT_DIR, { recursive: true });
for (const type of SIMULATOR_MACHINE_TYPE_NAMES) renderNormal(type);
for (const plot of FAULT_PLOTS) renderFault(plot);
renderDegradation();
