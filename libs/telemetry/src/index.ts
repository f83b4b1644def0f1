export { extractTraceContext, injectTraceHeaders, spanLinkFromHeaders, withSpan } from './propagation';
export type { HeaderValue, IncomingHeaders, WithSpanOptions } from './propagation';
export { startTelemetry } from './telemetry';
export type { Telemetry, TelemetryOptions, TraceExporterKind } from './telemetry';
