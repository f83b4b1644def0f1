import { rankRootCauses } from '@industrialmind/graph-api';
import {
  createMemoryGraphStore,
  createNeo4jGraphStore,
  createPlantCachedGraphStore,
  generateDemoPlant,
  importPlant,
  type GraphStore,
} from '@industrialmind/graph-store';
import { SIMULATOR_CHANNELS, createRandom } from '@industrialmind/simulation';
import { uniqueName } from '@industrialmind/testing';

export interface LatencyOptions {
  nodes: number;
  queries: number;
  uri: string;
  user: string;
  password: string;
  log?: (line: string) => void;
}

export interface BackendLatency {
  /** `neo4j-cached`: Neo4j behind the plant cache of graph-api, warmed by one ranking per machine. */
  backend: 'neo4j' | 'neo4j-cached' | 'memory';
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

export interface LatencyResult {
  /** The Neo4j label namespace the run used (dropped at the end). */
  labelPrefix: string;
  nodes: number;
  relations: number;
  queries: number;
  importMs: number;
  backends: BackendLatency[];
  p99Ratio: number;
  /** Rankings compared across neo4j, neo4j-cached and memory, and how many were identical. */
  rankingsCompared: number;
  rankingsIdentical: number;
  /** Hits and misses of the plant cache during the timed cached queries (after its warm-up). */
  cache: { hits: number; misses: number; entries: number };
}

// Nodes per simulator machine in the demo plant: the machine, 4 sensors and 5-6 components (10.5 on average).
const NODES_PER_MACHINE = 10.5;

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return 0;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i]!;
}

/** Times `queries` root-cause rankings (after a tenth as many untimed warm-ups) for random machines. */
export async function timeQueries(
  store: GraphStore,
  machineIds: readonly string[],
  queries: number,
  seed: number,
): Promise<{ p50Ms: number; p99Ms: number; meanMs: number }> {
  const rng = createRandom(seed);
  const one = async () => {
    const machineId = machineIds[Math.floor(rng.next() * machineIds.length)]!;
    const contributions = Object.fromEntries(SIMULATOR_CHANNELS.map((c) => [c, rng.next()]));
    const started = process.hrtime.bigint();
    await rankRootCauses(store, {
      machineId,
      timestampMs: Date.parse('2026-01-01T10:00:00Z'),
      contributions,
    });
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  for (let i = 0; i < Math.ceil(queries / 10); i++) await one();
  const times: number[] = [];
  for (let i = 0; i < queries; i++) times.push(await one());
  times.sort((a, b) => a - b);
  return {
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    meanMs: times.reduce((s, t) => s + t, 0) / times.length,
  };
}

/** Loads the plant into Neo4j (a unique label namespace) and into memory, times both, removes the namespace. */
export async function runLatency(options: LatencyOptions): Promise<LatencyResult> {
  const log = options.log ?? (() => {});
  const size = Math.min(10_000, Math.max(1, Math.round(options.nodes / NODES_PER_MACHINE)));
  const plant = generateDemoPlant({ size });
  const machineIds = plant.nodes.filter((n) => n.kind === 'Equipment').map((n) => n.id);
  // Some history, so the neighbour and similar-equipment lookups have analyses to read.
  const analyses = machineIds.slice(0, 200).map((machineId, i) => ({
    id: `bench-${i}`,
    machineId,
    timestampMs: Date.parse('2026-01-01T09:50:00Z'),
    document: { contributions: { pressure: 0.6, temperature: 0.4 }, candidates: [] },
  }));
  const labelPrefix = `Bench${uniqueName('g').replace(/-/g, '_')}`;
  const neo4j = createNeo4jGraphStore({
    uri: options.uri,
    user: options.user,
    password: options.password,
    labelPrefix,
    timeoutMs: 60_000,
  });
  const memory = createMemoryGraphStore();
  try {
    await neo4j.connect();
    await neo4j.migrate();
    log(`importing ${plant.nodes.length} nodes, ${plant.relations.length} relations into Neo4j`);
    const started = Date.now();
    await importPlant(neo4j, plant);
    const importMs = Date.now() - started;
    await importPlant(memory, plant);
    for (const a of analyses) {
      await neo4j.saveAnalysis(a);
      await memory.saveAnalysis(a);
    }
    log('timing neo4j');
    const neo = await timeQueries(neo4j, machineIds, options.queries, 11);
    // The plant cache as graph-api runs it: a long-running service has ranked every machine before, so the
    // static part of each ranking is in memory and only the analyses (one round of two parallel queries) are read.
    const cached = createPlantCachedGraphStore(neo4j);
    log('warming the plant cache (one ranking per machine)');
    for (const machineId of machineIds) {
      await rankRootCauses(cached, {
        machineId,
        timestampMs: Date.parse('2026-01-01T10:00:00Z'),
        contributions: { pressure: 1 },
      });
    }
    const warm = cached.stats();
    log('timing neo4j behind the plant cache');
    const neoCached = await timeQueries(cached, machineIds, options.queries, 11);
    const after = cached.stats();
    // The cache must not change a ranking: compare the three backends on a sample of machines.
    const rng = createRandom(5);
    let identical = 0;
    const compared = Math.min(50, machineIds.length);
    for (let i = 0; i < compared; i++) {
      const anomaly = {
        machineId: machineIds[Math.floor(rng.next() * machineIds.length)]!,
        timestampMs: Date.parse('2026-01-01T10:00:00Z'),
        contributions: Object.fromEntries(SIMULATOR_CHANNELS.map((c) => [c, rng.next()])),
      };
      const [a, b, c] = await Promise.all([
        rankRootCauses(neo4j, anomaly),
        rankRootCauses(cached, anomaly),
        rankRootCauses(memory, anomaly),
      ]);
      if (JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(a) === JSON.stringify(c)) identical++;
    }
    log('timing memory');
    const mem = await timeQueries(memory, machineIds, options.queries, 11);
    return {
      labelPrefix,
      nodes: plant.nodes.length,
      relations: plant.relations.length,
      queries: options.queries,
      importMs,
      backends: [
        { backend: 'neo4j', ...neo },
        { backend: 'neo4j-cached', ...neoCached },
        { backend: 'memory', ...mem },
      ],
      p99Ratio: neo.p99Ms / Math.max(mem.p99Ms, 1e-6),
      rankingsCompared: compared,
      rankingsIdentical: identical,
      cache: { hits: after.hits - warm.hits, misses: after.misses - warm.misses, entries: after.entries },
    };
  } finally {
    await neo4j.dropNamespace().catch(() => undefined);
    await neo4j.close();
  }
}
