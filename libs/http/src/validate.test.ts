import { createCapturedLogger } from '@industrialmind/logger/testing';
import { Registry } from 'prom-client';
import request from 'supertest';
import { z } from 'zod';
import { createHttpApp } from './app';
import { validate } from './validate';

const Reading = z.object({ machine_id: z.string().min(1), readings: z.record(z.string(), z.number()) });
const Window = z.object({
  limit: z.coerce.number().int().max(100).default(10),
  order: z.enum(['asc', 'desc']).optional(),
});
const MachineParams = z.object({ id: z.string().regex(/^m-\d+$/, { error: 'must look like m-<number>' }) });

function build() {
  return createHttpApp({
    logger: createCapturedLogger().logger,
    registry: new Registry(),
    readiness: () => true,
    routes: (app) => {
      app.post(
        '/machines/:id/readings',
        validate({ params: MachineParams, query: Window, body: Reading }),
        (req, res) => {
          // The parsed types flow to the next handler: these lines would not compile against raw express types.
          const limit: number = req.query.limit;
          const machine: string = req.body.machine_id;
          res.json({ id: req.params.id, limit, machine, order: req.query.order ?? null, body: req.body });
        },
      );
      app.get('/search', validate({ query: Window }), (req, res) => {
        res.json(req.query);
      });
    },
  });
}

describe(validate.name, () => {
  it('replaces params, query and body with their parsed values', async () => {
    const res = await request(build())
      .post('/machines/m-7/readings?limit=25')
      .send({ machine_id: 'm-7', readings: { temperature: 71.5 }, extra: 'dropped' })
      .expect(200);

    expect(res.body).toEqual({
      id: 'm-7',
      limit: 25,
      machine: 'm-7',
      order: null,
      body: { machine_id: 'm-7', readings: { temperature: 71.5 } },
    });
  });

  it('applies query defaults', async () => {
    await request(build()).get('/search').expect(200, { limit: 10 });
  });

  it('answers 400 listing every bad field of every part', async () => {
    const res = await request(build())
      .post('/machines/x/readings?limit=500&order=up')
      .send({ readings: { temperature: 'hot' } })
      .expect(400);

    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toBe('request validation failed');
    expect(res.body.error.details).toEqual([
      { location: 'params', path: 'id', message: 'must look like m-<number>' },
      { location: 'query', path: 'limit', message: expect.stringContaining('100') },
      { location: 'query', path: 'order', message: expect.any(String) },
      { location: 'body', path: 'machine_id', message: expect.any(String) },
      { location: 'body', path: 'readings.temperature', message: expect.any(String) },
    ]);
  });

  it('reports a missing body at the root path', async () => {
    const res = await request(build()).post('/machines/m-1/readings').expect(400);

    expect(res.body.error.details).toEqual([{ location: 'body', path: '', message: expect.any(String) }]);
  });
});
