import { createPgliteRelationalStore } from './pglite.adapter';
import { describeRelationalStoreContract } from './testing';

describeRelationalStoreContract('PGlite adapter', {
  create: async () => {
    const store = createPgliteRelationalStore();
    await store.connect();
    return store;
  },
  timeoutMs: 60_000,
});
