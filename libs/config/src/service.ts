import { env } from './schema';

export interface ServiceEnvOptions {
  /** Default of `HTTP_PORT`: the service's port in the platform's port plan. */
  port: number;
  /** What `PROFILE` selects for this service, e.g. `lite: in-memory event bus in one process; full: Kafka`. */
  profile: string;
}

/**
 * The variables every service reads (STYLE.md, Configuration): profile, log level, the REST API's address,
 * tracing and the shutdown grace period. A service spreads them into its `envSchema` and maps them with
 * {@link serviceSettings}.
 */
export function serviceEnv(options: ServiceEnvOptions) {
  return {
    PROFILE: env.profile().describe(options.profile),
    LOG_LEVEL: env
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
      .default('info')
      .describe('Log level'),
    HTTP_HOST: env.string().default('0.0.0.0').describe('Address the REST API binds to'),
    HTTP_PORT: env
      .port()
      .default(options.port)
      .describe('Port of the REST API, /healthz, /readyz and /metrics (0: any free port)'),
    OTEL_EXPORTER: env.enum(['otlp', 'console', 'none']).default('none').describe('Where traces go'),
    OTEL_EXPORTER_OTLP_ENDPOINT: env
      .url({ protocols: ['http', 'https'] })
      .optional()
      .describe('OTLP/HTTP endpoint when OTEL_EXPORTER=otlp'),
    SHUTDOWN_GRACE_MS: env
      .durationMs({ min: 1_000 })
      .default(25_000)
      .describe('Longest graceful shutdown before exit 1'),
  };
}

/** The parsed values of {@link serviceEnv}'s variables. */
export interface ServiceEnvValues {
  PROFILE: 'lite' | 'full';
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  HTTP_HOST: string;
  HTTP_PORT: number;
  OTEL_EXPORTER: 'otlp' | 'console' | 'none';
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  SHUTDOWN_GRACE_MS: number;
}

/** {@link serviceEnv}'s variables as the nested config every service's main uses. */
export function serviceSettings(e: ServiceEnvValues) {
  return {
    profile: e.PROFILE,
    logLevel: e.LOG_LEVEL,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    otel: { exporter: e.OTEL_EXPORTER, endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
