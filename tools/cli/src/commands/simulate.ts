import { dirname } from 'node:path';
import { statSync } from 'node:fs';
import { TOPICS } from '@industrialmind/contracts';
import { describeError, isAppError } from '@industrialmind/errors';
import type { EventBus } from '@industrialmind/event-bus';
import type { Logger } from '@industrialmind/logger';
import {
  FAULT_KINDS,
  FAULT_SHAPES,
  GROUND_TRUTH_TOPIC,
  SIMULATOR_CHANNELS,
  createFleet,
  isFaultKind,
  type FaultSpec,
  type Fleet,
} from '@industrialmind/simulation';
import {
  combineSinks,
  createBusSink,
  createFleetRunner,
  createJsonlSink,
  runFleetFor,
  type SampleSink,
} from '@industrialmind/simulation/runtime';
import {
  UsageError,
  choiceOption,
  intOption,
  parseCommandArgs,
  positiveNumberOption,
  type OptionSpec,
} from '../args';
import { BIN, renderCommandHelp, type Command, type CommandContext } from '../command';
import {
  BUS_PROFILE_OPTION,
  PROFILES,
  createCommandLogger,
  fleetSizeAndRate,
  createProfileBus,
  waitForStop,
  withStopSignal,
  type Profile,
} from './shared';

const NAME = 'simulate';
const DEFAULTS = { machines: 20, ratePerSec: 100, seed: 42, hours: 1 };
const HOUR_MS = 3_600_000;

const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'machines',
    type: 'string',
    valueName: 'N',
    description: 'machines in the fleet (the four simulator types, round-robin)',
    defaultText: String(DEFAULTS.machines),
  },
  {
    name: 'seed',
    type: 'string',
    valueName: 'S',
    description: 'seed of the fleet: the same seed and options give the same data',
    defaultText: String(DEFAULTS.seed),
  },
  {
    name: 'rate',
    type: 'string',
    valueName: 'R',
    description: 'real time: readings per second for the whole fleet (at most 1000 per machine)',
    defaultText: String(DEFAULTS.ratePerSec),
  },
  {
    name: 'duration',
    type: 'string',
    valueName: 'SEC',
    description: 'real time: stop after this many seconds',
    defaultText: 'run until Ctrl-C or SIGTERM',
  },
  {
    name: 'out',
    type: 'string',
    valueName: 'FILE',
    description:
      'offline: write the readings as JSON Lines to FILE, as fast as possible, instead of to the bus',
  },
  {
    name: 'truth',
    type: 'string',
    valueName: 'FILE',
    description: 'offline: also write the ground truth (health, RUL, active faults) of every reading to FILE',
  },
  {
    name: 'hours',
    type: 'string',
    valueName: 'H',
    description: 'offline: simulated hours to generate, one reading per machine per second',
    defaultText: String(DEFAULTS.hours),
  },
  {
    name: 'start',
    type: 'string',
    valueName: 'ISO',
    description: 'offline: time of the first reading, e.g. 2024-01-01T00:00:00Z',
    defaultText: 'now',
  },
  {
    name: 'fault',
    type: 'string',
    multiple: true,
    valueName: 'MACHINE:KIND[:key=value...]',
    description:
      'inject a fault (repeatable); keys: severity (0-1], shape (step|ramp|exponential), channel (sensor_* faults), ' +
      'start, duration, onset (30s, 10m, 2h; start is from the first reading)',
  },
  BUS_PROFILE_OPTION,
  {
    name: 'json',
    type: 'boolean',
    description: 'print one JSON object per line (start, progress, summary) instead of text',
  },
];

/** A fault as given on the command line, checked against the fleet when it exists. */
export interface FaultOption {
  text: string;
  machineId: string;
  kind: FaultSpec['kind'];
  shape?: FaultSpec['shape'];
  severity?: number;
  channel?: FaultSpec['channel'];
  startInMs?: number;
  durationMs?: number;
  onsetMs?: number;
}

