import { createServer, request as httpRequest, Server, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError, ErrorCode } from '@industrialmind/errors';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { startTestTelemetry, type TestTelemetry } from '@industrialmind/telemetry/testing';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import { createHttpApp } from './app';
import { leanRoute } from './lean-routes';
import { listen, type HttpServer } from './listen';

interface Answer {
  res: IncomingMessage;
  body: string;
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body = '') {
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ res, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

function serve() {
  const logs = createCapturedLogger();
  let release: (() => void) | undefined;
  const app = createHttpApp({
    logger: logs.logger,
    registry: new Registry(),
    readiness: () => true,
    routes: () => {},
    leanRoutes: [
      leanRoute({
        method: 'POST',
        path: '/echo',
        body: (raw) => raw as { name?: string },
        handle: async ({ body, log }) => {
          if (body.name === 'boom') throw new Error('secret');
          if (body.name === 'missing') throw new AppError(ErrorCode.NOT_FOUND, 'no such name');
          if (body.name === 'slow') await new Promise<void>((resolve) => (release = resolve));
          log.info({ name: body.name }, 'echo served');
          return { hello: body.name };
        },
      }),
    ] as never,
  });
  return { app, logs, release: () => release?.() };
}

describe('lean routes through listen', () => {
  let server: HttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("answers lean routes before the server's request event, and the rest through it", async () => {
    // What OpenTelemetry's http instrumentation does: wrap Server.prototype.emit.
    const original = Server.prototype.emit;
    const seen: string[] = [];
    Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
      if (event === 'request') seen.push(String((args[0] as IncomingMessage).url));
      return (original as (...a: unknown[]) => boolean).call(this, event, ...args);
    } as typeof original;
    try {
      const { app } = serve();
      server = await listen(app, { port: 0, host: '127.0.0.1' });

      const lean = await send(server.port, 'POST', '/echo?x=1', {}, '{"name":"pump"}');
      const probe = await send(server.port, 'GET', '/healthz');
      const odd = await send(server.port, 'POST', '/echo', { 'content-type': 'text/plain' }, '{"name":"x"}');

      expect([lean.res.statusCode, JSON.parse(lean.body)]).toEqual([200, { hello: 'pump' }]);
      expect(lean.res.headers['x-request-id']).toEqual(expect.any(String));
      expect(probe.res.statusCode).toBe(200);
      // A body the lean path does not take goes to express, through the event (this app has no express /echo).
      expect(odd.res.statusCode).toBe(404);
      expect(seen).toEqual(['/healthz', '/echo']);
    } finally {
      Server.prototype.emit = original;
    }
  });

  it('lets an in-flight lean request finish on close, with Connection: close', async () => {
    const { app, release } = serve();
    server = await listen(app, { port: 0, host: '127.0.0.1' });
    const slow = send(server.port, 'POST', '/echo', {}, '{"name":"slow"}');
    await new Promise((resolve) => setTimeout(resolve, 50));

    let isClosed = false;
    const closing = server.close().then(() => (isClosed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(isClosed).toBe(false);
    release();
    const answer = await slow;
    await closing;

    expect(answer.res.statusCode).toBe(200);
    expect(answer.res.headers.connection).toBe('close');
    expect(isClosed).toBe(true);
    server = undefined;
  });

  describe('tracing', () => {
    let telemetry: TestTelemetry;
    beforeEach(() => {
      telemetry = startTestTelemetry('http-test');
    });
    afterEach(() => telemetry.shutdown());

    it("records a server span per lean request, continuing the caller's trace", async () => {
      const { app, logs } = serve();
      server = await listen(app, { port: 0, host: '127.0.0.1' });

      await send(server.port, 'POST', '/echo', { traceparent: TRACEPARENT }, '{"name":"pump"}');
      await new Promise((resolve) => setImmediate(resolve));

      const span = telemetry.span('POST /echo');
      expect(span.kind).toBe(SpanKind.SERVER);
      expect(span.spanContext().traceId).toBe(TRACE_ID);
      expect(span.parentSpanContext?.spanId).toBe(PARENT_ID);
      expect(span.attributes).toMatchObject({
        'http.request.method': 'POST',
        'http.route': '/echo',
        'http.response.status_code': 200,
      });
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      // The handler's log lines carry the span's ids.
      expect(logs.find('echo served')).toMatchObject({
        trace_id: TRACE_ID,
        span_id: span.spanContext().spanId,
      });
    });

    it('starts a new trace without a caller trace, and marks 5xx answers as errors', async () => {
      const { app } = serve();
      server = await listen(app, { port: 0, host: '127.0.0.1' });

      const crash = await send(server.port, 'POST', '/echo', {}, '{"name":"boom"}');
      const missing = await send(server.port, 'POST', '/echo', {}, '{"name":"missing"}');
      await new Promise((resolve) => setImmediate(resolve));

      expect([crash.res.statusCode, missing.res.statusCode]).toEqual([500, 404]);
      const [failed, notFound] = telemetry.spans().filter((s) => s.name === 'POST /echo');
      expect(failed!.parentSpanContext).toBeUndefined();
      expect(failed!.attributes['http.response.status_code']).toBe(500);
      expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
      expect(notFound!.attributes['http.response.status_code']).toBe(404);
      expect(notFound!.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('logs a slow lean request with its trace id', async () => {
      const logs = createCapturedLogger();
      const app = createHttpApp({
        logger: logs.logger,
        registry: new Registry(),
        readiness: () => true,
        routes: () => {},
        slowRequestMs: 0,
        leanRoutes: [leanRoute({ method: 'GET', path: '/ping', handle: () => ({ pong: true }) })] as never,
      });
      server = await listen(app, { port: 0, host: '127.0.0.1' });

      await send(server.port, 'GET', '/ping', { traceparent: TRACEPARENT });
      await new Promise((resolve) => setImmediate(resolve));

      expect(logs.find('slow request')).toMatchObject({ trace_id: TRACE_ID, route: '/ping' });
    });
  });

  it('without telemetry started, serves lean requests and logs no trace fields', async () => {
    const { app, logs } = serve();
    server = await listen(app, { port: 0, host: '127.0.0.1' });

    await send(server.port, 'POST', '/echo', { traceparent: TRACEPARENT }, '{"name":"pump"}');

    // No propagator is registered either, so nothing is extracted.
    expect(logs.find('echo served')).toMatchObject({ name: 'pump' });
    expect(logs.find('echo served')).not.toHaveProperty('trace_id');
  });

  it("served by another server inside an active span (the http instrumentation's), names that span", async () => {
    const telemetry = startTestTelemetry('http-test');
    const { app } = serve();
    // What the instrumentation does for a request it traces: the handler runs with its server span active.
    const tracer = trace.getTracer('instrumentation');
    const other = createServer((req, res) => {
      const span = tracer.startSpan('POST', { kind: SpanKind.SERVER });
      res.once('close', () => span.end());
      context.with(trace.setSpan(context.active(), span), () => app(req, res));
    });
    await new Promise<void>((ok) => other.listen(0, '127.0.0.1', ok));
    try {
      const answer = await send(
        (other.address() as AddressInfo).port,
        'POST',
        '/echo',
        {},
        '{"name":"pump"}',
      );
      await new Promise((resolve) => setImmediate(resolve));

      expect(answer.res.statusCode).toBe(200);
      // One span: the route renamed the active one instead of starting its own.
      expect(
        telemetry.spans().map((s) => [s.name, s.attributes['http.route'], s.instrumentationScope.name]),
      ).toEqual([['POST /echo', '/echo', 'instrumentation']]);
    } finally {
      other.closeAllConnections();
      other.close();
      await telemetry.shutdown();
    }
  });
});
