import { AppError, ErrorCode } from '@industrialmind/errors';
import type { z } from 'zod';
import {
  GraphNodeSchema,
  GraphRelationSchema,
  NodeIdSchema,
  type GraphNode,
  type GraphRelation,
} from './model';
import {
  DEFAULT_LIST_LIMIT,
  DEFAULT_TRAVERSE_LIMIT,
  MAX_HOPS,
  MAX_LIST_LIMIT,
  type ListAnalysesQuery,
  type ListNodesQuery,
  type TraverseQuery,
} from './port';

/** Field-level problems in the shape every boundary reports: `[{ path, message }]`. */
export function problemsOf(error: z.ZodError, prefix = ''): Array<{ path: string; message: string }> {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter((p) => p !== '').join('.') || '(root)',
    message: i.message,
  }));
}

export function invalid(what: string, details: Array<{ path: string; message: string }>): AppError {
  return new AppError(
    ErrorCode.VALIDATION_FAILED,
    `invalid ${what}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
    { details },
  );
}

export function checkNode(node: GraphNode, prefix = ''): GraphNode {
  const parsed = GraphNodeSchema.safeParse(node);
  if (!parsed.success) throw invalid('node', problemsOf(parsed.error, prefix));
  return parsed.data;
}

export function checkRelation(relation: GraphRelation, prefix = ''): GraphRelation {
  const parsed = GraphRelationSchema.safeParse(relation);
  if (!parsed.success) throw invalid('relation', problemsOf(parsed.error, prefix));
  return parsed.data;
}

export function checkId(id: string, path = 'id'): string {
  const parsed = NodeIdSchema.safeParse(id);
  if (!parsed.success) throw invalid('id', problemsOf(parsed.error, path));
  return id;
}

function checkLimit(limit: number | undefined, fallback: number, max: number): number {
  const value = limit ?? fallback;
  if (!(Number.isInteger(value) && value >= 1 && value <= max)) {
    throw invalid('query', [{ path: 'limit', message: `must be an integer from 1 to ${max}` }]);
  }
  return value;
}

export function checkListQuery(query: ListNodesQuery): Required<Omit<ListNodesQuery, 'kind' | 'afterId'>> {
  return { limit: checkLimit(query.limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT) };
}

export function checkTraverseQuery(query: TraverseQuery): { limit: number } {
  if (!(Number.isInteger(query.maxHops) && query.maxHops >= 1 && query.maxHops <= MAX_HOPS)) {
    throw invalid('query', [{ path: 'max_hops', message: `must be an integer from 1 to ${MAX_HOPS}` }]);
  }
  if (query.types.length === 0)
    throw invalid('query', [{ path: 'types', message: 'must name a relation type' }]);
  return { limit: checkLimit(query.limit, DEFAULT_TRAVERSE_LIMIT, 100_000) };
}

export function checkSteps(steps: readonly { types: readonly string[] }[]): void {
  if (steps.length < 1 || steps.length > 3) {
    throw invalid('query', [{ path: 'steps', message: 'must be 1 to 3 steps' }]);
  }
  steps.forEach((s, i) => {
    if (s.types.length === 0)
      throw invalid('query', [{ path: `steps.${i}.types`, message: 'must name a relation type' }]);
  });
}

export function checkAnalysesQuery(query: ListAnalysesQuery): { limit: number } {
  return { limit: checkLimit(query.limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT) };
}

export function notFound(what: string, details?: unknown): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `${what} not found`, details === undefined ? {} : { details });
}

export function conflict(message: string, details?: unknown): AppError {
  return new AppError(ErrorCode.CONFLICT, message, details === undefined ? {} : { details });
}

/** Deep copy through JSON: stored documents never share objects with callers. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