export interface SimulateOptions {
  machines: number;
  seed: number;
  ratePerSec: number;
  durationSec: number | undefined;
  /** Offline mode when set. */
  out: string | undefined;
  truth: string | undefined;
  hours: number;
  startMs: number | undefined;
  faults: FaultOption[];
  profile: Profile;
  json: boolean;
}

function parseDurationMs(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text);
  if (match === null) throw new UsageError(`${what} must look like 30s, 10m or 2h, got "${text}"`, NAME);
  return Number(match[1]) * { s: 1_000, m: 60_000, h: HOUR_MS }[match[2] as 's' | 'm' | 'h'];
}

/** `MACHINE:KIND[:key=value...]`, e.g. `centrifugal-pump-001:cavitation:severity=0.8:start=1h`. */
export function parseFaultOption(text: string): FaultOption {
  const [machineId, kind, ...pairs] = text.split(':');
  const where = `--fault ${text}`;
  if (!machineId || !kind) throw new UsageError(`${where}: expected MACHINE:KIND[:key=value...]`, NAME);
  if (!isFaultKind(kind)) {
    throw new UsageError(`${where}: unknown fault kind "${kind}" (kinds: ${FAULT_KINDS.join(', ')})`, NAME);
  }
  const fault: FaultOption = { text, machineId, kind };
  for (const pair of pairs) {
    const [key, value] = pair.split('=', 2);
    if (value === undefined || value === '')
      throw new UsageError(`${where}: "${pair}" is not key=value`, NAME);
    switch (key) {
      case 'severity': {
        const severity = Number(value);
        if (!(severity > 0 && severity <= 1))
          throw new UsageError(`${where}: severity must be in (0, 1]`, NAME);
        fault.severity = severity;
        break;
      }
      case 'shape':
        fault.shape = choiceOption(NAME, 'fault shape', value, FAULT_SHAPES);
        break;
      case 'channel':
        fault.channel = choiceOption(NAME, 'fault channel', value, SIMULATOR_CHANNELS);
        break;
      case 'start':
        fault.startInMs = parseDurationMs(value, `${where}: start`);
        break;
      case 'duration':
        fault.durationMs = parseDurationMs(value, `${where}: duration`);
        break;
      case 'onset':
        fault.onsetMs = parseDurationMs(value, `${where}: onset`);
        break;
      default:
        throw new UsageError(
          `${where}: unknown key "${key}" (keys: severity, shape, channel, start, duration, onset)`,
          NAME,
        );
    }
  }
  return fault;
}

