import { createFleet, SIMULATOR_CHANNELS, type SimulatorMachineTypeName } from '@industrialmind/simulation';
import { z } from 'zod';
import {
  GraphNodeSchema,
  GraphRelationSchema,
  endpointProblem,
  relationKey,
  type GraphNode,
  type GraphRelation,
} from './model';
import type { GraphStore } from './port';
import { invalid, problemsOf } from './validation';

export const PLANT_FORMAT = 'industrialmind-plant';
export const PLANT_FORMAT_VERSION = 1;
/** Nodes plus relations one import accepts. */
export const MAX_PLANT_ITEMS = 500_000;

/** A plant as JSON: what `exportPlant` writes and `importPlant` reads. */
export const PlantDocumentSchema = z
  .object({
    format: z.literal(PLANT_FORMAT),
    version: z.literal(PLANT_FORMAT_VERSION),
    name: z.string().min(1).max(200),
    nodes: z.array(GraphNodeSchema),
    relations: z.array(GraphRelationSchema),
  })
  .strict();
export type PlantDocument = z.infer<typeof PlantDocumentSchema>;

/**
 * Validates a plant document as a whole: the shape of every node and relation, unique node ids, relations whose
 * endpoints are in the document and of kinds their type connects, no duplicate relation. Returns the document or
 * throws AppError VALIDATION_FAILED listing every problem with its path (`nodes.3.properties.type`).
 */
export function parsePlantDocument(raw: unknown): PlantDocument {
  const parsed = PlantDocumentSchema.safeParse(raw);
  if (!parsed.success) throw invalid('plant', problemsOf(parsed.error).slice(0, 50));
  const doc = parsed.data;
  const problems: Array<{ path: string; message: string }> = [];
  if (doc.nodes.length + doc.relations.length > MAX_PLANT_ITEMS) {
    problems.push({ path: '(root)', message: `at most ${MAX_PLANT_ITEMS} nodes and relations` });
  }
  const kinds = new Map<string, GraphNode['kind']>();
  doc.nodes.forEach((n, i) => {
    if (kinds.has(n.id)) problems.push({ path: `nodes.${i}.id`, message: `duplicate id ${n.id}` });
    kinds.set(n.id, n.kind);
  });
  const keys = new Set<string>();
  doc.relations.forEach((r, i) => {
    const from = kinds.get(r.from);
    const to = kinds.get(r.to);
    if (!from) problems.push({ path: `relations.${i}.from`, message: `no node ${r.from} in the plant` });
    if (!to) problems.push({ path: `relations.${i}.to`, message: `no node ${r.to} in the plant` });
    const problem = from && to ? endpointProblem(r.type, from, to) : undefined;
    if (problem) problems.push({ path: `relations.${i}.type`, message: problem });
    const key = relationKey(r);
    if (keys.has(key)) problems.push({ path: `relations.${i}`, message: 'duplicate relation' });
    keys.add(key);
  });
  if (problems.length > 0) throw invalid('plant', problems.slice(0, 50));
  return doc;
}

/** Loads a plant into the store (after validating it); `replace` clears the store first. */
export async function importPlant(
  store: GraphStore,
  raw: unknown,
  options: { replace?: boolean } = {},
): Promise<{ nodes: number; relations: number }> {
  const doc = parsePlantDocument(raw);
  if (options.replace) await store.clear();
  await store.upsertNodes(doc.nodes);
  await store.upsertRelations(doc.relations);
  return { nodes: doc.nodes.length, relations: doc.relations.length };
}

/** The store's whole graph as a plant document (ordered, so two exports of the same graph are identical). */
export async function exportPlant(store: GraphStore, name: string): Promise<PlantDocument> {
  const { nodes, relations } = await store.exportGraph();
  return { format: PLANT_FORMAT, version: PLANT_FORMAT_VERSION, name, nodes, relations };
}

/** A component of a machine type and how strongly it drives each channel (AFFECTS impact, 0-1). */
export interface ComponentTemplate {
  name: string;
  type: string;
  criticality: number;
  affects: Partial<Record<(typeof SIMULATOR_CHANNELS)[number], number>>;
  /** The channel whose sensor is mounted on it (LOCATED_IN). */
  hosts?: (typeof SIMULATOR_CHANNELS)[number][];
}

