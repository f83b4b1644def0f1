import { createEventBus, type EventBus } from '@industrialmind/event-bus';
import { createLogger, type LogLevel, type Logger } from '@industrialmind/logger';
import { MAX_FLEET_SIZE } from '@industrialmind/simulation';
import { UsageError, intOption, positiveNumberOption, type OptionSpec } from '../args';
import { BIN, type CommandContext } from '../command';

export const PROFILES = ['lite', 'full'] as const;
export type Profile = (typeof PROFILES)[number];
export const KAFKA_HINT = 'start a local broker with: infrastructure/local/kafka.sh start';

/** `--profile` of the commands that only need an event bus (simulate, replay). */
export const BUS_PROFILE_OPTION: OptionSpec = {
  name: 'profile',
  type: 'string',
  valueName: 'lite|full',
  description: 'lite: in-memory event bus in this process; full: Kafka at KAFKA_BROKERS',
  defaultText: 'lite',
};

/** The JSON logger of a command: pino to the log destination (stderr), at LOG_LEVEL. */
export function createCommandLogger(
  ctx: CommandContext,
  command: string,
  profile: Profile,
  level: LogLevel,
): Logger {
  return createLogger({
    service: 'cli',
    version: ctx.version,
    profile,
    level,
    destination: ctx.logDestination,
  }).child({ command });
}

/**
 * The event bus of a profile: in memory for lite, Kafka at KAFKA_BROKERS for full. Throws UsageError when full is
 * asked for without KAFKA_BROKERS. The bus is not connected yet.
 */
export function createProfileBus(
  ctx: CommandContext,
  command: string,
  profile: Profile,
  logger: Logger,
): { bus: EventBus; where: string } {
  if (profile === 'lite') return { bus: createEventBus({ backend: 'memory' }, logger), where: '' };
  const brokers = ctx.loadConfig().kafka.brokers;
  if (brokers === undefined) {
    throw new UsageError(
      `--profile full needs KAFKA_BROKERS, e.g. KAFKA_BROKERS=127.0.0.1:9092 (${KAFKA_HINT})`,
      command,
    );
  }
  return {
    bus: createEventBus({ backend: 'kafka', brokers, clientId: `${BIN}-${command}` }, logger),
    where: ` (Kafka at ${brokers.join(',')}; ${KAFKA_HINT})`,
  };
}

/**
 * Runs `work` with an AbortSignal that the first SIGINT/SIGTERM aborts (graceful stop, with a summary); a second
 * signal means the user wants out now, so the process exits 1 without draining. The handlers are removed after.
 */
export async function withStopSignal<T>(
  ctx: CommandContext,
  command: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => () => {
    if (stop.signal.aborted) {
      ctx.stderr(`${BIN} ${command}: second ${signal}, exiting without draining\n`);
      ctx.exit(1);
      return;
    }
    stop.abort(signal);
  };
  const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') };
  ctx.signals.on('SIGINT', handlers.SIGINT);
  ctx.signals.on('SIGTERM', handlers.SIGTERM);
  try {
    return await work(stop.signal);
  } finally {
    ctx.signals.off('SIGINT', handlers.SIGINT);
    ctx.signals.off('SIGTERM', handlers.SIGTERM);
  }
}

/** Resolves with the reason to stop: the signal's (SIGINT...) or the end of the duration. */
export function waitForStop(signal: AbortSignal, durationSec: number | undefined): Promise<string> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      resolve(typeof signal.reason === 'string' ? signal.reason : 'stop requested');
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (durationSec !== undefined) {
      timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve('duration elapsed');
      }, durationSec * 1000);
    }
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds or `timeoutMs` passes; resolves with whether it held. */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
  return true;
}

/** --machines and --rate, shared by demo and simulate: a machine makes at most 1000 readings/s. */
export function fleetSizeAndRate(
  command: string,
  values: {
    machines?: string | boolean | string[] | undefined;
    rate?: string | boolean | string[] | undefined;
  },
  defaults: { machines: number; ratePerSec: number },
): { machines: number; ratePerSec: number } {
  const machines =
    intOption(command, 'machines', values.machines, { min: 1, max: MAX_FLEET_SIZE }) ?? defaults.machines;
  const ratePerSec =
    positiveNumberOption(command, 'rate', values.rate, { max: 1_000_000 }) ?? defaults.ratePerSec;
  if (ratePerSec > machines * 1000) {
    throw new UsageError(
      `--rate ${ratePerSec} is too high for ${machines} machines: each machine makes at most 1000 readings/s`,
      command,
    );
  }
  return { machines, ratePerSec };
}
