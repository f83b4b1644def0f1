import { encodeAnomalyDetected, type AnomalyDetected } from '@industrialmind/contracts';
import { sampleAnomalyDetected } from '@industrialmind/contracts/testing';
import {
  createMemoryEventBus,
  dlqTopicOf,
  parseDeadLetter,
  type IncomingMessage,
} from '@industrialmind/event-bus';
import {
  createMemoryGraphStore,
  generateDemoPlant,
  importPlant,
  type GraphStore,
} from '@industrialmind/graph-store';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { waitFor } from '@industrialmind/testing';
import request from 'supertest';
import { DEFAULT_ROOT_CAUSE_SETTINGS } from './domain/root-cause';
import { createService, type GraphApiService } from './service';

const settings = {
  topic: 'anomaly-detected',
  groupId: 'graph-api',
  topicPartitions: 3,
  seedDemoPlant: 0,
  requireRoles: false,
  plantCacheEntries: 1_000,
  rootCause: DEFAULT_ROOT_CAUSE_SETTINGS,
};
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const enc = encodeURIComponent;

function anomaly(overrides: Partial<AnomalyDetected>): AnomalyDetected {
  return sampleAnomalyDetected({ timestamp: new Date(T0).toISOString(), ...overrides });
}

describe('graph-api service', () => {
  let bus: ReturnType<typeof createMemoryEventBus>;
  let store: GraphStore;
  let sut: GraphApiService;
  const { logger } = createCapturedLogger();

  beforeEach(async () => {
    bus = createMemoryEventBus();
    store = createMemoryGraphStore();
    // 8 machines, 4 per line: cnc-mill-001 -> centrifugal-pump-001 -> compressor-001 -> conveyor-motor-001.
    await importPlant(store, generateDemoPlant({ size: 8, machinesPerLine: 4, linesPerPlant: 2 }));
    sut = createService({ settings, logger, ports: { bus, store } });
    await sut.start();
  });
  afterEach(async () => {
    await sut.stop();
    await bus.close();
  });

  it('creates, reads, updates and deletes nodes with 201/200/404/409 and field-level 400s', async () => {
    const node = {
      id: 'pump-9',
      kind: 'Equipment',
      properties: { machine_id: 'pump-9', type: 'centrifugal-pump' },
    };
    await request(sut.app).post('/nodes').send(node).expect(201, node);
    const dup = await request(sut.app).post('/nodes').send(node).expect(409);
    expect(dup.body.error.code).toBe('CONFLICT');
    const bad = await request(sut.app)
      .post('/nodes')
      .send({ id: 'x', kind: 'Equipment', properties: {} })
      .expect(400);
    expect(bad.body.error.details).toEqual([
      expect.objectContaining({ path: 'properties.machine_id', message: 'is required on a Equipment' }),
      expect.objectContaining({ path: 'properties.type', message: 'is required on a Equipment' }),
    ]);
    const badKind = await request(sut.app).post('/nodes').send({ id: 'x', kind: 'Robot' }).expect(400);
    expect(badKind.body.error.details[0]).toMatchObject({ location: 'body', path: 'kind' });
    expect(badKind.text).not.toMatch(/at .*\.ts/);
    await request(sut.app).get('/nodes/pump-9').expect(200, node);
    await request(sut.app).get('/nodes/nope').expect(404);
    const patched = await request(sut.app)
      .patch('/nodes/pump-9')
      .send({ properties: { location: 'bay 9' } })
      .expect(200);
    expect(patched.body.properties.location).toBe('bay 9');
    await request(sut.app).delete('/nodes/pump-9').expect(200, { deleted: 'pump-9', relations_deleted: 0 });
    await request(sut.app).delete('/nodes/pump-9').expect(404);
  });

  it('creates and deletes relations, with 404 for a missing endpoint and 400 for kinds the type does not connect', async () => {
    const rel = { type: 'FEEDS', from: 'conveyor-motor-001', to: 'cnc-mill-002', properties: {} };
    await request(sut.app).post('/relations').send(rel).expect(201, rel);
    await request(sut.app).post('/relations').send(rel).expect(409);
    await request(sut.app).get('/relations').query(rel).expect(200, rel);
    await request(sut.app)
      .post('/relations')
      .send({ ...rel, to: 'ghost' })
      .expect(404);
    const wrong = await request(sut.app)
      .post('/relations')
      .send({ type: 'HAS_SENSOR', from: 'plant-1', to: 'cnc-mill-001' })
      .expect(400);
    expect(wrong.body.error.details[0].message).toMatch(/Equipment->Sensor/);
    await request(sut.app)
      .delete('/relations')
      .query({ type: 'FEEDS', from: rel.from, to: rel.to })
      .expect(204);
    await request(sut.app)
      .delete('/relations')
      .query({ type: 'FEEDS', from: rel.from, to: rel.to })
      .expect(404);
  });

  it('lists nodes by kind with a cursor', async () => {
    const page = await request(sut.app).get('/nodes').query({ kind: 'Equipment', limit: 5 }).expect(200);
    expect(page.body.nodes).toHaveLength(5);
    const rest = await request(sut.app)
      .get('/nodes')
      .query({ kind: 'Equipment', limit: 5, after: page.body.next_after })
      .expect(200);
    expect(rest.body.nodes).toHaveLength(3);
    expect(rest.body.next_after).toBeNull();
    await request(sut.app).get('/nodes').query({ limit: 5000 }).expect(400);
  });

  it('answers traversals: components, sensors with their mount, upstream and downstream k hops, impact sets', async () => {
    const comps = await request(sut.app).get('/machines/centrifugal-pump-001/components').expect(200);
    expect(comps.body.components.map((c: { id: string }) => c.id)).toContain('centrifugal-pump-001/impeller');
    const sensors = await request(sut.app).get('/machines/centrifugal-pump-001/sensors').expect(200);
    expect(sensors.body.sensors).toContainEqual(
      expect.objectContaining({
        id: 'centrifugal-pump-001/vibration-sensor',
        located_in: 'centrifugal-pump-001/bearing',
      }),
    );
    const up = await request(sut.app)
      .get('/machines/conveyor-motor-001/upstream')
      .query({ hops: 2 })
      .expect(200);
    expect(up.body.upstream.map((m: { id: string; hops: number }) => [m.id, m.hops])).toEqual([
      ['compressor-001', 1],
      ['centrifugal-pump-001', 2],
    ]);
    const down = await request(sut.app)
      .get('/machines/cnc-mill-001/downstream')
      .query({ hops: 10 })
      .expect(200);
    expect(down.body.downstream).toHaveLength(3);
    await request(sut.app).get('/machines/cnc-mill-001/downstream').query({ hops: 11 }).expect(400);
    await request(sut.app).get('/machines/ghost/upstream').expect(404);
    const impact = await request(sut.app)
      .get(`/components/${enc('compressor-001/motor')}/impact`)
      .expect(200);
    expect(impact.body.impacted[0]).toMatchObject({ id: 'compressor-001/power-sensor', impact: 0.9 });
    expect(impact.body.impacted).toContainEqual(
      expect.objectContaining({ id: 'compressor-001/bearing', hops: 1, impact: 0.3 }),
    );
  });

  it('exports the plant and imports it back, refusing an invalid document with the bad field', async () => {
    const exported = await request(sut.app).get('/plant/export').expect(200);
    expect(exported.body.nodes.length).toBeGreaterThan(80);
    await request(sut.app).post('/plant/import').query({ replace: 'true' }).send(exported.body).expect(200);
    const broken = { ...exported.body, relations: [{ type: 'FEEDS', from: 'cnc-mill-001', to: 'nowhere' }] };
    const res = await request(sut.app).post('/plant/import').send(broken).expect(400);
    expect(res.body.error.details).toEqual([
      { path: 'relations.0.to', message: 'no node nowhere in the plant' },
    ]);
  });

  it('ranks root causes for an anomaly-detected event, stores the analysis and serves it by machine and time', async () => {
    await bus.publish(settings.topic, [
      {
        key: 'centrifugal-pump-001',
        value: encodeAnomalyDetected(
          anomaly({
            event_id: 'evt-1',
            machine_id: 'centrifugal-pump-001',
            machine_type: 'centrifugal-pump',
            feature_contributions: { vibration: 0.8, temperature: 0.1, pressure: 0.05, power: 0.05 },
          }),
        ),
      },
      { key: 'x', value: Buffer.from('{"not":"an anomaly"}') },
    ]);
    await waitFor(() => store.getAnalysis('evt-1'), { description: 'stored analysis' });
    const res = await request(sut.app)
      .get('/root-cause')
      .query({ machine_id: 'centrifugal-pump-001', time: new Date(T0 + 60_000).toISOString() })
      .expect(200);
    expect(res.body).toMatchObject({
      source: 'stored',
      analysis_id: 'evt-1',
      machine_id: 'centrifugal-pump-001',
    });
    expect(res.body.candidates[0]).toMatchObject({ component_id: 'centrifugal-pump-001/bearing', hops: 0 });
    expect(res.body.candidates[0].path[0]).toMatchObject({
      type: 'CONTAINS',
      to: 'centrifugal-pump-001/bearing',
    });
    expect(res.body.candidates[0].evidence).toContainEqual(
      expect.objectContaining({ kind: 'sensor', channel: 'vibration', impact: 0.9 }),
    );
    const dead: IncomingMessage[] = [];
    const dlq = await bus.subscribe(
      { topics: [dlqTopicOf(settings.topic)], groupId: 'dlq-reader' },
      async (b) => void dead.push(...b),
    );
    await waitFor(() => dead.length === 1, { description: 'dead letter' });
    await dlq.stop();
    expect(parseDeadLetter(dead[0]!)!.reason).toMatch(/schema_version|required/);
    const list = await request(sut.app)
      .get('/analyses')
      .query({ machine_id: 'centrifugal-pump-001' })
      .expect(200);
    expect(list.body.analyses).toHaveLength(1);
    await request(sut.app)
      .get('/root-cause')
      .query({ machine_id: 'centrifugal-pump-001', time: new Date(T0 - 60_000).toISOString() })
      .expect(404);
  });

  it('computes a ranking on demand from given contributions, and 400s on malformed ones', async () => {
    const res = await request(sut.app)
      .get('/root-cause')
      .query({ machine_id: 'compressor-001', time: String(T0), contributions: 'power:0.9,temperature:0.1' })
      .expect(200);
    expect(res.body.source).toBe('computed');
    expect(res.body.candidates[0].component_id).toBe('compressor-001/motor');
    const bad = await request(sut.app)
      .get('/root-cause')
      .query({ machine_id: 'compressor-001', time: 'yesterday', contributions: 'power=1' })
      .expect(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'contributions',
      'time',
    ]);
    await request(sut.app)
      .get('/root-cause')
      .query({ machine_id: 'ghost', time: String(T0), contributions: 'power:1' })
      .expect(404);
  });

  it('requires role engineer or admin for writes when roles are enforced', async () => {
    const guarded = createService({
      settings: { ...settings, requireRoles: true },
      logger,
      ports: { bus: createMemoryEventBus(), store },
      identify: (req) => {
        const role = req.header('x-test-role');
        return role ? { subject: 'tester', roles: [role] } : undefined;
      },
    });
    const node = { id: 'm-guarded', kind: 'Plant', properties: {} };
    await request(guarded.app).post('/nodes').send(node).expect(401);
    await request(guarded.app).post('/nodes').set('x-test-role', 'viewer').send(node).expect(403);
    await request(guarded.app).post('/nodes').set('x-test-role', 'engineer').send(node).expect(201);
    await request(guarded.app).get('/nodes/m-guarded').expect(200);
  });
});
