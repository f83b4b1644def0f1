import { gzipSync } from 'node:zlib';
import { AppError, ErrorCode } from '@industrialmind/errors';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import type { Express } from 'express';
import { Registry } from 'prom-client';
import request, { type Response } from 'supertest';
import { z } from 'zod';
import { createHttpApp, type HttpAppOptions } from './app';
import { requireRole } from './auth';
import { bodyLimitBytes, leanRoute, zodBody, type LeanRoute } from './lean-routes';
import { validate } from './validate';

const Echo = z.object({ name: z.string().min(1), count: z.number().int().optional() });
type Echo = z.infer<typeof Echo>;

const answer = (body: Echo, subject?: string) => {
  if (body.name === 'boom') throw new Error('db password is hunter2');
  if (body.name === 'missing') throw new AppError(ErrorCode.NOT_FOUND, 'no such name');
  return { hello: body.name, count: body.count ?? 0, ...(subject ? { subject } : {}) };
};

// The same routes, lean and on express: their answers must not differ.
const echo = leanRoute<Echo>({
  method: 'POST',
  path: '/echo',
  body: zodBody(Echo, (raw) => {
    const r = raw as Partial<Echo> | undefined;
    // A deliberately partial fast path: plain names only, zod decides the rest.
    return r && typeof r.name === 'string' && /^[a-z]+$/.test(r.name) && r.count === undefined
      ? { name: r.name }
      : undefined;
  }),
  handle: ({ body }) => answer(body),
});
const guarded = leanRoute<Echo>({
  method: 'POST',
  path: '/guarded',
  body: zodBody(Echo),
  roles: ['operator'],
  handle: ({ body, identity }) => answer(body, identity?.subject),
});
const ping = leanRoute({
  method: 'GET',
  path: '/ping',
  handle: async ({ log, requestId }) => {
    log.info({ probe: true }, 'ping served');
    return { pong: requestId };
  },
});
const leanRoutes = [echo, guarded, ping] as LeanRoute<unknown>[];

function build(lean: boolean, overrides: Partial<HttpAppOptions> = {}) {
  const logs = createCapturedLogger();
  const registry = new Registry();
  const sut = createHttpApp({
    logger: logs.logger,
    registry,
    readiness: () => true,
    bodyLimit: '1kb',
    identify: (req) => {
      const user = req.get('x-test-user');
      if (user === 'expired') throw new AppError(ErrorCode.UNAUTHENTICATED, 'token expired');
      return user ? { subject: user, roles: [String(req.get('x-test-role'))] } : undefined;
    },
    ...(lean ? { leanRoutes } : {}),
    routes: (app) => {
      app.post('/echo', validate({ body: Echo }), (req, res) => {
        res.json(answer(req.body));
      });
      app.post('/guarded', requireRole('operator'), validate({ body: Echo }), (req, res) => {
        res.json(answer(req.body, req.identity?.subject));
      });
      app.get('/ping', (req, res) => {
        req.log.info({ probe: true }, 'ping served');
        res.json({ pong: req.requestId });
      });
    },
    ...overrides,
  });
  return { sut, logs, registry };
}

type Send = (app: Express) => Promise<Response>;

const post =
  (path: string, body: string | Buffer, headers: Record<string, string> = {}): Send =>
  (app) => {
    let req = request(app).post(path).set('content-type', 'application/json');
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    return req.send(body);
  };

const cases: Record<string, Send> = {
  'a valid body on the fast path': post('/echo', '{"name":"pump","extra":1}'),
  'a valid body zod accepts': post('/echo', '{"name":"Pump-1","count":3}'),
  'a bad field, named in the 400': post('/echo', '{"name":"","count":1.5}'),
  'a missing field': post('/echo', '{"count":2}'),
  'malformed JSON': post('/echo', '{"name":'),
  'a top-level string (strict JSON)': post('/echo', '"pump"'),
  'an empty body (read as {})': post('/echo', ''),
  'a UTF-8 byte-order mark': post(
    '/echo',
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"bom"}')]),
  ),
  'a body over the limit': post('/echo', JSON.stringify({ name: 'x'.repeat(2000) })),
  'an AppError from the handler': post('/echo', '{"name":"missing"}'),
  'a crash in the handler, without its message': post('/echo', '{"name":"boom"}'),
  'a gzip body (left to express)': post('/echo', gzipSync('{"name":"zipped"}'), {
    'content-encoding': 'gzip',
  }),
  'a utf-16 charset (left to express)': post('/echo', '{"name":"x"}', {
    'content-type': 'application/json; charset=utf-16',
  }),
  'an explicit utf-8 charset': post('/echo', '{"name":"x"}', {
    'content-type': 'application/json; charset=utf-8',
  }),
  'a text body (left to express)': (app) =>
    request(app).post('/echo').set('content-type', 'text/plain').send('{"name":"x"}'),
  'no body at all': (app) => request(app).post('/echo'),
  'a query string': post('/echo?verbose=1', '{"name":"query"}'),
  'an anonymous caller on a guarded route': post('/guarded', '{"name":"pump"}'),
  'a caller without the role': post('/guarded', '{"name":"pump"}', {
    'x-test-user': 'u',
    'x-test-role': 'viewer',
  }),
  'a caller with the role': post('/guarded', '{"name":"pump"}', {
    'x-test-user': 'u',
    'x-test-role': 'operator',
  }),
  'an identify hook that throws': post('/guarded', '{"name":"pump"}', { 'x-test-user': 'expired' }),
  'malformed JSON before identity, as in express': post('/guarded', '{', { 'x-test-user': 'expired' }),
  'a caller request id': (app) => request(app).get('/ping').set('x-request-id', 'req-42'),
};

