import { NODE_KINDS, NodeIdSchema, PropertiesSchema, RELATION_TYPES } from '@industrialmind/graph-store';
import { z } from 'zod';

/** An ISO-8601 date-time with a timezone, or epoch milliseconds. */
export const Instant = z.string().transform((v, ctx) => {
  const ms = /^\d+$/.test(v) ? Number(v) : /T.*(Z|[+-]\d\d:\d\d)$/.test(v) ? Date.parse(v) : Number.NaN;
  if (!Number.isFinite(ms)) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be an ISO-8601 date-time with a timezone (2024-05-01T12:00:00Z) or epoch milliseconds',
    });
    return z.NEVER;
  }
  return ms;
});

const Hops = z.coerce.number().int().min(1).max(10);

export const IdParams = z.object({ id: NodeIdSchema });

export const NodeBody = z
  .object({ id: NodeIdSchema, kind: z.enum(NODE_KINDS), properties: PropertiesSchema.default({}) })
  .strict();

export const NodePatchBody = z
  .object({
    properties: z.record(
      z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'property names are snake_case (a-z, 0-9, _)'),
      z.union([
        z.string().max(1000),
        z.number().refine(Number.isFinite, 'must be finite'),
        z.boolean(),
        z.null(),
      ]),
    ),
  })
  .strict();

export const ListNodesQuery = z
  .object({
    kind: z.enum(NODE_KINDS).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    after: NodeIdSchema.optional(),
  })
  .strict();

export const RelationBody = z
  .object({
    type: z.enum(RELATION_TYPES),
    from: NodeIdSchema,
    to: NodeIdSchema,
    properties: PropertiesSchema.default({}),
  })
  .strict();

export const RelationKeyQuery = z
  .object({ type: z.enum(RELATION_TYPES), from: NodeIdSchema, to: NodeIdSchema })
  .strict();

export const HopsQuery = z.object({ hops: Hops.default(1) }).strict();
export const ImpactQuery = z.object({ hops: Hops.default(3) }).strict();

/** `vibration:0.7,temperature:0.2`: channel contributions of an anomaly. */
const Contributions = z.string().transform((v, ctx) => {
  const out: Record<string, number> = {};
  for (const part of v.split(',')) {
    const m = /^([a-z][a-z0-9_]{0,63}):(-?\d+(?:\.\d+)?)$/.exec(part.trim());
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'must be channel:number pairs separated by commas' });
      return z.NEVER;
    }
    out[m[1]!] = Number(m[2]);
  }
  return out;
});

export const RootCauseQuery = z
  .object({
    machine_id: NodeIdSchema,
    time: Instant,
    contributions: Contributions.optional(),
  })
  .strict();

export const AnalysesQuery = z
  .object({
    machine_id: NodeIdSchema.optional(),
    from: Instant.optional(),
    to: Instant.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const ImportQuery = z.object({ replace: z.enum(['true', 'false']).default('false') }).strict();
