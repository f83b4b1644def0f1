import { AppError, ErrorCode } from '@industrialmind/errors';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { extractTraceContext, injectTraceHeaders, spanLinkFromHeaders, withSpan } from './propagation';
import { startTestTelemetry, type TestTelemetry } from './testing';

describe('trace propagation through message headers', () => {
  let telemetry: TestTelemetry;
  beforeAll(() => {
    telemetry = startTestTelemetry();
  });
  afterAll(() => telemetry.shutdown());
  beforeEach(() => telemetry.reset());

  it('injects the active span as a W3C traceparent and baggage', async () => {
    const baggage = propagation.createBaggage({ tenant: { value: 'plant-7' } });

    const headers = await context.with(propagation.setBaggage(context.active(), baggage), () =>
      withSpan('sensor-readings publish', () => injectTraceHeaders({ 'content-type': 'application/json' })),
    );

    const published = telemetry.span('sensor-readings publish');
    expect(headers).toEqual({
      'content-type': 'application/json',
      traceparent: `00-${published.spanContext().traceId}-${published.spanContext().spanId}-01`,
      baggage: 'tenant=plant-7',
    });
  });

  it('continues the producer trace in the consumer from Buffer headers', async () => {
    const headers = await withSpan('publish', () => injectTraceHeaders());
    const kafkaHeaders = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k.toUpperCase(), Buffer.from(v)]),
    );

    await withSpan('sensor-readings process', () => undefined, {
      kind: SpanKind.CONSUMER,
      parent: extractTraceContext(kafkaHeaders),
    });

    const producer = telemetry.span('publish');
    const consumer = telemetry.span('sensor-readings process');
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
  });

  it('reads header arrays and ignores missing headers', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

    const fromArray = trace.getSpanContext(
      extractTraceContext({ traceparent: [traceparent], other: undefined }),
    );

    expect(fromArray?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(extractTraceContext(undefined)).toBe(ROOT_CONTEXT);
    expect(trace.getSpanContext(extractTraceContext({ other: 'x' }))).toBeUndefined();
  });

  it('links a batch span to each producer span', async () => {
    const first = await withSpan('publish 1', () => injectTraceHeaders());
    const second = await withSpan('publish 2', () => injectTraceHeaders());
    const links = [first, second, {}].map(spanLinkFromHeaders).filter((link) => link !== undefined);

    await withSpan('batch process', () => undefined, {
      links,
      attributes: { 'messaging.batch.message_count': 3 },
    });

    const batch = telemetry.span('batch process');
    expect(batch.links.map((l) => l.context.spanId)).toEqual([
      telemetry.span('publish 1').spanContext().spanId,
      telemetry.span('publish 2').spanContext().spanId,
    ]);
    expect(batch.attributes['messaging.batch.message_count']).toBe(3);
  });

  it('nests spans under the active one and returns the result', async () => {
    const result = await withSpan('outer', () => withSpan('inner', async () => 42));

    expect(result).toBe(42);
    expect(telemetry.span('inner').parentSpanContext?.spanId).toBe(
      telemetry.span('outer').spanContext().spanId,
    );
  });

  it('records a failure on the span and rethrows it', async () => {
    const failure = new AppError(ErrorCode.UPSTREAM_TIMEOUT, 'influx timed out');

    await expect(withSpan('write', () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(
      withSpan('parse', () => {
        throw new TypeError('bad');
      }),
    ).rejects.toThrow('bad');
    await expect(
      withSpan('odd', () => {
        throw 'text';
      }),
    ).rejects.toBe('text');

    expect(telemetry.span('write').status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'UPSTREAM_TIMEOUT: influx timed out',
    });
    expect(telemetry.span('write').attributes['error.type']).toBe('UPSTREAM_TIMEOUT');
    expect(telemetry.span('write').events.map((e) => e.name)).toEqual(['exception']);
    expect(telemetry.span('parse').attributes['error.type']).toBe('TypeError');
    expect(telemetry.span('odd').attributes['error.type']).toBe('unknown');
    expect(() => telemetry.span('missing')).toThrow('no span named "missing"');
  });
});
