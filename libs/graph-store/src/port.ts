import type { GraphNode, GraphRelation, NodeKind, Properties, RelationType } from './model';

export type Direction = 'out' | 'in' | 'both';

export interface ListNodesQuery {
  kind?: NodeKind;
  /** Page size, 1-1000 (default 100). */
  limit?: number;
  /** Return nodes whose id sorts after this one (keyset pagination; ids sort by code point). */
  afterId?: string;
}

export interface TraverseQuery {
  /** Relation types to follow (at least one). */
  types: readonly RelationType[];
  /** `out` follows relations from the start, `in` against them (upstream along FEEDS), `both` either way. */
  direction: Direction;
  /** 1-10. */
  maxHops: number;
  /** Only return nodes of these kinds (the path may pass through others). */
  kinds?: readonly NodeKind[];
  /** At most this many results (default 1000). */
  limit?: number;
}

/** A node reached by a traversal, with one shortest path to it (start first) and the relations along it. */
export interface Reached {
  node: GraphNode;
  hops: number;
  /** Node ids from the start to `node`, both included. */
  path: string[];
  relations: GraphRelation[];
}

export interface ExpandQuery {
  types: readonly RelationType[];
  direction: Direction;
}

/** One hop out of a set of nodes: the relations touching them (of the given types) and the nodes at their ends. */
export interface Expansion {
  relations: GraphRelation[];
  /** Every node at either end of a returned relation, by id. */
  nodes: Map<string, GraphNode>;
}

export interface GraphCounts {
  nodes: Partial<Record<NodeKind, number>>;
  relations: Partial<Record<RelationType, number>>;
}

export interface MigrationReport {
  /** Versions applied by this call, ascending. */
  applied: number[];
  /** The schema version the store is at now. */
  version: number;
}

/**
 * A stored root-cause analysis (or any other annotation of an anomaly), keyed by `id`: saving the same id again
 * replaces it, so a replayed anomaly event does not duplicate its analysis.
 */
export interface StoredAnalysis {
  id: string;
  machineId: string;
  timestampMs: number;
  /** JSON-serialisable document (the ranked candidates and their evidence). */
  document: Record<string, unknown>;
}

export interface ListAnalysesQuery {
  machineIds?: readonly string[];
  /** Inclusive. */
  fromMs?: number;
  /** Exclusive. */
  toMs?: number;
  /** Newest first; default 100, at most 1000. */
  limit?: number;
}

/**
 * The GraphStore port: the equipment knowledge graph. Node ids are unique across kinds; a relation is identified
 * by (type, from, to). Failures are AppErrors: NOT_FOUND (a missing node or relation), CONFLICT (an id taken, a
 * relation that exists, a kind clash), VALIDATION_FAILED (a relation between kinds its type does not connect, a
 * missing required property), UPSTREAM_UNAVAILABLE / UPSTREAM_TIMEOUT (the database is down or slow).
 */
export interface GraphStore {
  connect(): Promise<void>;
  /** Applies the versioned schema migrations (constraints, indexes) not yet applied; idempotent. */
  migrate(): Promise<MigrationReport>;
  /** Creates a node; CONFLICT when the id exists. */
  createNode(node: GraphNode): Promise<GraphNode>;
  /** Creates or replaces nodes by id (import, generator); CONFLICT when an existing id has another kind. */
  upsertNodes(nodes: readonly GraphNode[]): Promise<void>;
  getNode(id: string): Promise<GraphNode | undefined>;
  /** Merges properties into a node (a property set to null is removed); NOT_FOUND when missing. */
  updateNode(id: string, patch: Record<string, Properties[string] | null>): Promise<GraphNode>;
  /** Deletes a node and its relations; NOT_FOUND when missing. Returns the number of relations removed. */
  deleteNode(id: string): Promise<number>;
  listNodes(query?: ListNodesQuery): Promise<GraphNode[]>;
  /** Creates a relation; NOT_FOUND for a missing endpoint, CONFLICT when it exists. */
  createRelation(relation: GraphRelation): Promise<GraphRelation>;
  /** Creates or replaces relations by (type, from, to); NOT_FOUND for a missing endpoint. */
  upsertRelations(relations: readonly GraphRelation[]): Promise<void>;
  getRelation(type: RelationType, from: string, to: string): Promise<GraphRelation | undefined>;
  /** NOT_FOUND when missing. */
  deleteRelation(type: RelationType, from: string, to: string): Promise<void>;
  /** Nodes reachable from `startId` within `maxHops`, nearest first (ties by id); NOT_FOUND for a missing start. */
  traverse(startId: string, query: TraverseQuery): Promise<Reached[]>;
  /** One hop from each of `ids` (missing ids are ignored). */
  expand(ids: readonly string[], query: ExpandQuery): Promise<Expansion>;
  /**
   * Several hops in one round trip: step 1 from `ids`, step 2 from the nodes step 1 reached, and so on (1-3 steps).
   * Returns every relation followed and the nodes at their ends, as {@link expand} does.
   */
  expandSteps(ids: readonly string[], steps: readonly ExpandQuery[]): Promise<Expansion>;
  /** Every node and relation, ordered by id and by (type, from, to): a plant export. */
  exportGraph(): Promise<{ nodes: GraphNode[]; relations: GraphRelation[] }>;
  counts(): Promise<GraphCounts>;
  /** Removes every node, relation and analysis (keeps the schema). */
  clear(): Promise<void>;
  saveAnalysis(analysis: StoredAnalysis): Promise<void>;
  getAnalysis(id: string): Promise<StoredAnalysis | undefined>;
  listAnalyses(query?: ListAnalysesQuery): Promise<StoredAnalysis[]>;
  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;
export const MAX_HOPS = 10;
export const DEFAULT_TRAVERSE_LIMIT = 1000;
