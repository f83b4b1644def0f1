import { createMemoryGraphStore, type MemoryGraphStore } from './memory.adapter';
import { createPlantCachedGraphStore } from './plant-cache';
import { generateDemoPlant, importPlant } from './plant';
import { describeGraphStoreContract } from './testing';

describeGraphStoreContract('in-memory adapter behind the plant cache', {
  create: async () => {
    const store = createPlantCachedGraphStore(createMemoryGraphStore());
    await store.connect();
    await store.migrate();
    return store;
  },
});

describe('PlantCachedGraphStore', () => {
  async function setup(maxEntries?: number) {
    const inner = createMemoryGraphStore();
    await inner.connect();
    await inner.migrate();
    await importPlant(inner, generateDemoPlant({ size: 6 }));
    const sut = createPlantCachedGraphStore(inner, maxEntries ? { maxEntries } : {});
    return { inner, sut };
  }
  const machine = (inner: MemoryGraphStore) =>
    inner.listNodes({ kind: 'Equipment', limit: 1 }).then((n) => n[0]!.id);

  it('answers a repeated read from memory, with the same result as the store', async () => {
    const { inner, sut } = await setup();
    const id = await machine(inner);
    const spy = jest.spyOn(inner, 'expandSteps');
    const steps = [{ types: ['CONTAINS', 'HAS_SENSOR'] as const, direction: 'out' as const }];
    const first = await sut.expandSteps([id], steps);
    const second = await sut.expandSteps([id], steps);
    expect(second).toBe(first);
    expect(first).toEqual(await inner.expandSteps([id], steps));
    expect(spy).toHaveBeenCalledTimes(2);
    expect(sut.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
  });

  it('forgets everything on a graph write made through it, and never caches analyses', async () => {
    const { inner, sut } = await setup();
    const id = await machine(inner);
    expect((await sut.getNode(id))?.properties.location).not.toBe('moved');
    await sut.updateNode(id, { location: 'moved' });
    expect((await sut.getNode(id))?.properties.location).toBe('moved');
    expect(sut.stats().invalidations).toBeGreaterThan(0);

    const before = await sut.traverse(id, { types: ['CONTAINS'], direction: 'out', maxHops: 1 });
    await sut.deleteNode(before[0]!.node.id);
    const after = await sut.traverse(id, { types: ['CONTAINS'], direction: 'out', maxHops: 1 });
    expect(after).toHaveLength(before.length - 1);

    await sut.saveAnalysis({ id: 'a1', machineId: id, timestampMs: 1, document: {} });
    expect(await sut.listAnalyses({ machineIds: [id] })).toHaveLength(1);
    await sut.saveAnalysis({ id: 'a2', machineId: id, timestampMs: 2, document: {} });
    expect(await sut.listAnalyses({ machineIds: [id] })).toHaveLength(2);
  });

  it('does not keep a read that overlapped a write', async () => {
    const { inner, sut } = await setup();
    const id = await machine(inner);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const original = inner.getNode.bind(inner);
    jest.spyOn(inner, 'getNode').mockImplementationOnce(async (nodeId) => {
      const node = await original(nodeId);
      await gate;
      return node;
    });
    const slowRead = sut.getNode(id);
    await sut.updateNode(id, { location: 'moved' });
    release();
    expect((await slowRead)?.properties.location).not.toBe('moved');
    expect((await sut.getNode(id))?.properties.location).toBe('moved');
  });

  it('evicts the least recently used entry beyond its size, and invalidate() empties it', async () => {
    const { inner, sut } = await setup(2);
    const [a, b, c] = (await inner.listNodes({ kind: 'Equipment', limit: 3 })).map((n) => n.id);
    await sut.getNode(a!);
    await sut.getNode(b!);
    await sut.getNode(a!);
    await sut.getNode(c!);
    expect(sut.stats().entries).toBe(2);
    const spy = jest.spyOn(inner, 'getNode');
    await sut.getNode(a!);
    expect(spy).not.toHaveBeenCalled();
    await sut.getNode(b!);
    expect(spy).toHaveBeenCalledTimes(1);
    sut.invalidate();
    expect(sut.stats().entries).toBe(0);
  });
});
