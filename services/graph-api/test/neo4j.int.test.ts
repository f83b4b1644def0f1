import { createMemoryEventBus } from '@industrialmind/event-bus';
import {
  createMemoryGraphStore,
  createNeo4jGraphStore,
  generateDemoPlant,
  importPlant,
  type Neo4jGraphStore,
} from '@industrialmind/graph-store';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { uniqueName } from '@industrialmind/testing';
import request from 'supertest';
import { DEFAULT_ROOT_CAUSE_SETTINGS, rankRootCauses } from '../src/domain/root-cause';
import { createService } from '../src/service';

const uri = process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687';
const user = process.env.NEO4J_USER ?? 'neo4j';
const password = process.env.NEO4J_PASSWORD ?? 'industrialmind-local';
const T0 = Date.parse('2026-03-02T10:00:00.000Z');

describe('graph-api on a real Neo4j', () => {
  let store: Neo4jGraphStore;
  const plant = generateDemoPlant({ size: 8, machinesPerLine: 4, linesPerPlant: 2 });

  beforeAll(async () => {
    store = createNeo4jGraphStore({
      uri,
      user,
      password,
      labelPrefix: `T${uniqueName('api').replace(/-/g, '_')}`,
      timeoutMs: 20_000,
    });
    try {
      await store.connect();
    } catch (err) {
      throw new Error(
        `Neo4j is not reachable at ${uri}: ${String(err)}; start it with infrastructure/local/neo4j.sh start`,
      );
    }
  });
  afterAll(async () => {
    await store.dropNamespace();
    await store.close();
  });

  it('migrates, serves traversals and ranks root causes exactly as on the in-memory graph', async () => {
    const { logger } = createCapturedLogger();
    const bus = createMemoryEventBus();
    const sut = createService({
      settings: {
        topic: 'anomaly-detected',
        groupId: 'graph-api',
        topicPartitions: 1,
        seedDemoPlant: 0,
        requireRoles: false,
        plantCacheEntries: 1_000,
        rootCause: DEFAULT_ROOT_CAUSE_SETTINGS,
      },
      logger,
      ports: { bus, store },
    });
    await sut.start();
    try {
      await request(sut.app).post('/plant/import').send(plant).expect(200);
      const up = await request(sut.app)
        .get('/machines/conveyor-motor-001/upstream')
        .query({ hops: 3 })
        .expect(200);
      expect(up.body.upstream.map((m: { id: string }) => m.id)).toEqual([
        'compressor-001',
        'centrifugal-pump-001',
        'cnc-mill-001',
      ]);
      await store.saveAnalysis({
        id: 'evt-up',
        machineId: 'centrifugal-pump-001',
        timestampMs: T0 - 60_000,
        document: { contributions: { pressure: 0.8, vibration: 0.2 }, candidates: [] },
      });
      const res = await request(sut.app)
        .get('/root-cause')
        .query({ machine_id: 'compressor-001', time: String(T0), contributions: 'pressure:0.9,power:0.1' })
        .expect(200);
      const memory = createMemoryGraphStore();
      await importPlant(memory, plant);
      await memory.saveAnalysis((await store.getAnalysis('evt-up'))!);
      const expected = await rankRootCauses(memory, {
        machineId: 'compressor-001',
        timestampMs: T0,
        contributions: { pressure: 0.9, power: 0.1 },
      });
      const { source, ...result } = res.body;
      expect(source).toBe('computed');
      expect(result).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(result.candidates[0].component_id).toBe('centrifugal-pump-001/impeller');

      // Served again from the plant cache: the same ranking. A graph write through the API empties the cache, so
      // the next ranking sees it, exactly as the in-memory graph with the same write does.
      const again = await request(sut.app)
        .get('/root-cause')
        .query({
          machine_id: 'compressor-001',
          time: String(T0 + 1),
          contributions: 'pressure:0.9,power:0.1',
        })
        .expect(200);
      expect(again.body.candidates).toEqual(result.candidates);
      await request(sut.app).delete('/nodes/centrifugal-pump-001%2Fimpeller').expect(200);
      await memory.deleteNode('centrifugal-pump-001/impeller');
      const afterWrite = await request(sut.app)
        .get('/root-cause')
        .query({
          machine_id: 'compressor-001',
          time: String(T0 + 2),
          contributions: 'pressure:0.9,power:0.1',
        })
        .expect(200);
      const expectedAfter = await rankRootCauses(memory, {
        machineId: 'compressor-001',
        timestampMs: T0 + 2,
        contributions: { pressure: 0.9, power: 0.1 },
      });
      expect(afterWrite.body.candidates).toEqual(JSON.parse(JSON.stringify(expectedAfter.candidates)));
      expect(afterWrite.body.candidates.map((c: { component_id: string }) => c.component_id)).not.toContain(
        'centrifugal-pump-001/impeller',
      );
    } finally {
      await sut.stop();
      await bus.close();
    }
  });
});
