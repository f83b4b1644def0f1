import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { describeError } from '@industrialmind/errors';
import { UsageError, intOption, parseCommandArgs, positiveNumberOption, type OptionSpec } from '../args';
import { BIN, renderCommandHelp, type Command, type CommandContext } from '../command';
import { runDemo, type DemoOptions } from '../demo/run-demo';
import { createCommandLogger, fleetSizeAndRate, withStopSignal } from './shared';
import { parseFaultOption } from './simulate';

const NAME = 'demo';
const DEFAULTS = { machines: 20, ratePerSec: 2000, badEvery: 1000, drainTimeoutSec: 15, port: 8082 };

const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'machines',
    type: 'string',
    valueName: 'N',
    description: 'simulated machines, spread over the simulator machine types',
    defaultText: String(DEFAULTS.machines),
  },
  {
    name: 'rate',
    type: 'string',
    valueName: 'R',
    description: 'readings per second for the whole fleet',
    defaultText: String(DEFAULTS.ratePerSec),
  },
  {
    name: 'duration',
    type: 'string',
    valueName: 'SEC',
    description: 'stop after this many seconds',
    defaultText: 'run until Ctrl-C or SIGTERM',
  },
  {
    name: 'seed',
    type: 'string',
    valueName: 'S',
    description: 'seed of the reading generator (integer), for a repeatable fleet',
    defaultText: 'random, printed at start',
  },
  {
    name: 'port',
    type: 'string',
    valueName: 'P',
    description: 'port of the ingestion REST API on 127.0.0.1 (0: any free port)',
    defaultText: String(DEFAULTS.port),
  },
  {
    name: 'profile',
    type: 'string',
    valueName: 'lite',
    description:
      'only lite (in-memory bus, embedded store); for Kafka and InfluxDB run the services themselves',
    defaultText: 'lite',
  },
  {
    name: 'bad-every',
    type: 'string',
    valueName: 'N',
    description: 'make every Nth message malformed to show the dead-letter queue; 0 = never',
    defaultText: String(DEFAULTS.badEvery),
  },
  {
    name: 'drain-timeout',
    type: 'string',
    valueName: 'SEC',
    description: 'on stop, how long to wait for ingestion to catch up',
    defaultText: String(DEFAULTS.drainTimeoutSec),
  },
  {
    name: 'speed',
    type: 'string',
    valueName: 'N',
    description:
      'simulated seconds per second (the readings/s stay --rate); the anomaly models calibrate on 400 simulated ' +
      'seconds per machine, so --speed 100 shows anomalies, root causes and alerts within a minute',
    defaultText: '1',
  },
  {
    name: 'fault',
    type: 'string',
    multiple: true,
    valueName: 'MACHINE:KIND[:key=value...]',
    description:
      'inject a fault (repeatable, as in simulate), e.g. centrifugal-pump-001:cavitation:severity=1:start=20s; ' +
      'start is counted from the demo start, and anomaly-api needs 400 readings per machine first',
  },
  {
    name: 'json',
    type: 'boolean',
    description: 'print one JSON object per line (start, progress, summary) instead of the table',
  },
];

