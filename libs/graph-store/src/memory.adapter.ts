import { AppError, ErrorCode } from '@industrialmind/errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';
import {
  endpointProblem,
  relationKey,
  type GraphNode,
  type GraphRelation,
  type Properties,
  type RelationType,
} from './model';
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
import {
  checkAnalysesQuery,
  checkId,
  checkListQuery,
  checkNode,
  checkRelation,
  checkSteps,
  checkTraverseQuery,
  cloneJson,
  conflict,
  invalid,
  notFound,
} from './validation';

const copyNode = (n: GraphNode): GraphNode => ({ id: n.id, kind: n.kind, properties: { ...n.properties } });
const copyRelation = (r: GraphRelation): GraphRelation => ({ ...r, properties: { ...r.properties } });
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byKey = (a: GraphRelation, b: GraphRelation): number => {
  const ka = relationKey(a);
  const kb = relationKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/**
 * The in-memory GraphStore for the lite profile and fast tests: the same contract as the Neo4j adapter (it passes
 * the same suite), kept in maps with adjacency sets, so traversals are breadth-first searches.
 */
export class MemoryGraphStore implements GraphStore {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly relations = new Map<string, GraphRelation>();
  private readonly outgoing = new Map<string, Set<string>>();
  private readonly incoming = new Map<string, Set<string>>();
  private readonly analyses = new Map<string, StoredAnalysis>();
  private readonly appliedVersions: number[] = [];
  private isClosed = false;

  async connect(): Promise<void> {
    this.checkOpen();
  }

  async ping(): Promise<void> {
    this.checkOpen();
  }

  async close(): Promise<void> {
    this.isClosed = true;
  }

  async migrate(): Promise<MigrationReport> {
    this.checkOpen();
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (!this.appliedVersions.includes(m.version)) {
        this.appliedVersions.push(m.version);
        applied.push(m.version);
      }
    }
    return { applied, version: SCHEMA_VERSION };
  }

  async createNode(node: GraphNode): Promise<GraphNode> {
    this.checkOpen();
    const valid = checkNode(node);
    if (this.nodes.has(valid.id))
      throw conflict(`node ${valid.id} exists`, [{ path: 'id', message: 'is taken' }]);
    this.putNode(valid);
    return copyNode(valid);
  }

  async upsertNodes(nodes: readonly GraphNode[]): Promise<void> {
    this.checkOpen();
    const valid = nodes.map((n, i) => checkNode(n, `nodes.${i}`));
    for (const n of valid) {
      const existing = this.nodes.get(n.id);
      if (existing && existing.kind !== n.kind) {
        throw conflict(`node ${n.id} is a ${existing.kind}, not a ${n.kind}`, [
          { path: 'kind', message: 'clash' },
        ]);
      }
    }
    for (const n of valid) this.putNode(n);
  }

  async getNode(id: string): Promise<GraphNode | undefined> {
    this.checkOpen();
    const n = this.nodes.get(id);
    return n && copyNode(n);
  }

  async updateNode(id: string, patch: Record<string, Properties[string] | null>): Promise<GraphNode> {
    this.checkOpen();
    const existing = this.nodes.get(id);
    if (!existing) throw notFound(`node ${id}`);
    const properties: Properties = { ...existing.properties };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete properties[k];
      else properties[k] = v;
    }
    const next = checkNode({ id, kind: existing.kind, properties });
    this.nodes.set(id, next);
    return copyNode(next);
  }

  async deleteNode(id: string): Promise<number> {
    this.checkOpen();
    if (!this.nodes.has(id)) throw notFound(`node ${id}`);
    const keys = new Set([...(this.outgoing.get(id) ?? []), ...(this.incoming.get(id) ?? [])]);
    for (const key of keys) this.removeRelation(key);
    this.nodes.delete(id);
    this.outgoing.delete(id);
    this.incoming.delete(id);
    return keys.size;
  }

  async listNodes(query: ListNodesQuery = {}): Promise<GraphNode[]> {
    this.checkOpen();
    const { limit } = checkListQuery(query);
    const out = [...this.nodes.values()]
      .filter((n) => (query.kind === undefined || n.kind === query.kind) && (query.afterId ?? '') < n.id)
      .sort(byId);
    return out.slice(0, limit).map(copyNode);
  }

  async createRelation(relation: GraphRelation): Promise<GraphRelation> {
    this.checkOpen();
    const valid = this.checkEndpoints([checkRelation(relation)])[0]!;
    if (this.relations.has(relationKey(valid))) {
      throw conflict(`${valid.type} ${valid.from} -> ${valid.to} exists`);
    }
    this.putRelation(valid);
    return copyRelation(valid);
  }

  async upsertRelations(relations: readonly GraphRelation[]): Promise<void> {
    this.checkOpen();
    const valid = this.checkEndpoints(relations.map((r, i) => checkRelation(r, `relations.${i}`)));
    for (const r of valid) this.putRelation(r);
  }

  async getRelation(type: RelationType, from: string, to: string): Promise<GraphRelation | undefined> {
    this.checkOpen();
    const r = this.relations.get(relationKey({ type, from, to }));
    return r && copyRelation(r);
  }

  async deleteRelation(type: RelationType, from: string, to: string): Promise<void> {
    this.checkOpen();
    const key = relationKey({ type, from, to });
    if (!this.relations.has(key)) throw notFound(`${type} ${from} -> ${to}`);
    this.removeRelation(key);
  }

  async traverse(startId: string, query: TraverseQuery): Promise<Reached[]> {
    this.checkOpen();
    const { limit } = checkTraverseQuery(query);
    checkId(startId);
    if (!this.nodes.has(startId)) throw notFound(`node ${startId}`);
    const types = new Set<RelationType>(query.types);
    const parent = new Map<string, { prev: string; relation: GraphRelation } | null>([[startId, null]]);
    const hopsOf = new Map<string, number>([[startId, 0]]);
    let frontier = [startId];
    for (let hop = 1; hop <= query.maxHops && frontier.length > 0; hop++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const { relation, other } of this.neighbours(id, types, query.direction)) {
          if (parent.has(other)) continue;
          parent.set(other, { prev: id, relation });
          hopsOf.set(other, hop);
          next.push(other);
        }
      }
      frontier = next;
    }
    const kinds = query.kinds && new Set(query.kinds);
    const reached: Reached[] = [];
    for (const [id, hops] of hopsOf) {
      if (id === startId) continue;
      const node = this.nodes.get(id)!;
      if (kinds && !kinds.has(node.kind)) continue;
      const path = [id];
      const relations: GraphRelation[] = [];
      for (let step = parent.get(id); step; step = parent.get(step.prev)) {
        path.unshift(step.prev);
        relations.unshift(copyRelation(step.relation));
      }
      reached.push({ node: copyNode(node), hops, path, relations });
    }
    reached.sort((a, b) => a.hops - b.hops || byId(a.node, b.node));
    return reached.slice(0, limit);
  }

  async expand(ids: readonly string[], query: ExpandQuery): Promise<Expansion> {
    this.checkOpen();
    const types = new Set<RelationType>(query.types);
    const relations = new Map<string, GraphRelation>();
    const nodes = new Map<string, GraphNode>();
    for (const id of new Set(ids)) {
      if (!this.nodes.has(id)) continue;
      for (const { relation } of this.neighbours(id, types, query.direction)) {
        relations.set(relationKey(relation), relation);
      }
    }
    for (const r of relations.values()) {
      for (const id of [r.from, r.to]) if (!nodes.has(id)) nodes.set(id, copyNode(this.nodes.get(id)!));
    }
    return { relations: [...relations.values()].sort(byKey).map(copyRelation), nodes };
  }

  async expandSteps(ids: readonly string[], steps: readonly ExpandQuery[]): Promise<Expansion> {
    checkSteps(steps);
    const relations = new Map<string, GraphRelation>();
    const nodes = new Map<string, GraphNode>();
    let frontier = [...ids];
    for (const step of steps) {
      const one = await this.expand(frontier, step);
      const next = new Set<string>();
      const from = new Set(frontier);
      for (const r of one.relations) {
        relations.set(relationKey(r), r);
        if (step.direction !== 'in' && from.has(r.from)) next.add(r.to);
        if (step.direction !== 'out' && from.has(r.to)) next.add(r.from);
      }
      for (const [id, n] of one.nodes) nodes.set(id, n);
      frontier = [...next];
    }
    return { relations: [...relations.values()].sort(byKey), nodes };
  }

  async exportGraph(): Promise<{ nodes: GraphNode[]; relations: GraphRelation[] }> {
    this.checkOpen();
    return {
      nodes: [...this.nodes.values()].sort(byId).map(copyNode),
      relations: [...this.relations.values()].sort(byKey).map(copyRelation),
    };
  }

  async counts(): Promise<GraphCounts> {
    this.checkOpen();
    const counts: GraphCounts = { nodes: {}, relations: {} };
    for (const n of this.nodes.values()) counts.nodes[n.kind] = (counts.nodes[n.kind] ?? 0) + 1;
    for (const r of this.relations.values()) counts.relations[r.type] = (counts.relations[r.type] ?? 0) + 1;
    return counts;
  }

  async clear(): Promise<void> {
    this.checkOpen();
    this.nodes.clear();
    this.relations.clear();
    this.outgoing.clear();
    this.incoming.clear();
    this.analyses.clear();
  }

  async saveAnalysis(analysis: StoredAnalysis): Promise<void> {
    this.checkOpen();
    checkId(analysis.id);
    this.analyses.set(analysis.id, cloneJson(analysis));
  }

  async getAnalysis(id: string): Promise<StoredAnalysis | undefined> {
    this.checkOpen();
    const a = this.analyses.get(id);
    return a && cloneJson(a);
  }

  async listAnalyses(query: ListAnalysesQuery = {}): Promise<StoredAnalysis[]> {
    this.checkOpen();
    const { limit } = checkAnalysesQuery(query);
    const machines = query.machineIds && new Set(query.machineIds);
    return [...this.analyses.values()]
      .filter(
        (a) =>
          (!machines || machines.has(a.machineId)) &&
          (query.fromMs === undefined || a.timestampMs >= query.fromMs) &&
          (query.toMs === undefined || a.timestampMs < query.toMs),
      )
      .sort((a, b) => b.timestampMs - a.timestampMs || byId(a, b))
      .slice(0, limit)
      .map((a) => cloneJson(a));
  }

  private checkOpen(): void {
    if (this.isClosed) throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'graph store is closed');
  }

  private putNode(node: GraphNode): void {
    this.nodes.set(node.id, copyNode(node));
  }

  private checkEndpoints(relations: GraphRelation[]): GraphRelation[] {
    const missing = new Set<string>();
    relations.forEach((r) => [r.from, r.to].forEach((id) => this.nodes.has(id) || missing.add(id)));
    if (missing.size > 0) {
      throw notFound(`node ${[...missing].sort().join(', ')}`, { missing: [...missing].sort() });
    }
    const problems = relations.flatMap((r, i) => {
      const problem = endpointProblem(r.type, this.nodes.get(r.from)!.kind, this.nodes.get(r.to)!.kind);
      return problem ? [{ path: relations.length > 1 ? `relations.${i}` : 'type', message: problem }] : [];
    });
    if (problems.length > 0) throw invalid('relation', problems);
    return relations;
  }

  private putRelation(relation: GraphRelation): void {
    const key = relationKey(relation);
    this.relations.set(key, copyRelation(relation));
    const out = this.outgoing.get(relation.from) ?? new Set();
    out.add(key);
    this.outgoing.set(relation.from, out);
    const inc = this.incoming.get(relation.to) ?? new Set();
    inc.add(key);
    this.incoming.set(relation.to, inc);
  }

  private removeRelation(key: string): void {
    const r = this.relations.get(key);
    if (!r) return;
    this.relations.delete(key);
    this.outgoing.get(r.from)?.delete(key);
    this.incoming.get(r.to)?.delete(key);
  }

  private *neighbours(
    id: string,
    types: ReadonlySet<RelationType>,
    direction: ExpandQuery['direction'],
  ): Generator<{ relation: GraphRelation; other: string }> {
    if (direction !== 'in') {
      for (const key of this.outgoing.get(id) ?? []) {
        const r = this.relations.get(key)!;
        if (types.has(r.type)) yield { relation: r, other: r.to };
      }
    }
    if (direction !== 'out') {
      for (const key of this.incoming.get(id) ?? []) {
        const r = this.relations.get(key)!;
        if (types.has(r.type)) yield { relation: r, other: r.from };
      }
    }
  }
}

export function createMemoryGraphStore(): MemoryGraphStore {
  return new MemoryGraphStore();
}
