import { AppError, ErrorCode } from '@industrialmind/errors';
import { createCapturedLogger, type CapturedLogger } from '@industrialmind/logger/testing';
import express, { type Express } from 'express';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createHttpApp, type HttpAppOptions } from './app';
import { requireRole } from './auth';

function build(overrides: Partial<HttpAppOptions> = {}): {
  sut: Express;
  logs: CapturedLogger;
  registry: Registry;
} {
  const logs = createCapturedLogger();
  const registry = new Registry();
  const sut = createHttpApp({
    logger: logs.logger,
    registry,
    readiness: () => true,
    routes: (app) => {
      app.get('/machines/:id', (req, res) => {
        res.json({ id: req.params.id });
      });
      app.post('/echo', (req, res) => {
        res.json(req.body);
      });
      app.get('/fail/:code', async (req) => {
        throw new AppError(req.params.code as ErrorCode, `failed with ${req.params.code}`, {
          details: { hint: 'x' },
        });
      });
      app.get('/crash', () => {
        throw new Error('db password is hunter2');
      });
      app.get('/admin', requireRole('admin', 'operator'), (req, res) => {
        res.json({ subject: req.identity?.subject });
      });
      const v1 = express.Router();
      v1.get('/items/:itemId', (req, res) => {
        if (req.params.itemId === 'missing')
          throw new AppError(ErrorCode.NOT_FOUND, 'item missing not found');
        res.json({ itemId: req.params.itemId });
      });
      app.use('/v1', v1);
    },
    ...overrides,
  });
  return { sut, logs, registry };
}

