import { AppError, ErrorCode } from '@industrialmind/errors';
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import { silentLogger, type StoreLogger } from './logger';
import {
  LABEL_PREFIX_PATTERN,
  MIGRATIONS,
  SCHEMA_VERSION,
  labelsFor,
  schemaObjectPrefix,
  type Labels,
} from './migrations';
import {
  NODE_KINDS,
  RELATION_TYPES,
  endpointProblem,
  relationKey,
  type GraphNode,
  type GraphRelation,
  type NodeKind,
  type Properties,
  type RelationType,
} from './model';
import type {
  Direction,
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
  conflict,
  invalid,
  notFound,
} from './validation';

export const DEFAULT_NEO4J_TIMEOUT_MS = 10_000;
const BATCH = 2000;

export interface Neo4jGraphStoreOptions {
  /** `bolt://127.0.0.1:7687` (use bolt://, not neo4j://, for a single server: no routing table). */
  uri: string;
  user: string;
  password: string;
  /** Database name; default the server's default (`neo4j`, the only one in Community edition). */
  database?: string;
  /** Prepended to every label: one graph per prefix on a shared server (tests use a unique one). */
  labelPrefix?: string;
  /** Transaction and connection-acquisition timeout. */
  timeoutMs?: number;
  maxConnectionPoolSize?: number;
  logger?: StoreLogger;
}

type Row = Record<string, unknown>;

const ENDPOINT_KINDS_ERROR = 'relation endpoint kinds';