// Impacts follow the simulator's physics (libs/simulation machine.ts): a worn bearing raises vibration strongly and
// temperature later; a failing impeller (cavitation) lowers pressure and adds vibration; a cooling failure raises
// temperature; a leaking seal lowers pressure; a motor (electrical) fault shows in power, then heat and vibration.
// The names are the fault catalogue's default components, so ground truth and graph use the same ids.
const BEARING: ComponentTemplate = {
  name: 'bearing',
  type: 'bearing',
  criticality: 0.9,
  affects: { vibration: 0.9, temperature: 0.5, power: 0.1 },
  hosts: ['vibration', 'temperature'],
};
const MOTOR: ComponentTemplate = {
  name: 'motor',
  type: 'motor',
  criticality: 0.8,
  affects: { power: 0.9, temperature: 0.35, vibration: 0.2 },
  hosts: ['power'],
};
const COOLING: ComponentTemplate = {
  name: 'cooling',
  type: 'cooling',
  criticality: 0.6,
  affects: { temperature: 0.9, power: 0.15 },
};
const SEAL: ComponentTemplate = {
  name: 'seal',
  type: 'seal',
  criticality: 0.5,
  affects: { pressure: 0.85, power: 0.1 },
  hosts: ['pressure'],
};
const COUPLING: ComponentTemplate = {
  name: 'coupling',
  type: 'coupling',
  criticality: 0.4,
  affects: { vibration: 0.45, power: 0.05 },
};

export const COMPONENT_TEMPLATES: Readonly<Record<SimulatorMachineTypeName, readonly ComponentTemplate[]>> = {
  'cnc-mill': [BEARING, MOTOR, COOLING, SEAL, COUPLING],
  'centrifugal-pump': [
    BEARING,
    MOTOR,
    COOLING,
    { ...SEAL, hosts: [] },
    COUPLING,
    {
      name: 'impeller',
      type: 'impeller',
      criticality: 0.85,
      affects: { pressure: 0.8, vibration: 0.5, power: 0.3 },
      hosts: ['pressure'],
    },
  ],
  compressor: [
    BEARING,
    MOTOR,
    COOLING,
    SEAL,
    COUPLING,
    { name: 'valve', type: 'valve', criticality: 0.5, affects: { pressure: 0.5, power: 0.3 } },
  ],
  'conveyor-motor': [
    BEARING,
    MOTOR,
    COOLING,
    SEAL,
    COUPLING,
    { name: 'gearbox', type: 'gearbox', criticality: 0.7, affects: { vibration: 0.5, temperature: 0.3 } },
  ],
};

/** Component-to-component influence inside a machine: a rough motor wears its bearing, failed cooling its motor. */
const INTERNAL_AFFECTS: ReadonlyArray<readonly [string, string, number]> = [
  ['motor', 'bearing', 0.3],
  ['cooling', 'motor', 0.3],
  ['coupling', 'bearing', 0.25],
];

export interface DemoPlantOptions {
  /** Machines, as in the simulator fleet (1-10,000); default 96. */
  size?: number;
  /** Fleet seed (the machine ids do not depend on it; similarity values do); default 1. */
  seed?: number;
  machinesPerLine?: number;
  linesPerPlant?: number;
  name?: string;
}

/** Stable pseudo-random number in [0, 1) from a string (FNV-1a), so the generator is deterministic. */
function hashUnit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

export const componentId = (machineId: string, component: string): string => `${machineId}/${component}`;
export const sensorId = (machineId: string, channel: string): string => `${machineId}/${channel}-sensor`;

/**
 * Builds the demo plant for a simulator fleet of the same size and layout: the fleet's machine ids, types, plants,
 * lines and bays; per machine its components (named like the fault catalogue's components) and one sensor per
 * simulator channel; process flow (FEEDS) from each bay to the next on its line; SIMILAR_TO between machines of
 * the same type on the same plant. 96 machines (the default) give over 1,000 nodes.
 */