describe(createHttpApp.name, () => {
  describe('probes', () => {
    it('answers liveness with ok', async () => {
      const { sut } = build();

      await request(sut).get('/healthz').expect(200, { status: 'ok' });
    });

    it('answers readiness from the readiness function', async () => {
      let isReady = false;
      const { sut } = build({ readiness: async () => isReady });

      await request(sut).get('/readyz').expect(503, { status: 'not_ready' });
      isReady = true;
      await request(sut).get('/readyz').expect(200, { status: 'ready' });
    });

    it('reports not ready when the readiness check throws', async () => {
      const { sut, logs } = build({
        readiness: () => {
          throw new Error('neo4j ping failed');
        },
      });

      await request(sut).get('/readyz').expect(503);

      expect(logs.find('readiness check failed')).toMatchObject({
        level: 'warn',
        err: { message: 'neo4j ping failed' },
      });
    });
  });

  describe('request ids', () => {
    it('echoes a well-formed x-request-id and logs it', async () => {
      const { sut, logs } = build();

      const res = await request(sut).get('/machines/m-1').set('x-request-id', 'abc-123').expect(200);

      expect(res.headers['x-request-id']).toBe('abc-123');
      expect(logs.find('request completed')).toMatchObject({
        request_id: 'abc-123',
        route: '/machines/:id',
        status: '200',
        method: 'GET',
      });
    });

    it('builds the request logger only when a request logs', async () => {
      const logs = createCapturedLogger({ level: 'info' });
      const child = jest.spyOn(logs.logger, 'child');
      const sut = createHttpApp({
        logger: logs.logger,
        registry: new Registry(),
        readiness: () => true,
        routes: (app) => {
          app.get('/quiet', (_req, res) => {
            res.json({ ok: true });
          });
          app.get('/chatty', (req, res) => {
            req.log.info('handled');
            res.json({ ok: true });
          });
        },
      });

      await request(sut).get('/quiet').expect(200);
      expect(child).not.toHaveBeenCalled();

      await request(sut).get('/chatty').set('x-request-id', 'chatty-1').expect(200);
      expect(child).toHaveBeenCalledTimes(1);
      expect(logs.find('handled')).toMatchObject({ request_id: 'chatty-1' });
    });

    it('generates one when absent or malformed', async () => {
      const { sut } = build();

      const absent = await request(sut).get('/healthz');
      const malformed = await request(sut).get('/healthz').set('x-request-id', 'bad id with spaces');

      expect(absent.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(malformed.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('errors', () => {
    it.each([
      [ErrorCode.VALIDATION_FAILED, 400],
      [ErrorCode.UNAUTHENTICATED, 401],
      [ErrorCode.FORBIDDEN, 403],
      [ErrorCode.NOT_FOUND, 404],
      [ErrorCode.CONFLICT, 409],
      [ErrorCode.PAYLOAD_TOO_LARGE, 413],
      [ErrorCode.RATE_LIMITED, 429],
    ])('maps %s to %i with message and details', async (code, status) => {
      const { sut } = build();

      const res = await request(sut).get(`/fail/${code}`).set('x-request-id', 'r-1').expect(status);

      expect(res.body).toEqual({
        error: { code, message: `failed with ${code}`, details: { hint: 'x' }, request_id: 'r-1' },
      });
    });

    it.each([
      [ErrorCode.UPSTREAM_UNAVAILABLE, 503, 'service unavailable'],
      [ErrorCode.UPSTREAM_TIMEOUT, 504, 'upstream timeout'],
      [ErrorCode.INTERNAL, 500, 'internal error'],
      [ErrorCode.CONFIG_INVALID, 500, 'internal error'],
    ])('maps %s to %i without the internal message or details', async (code, status, message) => {
      const { sut } = build();

      const res = await request(sut).get(`/fail/${code}`).expect(status);

      expect(res.body.error).toEqual({
        code: status === 500 ? 'INTERNAL' : code,
        message,
        request_id: expect.any(String),
      });
    });

    it('answers unexpected errors with "internal error", no stack, and logs them at error', async () => {
      const { sut, logs } = build();

      const res = await request(sut).get('/crash').expect(500);

      expect(res.body).toEqual({
        error: { code: 'INTERNAL', message: 'internal error', request_id: res.headers['x-request-id'] },
      });
      expect(res.text).not.toMatch(/hunter2|at .*\.ts/);
      expect(logs.find('request failed')).toMatchObject({
        level: 'error',
        status: 500,
        err: { message: 'db password is hunter2', stack: expect.any(String) },
      });
    });

    it('logs client errors at debug', async () => {
      const { sut, logs } = build();

      await request(sut).get('/fail/CONFLICT').expect(409);

      expect(logs.find('request rejected')).toMatchObject({ level: 'debug', status: 409, code: 'CONFLICT' });
      expect(logs.find('request failed')).toBeUndefined();
    });

    it('answers unknown routes with 404 in the error format', async () => {
      const { sut } = build();

      const res = await request(sut).get('/nowhere').expect(404);

      expect(res.body).toEqual({
        error: { code: 'NOT_FOUND', message: 'route not found', request_id: expect.any(String) },
      });
    });

    it('rejects malformed JSON with 400 VALIDATION_FAILED', async () => {
      const { sut } = build();

      const res = await request(sut)
        .post('/echo')
        .set('content-type', 'application/json')
        .send('{"a":')
        .expect(400);

      expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'malformed JSON body' });
    });

    it('rejects bodies over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
      const { sut } = build({ bodyLimit: 64 });

      await request(sut).post('/echo').send({ small: true }).expect(200, { small: true });
      const res = await request(sut)
        .post('/echo')
        .send({ big: 'x'.repeat(100) })
        .expect(413);

      expect(res.body.error).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        message: 'request body too large',
        details: { limit_bytes: 64 },
      });
    });

    it('cuts the connection when an error follows a partly sent response', async () => {
      const { sut, logs } = build({
        routes: (app) => {
          app.get('/stream', (_req, res, next) => {
            res.write('partial');
            next(new Error('stream broke'));
          });
        },
      });

      await expect(request(sut).get('/stream')).rejects.toThrow();
      expect(logs.find('request failed')).toMatchObject({ err: { message: 'stream broke' } });
    });
  });

  describe('metrics', () => {
    it('counts requests by method, route pattern and status, not raw path', async () => {
      const { sut } = build();

      await request(sut).get('/machines/m-1');
      await request(sut).get('/machines/m-2');
      await request(sut).get('/v1/items/i-9');
      await request(sut).get('/v1/items/missing');
      await request(sut).get('/nowhere');
      await request(sut).get('/healthz');
      const res = await request(sut).get('/metrics').expect(200);

      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.text).toContain('http_requests_total{method="GET",route="/machines/:id",status="200"} 2');
      expect(res.text).toContain(
        'http_requests_total{method="GET",route="/v1/items/:itemId",status="200"} 1',
      );
      expect(res.text).toContain(
        'http_requests_total{method="GET",route="/v1/items/:itemId",status="404"} 1',
      );
      expect(res.text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
      expect(res.text).toContain(
        'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/machines/:id",status="200"}',
      );
      expect(res.text).not.toContain('route="/healthz"');
      expect(res.text).not.toContain('m-1');
    });

    it('lets two apps share one registry', async () => {
      const { registry } = build();
      const second = build({ registry });

      await request(second.sut).get('/machines/m-1').expect(200);

      expect(await registry.getSingleMetricAsString('http_requests_total')).toContain(
        'route="/machines/:id"',
      );
    });
  });

  describe('identity', () => {
    it('passes a caller with one of the roles', async () => {
      const { sut } = build({
        identify: (req) => (req.get('x-test-user') ? { subject: 'u-1', roles: ['operator'] } : undefined),
      });

      await request(sut).get('/admin').set('x-test-user', '1').expect(200, { subject: 'u-1' });
    });

    it('answers 401 without identity and 403 without a role', async () => {
      const { sut } = build({
        identify: async (req) => (req.get('x-test-user') ? { subject: 'u-2', roles: ['viewer'] } : undefined),
      });

      const anonymous = await request(sut).get('/admin').expect(401);
      const viewer = await request(sut).get('/admin').set('x-test-user', '1').expect(403);

      expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
      expect(viewer.body.error).toMatchObject({
        code: 'FORBIDDEN',
        details: { required_any_of: ['admin', 'operator'] },
      });
    });

    it('answers with the error the identify hook throws', async () => {
      const { sut } = build({
        identify: () => {
          throw new AppError(ErrorCode.UNAUTHENTICATED, 'token expired');
        },
      });

      await request(sut).get('/machines/m-1').expect(401);
      await request(sut).get('/healthz').expect(200);
    });

    it('leaves identity undefined when no hook is given', async () => {
      const { sut } = build();

      await request(sut).get('/admin').expect(401);
    });
  });
});
