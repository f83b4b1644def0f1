import { createPostgresRelationalStore } from './postgres.adapter';
import type { RelationalStore } from './port';
import {
  createPostgresTestStore,
  describeRelationalStoreContract,
  requirePostgres,
  testDatabaseUrl,
} from './testing';

beforeAll(() => requirePostgres());

const schemas = new Map<RelationalStore, { drop(): Promise<void>; schema: string }>();

describeRelationalStoreContract('PostgreSQL adapter on a real server', {
  create: async () => {
    const t = await createPostgresTestStore({ prefix: 'rs-contract' });
    schemas.set(t.store, t);
    return t.store;
  },
  // Another pool on the same schema: what a second consumer process sees.
  createPeer: async (of) => {
    const peer = createPostgresRelationalStore({ url: testDatabaseUrl(), schema: schemas.get(of)!.schema });
    await peer.connect();
    return peer;
  },
  destroy: async (store) => {
    await schemas.get(store)?.drop();
    schemas.delete(store);
  },
});