function comparable(res: Response) {
  const body = JSON.parse(JSON.stringify(res.body)) as Record<string, unknown>;
  const error = body.error as { request_id?: unknown } | undefined;
  // Request ids are fresh UUIDs unless the caller sent one; compare their presence, not their value.
  if (error?.request_id !== undefined) error.request_id = typeof error.request_id;
  return {
    status: res.status,
    body,
    type: res.get('content-type'),
    requestId: res.get('x-request-id') === 'req-42' ? 'req-42' : typeof res.get('x-request-id'),
  };
}

describe('lean routes', () => {
  describe('answer exactly as the same express route', () => {
    it.each(Object.keys(cases))('%s', async (name) => {
      const send = cases[name]!;

      const viaLean = comparable(await send(build(true).sut));
      const viaExpress = comparable(await send(build(false).sut));

      expect(viaLean).toEqual(viaExpress);
    });
  });

  it('serves the plain case itself and leaves the odd ones to express (which adds an ETag)', async () => {
    const { sut } = build(true);

    const plain = await post('/echo', '{"name":"pump"}')(sut);
    const zipped = await request(sut).post('/echo').set('content-type', 'text/plain').send('{"name":"pump"}');

    expect(plain.status).toBe(200);
    expect(plain.get('etag')).toBeUndefined();
    expect(zipped.get('etag')).toBeDefined();
  });

  it('leaves other routes and the probes to express', async () => {
    const { sut } = build(true);

    await request(sut).get('/healthz').expect(200, { status: 'ok' });
    await request(sut).get('/echo').expect(404);
  });

  it('counts RED metrics under the route and logs 5xx with the request id', async () => {
    const { sut, logs, registry } = build(true);

    await post('/echo', '{"name":"pump"}')(sut);
    await post('/echo', '{"name":"boom"}', { 'x-request-id': 'req-boom' })(sut);

    const counted = await registry.getSingleMetricAsString('http_requests_total');
    expect(counted).toContain('http_requests_total{method="POST",route="/echo",status="200"} 1');
    expect(counted).toContain('http_requests_total{method="POST",route="/echo",status="500"} 1');
    expect(logs.find('request failed')).toMatchObject({ level: 'error', request_id: 'req-boom' });
  });

  it('logs slow requests at warn with their request id and route', async () => {
    const { sut, logs } = build(true, { slowRequestMs: 0 });

    await request(sut).get('/ping').set('x-request-id', 'req-slow').expect(200, { pong: 'req-slow' });

    expect(logs.find('slow request')).toMatchObject({
      level: 'warn',
      event: 'http.request.slow',
      request_id: 'req-slow',
      route: '/ping',
      status: '200',
    });
    expect(logs.find('ping served')).toMatchObject({ request_id: 'req-slow' });
  });

  it('logs each request at debug when debug is on and the request is fast', async () => {
    const { sut, logs } = build(true, { slowRequestMs: 60_000 });

    await request(sut).get('/ping').expect(200);

    expect(logs.find('request completed')).toMatchObject({ level: 'debug', route: '/ping' });
    expect(logs.find('slow request')).toBeUndefined();
  });

  it('refuses a route that shadows a probe or is declared twice', () => {
    const probe = leanRoute({ method: 'GET', path: '/healthz', handle: () => ({}) });
    const twice = ping;

    expect(() => build(true, { leanRoutes: [probe] })).toThrow('shadows a built-in route');
    expect(() => build(true, { leanRoutes: [twice, twice] })).toThrow('declared twice');
  });
});

describe(bodyLimitBytes.name, () => {
  it('reads sizes as express.json does', () => {
    expect(bodyLimitBytes(512)).toBe(512);
    expect(bodyLimitBytes('100kb')).toBe(102_400);
    expect(bodyLimitBytes('1mb')).toBe(1_048_576);
    expect(bodyLimitBytes('1.5KB')).toBe(1536);
    expect(bodyLimitBytes('20')).toBe(20);
    expect(() => bodyLimitBytes('lots')).toThrow('not a size');
  });
});