/** Turns the command line into demo options; throws UsageError for anything out of range. */
export function parseDemoOptions(argv: readonly string[]): DemoOptions | 'help' {
  const { values } = parseCommandArgs(NAME, OPTIONS, argv);
  if (values.help === true) return 'help';
  const profile = values.profile;
  if (profile !== undefined && profile !== 'lite') {
    throw new UsageError(
      profile === 'full'
        ? '--profile full is no longer part of the demo; it runs the lite profile only. For Kafka and InfluxDB, ' +
            'start infrastructure/local/kafka.sh and influxdb.sh and run the services (services/*/README.md), ' +
            `or send data to Kafka with: KAFKA_BROKERS=127.0.0.1:9092 ${BIN} simulate --profile full`
        : `--profile must be lite, got ${JSON.stringify(profile)}`,
      NAME,
    );
  }
  const { machines, ratePerSec } = fleetSizeAndRate(NAME, values, DEFAULTS);
  const badEvery =
    intOption(NAME, 'bad-every', values['bad-every'], { min: 0, max: 1_000_000_000 }) ?? DEFAULTS.badEvery;
  if (badEvery === 1) throw new UsageError('--bad-every must be 0 (off) or at least 2', NAME);
  return {
    machines,
    ratePerSec,
    durationSec: positiveNumberOption(NAME, 'duration', values.duration, { max: 7 * 24 * 3600 }),
    seed: intOption(NAME, 'seed', values.seed, { min: 0, max: 0xffffffff }) ?? randomInt(0, 2 ** 31),
    badEvery,
    drainTimeoutSec:
      positiveNumberOption(NAME, 'drain-timeout', values['drain-timeout'], { max: 600 }) ??
      DEFAULTS.drainTimeoutSec,
    port: intOption(NAME, 'port', values.port, { min: 0, max: 65_535 }) ?? DEFAULTS.port,
    json: values.json === true,
    speed: positiveNumberOption(NAME, 'speed', values.speed, { max: 1000 }) ?? 1,
    faults: Array.isArray(values.fault) ? values.fault.map(parseFaultOption) : [],
  };
}

async function run(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const options = parseDemoOptions(argv);
  if (options === 'help') {
    ctx.stdout(renderCommandHelp(demoCommand, ctx));
    return 0;
  }
  const config = ctx.loadConfig();
  const logger = createCommandLogger(ctx, NAME, 'lite', config.logLevel);
  return withStopSignal(ctx, NAME, async (stopSignal) => {
    try {
      const summary = await runDemo(options, {
        logger,
        write: (text) => ctx.stdout(text),
        stopSignal,
        anomalyModelDir: join(ctx.repoRoot, 'models', 'anomaly'),
        rulModelDir: join(ctx.repoRoot, 'services', 'rul-api', 'models'),
      });
      return summary.exitCode;
    } catch (err) {
      // A --fault naming a machine the fleet lacks: exit 2 with the usage, like any other bad option.
      if (err instanceof UsageError) throw err;
      const code = (err as { code?: unknown }).code;
      const hint =
        code === 'EADDRINUSE'
          ? ` (port ${options.port} is in use: pick another with --port, or --port 0 for any free one)`
          : '';
      ctx.stderr(`${BIN} ${NAME}: could not start: ${describeError(err)}${hint}\n`);
      return code === 'EADDRINUSE' ? 2 : 1;
    }
  });
}

export const demoCommand: Command = {
  name: NAME,
  summary:
    'run the lite data path in one process: simulated fleet -> event bus -> ingestion -> store, REST on --port',
  synopsis: `${NAME} [options]`,
  description: [
    'Runs the data path in one process with no external server (the lite profile): the simulated fleet',
    '(libs/simulation) publishes readings to sensor-readings on the in-memory event bus, the ingestion service',
    'consumes them, dead-letters malformed ones to sensor-readings.dlq and writes the rest to the embedded',
    'time-series store, and serves them over REST on http://127.0.0.1:--port (the URLs to try are printed at',
    'start). Every second a progress line shows elapsed time, produced, written by ingestion, readings/s,',
    'machines, dead letters and the last DLQ reason. On Ctrl-C, SIGTERM or after --duration it drains, prints a',
    'summary and exits 1 unless produced = written + dead-lettered. Logs are JSON on stderr at LOG_LEVEL (default warn).',
  ].join('\n'),
  options: OPTIONS,
  examples: [
    `${BIN} demo                                  # 20 machines, 2000 readings/s, REST on :8082, until Ctrl-C`,
    `${BIN} demo --duration 10 --machines 100 --rate 5000 --seed 42`,
    `${BIN} demo --duration 5 --json | tail -1     # the summary as JSON`,
    `curl 'http://127.0.0.1:8082/machines/latest'  # while it runs, from another terminal`,
  ],
  run,
};
