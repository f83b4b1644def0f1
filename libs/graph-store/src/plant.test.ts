import { ErrorCode } from '@industrialmind/errors';
import { SIMULATOR_CHANNELS, createFleet } from '@industrialmind/simulation';
import { FAULT_CATALOG } from '@industrialmind/simulation';
import { createMemoryGraphStore } from './memory.adapter';
import {
  PLANT_FORMAT,
  componentId,
  generateDemoPlant,
  importPlant,
  parsePlantDocument,
  sensorId,
} from './plant';

describe(generateDemoPlant.name, () => {
  it('builds over 1,000 nodes for the default 96-machine fleet, with the simulator machine ids and channels', () => {
    const sut = generateDemoPlant();
    expect(sut.nodes.length).toBeGreaterThanOrEqual(1000);
    const fleet = createFleet({ size: 96, seed: 1, startMs: 0 });
    const equipment = sut.nodes.filter((n) => n.kind === 'Equipment');
    expect(equipment.map((n) => n.id)).toEqual(fleet.machines.map((m) => m.machineId));
    for (const m of fleet.machines) {
      for (const channel of SIMULATOR_CHANNELS) {
        expect(sut.nodes).toContainEqual(
          expect.objectContaining({
            id: sensorId(m.machineId, channel),
            properties: expect.objectContaining({ channel }),
          }),
        );
      }
    }
    expect(() => parsePlantDocument(sut)).not.toThrow();
  });

  it('names components like the fault catalogue, so a machine fault’s ground truth is a node id', () => {
    const sut = generateDemoPlant({ size: 4 });
    const ids = new Set(sut.nodes.map((n) => n.id));
    for (const kind of ['bearing_wear', 'overheating', 'pressure_leak', 'electrical_fault'] as const) {
      expect(ids.has(componentId('compressor-001', FAULT_CATALOG[kind].defaultComponent))).toBe(true);
    }
    expect(ids.has(componentId('centrifugal-pump-001', FAULT_CATALOG.cavitation.defaultComponent))).toBe(
      true,
    );
  });

  it('links each bay to the next on its line and is deterministic', () => {
    const sut = generateDemoPlant({ size: 12, machinesPerLine: 3, linesPerPlant: 2 });
    const feeds = sut.relations.filter((r) => r.type === 'FEEDS').map((r) => `${r.from}>${r.to}`);
    expect(feeds).toHaveLength(8);
    expect(feeds[0]).toBe('cnc-mill-001>centrifugal-pump-001');
    expect(generateDemoPlant({ size: 12, machinesPerLine: 3, linesPerPlant: 2 })).toEqual(sut);
  });
});

describe(parsePlantDocument.name, () => {
  const base = () => generateDemoPlant({ size: 2 });

  it('names every problem with its path: shape, duplicate ids, dangling and ill-typed relations', () => {
    const doc = base();
    doc.nodes.push({ ...doc.nodes[0]! });
    doc.relations.push({ type: 'FEEDS', from: 'cnc-mill-001', to: 'ghost', properties: {} });
    doc.relations.push({ type: 'HAS_SENSOR', from: 'plant-1', to: 'cnc-mill-001', properties: {} });
    doc.relations.push({ ...doc.relations[0]! });
    let error: unknown;
    try {
      parsePlantDocument(doc);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
    const paths = (error as { details: Array<{ path: string }> }).details.map((d) => d.path);
    const n = doc.relations.length;
    expect(paths).toEqual([
      `nodes.${doc.nodes.length - 1}.id`,
      `relations.${n - 3}.to`,
      `relations.${n - 2}.type`,
      `relations.${n - 1}`,
    ]);
  });

  it('rejects a document of another format or with a malformed node', () => {
    expect(() => parsePlantDocument({ ...base(), format: 'other' })).toThrow(
      expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED }),
    );
    const doc = base();
    doc.nodes[0] = { id: 'x', kind: 'Equipment', properties: {} };
    expect(() => parsePlantDocument(doc)).toThrow(/nodes\.0\.properties\.machine_id/);
    expect(() => parsePlantDocument('not json')).toThrow(
      expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED }),
    );
    expect(base().format).toBe(PLANT_FORMAT);
  });

  it('leaves the store untouched when a document is invalid', async () => {
    const store = createMemoryGraphStore();
    await expect(importPlant(store, { ...base(), version: 2 })).rejects.toMatchObject({
      code: ErrorCode.VALIDATION_FAILED,
    });
    expect(await store.counts()).toEqual({ nodes: {}, relations: {} });
  });
});