function checkWritableFile(path: string, name: string): void {
  try {
    if (!statSync(dirname(path)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new UsageError(`--${name}: the folder of ${path} does not exist`, NAME);
  }
}

/** Turns the command line into simulate options; throws UsageError for anything wrong. */
export function parseSimulateOptions(argv: readonly string[]): SimulateOptions | 'help' {
  const { values } = parseCommandArgs(NAME, OPTIONS, argv);
  if (values.help === true) return 'help';
  const { machines, ratePerSec } = fleetSizeAndRate(NAME, values, DEFAULTS);
  const out = typeof values.out === 'string' ? values.out : undefined;
  const truth = typeof values.truth === 'string' ? values.truth : undefined;
  const offlineOnly = ['truth', 'hours', 'start'].filter((name) => values[name] !== undefined);
  if (out === undefined && offlineOnly.length > 0) {
    throw new UsageError(`--${offlineOnly[0]} needs --out FILE (offline mode)`, NAME);
  }
  if (out !== undefined) {
    const realTimeOnly = ['rate', 'duration', 'profile'].filter((name) => values[name] !== undefined);
    if (realTimeOnly.length > 0) {
      throw new UsageError(`--${realTimeOnly[0]} is for real time; with --out the data goes to files`, NAME);
    }
    checkWritableFile(out, 'out');
    if (truth !== undefined) checkWritableFile(truth, 'truth');
  }
  let startMs: number | undefined;
  if (typeof values.start === 'string') {
    startMs = Date.parse(values.start);
    if (!Number.isFinite(startMs) || !/(Z|[+-]\d\d:\d\d)$/.test(values.start)) {
      throw new UsageError(
        `--start must be an ISO date-time with a zone, e.g. 2024-01-01T00:00:00Z, got "${values.start}"`,
        NAME,
      );
    }
  }
  const faults = Array.isArray(values.fault) ? values.fault.map(parseFaultOption) : [];
  return {
    machines,
    seed: intOption(NAME, 'seed', values.seed, { min: 0, max: 0xffffffff }) ?? DEFAULTS.seed,
    ratePerSec,
    durationSec: positiveNumberOption(NAME, 'duration', values.duration, { max: 7 * 24 * 3600 }),
    out,
    truth,
    hours: positiveNumberOption(NAME, 'hours', values.hours, { max: 24 * 365 }) ?? DEFAULTS.hours,
    startMs,
    faults,
    profile: choiceOption(NAME, 'profile', values.profile, PROFILES) ?? 'lite',
    json: values.json === true,
  };
}

/** Injects the command line's faults; an unknown machine or a bad combination is a UsageError (of `command`). */
export function injectFaults(
  fleet: Fleet,
  faults: readonly FaultOption[],
  startMs: number,
  command: string = NAME,
): void {
  for (const fault of faults) {
    try {
      fleet.injectFault({
        machineId: fault.machineId,
        kind: fault.kind,
        ...(fault.shape === undefined ? {} : { shape: fault.shape }),
        ...(fault.severity === undefined ? {} : { severity: fault.severity }),
        ...(fault.channel === undefined ? {} : { channel: fault.channel }),
        ...(fault.durationMs === undefined ? {} : { durationMs: fault.durationMs }),
        ...(fault.onsetMs === undefined ? {} : { onsetMs: fault.onsetMs }),
        startMs: startMs + (fault.startInMs ?? 0),
      });
    } catch (err) {
      if (!isAppError(err)) throw err;
      const isUnknownMachine = fleet.machine(fault.machineId) === undefined;
      const hint = isUnknownMachine
        ? ` (machines: ${fleet.machines
            .slice(0, 4)
            .map((m) => m.machineId)
            .join(', ')}${fleet.size > 4 ? ', ...' : ''})`
        : '';
      throw new UsageError(`--fault ${fault.text}: ${err.message}${hint}`, command);
    }
  }
}

export interface SimulateDeps {
  /** Real time: not connected yet; closed at the end. */
  bus?: EventBus;
  logger: Logger;
  write(text: string): void;
  stopSignal: AbortSignal;
  /** Default 1000. */
  reportIntervalMs?: number;
}

export interface SimulateSummary {
  readings: number;
  groundTruth: number;
  exitCode: number;
}

/** Offline: `hours` of simulated time into JSON Lines files, as fast as the disk takes it. */
async function runOffline(options: SimulateOptions, deps: SimulateDeps): Promise<SimulateSummary> {
  const { write } = deps;
  const startMs = options.startMs ?? Date.now();
  const fleet = createFleet({ size: options.machines, seed: options.seed, startMs });
  injectFaults(fleet, options.faults, startMs);
  const sinks: SampleSink[] = [createJsonlSink(options.out!, { content: 'readings' })];
  if (options.truth !== undefined) sinks.push(createJsonlSink(options.truth, { content: 'ground-truth' }));
  const sink = combineSinks(...sinks);
  const line = (value: object) => write(`${JSON.stringify(value)}\n`);
  if (options.json) {
    line({
      type: 'start',
      mode: 'offline',
      machines: options.machines,
      seed: options.seed,
      hours: options.hours,
      start: new Date(startMs).toISOString(),
      out: options.out,
      truth: options.truth ?? null,
      faults: options.faults.length,
    });
  } else {
    write(
      `simulate: ${options.machines} machines, seed ${options.seed}, ${options.hours} h from ` +
        `${new Date(startMs).toISOString()} to ${options.out}${options.truth ? ` and ${options.truth}` : ''}` +
        `${options.faults.length > 0 ? `, ${options.faults.length} fault(s)` : ''}\n`,
    );
  }
  let lastReportAt = Date.now();
  try {
    const summary = await runFleetFor({
      fleet,
      durationMs: options.hours * HOUR_MS,
      sink,
      signal: deps.stopSignal,
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastReportAt < (deps.reportIntervalMs ?? 1000)) return;
        lastReportAt = now;
        if (options.json) {
          line({ type: 'progress', readings: p.readings, fraction: Math.round(p.fraction * 1000) / 1000 });
        } else {
          write(
            `  ${(p.simulatedMs / HOUR_MS).toFixed(2)} h of ${options.hours} h (${Math.round(p.fraction * 100)} %), ` +
              `${p.readings} readings\n`,
          );
        }
      },
    });
    if (options.json) {
      line({
        type: 'summary',
        readings: summary.readings,
        ground_truth: options.truth === undefined ? 0 : summary.groundTruth,
        dropped: summary.dropped,
        simulated_h: Math.round((summary.simulatedMs / HOUR_MS) * 1000) / 1000,
        elapsed_s: Math.round(summary.elapsedMs / 100) / 10,
        aborted: summary.isAborted,
      });
    } else {
      write(
        [
          `summary after ${(summary.elapsedMs / 1000).toFixed(1)} s${summary.isAborted ? ' (stopped early)' : ''}:`,
          `  readings       ${summary.readings} to ${options.out}`,
          ...(options.truth === undefined
            ? []
            : [`  ground truth   ${summary.groundTruth} to ${options.truth}`]),
          `  simulated      ${(summary.simulatedMs / HOUR_MS).toFixed(2)} h`,
          '',
        ].join('\n'),
      );
    }
    return {
      readings: summary.readings,
      groundTruth: options.truth === undefined ? 0 : summary.groundTruth,
      exitCode: 0,
    };
  } finally {
    await sink.close?.();
  }
}

