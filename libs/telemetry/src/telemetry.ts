import { AppError, ErrorCode } from '@industrialmind/errors';
import type { Logger } from '@industrialmind/logger';
import {
  DiagLogLevel,
  context,
  diag,
  metrics,
  propagation,
  trace,
  type DiagLogger,
} from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK, core, resources, tracing } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export type TraceExporterKind = 'otlp' | 'console' | 'none';

export interface TelemetryOptions {
  /** The service's one name (also its package, image and Kafka group id). */
  serviceName: string;
  serviceVersion: string;
  /** `otlp` sends spans over OTLP/HTTP, `console` prints them (local debugging), `none` records nothing. */
  exporter: TraceExporterKind;
  /** OTLP/HTTP base URL such as `http://otel-collector:4318`; `/v1/traces` is appended. Default: the SDK's. */
  otlpEndpoint?: string;
  /** Extra resource attributes, e.g. `{ 'deployment.environment.name': 'prod' }`. */
  attributes?: Record<string, string>;
  /**
   * Server and client spans for node:http (incoming trace context is continued), default true. Requests to
   * `ignorePaths` get no span. Call startTelemetry() before other modules create servers or clients.
   */
  instrumentHttp?: boolean;
  /** Incoming paths that get no span; default the probes and `/metrics`. */
  ignorePaths?: readonly string[];
  /** Detect host/process/OTEL_RESOURCE_ATTRIBUTES resource attributes, default true. */
  detectResources?: boolean;
  /** Receives the SDK's own diagnostics (an unreachable collector, dropped spans) at warn. */
  logger?: Pick<Logger, 'warn' | 'debug'>;
  /** Replaces the exporter chosen by `exporter`, spans exported one by one as they end (tests). */
  spanExporter?: tracing.SpanExporter;
}

export interface Telemetry {
  /**
   * Flushes pending spans and unregisters the global tracer provider, propagator and context manager. Resolves even
   * when the final export fails (logged at warn): spans are best effort.
   */
  shutdown(): Promise<void>;
}

const DEFAULT_IGNORED_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics'];

let isStarted = false;

function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}

function spanProcessors(options: TelemetryOptions): tracing.SpanProcessor[] {
  if (options.spanExporter) return [new tracing.SimpleSpanProcessor(options.spanExporter)];
  switch (options.exporter) {
    case 'otlp':
      return [
        new tracing.BatchSpanProcessor(
          new OTLPTraceExporter(options.otlpEndpoint ? { url: tracesUrl(options.otlpEndpoint) } : {}),
        ),
      ];
    case 'console':
      return [new tracing.SimpleSpanProcessor(new tracing.ConsoleSpanExporter())];
    case 'none':
      return [];
  }
}

function diagLogger(logger: Pick<Logger, 'warn' | 'debug'>): DiagLogger {
  const at =
    (level: 'warn' | 'debug') =>
    (message: string, ...args: unknown[]) => {
      const err = args.find((arg) => arg instanceof Error);
      logger[level]({ detail: message, ...(err ? { err } : {}) }, 'telemetry diagnostic');
    };
  return { error: at('warn'), warn: at('warn'), info: at('debug'), debug: at('debug'), verbose: at('debug') };
}

/**
 * Starts tracing for the process: W3C trace-context and baggage propagation, an async-local context manager and
 * the chosen exporter. Nothing is auto-instrumented except node:http (optional), to keep startup light. Call it
 * first in main.ts, register `shutdown` with the lifecycle so it closes last.
 *
 * @example
 * const telemetry = startTelemetry({ serviceName: 'ingestion', serviceVersion: '1.2.0', exporter: 'otlp',
 *   otlpEndpoint: config.otel.endpoint, logger });
 * lifecycle.register('telemetry', () => telemetry.shutdown());
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (isStarted) throw new AppError(ErrorCode.INTERNAL, 'telemetry already started');
  const ignored = new Set(options.ignorePaths ?? DEFAULT_IGNORED_PATHS);
  const instrumentations =
    options.instrumentHttp === false
      ? []
      : [
          new HttpInstrumentation({
            ignoreIncomingRequestHook: (req) => ignored.has((req.url ?? '').split('?')[0] ?? ''),
          }),
        ];

  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: resources.defaultResource().merge(
      resources.resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        [ATTR_SERVICE_VERSION]: options.serviceVersion,
        ...options.attributes,
      }),
    ),
    autoDetectResources: options.detectResources ?? true,
    textMapPropagator: new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    }),
    spanProcessors: spanProcessors(options),
    // Without this the SDK builds an OTLP log pipeline by default; our logs go to stdout through pino. (Metrics are
    // scraped from /metrics; the SDK builds a metric pipeline only if OTEL_METRICS_EXPORTER asks for one.)
    logRecordProcessors: [],
    instrumentations,
  });
  if (options.logger) diag.setLogger(diagLogger(options.logger), DiagLogLevel.WARN);
  sdk.start();
  // The http instrumentation patches node:http when it is next required. In a CommonJS main.ts the imports (express,
  // our http lib) load node:http before startTelemetry() runs, so require it again here: the hook then patches the
  // cached module in place and servers created afterwards (and requests they receive) are traced.
  if (instrumentations.length > 0) for (const name of ['node:http', 'node:https']) module.require(name);
  isStarted = true;

  let stopping: Promise<void> | undefined;
  return {
    shutdown: () => {
      stopping ??= (async () => {
        try {
          await sdk.shutdown();
        } catch (err) {
          // The last spans could not be exported (collector down or gone): spans are best effort, so this is
          // not a failed shutdown of the service.
          options.logger?.warn({ err }, 'telemetry: the final span export failed; those spans are lost');
        } finally {
          instrumentations.forEach((instrumentation) => instrumentation.disable());
          trace.disable();
          metrics.disable();
          logs.disable();
          propagation.disable();
          context.disable();
          diag.disable();
          isStarted = false;
        }
      })();
      return stopping;
    },
  };
}
