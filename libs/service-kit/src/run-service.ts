import { createLifecycle, LIFECYCLE_EVENTS, type Lifecycle, type LifecycleOptions } from './lifecycle';

/** The part of `process` the kit listens on; tests pass an EventEmitter and emit 'SIGTERM' themselves. */
export interface ProcessEvents {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface RunServiceOptions extends LifecycleOptions {
  /** The service's one name, logged at start and stop. */
  name: string;
  /**
   * Opens the service's resources in dependency order, registering each with the lifecycle right after opening it
   * (clients first, then consumers and the HTTP server that take in work). May throw; see {@link runService}.
   */
  start: (lifecycle: Lifecycle) => Promise<void> | void;
  /** Turn readiness on as soon as `start` resolves; default true. Pass false to call `setReady(true)` yourself. */
  isReadyAfterStart?: boolean;
  /** Signal and fatal-error source; default `process`. */
  processEvents?: ProcessEvents;
  /** Signals that start a graceful shutdown; default SIGTERM and SIGINT. */
  signals?: readonly string[];
}

/**
 * Runs a service process: installs fatal handlers (`uncaughtException`, `unhandledRejection`: log at fatal, exit 1)
 * and signal handlers (first signal: graceful shutdown, see {@link Lifecycle.shutdown}; second signal: exit 1 at
 * once), then calls `start` and marks the service ready. If `start` throws, the error is logged at fatal, what was
 * already opened is closed, and the process exits 1. Resolves with the lifecycle once started.
 *
 * @example
 * // main.ts
 * void runService({ name: 'ingestion', logger, start: async (lifecycle) => {
 *   const store = await createTimeSeriesStore(config.influx, logger);
 *   lifecycle.register('timeseries-store', () => store.close());
 *   const server = await listen(createApp({ store, lifecycle }), config.http);
 *   lifecycle.register('http-server', () => server.close());
 * } });
 */
export async function runService(options: RunServiceOptions): Promise<Lifecycle> {
  const {
    name,
    start,
    isReadyAfterStart = true,
    processEvents = process,
    signals = ['SIGTERM', 'SIGINT'],
  } = options;
  const exitProcess = options.exit ?? ((code: number) => process.exit(code));
  // One exit per process: a fatal error or second signal during shutdown must not race the lifecycle's own exit.
  let hasExited = false;
  const exit = (code: number) => {
    if (hasExited) return;
    hasExited = true;
    exitProcess(code);
  };
  const logger = options.logger;
  const lifecycle = createLifecycle({ ...options, exit });

  processEvents.on('uncaughtException', (err: unknown) => {
    logger.fatal({ err, event: LIFECYCLE_EVENTS.uncaughtException }, 'uncaught exception');
    exit(1);
  });
  processEvents.on('unhandledRejection', (reason: unknown) => {
    logger.fatal({ err: reason, event: LIFECYCLE_EVENTS.unhandledRejection }, 'unhandled rejection');
    exit(1);
  });
  for (const signal of signals) {
    processEvents.on(signal, () => {
      if (lifecycle.isShuttingDown()) {
        logger.warn({ signal }, 'second signal received, exiting now');
        exit(1);
        return;
      }
      void lifecycle.shutdown(signal);
    });
  }

  logger.info({ service_name: name, pid: process.pid }, 'service starting');
  try {
    await start(lifecycle);
  } catch (err) {
    logger.fatal({ err, event: LIFECYCLE_EVENTS.startFailed }, 'service failed to start');
    await lifecycle.shutdown('start failed', { exitCode: 1 });
    return lifecycle;
  }
  if (lifecycle.isShuttingDown()) return lifecycle;
  if (isReadyAfterStart) lifecycle.setReady(true);
  logger.info({ service_name: name, is_ready: lifecycle.isReady() }, 'service started');
  return lifecycle;
}
