import type {
  ExpandQuery,
  Expansion,
  GraphCounts,
  GraphStore,
  ListAnalysesQuery,
  ListNodesQuery,
  MigrationReport,
  Reached,
  StoredAnalysis,
  TraverseQuery,
} from './port';
import type { GraphNode, GraphRelation, Properties, RelationType } from './model';

export interface PlantCacheOptions {
  /** Most cached read results kept (least recently used evicted first); default 20,000. */
  maxEntries?: number;
}

export interface PlantCacheStats {
  hits: number;
  misses: number;
  entries: number;
  /** Times the cache was emptied by a write. */
  invalidations: number;
}

export const DEFAULT_PLANT_CACHE_ENTRIES = 20_000;

/**
 * A GraphStore that remembers the results of the reads of the plant's static part (`getNode`, `traverse`,
 * `expand`, `expandSteps`) and empties that memory on every graph write made through it (node and relation
 * writes, imports, `clear`, `migrate`). Analyses are never cached (they are the part that changes), and every
 * other call goes straight to the wrapped store.
 *
 * Correctness relies on every write to the graph going through this object (graph-api is the graph's only
 * writer); a write made by another process is seen only after {@link invalidate}. A read that overlaps a write
 * does not store its result (a generation counter is bumped before and after each write), so a stale answer is
 * never kept. Cached results are shared between callers: treat them as read-only.
 */
export class PlantCachedGraphStore implements GraphStore {
  private readonly entries = new Map<string, unknown>();
  private readonly maxEntries: number;
  private generation = 0;
  private hits = 0;
  private misses = 0;
  private invalidations = 0;

  constructor(
    readonly inner: GraphStore,
    options: PlantCacheOptions = {},
  ) {
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_PLANT_CACHE_ENTRIES);
  }

  stats(): PlantCacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      entries: this.entries.size,
      invalidations: this.invalidations,
    };
  }

  /** Forgets every cached result (for writes made outside this object). */
  invalidate(): void {
    this.generation++;
    if (this.entries.size > 0) this.invalidations++;
    this.entries.clear();
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }
  migrate(): Promise<MigrationReport> {
    return this.writing(() => this.inner.migrate());
  }
  createNode(node: GraphNode): Promise<GraphNode> {
    return this.writing(() => this.inner.createNode(node));
  }
  upsertNodes(nodes: readonly GraphNode[]): Promise<void> {
    return this.writing(() => this.inner.upsertNodes(nodes));
  }
  getNode(id: string): Promise<GraphNode | undefined> {
    return this.cached(['getNode', id], () => this.inner.getNode(id));
  }
  updateNode(id: string, patch: Record<string, Properties[string] | null>): Promise<GraphNode> {
    return this.writing(() => this.inner.updateNode(id, patch));
  }
  deleteNode(id: string): Promise<number> {
    return this.writing(() => this.inner.deleteNode(id));
  }
  listNodes(query?: ListNodesQuery): Promise<GraphNode[]> {
    return this.inner.listNodes(query);
  }
  createRelation(relation: GraphRelation): Promise<GraphRelation> {
    return this.writing(() => this.inner.createRelation(relation));
  }
  upsertRelations(relations: readonly GraphRelation[]): Promise<void> {
    return this.writing(() => this.inner.upsertRelations(relations));
  }
  getRelation(type: RelationType, from: string, to: string): Promise<GraphRelation | undefined> {
    return this.inner.getRelation(type, from, to);
  }
  deleteRelation(type: RelationType, from: string, to: string): Promise<void> {
    return this.writing(() => this.inner.deleteRelation(type, from, to));
  }
  traverse(startId: string, query: TraverseQuery): Promise<Reached[]> {
    return this.cached(
      [
        'traverse',
        startId,
        query.types,
        query.direction,
        query.maxHops,
        query.kinds ?? null,
        query.limit ?? null,
      ],
      () => this.inner.traverse(startId, query),
    );
  }
  expand(ids: readonly string[], query: ExpandQuery): Promise<Expansion> {
    return this.cached(['expand', ids, query.types, query.direction], () => this.inner.expand(ids, query));
  }
  expandSteps(ids: readonly string[], steps: readonly ExpandQuery[]): Promise<Expansion> {
    return this.cached(['expandSteps', ids, steps.map((s) => [s.types, s.direction])], () =>
      this.inner.expandSteps(ids, steps),
    );
  }
  exportGraph(): Promise<{ nodes: GraphNode[]; relations: GraphRelation[] }> {
    return this.inner.exportGraph();
  }
  counts(): Promise<GraphCounts> {
    return this.inner.counts();
  }
  clear(): Promise<void> {
    return this.writing(() => this.inner.clear());
  }
  saveAnalysis(analysis: StoredAnalysis): Promise<void> {
    return this.inner.saveAnalysis(analysis);
  }
  getAnalysis(id: string): Promise<StoredAnalysis | undefined> {
    return this.inner.getAnalysis(id);
  }
  listAnalyses(query?: ListAnalysesQuery): Promise<StoredAnalysis[]> {
    return this.inner.listAnalyses(query);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    this.invalidate();
    return this.inner.close();
  }

  private async cached<T>(key: unknown[], load: () => Promise<T>): Promise<T> {
    const k = JSON.stringify(key);
    if (this.entries.has(k)) {
      const value = this.entries.get(k) as T;
      // Map keeps insertion order: re-inserting marks the entry as most recently used.
      this.entries.delete(k);
      this.entries.set(k, value);
      this.hits++;
      return value;
    }
    this.misses++;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation) {
      this.entries.set(k, value);
      if (this.entries.size > this.maxEntries)
        this.entries.delete(this.entries.keys().next().value as string);
    }
    return value;
  }

  private async writing<T>(write: () => Promise<T>): Promise<T> {
    // Invalidate before (reads started from now on will not store) and after (whatever was read during the write,
    // including a failed one that may have partly applied, is dropped).
    this.invalidate();
    try {
      return await write();
    } finally {
      this.invalidate();
    }
  }
}

export function createPlantCachedGraphStore(
  inner: GraphStore,
  options?: PlantCacheOptions,
): PlantCachedGraphStore {
  return new PlantCachedGraphStore(inner, options);
}
