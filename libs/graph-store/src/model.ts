import { z } from 'zod';

/** The kinds of node in the equipment graph (each is a Neo4j label). */
export const NODE_KINDS = ['Plant', 'Line', 'Equipment', 'Component', 'Sensor'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** The kinds of relation (each is a Neo4j relationship type). */
export const RELATION_TYPES = [
  'CONTAINS',
  'HAS_SENSOR',
  'AFFECTS',
  'FEEDS',
  'SIMILAR_TO',
  'LOCATED_IN',
] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

/**
 * Which node kinds each relation may connect (from -> to):
 * - CONTAINS: a plant its lines, a line its equipment, a machine its components;
 * - HAS_SENSOR: a machine its sensors;
 * - AFFECTS {impact 0-1}: a component drives what a sensor measures, or the health of another component;
 * - FEEDS: process flow between machines, upstream -> downstream;
 * - SIMILAR_TO {similarity 0-1}: machines alike enough to share failure history;
 * - LOCATED_IN: a sensor is mounted on a component.
 */
export const RELATION_ENDPOINTS: Readonly<
  Record<RelationType, ReadonlyArray<readonly [NodeKind, NodeKind]>>
> = {
  CONTAINS: [
    ['Plant', 'Line'],
    ['Line', 'Equipment'],
    ['Equipment', 'Component'],
  ],
  HAS_SENSOR: [['Equipment', 'Sensor']],
  AFFECTS: [
    ['Component', 'Sensor'],
    ['Component', 'Component'],
  ],
  FEEDS: [['Equipment', 'Equipment']],
  SIMILAR_TO: [['Equipment', 'Equipment']],
  LOCATED_IN: [['Sensor', 'Component']],
};

/** The property each relation type requires (a weight in [0, 1]). */
export const RELATION_WEIGHT: Readonly<Partial<Record<RelationType, string>>> = {
  AFFECTS: 'impact',
  SIMILAR_TO: 'similarity',
};

/** Properties each node kind requires, beyond `name` (which every node may have). */
export const REQUIRED_NODE_PROPERTIES: Readonly<Record<NodeKind, readonly string[]>> = {
  Plant: [],
  Line: [],
  Equipment: ['machine_id', 'type'],
  Component: ['type', 'criticality'],
  Sensor: ['channel'],
};

/** Node ids: the simulator's machine ids and paths such as `centrifugal-pump-001/bearing`. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;
const PROPERTY_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

export type PropertyValue = string | number | boolean;
export type Properties = Record<string, PropertyValue>;

export const NodeIdSchema = z
  .string()
  .regex(NODE_ID_PATTERN, { error: 'must be 1-200 letters, digits, ".", "_", ":", "/" or "-"' });

export const PropertiesSchema = z
  .record(
    z.string().regex(PROPERTY_NAME_PATTERN, { error: 'property names are snake_case (a-z, 0-9, _)' }),
    z.union([z.string().max(1000), z.number().refine(Number.isFinite, 'must be finite'), z.boolean()]),
  )
  .refine((p) => Object.keys(p).length <= 64, 'at most 64 properties')
  .refine((p) => !('id' in p) && !('kind' in p), 'id and kind are not properties');

/** A node: its id (unique across kinds), kind, and flat properties. */
export interface GraphNode {
  id: string;
  kind: NodeKind;
  properties: Properties;
}

/** A relation, identified by (type, from, to): there is at most one of each. */
export interface GraphRelation {
  type: RelationType;
  from: string;
  to: string;
  properties: Properties;
}

function requireProperties(node: { kind: NodeKind; properties: Properties }, ctx: z.RefinementCtx): void {
  for (const key of REQUIRED_NODE_PROPERTIES[node.kind]) {
    if (node.properties[key] === undefined) {
      ctx.addIssue({ code: 'custom', path: ['properties', key], message: `is required on a ${node.kind}` });
    }
  }
  if (node.kind === 'Component') {
    const c = node.properties.criticality;
    if (c !== undefined && !(typeof c === 'number' && c >= 0 && c <= 1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['properties', 'criticality'],
        message: 'must be a number in [0, 1]',
      });
    }
  }
}

export const GraphNodeSchema = z
  .object({
    id: NodeIdSchema,
    kind: z.enum(NODE_KINDS),
    properties: PropertiesSchema.default({}),
  })
  .strict()
  .superRefine(requireProperties);

function requireWeight(rel: { type: RelationType; properties: Properties }, ctx: z.RefinementCtx): void {
  const key = RELATION_WEIGHT[rel.type];
  if (key === undefined) return;
  const w = rel.properties[key];
  if (!(typeof w === 'number' && w >= 0 && w <= 1)) {
    ctx.addIssue({
      code: 'custom',
      path: ['properties', key],
      message: `${rel.type} needs ${key}, a number in [0, 1]`,
    });
  }
}

export const GraphRelationSchema = z
  .object({
    type: z.enum(RELATION_TYPES),
    from: NodeIdSchema,
    to: NodeIdSchema,
    properties: PropertiesSchema.default({}),
  })
  .strict()
  .superRefine(requireWeight);

/** A problem with a relation's endpoints, or undefined when the kinds fit the type. */
export function endpointProblem(
  type: RelationType,
  fromKind: NodeKind,
  toKind: NodeKind,
): string | undefined {
  const allowed = RELATION_ENDPOINTS[type];
  if (allowed.some(([f, t]) => f === fromKind && t === toKind)) return undefined;
  return `${type} connects ${allowed.map(([f, t]) => `${f}->${t}`).join(', ')}, not ${fromKind}->${toKind}`;
}

/** Relation key: (type, from, to). */
export function relationKey(r: { type: RelationType; from: string; to: string }): string {
  return `${r.type}\u0000${r.from}\u0000${r.to}`;
}
