import { NODE_KINDS, type NodeKind } from './model';

/** Label names of one graph namespace: a prefix (tests use a unique one) before every label. */
export interface Labels {
  prefix: string;
  /** Every equipment-graph node carries it (ids are unique under it). */
  node: string;
  kind(kind: NodeKind): string;
  analysis: string;
  migration: string;
}

export const LABEL_PREFIX_PATTERN = /^(?:[A-Za-z][A-Za-z0-9_]{0,39})?$/;

export function labelsFor(prefix: string): Labels {
  return {
    prefix,
    node: `${prefix}GraphNode`,
    kind: (kind) => `${prefix}${kind}`,
    analysis: `${prefix}RootCauseAnalysis`,
    migration: `${prefix}SchemaMigration`,
  };
}

/**
 * One versioned schema change. Statements are idempotent (`IF NOT EXISTS`), so a migration interrupted between
 * statements is simply run again; the version is recorded (a `SchemaMigration` node) only after all succeed.
 */
export interface Migration {
  version: number;
  description: string;
  statements(labels: Labels): string[];
}

const name = (labels: Labels, suffix: string): string => `${labels.prefix.toLowerCase()}im_${suffix}`;

/** The schema history, oldest first. Never edit a released migration: add a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'unique node ids and migration versions',
    statements: (l) => [
      `CREATE CONSTRAINT \`${name(l, 'node_id')}\` IF NOT EXISTS FOR (n:\`${l.node}\`) REQUIRE n.id IS UNIQUE`,
      `CREATE CONSTRAINT \`${name(l, 'migration_version')}\` IF NOT EXISTS FOR (m:\`${l.migration}\`) REQUIRE m.version IS UNIQUE`,
    ],
  },
  {
    version: 2,
    description: 'lookup indexes: equipment by machine id and type, components by type, sensors by channel',
    statements: (l) => [
      `CREATE INDEX \`${name(l, 'equipment_machine_id')}\` IF NOT EXISTS FOR (n:\`${l.kind('Equipment')}\`) ON (n.machine_id)`,
      `CREATE INDEX \`${name(l, 'equipment_type')}\` IF NOT EXISTS FOR (n:\`${l.kind('Equipment')}\`) ON (n.type)`,
      `CREATE INDEX \`${name(l, 'component_type')}\` IF NOT EXISTS FOR (n:\`${l.kind('Component')}\`) ON (n.type)`,
      `CREATE INDEX \`${name(l, 'sensor_channel')}\` IF NOT EXISTS FOR (n:\`${l.kind('Sensor')}\`) ON (n.channel)`,
      ...NODE_KINDS.map(
        (k) =>
          `CREATE INDEX \`${name(l, `${k.toLowerCase()}_id`)}\` IF NOT EXISTS FOR (n:\`${l.kind(k)}\`) ON (n.id)`,
      ),
    ],
  },
  {
    version: 3,
    description: 'root-cause analyses: unique id, lookup by machine and time',
    statements: (l) => [
      `CREATE CONSTRAINT \`${name(l, 'analysis_id')}\` IF NOT EXISTS FOR (a:\`${l.analysis}\`) REQUIRE a.id IS UNIQUE`,
      `CREATE INDEX \`${name(l, 'analysis_machine_time')}\` IF NOT EXISTS FOR (a:\`${l.analysis}\`) ON (a.machine_id, a.timestamp_ms)`,
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Names of every constraint and index the migrations create for a prefix (to drop a test namespace). */
export function schemaObjectPrefix(labels: Labels): string {
  return name(labels, '');
}
