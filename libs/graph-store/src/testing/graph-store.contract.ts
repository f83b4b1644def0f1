import { ErrorCode } from '@industrialmind/errors';
import type { GraphNode, GraphRelation } from '../model';
import { SCHEMA_VERSION } from '../migrations';
import { exportPlant, generateDemoPlant, importPlant } from '../plant';
import type { GraphStore } from '../port';

/** What each adapter's test supplies to the shared contract suite. */
export interface GraphStoreHarness {
  /** A connected, migrated store holding no nodes (e.g. a fresh label prefix); the suite closes it after each test. */
  create(): Promise<GraphStore>;
  /** Removes what `create` made (drops the namespace); called before `close`. */
  destroy?(store: GraphStore): Promise<void>;
  timeoutMs?: number;
}

const equipment = (id: string, type = 'centrifugal-pump'): GraphNode => ({
  id,
  kind: 'Equipment',
  properties: { machine_id: id, type, location: 'bay 1' },
});
const component = (id: string, type: string, criticality = 0.5): GraphNode => ({
  id,
  kind: 'Component',
  properties: { type, criticality },
});
const sensor = (id: string, channel: string): GraphNode => ({ id, kind: 'Sensor', properties: { channel } });
const rel = (type: GraphRelation['type'], from: string, to: string, properties = {}): GraphRelation => ({
  type,
  from,
  to,
  properties,
});

/** A line of four machines a -> b -> c -> d (FEEDS), b with a bearing and a vibration sensor. */
async function seedLine(sut: GraphStore): Promise<void> {
  await sut.upsertNodes([
    equipment('a'),
    equipment('b'),
    equipment('c'),
    equipment('d', 'compressor'),
    component('b/bearing', 'bearing', 0.9),
    component('b/motor', 'motor', 0.8),
    sensor('b/vibration-sensor', 'vibration'),
  ]);
  await sut.upsertRelations([
    rel('FEEDS', 'a', 'b'),
    rel('FEEDS', 'b', 'c'),
    rel('FEEDS', 'c', 'd'),
    rel('CONTAINS', 'b', 'b/bearing'),
    rel('CONTAINS', 'b', 'b/motor'),
    rel('HAS_SENSOR', 'b', 'b/vibration-sensor'),
    rel('AFFECTS', 'b/bearing', 'b/vibration-sensor', { impact: 0.9 }),
    rel('AFFECTS', 'b/motor', 'b/bearing', { impact: 0.3 }),
    rel('SIMILAR_TO', 'a', 'c', { similarity: 0.8 }),
  ]);
}

/**
 * The GraphStore contract: the behaviours every adapter must have, run against the in-memory store and a real
 * Neo4j alike. The harness gives every test an empty, migrated store.
 */
