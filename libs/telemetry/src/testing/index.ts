import { tracing } from '@opentelemetry/sdk-node';
import { startTelemetry } from '../telemetry';

export interface TestTelemetry {
  /** Spans that have ended so far, oldest first. */
  spans(): tracing.ReadableSpan[];
  /** The ended span with this name; throws when there is none, listing those there are. */
  span(name: string): tracing.ReadableSpan;
  reset(): void;
  shutdown(): Promise<void>;
}

/**
 * Starts the real telemetry setup (same propagators and context manager) with an in-memory exporter, so tests can
 * assert on the spans and headers their code produced. Shut it down in `afterAll`/`afterEach`.
 */
export function startTestTelemetry(serviceName = 'test'): TestTelemetry {
  const exporter = new tracing.InMemorySpanExporter();
  const telemetry = startTelemetry({
    serviceName,
    serviceVersion: '0.0.0',
    exporter: 'none',
    spanExporter: exporter,
    instrumentHttp: false,
    detectResources: false,
  });
  const spans = () => exporter.getFinishedSpans();
  return {
    spans,
    span: (name) => {
      const found = spans().find((s) => s.name === name);
      if (!found)
        throw new Error(
          `no span named "${name}"; ended spans: ${
            spans()
              .map((s) => s.name)
              .join(', ') || 'none'
          }`,
        );
      return found;
    },
    reset: () => exporter.reset(),
    shutdown: () => telemetry.shutdown(),
  };
}