export function generateDemoPlant(options: DemoPlantOptions = {}): PlantDocument {
  const size = options.size ?? 96;
  const seed = options.seed ?? 1;
  const fleet = createFleet({
    size,
    seed,
    startMs: 0,
    ...(options.machinesPerLine ? { machinesPerLine: options.machinesPerLine } : {}),
    ...(options.linesPerPlant ? { linesPerPlant: options.linesPerPlant } : {}),
  });
  const nodes: GraphNode[] = [];
  const relations: GraphRelation[] = [];
  const seen = new Set<string>();
  const byLine = new Map<string, string[]>();
  const byPlantType = new Map<string, string[]>();
  for (const m of fleet.machines) {
    const lineId = `${m.plant}/${m.line}`;
    if (!seen.has(m.plant)) {
      seen.add(m.plant);
      nodes.push({ id: m.plant, kind: 'Plant', properties: { name: m.plant } });
    }
    if (!seen.has(lineId)) {
      seen.add(lineId);
      nodes.push({ id: lineId, kind: 'Line', properties: { name: m.line, plant: m.plant } });
      relations.push({ type: 'CONTAINS', from: m.plant, to: lineId, properties: {} });
    }
    nodes.push({
      id: m.machineId,
      kind: 'Equipment',
      properties: {
        machine_id: m.machineId,
        type: m.machineType,
        location: m.location,
        plant: m.plant,
        line: m.line,
      },
    });
    relations.push({ type: 'CONTAINS', from: lineId, to: m.machineId, properties: {} });
    for (const channel of SIMULATOR_CHANNELS) {
      nodes.push({
        id: sensorId(m.machineId, channel),
        kind: 'Sensor',
        properties: { channel, machine_id: m.machineId },
      });
      relations.push({
        type: 'HAS_SENSOR',
        from: m.machineId,
        to: sensorId(m.machineId, channel),
        properties: {},
      });
    }
    const templates = COMPONENT_TEMPLATES[m.machineType];
    for (const t of templates) {
      const id = componentId(m.machineId, t.name);
      nodes.push({
        id,
        kind: 'Component',
        properties: { name: t.name, type: t.type, criticality: t.criticality, machine_id: m.machineId },
      });
      relations.push({ type: 'CONTAINS', from: m.machineId, to: id, properties: {} });
      for (const [channel, impact] of Object.entries(t.affects)) {
        relations.push({
          type: 'AFFECTS',
          from: id,
          to: sensorId(m.machineId, channel),
          properties: { impact },
        });
      }
    }
    // Each sensor sits on the first component that hosts its channel.
    for (const channel of SIMULATOR_CHANNELS) {
      const host = templates.find((t) => t.hosts?.includes(channel));
      if (host) {
        relations.push({
          type: 'LOCATED_IN',
          from: sensorId(m.machineId, channel),
          to: componentId(m.machineId, host.name),
          properties: {},
        });
      }
    }
    for (const [from, to, impact] of INTERNAL_AFFECTS) {
      if (templates.some((t) => t.name === from) && templates.some((t) => t.name === to)) {
        relations.push({
          type: 'AFFECTS',
          from: componentId(m.machineId, from),
          to: componentId(m.machineId, to),
          properties: { impact },
        });
      }
    }
    byLine.set(lineId, [...(byLine.get(lineId) ?? []), m.machineId]);
    const key = `${m.plant}|${m.machineType}`;
    byPlantType.set(key, [...(byPlantType.get(key) ?? []), m.machineId]);
  }
  for (const machines of byLine.values()) {
    for (let i = 0; i + 1 < machines.length; i++) {
      relations.push({
        type: 'FEEDS',
        from: machines[i]!,
        to: machines[i + 1]!,
        properties: { medium: 'process' },
      });
    }
  }
  for (const machines of byPlantType.values()) {
    // Each machine is similar to the next two of its type on the plant (a sparse, symmetric-in-spirit relation).
    for (let i = 0; i < machines.length; i++) {
      for (let j = i + 1; j <= i + 2 && j < machines.length; j++) {
        const similarity =
          Math.round((0.7 + 0.25 * hashUnit(`${seed}|${machines[i]}|${machines[j]}`)) * 1000) / 1000;
        relations.push({
          type: 'SIMILAR_TO',
          from: machines[i]!,
          to: machines[j]!,
          properties: { similarity },
        });
      }
    }
  }
  return {
    format: PLANT_FORMAT,
    version: PLANT_FORMAT_VERSION,
    name: options.name ?? `demo plant (${size} machines)`,
    nodes,
    relations,
  };
}
