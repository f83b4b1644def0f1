/**
 * The composition root every service's `main.ts` shares: read the config (exit 1 with every problem listed when
 * it is bad), create the logger, start tracing, let the service compose its adapters, serve its REST API and start
 * it, with signals and graceful shutdown from {@link runService}. Exported as `@industrialmind/service-kit/main`
 * so that importing the kit elsewhere does not load the telemetry SDK.
 */
import { ConfigError, redactConfig } from '@industrialmind/config';
import { listen } from '@industrialmind/http';
import { createLogger, type Logger, type LoggerOptions } from '@industrialmind/logger';
import { startTelemetry } from '@industrialmind/telemetry';
import type { Express } from 'express';
import type { Lifecycle } from './lifecycle';
import { runService, type RunServiceOptions } from './run-service';

/** What `serviceSettings` of @industrialmind/config maps every service's common variables to. */
export interface MainConfig {
  profile: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  http: { host: string; port: number };
  otel: { exporter: 'otlp' | 'console' | 'none'; endpoint?: string | undefined };
  shutdownGraceMs: number;
}

/** The service `compose` returns: its REST app, and start/stop of what takes in work. */
export interface MainService {
  app: Express;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceMainOptions<C extends MainConfig> {
  name: string;
  version: string;
  readConfig: () => C;
  /** Opens the adapters, registering each with the lifecycle right after opening it, and builds the service. */
  compose: (ctx: { config: C; logger: Logger; lifecycle: Lifecycle }) => Promise<MainService> | MainService;
  /**
   * Name of the service's stop in the lifecycle. It is registered last, so it stops first: intake ends and the
   * in-flight work finishes and commits before the adapters close.
   */
  stopName: string;
  /** For tests: signal source and process exit (default `process`, `process.exit`), as {@link runService}. */
  processEvents?: RunServiceOptions['processEvents'];
  exit?: (code: number) => void;
  /** For tests: where the logs go (default stdout). */
  logDestination?: Pick<LoggerOptions, 'destination'>;
}

/**
 * Runs the service process. Resolves once started (or at once after a bad config, which exits 1 listing every
 * problem); signals then shut it down gracefully.
 */
export async function runServiceMain<C extends MainConfig>(options: ServiceMainOptions<C>): Promise<void> {
  const { name, version } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let config: C;
  try {
    config = options.readConfig();
  } catch (err) {
    const logger = createLogger({ service: name, version, profile: 'unknown', ...options.logDestination });
    if (err instanceof ConfigError) logger.fatal({ problems: err.problems }, err.message);
    else logger.fatal({ err }, 'config could not be read');
    exit(1);
    return;
  }
  const logger = createLogger({
    service: name,
    version,
    profile: config.profile,
    level: config.logLevel,
    ...options.logDestination,
  });
  logger.info({ config: redactConfig(config) }, 'config loaded');

  await runService({
    name,
    logger,
    exit,
    ...(options.processEvents ? { processEvents: options.processEvents } : {}),
    gracePeriodMs: config.shutdownGraceMs,
    start: async (lifecycle) => {
      const telemetry = startTelemetry({
        serviceName: name,
        serviceVersion: version,
        exporter: config.otel.exporter,
        ...(config.otel.endpoint ? { otlpEndpoint: config.otel.endpoint } : {}),
        logger,
      });
      lifecycle.register('telemetry', () => telemetry.shutdown());
      const service = await options.compose({ config, logger, lifecycle });
      const server = await listen(service.app, config.http);
      lifecycle.register('http-server', () => server.close());
      logger.info({ port: server.port, host: config.http.host }, 'http listening');
      await service.start();
      lifecycle.register(options.stopName, () => service.stop());
    },
  });
}
