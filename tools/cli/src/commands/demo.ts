import { randomInt } from 'node:crypto';
import { describeError } from '@industrialmind/errors';
import { createEventBus, type EventBusConfig } from '@industrialmind/event-bus';
import { createLogger } from '@industrialmind/logger';
import {
  UsageError,
  choiceOption,
  intOption,
  parseCommandArgs,
  positiveNumberOption,
  type OptionSpec,
} from '../args';
import { BIN, renderCommandHelp, type Command, type CommandContext } from '../command';
import { runDemo, type DemoOptions } from '../demo/run-demo';

const NAME = 'demo';
const PROFILES = ['lite', 'full'] as const;
const DEFAULTS = { machines: 20, ratePerSec: 2000, badEvery: 1000, drainTimeoutSec: 15 };
const KAFKA_HINT = 'start a local broker with: infrastructure/local/kafka.sh start';

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
    name: 'profile',
    type: 'string',
    valueName: 'lite|full',
    description: 'lite: in-memory event bus in this process; full: Kafka at KAFKA_BROKERS',
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
    description: 'on stop, how long to wait for the consumers to catch up',
    defaultText: String(DEFAULTS.drainTimeoutSec),
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
  return {
    machines: intOption(NAME, 'machines', values.machines, { min: 1, max: 100_000 }) ?? DEFAULTS.machines,
    ratePerSec: positiveNumberOption(NAME, 'rate', values.rate, { max: 1_000_000 }) ?? DEFAULTS.ratePerSec,
    durationSec: positiveNumberOption(NAME, 'duration', values.duration, { max: 7 * 24 * 3600 }),
    seed: intOption(NAME, 'seed', values.seed, { min: 0, max: 0xffffffff }) ?? randomInt(0, 2 ** 31),
    profile: choiceOption(NAME, 'profile', values.profile, PROFILES) ?? 'lite',
    badEvery:
      intOption(NAME, 'bad-every', values['bad-every'], { min: 0, max: 1_000_000_000 }) ?? DEFAULTS.badEvery,
    drainTimeoutSec:
      positiveNumberOption(NAME, 'drain-timeout', values['drain-timeout'], { max: 600 }) ??
      DEFAULTS.drainTimeoutSec,
    json: values.json === true,
  };
}

async function run(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const options = parseDemoOptions(argv);
  if (options === 'help') {
    ctx.stdout(renderCommandHelp(demoCommand, ctx));
    return 0;
  }
  const config = ctx.loadConfig();
  let busConfig: EventBusConfig;
  if (options.profile === 'full') {
    const brokers = config.kafka.brokers;
    if (brokers === undefined) {
      throw new UsageError(
        `--profile full needs KAFKA_BROKERS, e.g. KAFKA_BROKERS=127.0.0.1:9092 (${KAFKA_HINT})`,
        NAME,
      );
    }
    busConfig = { backend: 'kafka', brokers, clientId: `${BIN}-demo` };
  } else {
    busConfig = { backend: 'memory' };
  }
  const logger = createLogger({
    service: 'cli',
    version: ctx.version,
    profile: options.profile,
    level: config.logLevel,
    destination: ctx.logDestination,
  }).child({ command: NAME });

  // First signal: graceful shutdown with a summary. Second: the user means it, exit at once.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => () => {
    if (stop.signal.aborted) {
      ctx.stderr(`${BIN} ${NAME}: second ${signal}, exiting without draining\n`);
      ctx.exit(1);
      return;
    }
    stop.abort(signal);
  };
  const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') };
  ctx.signals.on('SIGINT', handlers.SIGINT);
  ctx.signals.on('SIGTERM', handlers.SIGTERM);
  try {
    const summary = await runDemo(options, {
      // No component binding here: the Kafka adapter adds its own (component: kafkajs) and pino would repeat the key.
      bus: createEventBus(busConfig, logger),
      logger,
      write: (text) => ctx.stdout(text),
      stopSignal: stop.signal,
    });
    return summary.exitCode;
  } catch (err) {
    const where =
      busConfig.backend === 'kafka' ? ` (Kafka at ${busConfig.brokers.join(',')}; ${KAFKA_HINT})` : '';
    ctx.stderr(`${BIN} ${NAME}: could not start: ${describeError(err)}${where}\n`);
    return 1;
  } finally {
    ctx.signals.off('SIGINT', handlers.SIGINT);
    ctx.signals.off('SIGTERM', handlers.SIGTERM);
  }
}

export const demoCommand: Command = {
  name: NAME,
  summary:
    'run the lite profile in one process: a simulated fleet, the event bus, a fleet monitor and its DLQ',
  synopsis: `${NAME} [options]`,
  description: [
    'Runs the platform in one process with no external server (the lite profile): a producer publishes',
    'plausible readings for a fleet of the simulator machine types to sensor-readings, the fleet-monitor',
    'consumer group validates them against the contract and dead-letters malformed ones to sensor-readings.dlq,',
    'and a DLQ consumer counts them. Every second a progress line shows elapsed time, produced, consumed,',
    'readings/s, machines seen, dead letters and the last DLQ reason. On Ctrl-C, SIGTERM or after --duration',
    'it drains, prints a summary and exits 1 unless produced = consumed + dead-lettered.',
    'Logs are JSON on stderr at LOG_LEVEL (default warn).',
  ].join('\n'),
  options: OPTIONS,
  examples: [
    `${BIN} demo                                  # 20 machines, 2000 readings/s, until Ctrl-C`,
    `${BIN} demo --duration 10 --machines 100 --rate 5000 --seed 42`,
    `${BIN} demo --duration 5 --json | tail -1     # the summary as JSON`,
    `KAFKA_BROKERS=127.0.0.1:9092 ${BIN} demo --profile full --duration 30`,
  ],
  run,
};