/** Real time: the fleet publishes to the bus at `rate` until the duration ends or the stop signal. */
async function runRealTime(options: SimulateOptions, deps: SimulateDeps & { bus: EventBus }) {
  const { bus, write, logger } = deps;
  const startMs = Date.now();
  const fleet = createFleet({ size: options.machines, seed: options.seed, startMs });
  injectFaults(fleet, options.faults, startMs);
  const runner = createFleetRunner({
    fleet,
    sink: createBusSink({ publisher: bus }),
    ratePerSec: options.ratePerSec,
    onEvent: (event) => {
      if (event.type === 'write-failed' && event.attempt === 1) {
        logger.warn({ err: event.error, event: 'cli.simulate.publish_failed' }, 'publish failed, retrying');
      }
    },
  });
  const line = (value: object) => write(`${JSON.stringify(value)}\n`);
  try {
    await bus.connect();
    await bus.ensureTopics([
      { topic: TOPICS.SENSOR_READINGS, partitions: 12 },
      { topic: GROUND_TRUTH_TOPIC, partitions: 12 },
    ]);
    const until = options.durationSec === undefined ? 'until Ctrl-C' : `for ${options.durationSec} s`;
    if (options.json) {
      line({
        type: 'start',
        mode: 'real-time',
        profile: options.profile,
        machines: options.machines,
        seed: options.seed,
        rate_per_s: options.ratePerSec,
        duration_s: options.durationSec ?? null,
        faults: options.faults.length,
      });
    } else {
      write(
        `simulate: ${options.machines} machines, seed ${options.seed}, ${options.ratePerSec} readings/s to ` +
          `${TOPICS.SENSOR_READINGS} and ${GROUND_TRUTH_TOPIC} (${options.profile === 'lite' ? 'in-memory bus' : 'Kafka'}), ` +
          `running ${until}\n`,
      );
    }
    runner.start();
    const timer = setInterval(() => {
      const s = runner.stats();
      if (options.json) {
        line({ type: 'progress', readings: s.readingsWritten, pending: s.pending, lag_ms: s.lagMs });
      } else {
        write(`  ${s.readingsWritten} readings published, ${s.pending} pending, lag ${s.lagMs} ms\n`);
      }
    }, deps.reportIntervalMs ?? 1000);
    await waitForStop(deps.stopSignal, options.durationSec);
    clearInterval(timer);
    await runner.stop();
    const s = runner.stats();
    const exitCode = s.abandoned > 0 ? 1 : 0;
    if (options.json) {
      line({
        type: 'summary',
        readings: s.readingsWritten,
        ground_truth: s.groundTruthWritten,
        abandoned: s.abandoned,
        exit_code: exitCode,
      });
    } else {
      write(
        `summary: ${s.readingsWritten} readings and ${s.groundTruthWritten} ground-truth records published` +
          `${s.abandoned > 0 ? `, ${s.abandoned} given up (the bus did not take them)` : ''}\n`,
      );
    }
    return { readings: s.readingsWritten, groundTruth: s.groundTruthWritten, exitCode };
  } finally {
    await runner.stop();
    await bus.close();
  }
}

