import { ErrorCode } from '@industrialmind/errors';
import { uniqueName } from '@industrialmind/testing';
import { Neo4jGraphStore, createNeo4jGraphStore } from './neo4j.adapter';
import type { GraphStore } from './port';
import { describeGraphStoreContract } from './testing';

const uri = process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687';
const user = process.env.NEO4J_USER ?? 'neo4j';
const password = process.env.NEO4J_PASSWORD ?? 'industrialmind-local';
const START_HINT = 'start it with: infrastructure/local/neo4j.sh start';

/** A store on its own label namespace, so tests never see each other's nodes on the shared server. */
function store(prefix = uniqueName('t').replace(/-/g, '_')): Neo4jGraphStore {
  return createNeo4jGraphStore({ uri, user, password, labelPrefix: `T${prefix}`, timeoutMs: 20_000 });
}

beforeAll(async () => {
  const probe = store();
  try {
    await probe.ping();
  } catch (err) {
    throw new Error(`Neo4j is not reachable at ${uri}: ${String(err)}; ${START_HINT}`);
  } finally {
    await probe.close();
  }
});

describeGraphStoreContract('Neo4j adapter on a real server', {
  timeoutMs: 60_000,
  create: async () => {
    const sut = store();
    await sut.connect();
    await sut.migrate();
    return sut;
  },
  destroy: async (sut: GraphStore) => {
    // The contract's last test closes the store itself: clean up through a fresh connection on the same prefix.
    const cleaner = createNeo4jGraphStore({
      uri,
      user,
      password,
      labelPrefix: (sut as Neo4jGraphStore).labels.prefix,
    });
    await cleaner.dropNamespace();
    await cleaner.close();
  },
});

describe(`${Neo4jGraphStore.name} on a real server`, () => {
  it('reports wrong credentials as a non-retryable upstream failure', async () => {
    const sut = createNeo4jGraphStore({ uri, user, password: 'wrong-password', timeoutMs: 5000 });
    await expect(sut.connect()).rejects.toMatchObject({
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
      retryable: false,
    });
    await sut.close();
  });

  it('reports an unreachable server as a retryable upstream failure', async () => {
    const sut = createNeo4jGraphStore({ uri: 'bolt://127.0.0.1:1', user, password, timeoutMs: 2000 });
    await expect(sut.ping()).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE, retryable: true });
    await sut.close();
  });

  it('creates its constraints and indexes under the namespace prefix and drops them again', async () => {
    const sut = store();
    try {
      await sut.migrate();
      expect(await sut.migrate()).toEqual({ applied: [], version: 3 });
      await sut.dropNamespace();
      // With the migration records gone, migrating again re-creates everything.
      expect((await sut.migrate()).applied).toEqual([1, 2, 3]);
    } finally {
      await sut.dropNamespace();
      await sut.close();
    }
  });

  it('refuses a label prefix that could break out of a Cypher label', () => {
    expect(() =>
      createNeo4jGraphStore({ uri, user, password, labelPrefix: 'x`) DETACH DELETE n //' }),
    ).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED }));
  });
});
