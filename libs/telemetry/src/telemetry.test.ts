import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { injectTraceHeaders, withSpan } from './propagation';
import { startTelemetry } from './telemetry';

describe(startTelemetry.name, () => {
  it('names the resource after the service and exports ended spans', async () => {
    const exporter = new tracing.InMemorySpanExporter();
    const sut = startTelemetry({
      serviceName: 'ingestion',
      serviceVersion: '1.2.3',
      exporter: 'otlp',
      spanExporter: exporter,
      instrumentHttp: false,
      detectResources: false,
      attributes: { 'deployment.environment.name': 'test' },
    });
    try {
      await withSpan('work', () => undefined);

      const [span] = exporter.getFinishedSpans();
      expect(span?.resource.attributes).toMatchObject({
        'service.name': 'ingestion',
        'service.version': '1.2.3',
        'deployment.environment.name': 'test',
      });
    } finally {
      await sut.shutdown();
    }
  });

  it('refuses to start twice and can start again after shutdown', async () => {
    const first = startTelemetry({
      serviceName: 's',
      serviceVersion: '1',
      exporter: 'none',
      instrumentHttp: false,
      detectResources: false,
    });

    expect(() => startTelemetry({ serviceName: 's', serviceVersion: '1', exporter: 'none' })).toThrow(
      'telemetry already started',
    );
    await Promise.all([first.shutdown(), first.shutdown()]);
    const second = startTelemetry({
      serviceName: 's',
      serviceVersion: '1',
      exporter: 'none',
      instrumentHttp: false,
      detectResources: false,
    });
    await second.shutdown();
  });

  it('records nothing but still propagates incoming context with exporter none', async () => {
    const sut = startTelemetry({
      serviceName: 's',
      serviceVersion: '1',
      exporter: 'none',
      instrumentHttp: false,
      detectResources: false,
    });
    try {
      const parent = trace.setSpanContext(context.active(), {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: 1,
      });

      const headers = await withSpan('ignored', () => injectTraceHeaders(), { parent });

      expect(headers.traceparent).toContain('0af7651916cd43dd8448eb211c80319c');
    } finally {
      await sut.shutdown();
    }
  });

  it('builds console and OTLP pipelines with http instrumentation and logs SDK diagnostics', async () => {
    const logs = createCapturedLogger();
    const otlp = startTelemetry({
      serviceName: 's',
      serviceVersion: '1',
      exporter: 'otlp',
      otlpEndpoint: 'http://127.0.0.1:1/',
      logger: logs.logger,
    });
    // No span is created, so nothing is sent to the unreachable endpoint.
    await otlp.shutdown();
    const consoleTelemetry = startTelemetry({
      serviceName: 's',
      serviceVersion: '1',
      exporter: 'console',
      otlpEndpoint: 'http://x:4318/v1/traces',
      detectResources: false,
    });
    await consoleTelemetry.shutdown();

    const withLogger = startTelemetry({
      serviceName: 's',
      serviceVersion: '1',
      exporter: 'none',
      instrumentHttp: false,
      logger: logs.logger,
    });
    try {
      const { diag } = await import('@opentelemetry/api');
      diag.error('export failed', new Error('ECONNREFUSED'));
      diag.warn('dropped spans');
      diag.info('hidden below warn');

      expect(logs.lines()).toEqual([
        expect.objectContaining({
          level: 'warn',
          msg: 'telemetry diagnostic',
          detail: 'export failed',
          err: expect.objectContaining({ message: 'ECONNREFUSED' }),
        }),
        expect.objectContaining({ level: 'warn', msg: 'telemetry diagnostic', detail: 'dropped spans' }),
      ]);
    } finally {
      await withLogger.shutdown();
    }
  });

  it('shuts down cleanly when the collector drops the final export, and says so', async () => {
    // A collector that reads each export and drops the connection without answering.
    const collector = createServer((req) => {
      req.resume();
      req.once('end', () => req.socket.destroy());
    });
    await new Promise<void>((ok) => collector.listen(0, '127.0.0.1', ok));
    const logs = createCapturedLogger();
    const sut = startTelemetry({
      serviceName: 's',
      serviceVersion: '1',
      exporter: 'otlp',
      otlpEndpoint: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      instrumentHttp: false,
      detectResources: false,
      logger: logs.logger,
    });
    try {
      await withSpan('work', () => undefined);

      await expect(sut.shutdown()).resolves.toBeUndefined();
      expect(logs.find('telemetry: the final span export failed; those spans are lost')).toMatchObject({
        level: 'warn',
      });
    } finally {
      collector.close();
    }
  });
});
