import { createNeo4jGraphStore } from '@industrialmind/graph-store';
import { runLatency } from './latency';

const uri = process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687';
const user = process.env.NEO4J_USER ?? 'neo4j';
const password = process.env.NEO4J_PASSWORD ?? 'industrialmind-local';

describe(runLatency.name, () => {
  it('times rankings on Neo4j and in memory on the same small plant, and leaves no nodes behind', async () => {
    const sut = await runLatency({ nodes: 300, queries: 20, uri, user, password });
    expect(sut.nodes).toBeGreaterThanOrEqual(290);
    expect(sut.backends.map((b) => b.backend)).toEqual(['neo4j', 'neo4j-cached', 'memory']);
    // After the warm-up every static read of a ranking is a cache hit.
    expect(sut.cache.misses).toBe(0);
    expect(sut.rankingsIdentical).toBe(sut.rankingsCompared);
    expect(sut.cache.hits).toBeGreaterThan(0);
    for (const b of sut.backends) {
      expect(b.p50Ms).toBeGreaterThan(0);
      expect(b.p99Ms).toBeGreaterThanOrEqual(b.p50Ms);
    }
    expect(sut.p99Ratio).toBeGreaterThan(0);
    const probe = createNeo4jGraphStore({ uri, user, password, labelPrefix: sut.labelPrefix });
    try {
      expect(await probe.counts()).toEqual({ nodes: {}, relations: {} });
      await expect(probe.listAnalyses()).resolves.toEqual([]);
    } finally {
      await probe.close();
    }
  });
});