function toProperties(map: Row, omit: readonly string[]): Properties {
  const out: Properties = {};
  for (const [k, v] of Object.entries(map)) {
    if (omit.includes(k)) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

function toNode(map: Row): GraphNode {
  return { id: map.id as string, kind: map.kind as NodeKind, properties: toProperties(map, ['id', 'kind']) };
}

function toRelation(row: Row): GraphRelation {
  return {
    type: row.type as RelationType,
    from: row.from as string,
    to: row.to as string,
    properties: toProperties(row.properties as Row, []),
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A relationship pattern over the given types, in the given direction, e.g. `-[r:FEEDS|AFFECTS]->`. */
function pattern(types: readonly RelationType[], direction: Direction, variable: string, hops = ''): string {
  for (const t of types)
    if (!RELATION_TYPES.includes(t)) throw invalid('query', [{ path: 'types', message: t }]);
  const body = `[${variable}:${types.join('|')}${hops}]`;
  if (direction === 'out') return `-${body}->`;
  if (direction === 'in') return `<-${body}-`;
  return `-${body}-`;
}

/**
 * The GraphStore on Neo4j 5 over Bolt (neo4j-driver). Every node carries the namespace's `GraphNode` label (unique
 * `id`) plus its kind's label; relations are native relationships. Driver failures become AppErrors here: an
 * unreachable or restarting server is UPSTREAM_UNAVAILABLE (retryable), a transaction over `timeoutMs`
 * UPSTREAM_TIMEOUT, a broken uniqueness constraint CONFLICT, bad credentials UPSTREAM_UNAVAILABLE (not retryable).
 */
export class Neo4jGraphStore implements GraphStore {
  readonly labels: Labels;
  private readonly driver: Driver;
  private readonly database: string | undefined;
  private readonly timeoutMs: number;
  private readonly logger: StoreLogger;
  private isClosed = false;

  constructor(private readonly options: Neo4jGraphStoreOptions) {
    const prefix = options.labelPrefix ?? '';
    if (!LABEL_PREFIX_PATTERN.test(prefix)) {
      throw invalid('options', [
        { path: 'labelPrefix', message: 'must be a letter then up to 39 letters, digits, _' },
      ]);
    }
    this.labels = labelsFor(prefix);
    this.database = options.database;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_NEO4J_TIMEOUT_MS;
    this.logger = options.logger ?? silentLogger;
    this.driver = neo4j.driver(options.uri, neo4j.auth.basic(options.user, options.password), {
      disableLosslessIntegers: true,
      maxConnectionPoolSize: options.maxConnectionPoolSize ?? 50,
      connectionAcquisitionTimeout: this.timeoutMs,
      connectionTimeout: Math.min(this.timeoutMs, 5000),
      maxTransactionRetryTime: Math.min(this.timeoutMs, 5000),
    });
  }

  async connect(): Promise<void> {
    this.checkOpen();
    try {
      await this.driver.verifyConnectivity(this.database ? { database: this.database } : {});
    } catch (err) {
      throw this.translate(err, 'connect');
    }
    await this.ping();
    this.logger.info({ uri: this.options.uri, labelPrefix: this.labels.prefix }, 'graph store connected');
  }

  async ping(): Promise<void> {
    await this.read('RETURN 1 AS ok', {});
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await this.driver.close();
  }

  async migrate(): Promise<MigrationReport> {
    const l = this.labels;
    const done = new Set(
      (await this.read(`MATCH (m:\`${l.migration}\`) RETURN m.version AS v`, {})).map((r) => r.v as number),
    );
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      // Schema commands cannot share a transaction with data writes, so each runs on its own.
      for (const statement of m.statements(l)) await this.write(statement, {});
      await this.write(
        `MERGE (m:\`${l.migration}\` {version: $version}) SET m.description = $description, m.applied_at = datetime()`,
        { version: m.version, description: m.description },
      );
      this.logger.info({ version: m.version, description: m.description }, 'graph schema migration applied');
      applied.push(m.version);
    }
    return { applied, version: SCHEMA_VERSION };
  }

  async createNode(node: GraphNode): Promise<GraphNode> {
    const valid = checkNode(node);
    const l = this.labels;
    const rows = await this.write(
      `OPTIONAL MATCH (e:\`${l.node}\` {id: $id})
       CALL (e) { WITH e WHERE e IS NULL
         CREATE (n:\`${l.node}\`:\`${l.kind(valid.kind)}\`) SET n = $all RETURN n }
       RETURN n {.*} AS n`,
      { id: valid.id, all: { ...valid.properties, id: valid.id, kind: valid.kind } },
    );
    if (rows.length === 0) throw conflict(`node ${valid.id} exists`, [{ path: 'id', message: 'is taken' }]);
    return toNode(rows[0]!.n as Row);
  }

  async upsertNodes(nodes: readonly GraphNode[]): Promise<void> {
    const valid = nodes.map((n, i) => checkNode(n, `nodes.${i}`));
    const l = this.labels;
    const kinds = await this.kindsOf(valid.map((n) => n.id));
    for (const n of valid) {
      const existing = kinds.get(n.id);
      if (existing && existing !== n.kind) {
        throw conflict(`node ${n.id} is a ${existing}, not a ${n.kind}`, [
          { path: 'kind', message: 'clash' },
        ]);
      }
    }
    for (const kind of NODE_KINDS) {
      const ofKind = valid.filter((n) => n.kind === kind);
      for (const batch of chunks(ofKind, BATCH)) {
        await this.write(
          `UNWIND $rows AS row
           MERGE (n:\`${l.node}\` {id: row.id})
           SET n = row, n:\`${l.kind(kind)}\``,
          { rows: batch.map((n) => ({ ...n.properties, id: n.id, kind: n.kind })) },
        );
      }
    }
  }

  async getNode(id: string): Promise<GraphNode | undefined> {
    const rows = await this.read(`MATCH (n:\`${this.labels.node}\` {id: $id}) RETURN n {.*} AS n`, { id });
    return rows[0] && toNode(rows[0].n as Row);
  }

  async updateNode(id: string, patch: Record<string, Properties[string] | null>): Promise<GraphNode> {
    const existing = await this.getNode(id);
    if (!existing) throw notFound(`node ${id}`);
    const properties: Properties = { ...existing.properties };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete properties[k];
      else properties[k] = v;
    }
    const next = checkNode({ id, kind: existing.kind, properties });
    const rows = await this.write(
      `MATCH (n:\`${this.labels.node}\` {id: $id}) SET n = $all RETURN n {.*} AS n`,
      { id, all: { ...next.properties, id, kind: next.kind } },
    );
    if (rows.length === 0) throw notFound(`node ${id}`);
    return toNode(rows[0]!.n as Row);
  }

  async deleteNode(id: string): Promise<number> {
    const rows = await this.write(
      `MATCH (n:\`${this.labels.node}\` {id: $id})
       WITH n, COUNT { (n)-[]-() } AS relations
       DETACH DELETE n RETURN relations`,
      { id },
    );
    if (rows.length === 0) throw notFound(`node ${id}`);
    return rows[0]!.relations as number;
  }

  async listNodes(query: ListNodesQuery = {}): Promise<GraphNode[]> {
    const { limit } = checkListQuery(query);
    const label = query.kind ? this.labels.kind(query.kind) : this.labels.node;
    const rows = await this.read(
      `MATCH (n:\`${label}\`:\`${this.labels.node}\`) WHERE n.id > $after
       RETURN n {.*} AS n ORDER BY n.id LIMIT $limit`,
      { after: query.afterId ?? '', limit: neo4j.int(limit) },
    );
    return rows.map((r) => toNode(r.n as Row));
  }

  async createRelation(relation: GraphRelation): Promise<GraphRelation> {
    const valid = checkRelation(relation);
    await this.checkEndpoints([valid]);
    const l = this.labels;
    const rows = await this.write(
      `MATCH (a:\`${l.node}\` {id: $from}), (b:\`${l.node}\` {id: $to})
       OPTIONAL MATCH (a)-[e:${valid.type}]->(b)
       CALL (a, b, e) { WITH a, b, e WHERE e IS NULL
         CREATE (a)-[r:${valid.type}]->(b) SET r = $properties RETURN r }
       RETURN properties(r) AS properties`,
      { from: valid.from, to: valid.to, properties: valid.properties },
    );
    if (rows.length === 0) throw conflict(`${valid.type} ${valid.from} -> ${valid.to} exists`);
    return { ...valid, properties: toProperties(rows[0]!.properties as Row, []) };
  }

  async upsertRelations(relations: readonly GraphRelation[]): Promise<void> {
    const valid = relations.map((r, i) => checkRelation(r, `relations.${i}`));
    await this.checkEndpoints(valid);
    const l = this.labels;
    for (const type of RELATION_TYPES) {
      const ofType = valid.filter((r) => r.type === type);
      for (const batch of chunks(ofType, BATCH)) {
        await this.write(
          `UNWIND $rows AS row
           MATCH (a:\`${l.node}\` {id: row.from}), (b:\`${l.node}\` {id: row.to})
           MERGE (a)-[r:${type}]->(b) SET r = row.properties`,
          { rows: batch.map((r) => ({ from: r.from, to: r.to, properties: r.properties })) },
        );
      }
    }
  }

  async getRelation(type: RelationType, from: string, to: string): Promise<GraphRelation | undefined> {
    if (!RELATION_TYPES.includes(type)) return undefined;
    const l = this.labels;
    const rows = await this.read(
      `MATCH (:\`${l.node}\` {id: $from})-[r:${type}]->(:\`${l.node}\` {id: $to}) RETURN properties(r) AS properties`,
      { from, to },
    );
    return rows[0] && { type, from, to, properties: toProperties(rows[0].properties as Row, []) };
  }

  async deleteRelation(type: RelationType, from: string, to: string): Promise<void> {
    if (!RELATION_TYPES.includes(type)) throw notFound(`${type} ${from} -> ${to}`);
    const l = this.labels;
    const rows = await this.write(
      `MATCH (:\`${l.node}\` {id: $from})-[r:${type}]->(:\`${l.node}\` {id: $to}) DELETE r RETURN 1 AS ok`,
      { from, to },
    );
    if (rows.length === 0) throw notFound(`${type} ${from} -> ${to}`);
  }

  async traverse(startId: string, query: TraverseQuery): Promise<Reached[]> {
    const { limit } = checkTraverseQuery(query);
    checkId(startId);
    const l = this.labels;
    const kindFilter = query.kinds ? 'AND n.kind IN $kinds' : '';
    // ANY SHORTEST (Neo4j 5.21+) finds one shortest path per reached node breadth-first, without enumerating
    // every path: the plain variable-length pattern grows exponentially with hops on a dense plant.
    const rows = await this.read(
      `MATCH (s:\`${l.node}\` {id: $id})
       OPTIONAL MATCH p = ANY SHORTEST (s)${pattern(query.types, query.direction, '', `*1..${query.maxHops}`)}(n:\`${l.node}\`)
       WHERE n <> s ${kindFilter}
       WITH s, n, p ORDER BY length(p), n.id LIMIT $limit
       RETURN s.id AS start, n {.*} AS n, length(p) AS hops,
              [x IN nodes(p) | x.id] AS path,
              [r IN relationships(p) | {type: type(r), from: startNode(r).id, to: endNode(r).id, properties: properties(r)}] AS relations`,
      { id: startId, kinds: query.kinds ?? [], limit: neo4j.int(limit) },
    );
    if (rows.length === 0) throw notFound(`node ${startId}`);
    return rows
      .filter((r) => r.n !== null)
      .map((r) => ({
        node: toNode(r.n as Row),
        hops: r.hops as number,
        path: r.path as string[],
        relations: (r.relations as Row[]).map(toRelation),
      }));
  }

  async expand(ids: readonly string[], query: ExpandQuery): Promise<Expansion> {
    const l = this.labels;
    const nodes = new Map<string, GraphNode>();
    const relations = new Map<string, GraphRelation>();
    if (ids.length === 0 || query.types.length === 0) return { nodes, relations: [] };
    const rows = await this.read(
      `UNWIND $ids AS id
       MATCH (a:\`${l.node}\` {id: id})${pattern(query.types, query.direction, 'r')}(b:\`${l.node}\`)
       WITH DISTINCT r
       WITH r, startNode(r) AS sn, endNode(r) AS en
       RETURN type(r) AS type, sn {.*} AS s, en {.*} AS e, properties(r) AS properties`,
      { ids: [...new Set(ids)] },
    );
    for (const row of rows) {
      const s = toNode(row.s as Row);
      const e = toNode(row.e as Row);
      nodes.set(s.id, s);
      nodes.set(e.id, e);
      const relation = toRelation({ type: row.type, from: s.id, to: e.id, properties: row.properties });
      relations.set(relationKey(relation), relation);
    }
    const sorted = [...relations.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, r]) => r);
    return { nodes, relations: sorted };
  }

  async expandSteps(ids: readonly string[], steps: readonly ExpandQuery[]): Promise<Expansion> {
    checkSteps(steps);
    const l = this.labels;
    const nodes = new Map<string, GraphNode>();
    const relations = new Map<string, GraphRelation>();
    if (ids.length === 0) return { nodes, relations: [] };
    // One OPTIONAL MATCH per step, each from the previous step's nodes; every relation met is returned once.
    const matches = steps
      .map((step, i) => {
        const from = i === 0 ? 'n0' : `n${i}`;
        return `OPTIONAL MATCH (${from})${pattern(step.types, step.direction, `r${i + 1}`)}(n${i + 1}:\`${l.node}\`)`;
      })
      .join('\n       ');
    const rels = steps.map((_, i) => `r${i + 1}`);
    const rows = await this.read(
      `UNWIND $ids AS id
       MATCH (n0:\`${l.node}\` {id: id})
       ${matches}
       WITH [${rels.join(', ')}] AS rs
       UNWIND rs AS r
       WITH DISTINCT r WHERE r IS NOT NULL
       WITH r, startNode(r) AS sn, endNode(r) AS en
       RETURN type(r) AS type, sn {.*} AS s, en {.*} AS e, properties(r) AS properties`,
      { ids: [...new Set(ids)] },
    );
    for (const row of rows) {
      const s = toNode(row.s as Row);
      const e = toNode(row.e as Row);
      nodes.set(s.id, s);
      nodes.set(e.id, e);
      const relation = toRelation({ type: row.type, from: s.id, to: e.id, properties: row.properties });
      relations.set(relationKey(relation), relation);
    }
    const sorted = [...relations.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, r]) => r);
    return { nodes, relations: sorted };
  }

  async exportGraph(): Promise<{ nodes: GraphNode[]; relations: GraphRelation[] }> {
    const l = this.labels;
    const nodes = (await this.read(`MATCH (n:\`${l.node}\`) RETURN n {.*} AS n ORDER BY n.id`, {})).map((r) =>
      toNode(r.n as Row),
    );
    const relations = (
      await this.read(
        `MATCH (a:\`${l.node}\`)-[r]->(b:\`${l.node}\`)
         RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS properties
         ORDER BY type, from, to`,
        {},
      )
    ).map(toRelation);
    return { nodes, relations };
  }

  async counts(): Promise<GraphCounts> {
    const l = this.labels;
    const counts: GraphCounts = { nodes: {}, relations: {} };
    for (const r of await this.read(`MATCH (n:\`${l.node}\`) RETURN n.kind AS k, count(*) AS c`, {})) {
      counts.nodes[r.k as NodeKind] = r.c as number;
    }
    const rels = await this.read(
      `MATCH (:\`${l.node}\`)-[r]->(:\`${l.node}\`) RETURN type(r) AS t, count(*) AS c`,
      {},
    );
    for (const r of rels) counts.relations[r.t as RelationType] = r.c as number;
    return counts;
  }

  async clear(): Promise<void> {
    const l = this.labels;
    for (const label of [l.node, l.analysis]) {
      // Batches keep each transaction's memory bounded on a large plant.
      for (;;) {
        const rows = await this.write(
          `MATCH (n:\`${label}\`) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS c`,
          {},
        );
        if ((rows[0]?.c as number) === 0) break;
      }
    }
  }

  async saveAnalysis(analysis: StoredAnalysis): Promise<void> {
    checkId(analysis.id);
    await this.write(
      `MERGE (a:\`${this.labels.analysis}\` {id: $id})
       SET a.machine_id = $machineId, a.timestamp_ms = $timestampMs, a.document = $document`,
      {
        id: analysis.id,
        machineId: analysis.machineId,
        timestampMs: analysis.timestampMs,
        document: JSON.stringify(analysis.document),
      },
    );
  }

  async getAnalysis(id: string): Promise<StoredAnalysis | undefined> {
    const rows = await this.read(`MATCH (a:\`${this.labels.analysis}\` {id: $id}) RETURN a {.*} AS a`, {
      id,
    });
    return rows[0] && toAnalysis(rows[0].a as Row);
  }

  async listAnalyses(query: ListAnalysesQuery = {}): Promise<StoredAnalysis[]> {
    const { limit } = checkAnalysesQuery(query);
    const where = [
      query.machineIds ? 'a.machine_id IN $machineIds' : '',
      query.fromMs !== undefined ? 'a.timestamp_ms >= $fromMs' : '',
      query.toMs !== undefined ? 'a.timestamp_ms < $toMs' : '',
    ].filter((w) => w !== '');
    const rows = await this.read(
      `MATCH (a:\`${this.labels.analysis}\`) ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       RETURN a {.*} AS a ORDER BY a.timestamp_ms DESC, a.id LIMIT $limit`,
      {
        machineIds: query.machineIds ?? [],
        fromMs: query.fromMs ?? 0,
        toMs: query.toMs ?? 0,
        limit: neo4j.int(limit),
      },
    );
    return rows.map((r) => toAnalysis(r.a as Row));
  }

  /**
   * Removes this namespace entirely: its nodes, migration records, constraints and indexes (test clean-up).
   */
  async dropNamespace(): Promise<void> {
    await this.clear();
    await this.write(`MATCH (m:\`${this.labels.migration}\`) DELETE m`, {});
    const prefix = schemaObjectPrefix(this.labels);
    const constraints = await this.read('SHOW CONSTRAINTS YIELD name RETURN name', {});
    for (const { name } of constraints) {
      if ((name as string).startsWith(prefix))
        await this.write(`DROP CONSTRAINT \`${name as string}\` IF EXISTS`, {});
    }
    const indexes = await this.read('SHOW INDEXES YIELD name RETURN name', {});
    for (const { name } of indexes) {
      if ((name as string).startsWith(prefix))
        await this.write(`DROP INDEX \`${name as string}\` IF EXISTS`, {});
    }
  }

  private async kindsOf(ids: readonly string[]): Promise<Map<string, NodeKind>> {
    const kinds = new Map<string, NodeKind>();
    for (const batch of chunks([...new Set(ids)], 10_000)) {
      const rows = await this.read(
        `UNWIND $ids AS id MATCH (n:\`${this.labels.node}\` {id: id}) RETURN n.id AS id, n.kind AS kind`,
        { ids: batch },
      );
      for (const r of rows) kinds.set(r.id as string, r.kind as NodeKind);
    }
    return kinds;
  }

  private async checkEndpoints(relations: GraphRelation[]): Promise<void> {
    const kinds = await this.kindsOf(relations.flatMap((r) => [r.from, r.to]));
    const missing = [
      ...new Set(relations.flatMap((r) => [r.from, r.to]).filter((id) => !kinds.has(id))),
    ].sort();
    if (missing.length > 0) throw notFound(`node ${missing.join(', ')}`, { missing });
    const problems = relations.flatMap((r, i) => {
      const problem = endpointProblem(r.type, kinds.get(r.from)!, kinds.get(r.to)!);
      return problem ? [{ path: relations.length > 1 ? `relations.${i}` : 'type', message: problem }] : [];
    });
    if (problems.length > 0) throw invalid(ENDPOINT_KINDS_ERROR, problems);
  }

  private read(cypher: string, params: Row): Promise<Row[]> {
    return this.run('read', cypher, params);
  }

  private write(cypher: string, params: Row): Promise<Row[]> {
    return this.run('write', cypher, params);
  }

  private async run(mode: 'read' | 'write', cypher: string, params: Row): Promise<Row[]> {
    this.checkOpen();
    const session = this.driver.session({
      defaultAccessMode: mode === 'read' ? neo4j.session.READ : neo4j.session.WRITE,
      ...(this.database ? { database: this.database } : {}),
    });
    try {
      const config = { timeout: this.timeoutMs };
      if (mode === 'read') {
        // Reads run as auto-commit transactions: one round trip (RUN+PULL) instead of a managed transaction's two
        // (BEGIN+RUN+PULL, then COMMIT), which is most of a root-cause query's latency. A transient failure is not
        // retried here; it surfaces as a retryable UPSTREAM_* error for the caller's retry policy.
        return (await session.run(cypher, params, config)).records.map((r) => r.toObject());
      }
      const work = async (tx: ManagedTransaction) =>
        (await tx.run(cypher, params)).records.map((r) => r.toObject());
      return await session.executeWrite(work, config);
    } catch (err) {
      throw this.translate(err, mode);
    } finally {
      await session.close();
    }
  }

  private checkOpen(): void {
    if (this.isClosed) throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'graph store is closed');
  }

  private translate(err: unknown, operation: string): AppError {
    if (err instanceof AppError) return err;
    const code = (err as { code?: string }).code ?? '';
    const message = err instanceof Error ? err.message : String(err);
    const details = { operation, neo4jCode: code };
    if (code.includes('ConstraintValidationFailed')) {
      return new AppError(ErrorCode.CONFLICT, `graph constraint violated: ${message}`, {
        details,
        cause: err,
      });
    }
    if (code.includes('Security.Unauthorized') || code.includes('AuthenticationRateLimit')) {
      return new AppError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        'Neo4j refused the credentials (NEO4J_USER/NEO4J_PASSWORD)',
        {
          retryable: false,
          details,
          cause: err,
        },
      );
    }
    if (code.includes('TransactionTimedOut') || /timed? ?out|timeout/i.test(message)) {
      return new AppError(ErrorCode.UPSTREAM_TIMEOUT, `Neo4j ${operation} timed out: ${message}`, {
        details,
        cause: err,
      });
    }
    if (code === 'ServiceUnavailable' || code === 'SessionExpired' || code.startsWith('Neo.TransientError')) {
      return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `Neo4j unavailable: ${message}`, {
        details,
        cause: err,
      });
    }
    if (code.startsWith('Neo.ClientError')) {
      return new AppError(ErrorCode.INTERNAL, `Neo4j refused the query: ${message}`, { details, cause: err });
    }
    return new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, `Neo4j ${operation} failed: ${message}`, {
      details,
      cause: err,
    });
  }
}

function toAnalysis(map: Row): StoredAnalysis {
  return {
    id: map.id as string,
    machineId: map.machine_id as string,
    timestampMs: map.timestamp_ms as number,
    document: JSON.parse(map.document as string) as Record<string, unknown>,
  };
}

export function createNeo4jGraphStore(options: Neo4jGraphStoreOptions): Neo4jGraphStore {
  return new Neo4jGraphStore(options);
}