export function describeGraphStoreContract(name: string, harness: GraphStoreHarness): void {
  const timeout = harness.timeoutMs ?? 30_000;
  describe(`GraphStore contract: ${name}`, () => {
    let sut: GraphStore;
    beforeEach(async () => {
      sut = await harness.create();
    }, timeout);
    afterEach(async () => {
      await harness.destroy?.(sut);
      await sut.close();
    }, timeout);

    it('is migrated to the latest schema version, and migrating again applies nothing', async () => {
      await expect(sut.migrate()).resolves.toEqual({ applied: [], version: SCHEMA_VERSION });
    });

    it('creates a node and reads it back with its property types, and refuses a second node with that id', async () => {
      const node: GraphNode = {
        id: 'centrifugal-pump-001/bearing',
        kind: 'Component',
        properties: {
          type: 'bearing',
          criticality: 0.9,
          name: 'drive-end bearing',
          spare_in_stock: true,
          count: 2,
        },
      };
      await expect(sut.createNode(node)).resolves.toEqual(node);
      await expect(sut.getNode(node.id)).resolves.toEqual(node);
      await expect(
        sut.createNode({ ...node, kind: 'Sensor', properties: { channel: 'x' } }),
      ).rejects.toMatchObject({
        code: ErrorCode.CONFLICT,
      });
      await expect(sut.getNode('nope')).resolves.toBeUndefined();
    });

    it('rejects nodes without the properties their kind requires, naming the field', async () => {
      await expect(
        sut.createNode({ id: 'm', kind: 'Equipment', properties: { type: 'x' } }),
      ).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        details: [{ path: 'properties.machine_id', message: 'is required on a Equipment' }],
      });
      await expect(
        sut.upsertNodes([equipment('ok'), { id: 'bad id!', kind: 'Plant', properties: {} }]),
      ).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED, details: [{ path: 'nodes.1.id' }] });
      await expect(sut.getNode('ok')).resolves.toBeUndefined();
    });

    it('merges property updates, removes properties set to null, and reports a missing node', async () => {
      await sut.createNode(component('c1', 'seal'));
      const updated = await sut.updateNode('c1', {
        criticality: 0.7,
        note: 'replaced 2026-01',
        type: 'seal',
      });
      expect(updated.properties).toEqual({ type: 'seal', criticality: 0.7, note: 'replaced 2026-01' });
      const removed = await sut.updateNode('c1', { note: null });
      expect(removed.properties).toEqual({ type: 'seal', criticality: 0.7 });
      await expect(sut.updateNode('c1', { criticality: null })).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
      });
      await expect(sut.updateNode('missing', { a: 1 })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    });

    it('upserts nodes idempotently, replacing properties, and refuses to change a node kind', async () => {
      await sut.upsertNodes([equipment('m1'), equipment('m1')]);
      await sut.upsertNodes([{ ...equipment('m1'), properties: { machine_id: 'm1', type: 'compressor' } }]);
      await expect(sut.getNode('m1')).resolves.toEqual({
        id: 'm1',
        kind: 'Equipment',
        properties: { machine_id: 'm1', type: 'compressor' },
      });
      await expect(sut.upsertNodes([sensor('m1', 'vibration')])).rejects.toMatchObject({
        code: ErrorCode.CONFLICT,
      });
      expect((await sut.counts()).nodes).toEqual({ Equipment: 1 });
    });

    it('lists nodes by kind in id order, page by page', async () => {
      await sut.upsertNodes([equipment('m3'), equipment('m1'), equipment('m2'), sensor('s1', 'power')]);
      const first = await sut.listNodes({ kind: 'Equipment', limit: 2 });
      expect(first.map((n) => n.id)).toEqual(['m1', 'm2']);
      const next = await sut.listNodes({ kind: 'Equipment', limit: 2, afterId: 'm2' });
      expect(next.map((n) => n.id)).toEqual(['m3']);
      expect((await sut.listNodes()).map((n) => n.id)).toEqual(['m1', 'm2', 'm3', 's1']);
      await expect(sut.listNodes({ limit: 0 })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
    });

    it('creates relations between existing nodes of kinds the type connects, once', async () => {
      await sut.upsertNodes([equipment('m'), component('m/bearing', 'bearing'), sensor('m/v', 'vibration')]);
      const affects = rel('AFFECTS', 'm/bearing', 'm/v', { impact: 0.9 });
      await expect(sut.createRelation(affects)).resolves.toEqual(affects);
      await expect(sut.getRelation('AFFECTS', 'm/bearing', 'm/v')).resolves.toEqual(affects);
      await expect(sut.createRelation(affects)).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
      await expect(sut.createRelation(rel('FEEDS', 'm', 'ghost'))).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
        details: { missing: ['ghost'] },
      });
      await expect(sut.createRelation(rel('HAS_SENSOR', 'm/bearing', 'm/v'))).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        details: [{ path: 'type', message: expect.stringContaining('Equipment->Sensor') }],
      });
      await expect(
        sut.createRelation(rel('AFFECTS', 'm/bearing', 'm/v', { impact: 2 })),
      ).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        details: [{ path: 'properties.impact' }],
      });
      await sut.deleteRelation('AFFECTS', 'm/bearing', 'm/v');
      await expect(sut.getRelation('AFFECTS', 'm/bearing', 'm/v')).resolves.toBeUndefined();
      await expect(sut.deleteRelation('AFFECTS', 'm/bearing', 'm/v')).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
      });
    });

    it('deletes a node with its relations', async () => {
      await seedLine(sut);
      await expect(sut.deleteNode('b')).resolves.toBe(5);
      await expect(sut.getRelation('FEEDS', 'a', 'b')).resolves.toBeUndefined();
      await expect(sut.getNode('b/bearing')).resolves.toBeDefined();
      await expect(sut.deleteNode('b')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    });

    it('traverses upstream and downstream k hops with the path to each node', async () => {
      await seedLine(sut);
      const upstream = await sut.traverse('d', { types: ['FEEDS'], direction: 'in', maxHops: 2 });
      expect(upstream.map((r) => [r.node.id, r.hops, r.path])).toEqual([
        ['c', 1, ['d', 'c']],
        ['b', 2, ['d', 'c', 'b']],
      ]);
      expect(upstream[1]!.relations).toEqual([rel('FEEDS', 'c', 'd'), rel('FEEDS', 'b', 'c')]);
      const downstream = await sut.traverse('a', { types: ['FEEDS'], direction: 'out', maxHops: 5 });
      expect(downstream.map((r) => r.node.id)).toEqual(['b', 'c', 'd']);
      const parts = await sut.traverse('b', {
        types: ['CONTAINS', 'HAS_SENSOR'],
        direction: 'out',
        maxHops: 1,
        kinds: ['Component'],
      });
      expect(parts.map((r) => r.node.id)).toEqual(['b/bearing', 'b/motor']);
      const impact = await sut.traverse('b/motor', { types: ['AFFECTS'], direction: 'out', maxHops: 3 });
      expect(impact.map((r) => [r.node.id, r.hops])).toEqual([
        ['b/bearing', 1],
        ['b/vibration-sensor', 2],
      ]);
      await expect(sut.traverse('a', { types: ['FEEDS'], direction: 'in', maxHops: 3 })).resolves.toEqual([]);
      await expect(
        sut.traverse('ghost', { types: ['FEEDS'], direction: 'in', maxHops: 1 }),
      ).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
      });
      await expect(
        sut.traverse('a', { types: ['FEEDS'], direction: 'in', maxHops: 0 }),
      ).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
      });
    });

    it('expands a set of nodes one hop, returning the relations and the nodes at both ends', async () => {
      await seedLine(sut);
      const { relations, nodes } = await sut.expand(['b', 'c', 'ghost'], {
        types: ['FEEDS', 'SIMILAR_TO'],
        direction: 'both',
      });
      expect(relations).toEqual([
        rel('FEEDS', 'a', 'b'),
        rel('FEEDS', 'b', 'c'),
        rel('FEEDS', 'c', 'd'),
        rel('SIMILAR_TO', 'a', 'c', { similarity: 0.8 }),
      ]);
      expect([...nodes.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(nodes.get('d')).toEqual(equipment('d', 'compressor'));
      const out = await sut.expand(['b'], { types: ['CONTAINS'], direction: 'out' });
      expect(out.relations.map((r) => r.to)).toEqual(['b/bearing', 'b/motor']);
    });

    it('expands several steps in one call: from machines to their parts, then to what the parts affect', async () => {
      await seedLine(sut);
      const { relations, nodes } = await sut.expandSteps(
        ['b', 'c', 'ghost'],
        [
          { types: ['CONTAINS', 'HAS_SENSOR'], direction: 'out' },
          { types: ['AFFECTS'], direction: 'out' },
        ],
      );
      expect(relations).toEqual([
        rel('AFFECTS', 'b/bearing', 'b/vibration-sensor', { impact: 0.9 }),
        rel('AFFECTS', 'b/motor', 'b/bearing', { impact: 0.3 }),
        rel('CONTAINS', 'b', 'b/bearing'),
        rel('CONTAINS', 'b', 'b/motor'),
        rel('HAS_SENSOR', 'b', 'b/vibration-sensor'),
      ]);
      expect([...nodes.keys()].sort()).toEqual(['b', 'b/bearing', 'b/motor', 'b/vibration-sensor']);
      const upstream = await sut.expandSteps(
        ['c'],
        [
          { types: ['FEEDS'], direction: 'in' },
          { types: ['FEEDS'], direction: 'in' },
        ],
      );
      expect(upstream.relations).toEqual([rel('FEEDS', 'a', 'b'), rel('FEEDS', 'b', 'c')]);
      await expect(sut.expandSteps(['a'], [])).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
      await expect(sut.expandSteps([], [{ types: ['FEEDS'], direction: 'out' }])).resolves.toEqual({
        relations: [],
        nodes: new Map(),
      });
    });

    it('imports a generated plant and exports the same document', async () => {
      const plant = generateDemoPlant({ size: 8, machinesPerLine: 4, linesPerPlant: 2, name: 'small' });
      await expect(importPlant(sut, plant)).resolves.toEqual({
        nodes: plant.nodes.length,
        relations: plant.relations.length,
      });
      const exported = await exportPlant(sut, 'small');
      expect(exported.nodes).toEqual([...plant.nodes].sort((a, b) => (a.id < b.id ? -1 : 1)));
      expect(exported.relations).toHaveLength(plant.relations.length);
      expect(new Set(exported.relations.map((r) => JSON.stringify(r)))).toEqual(
        new Set(plant.relations.map((r) => JSON.stringify(r))),
      );
      // Importing again is a no-op; replacing clears what the document does not hold.
      await importPlant(sut, exported);
      await sut.createNode(equipment('extra'));
      await importPlant(sut, exported, { replace: true });
      await expect(sut.getNode('extra')).resolves.toBeUndefined();
      const counts = await sut.counts();
      expect(counts.nodes.Equipment).toBe(8);
      expect(counts.relations.FEEDS).toBe(6);
    });

    it('stores analyses by id (a replay replaces), lists them newest first by machine and time', async () => {
      const doc = (n: number) => ({ candidates: [{ component: `m/c${n}`, score: n / 10 }], note: 'ü' });
      await sut.saveAnalysis({ id: 'e1', machineId: 'm', timestampMs: 1000, document: doc(1) });
      await sut.saveAnalysis({ id: 'e2', machineId: 'm', timestampMs: 3000, document: doc(2) });
      await sut.saveAnalysis({ id: 'e3', machineId: 'n', timestampMs: 2000, document: doc(3) });
      await sut.saveAnalysis({ id: 'e1', machineId: 'm', timestampMs: 1000, document: doc(4) });
      await expect(sut.getAnalysis('e1')).resolves.toEqual({
        id: 'e1',
        machineId: 'm',
        timestampMs: 1000,
        document: doc(4),
      });
      expect((await sut.listAnalyses()).map((a) => a.id)).toEqual(['e2', 'e3', 'e1']);
      expect((await sut.listAnalyses({ machineIds: ['m'] })).map((a) => a.id)).toEqual(['e2', 'e1']);
      expect((await sut.listAnalyses({ fromMs: 1000, toMs: 3000 })).map((a) => a.id)).toEqual(['e3', 'e1']);
      expect((await sut.listAnalyses({ limit: 1 })).map((a) => a.id)).toEqual(['e2']);
      await sut.clear();
      await expect(sut.listAnalyses()).resolves.toEqual([]);
    });

    it('rejects use after close as an upstream failure', async () => {
      await sut.close();
      await expect(sut.getNode('a')).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
    });
  });
}