/** Runs the simulator offline (to files, with `out`) or in real time (to the bus). */
export async function runSimulate(options: SimulateOptions, deps: SimulateDeps): Promise<SimulateSummary> {
  if (options.out !== undefined) return runOffline(options, deps);
  if (deps.bus === undefined) throw new Error('simulate in real time needs a bus');
  return runRealTime(options, { ...deps, bus: deps.bus });
}

async function run(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const options = parseSimulateOptions(argv);
  if (options === 'help') {
    ctx.stdout(renderCommandHelp(simulateCommand, ctx));
    return 0;
  }
  const config = ctx.loadConfig();
  const logger = createCommandLogger(ctx, NAME, options.profile, config.logLevel);
  const { bus, where } =
    options.out === undefined ? createProfileBus(ctx, NAME, options.profile, logger) : { where: '' };
  return withStopSignal(ctx, NAME, async (stopSignal) => {
    try {
      const summary = await runSimulate(options, {
        ...(bus === undefined ? {} : { bus }),
        logger,
        write: (text) => ctx.stdout(text),
        stopSignal,
      });
      return summary.exitCode;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      ctx.stderr(`${BIN} ${NAME}: failed: ${describeError(err)}${where}\n`);
      return 1;
    }
  });
}

export const simulateCommand: Command = {
  name: NAME,
  summary: 'run the simulated fleet: in real time to the event bus, or offline to JSON Lines files',
  synopsis: `${NAME} [options]`,
  description: [
    'Runs the simulated fleet of libs/simulation (CNC mills, pumps, compressors, conveyors wearing toward failure).',
    'Real time (default): readings go to sensor-readings and their ground truth to simulator-ground-truth on',
    'the event bus at --rate, until --duration or Ctrl-C (--profile full: Kafka at KAFKA_BROKERS, where the',
    'services consume them; lite: an in-memory bus in this process). Offline (--out FILE): --hours of simulated',
    'time, one reading per machine per second, written as fast as possible to JSON Lines, with the ground truth',
    'in --truth FILE: training and evaluation sets. --fault injects faults (repeatable). The same seed and options',
    'give the same data.',
  ].join('\n'),
  options: OPTIONS,
  examples: [
    `${BIN} simulate --hours 24 --machines 10 --out readings.jsonl --truth truth.jsonl`,
    `${BIN} simulate --hours 2 --machines 4 --out r.jsonl --fault centrifugal-pump-001:cavitation:severity=0.8:start=30m`,
    `${BIN} simulate --fault cnc-mill-001:sensor_drift:channel=temperature --out r.jsonl`,
    `KAFKA_BROKERS=127.0.0.1:9092 ${BIN} simulate --profile full --rate 500 --duration 60`,
  ],
  run,
};
