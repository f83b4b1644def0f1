import { ErrorCode } from '@industrialmind/errors';
import { createGraphStore } from './factory';
import { MemoryGraphStore, createMemoryGraphStore } from './memory.adapter';
import { describeGraphStoreContract } from './testing';

describeGraphStoreContract('in-memory adapter', {
  create: async () => {
    const store = createMemoryGraphStore();
    await store.connect();
    await store.migrate();
    return store;
  },
});

describe(MemoryGraphStore.name, () => {
  it('applies every migration on the first call', async () => {
    const sut = createMemoryGraphStore();
    await expect(sut.migrate()).resolves.toEqual({ applied: [1, 2, 3], version: 3 });
  });

  it('is what the factory builds for the memory backend, and refuses use after close', async () => {
    const sut = createGraphStore({ backend: 'memory' });
    expect(sut).toBeInstanceOf(MemoryGraphStore);
    await sut.close();
    await expect(sut.ping()).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
  });
});
