import {
  createMemoryGraphStore,
  generateDemoPlant,
  importPlant,
  type GraphStore,
} from '@industrialmind/graph-store';
import { normaliseContributions, rankRootCauses, reviseDownstream } from './root-cause';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');

describe(rankRootCauses.name, () => {
  let store: GraphStore;
  beforeEach(async () => {
    store = createMemoryGraphStore();
    // Line 1: cnc-mill-001 -> centrifugal-pump-001 -> compressor-001 -> conveyor-motor-001.
    await importPlant(store, generateDemoPlant({ size: 8, machinesPerLine: 4, linesPerPlant: 2 }));
  });

  it('blames a local component when nothing upstream was anomalous', async () => {
    const sut = await rankRootCauses(store, {
      machineId: 'compressor-001',
      timestampMs: T0,
      contributions: { pressure: 0.9, power: 0.1 },
    });
    expect(sut.candidates[0]).toMatchObject({ component_id: 'compressor-001/seal', hops: 0 });
    const upstream = sut.candidates.find((c) => c.machine_id === 'centrifugal-pump-001');
    expect(upstream?.evidence).toContainEqual({
      kind: 'no_upstream_anomaly',
      machine_id: 'centrifugal-pump-001',
    });
    expect(sut.candidates.reduce((s, c) => s + c.score, 0)).toBeLessThanOrEqual(1.0001);
  });

  it('blames the upstream component that explains a recent upstream anomaly, with the FEEDS path', async () => {
    await store.saveAnalysis({
      id: 'evt-up',
      machineId: 'centrifugal-pump-001',
      timestampMs: T0 - 5 * 60_000,
      document: { contributions: { pressure: 0.7, vibration: 0.3 }, candidates: [] },
    });
    const sut = await rankRootCauses(store, {
      machineId: 'compressor-001',
      timestampMs: T0,
      contributions: { pressure: 0.9, power: 0.1 },
    });
    const top = sut.candidates[0]!;
    expect(top).toMatchObject({ component_id: 'centrifugal-pump-001/impeller', hops: 1 });
    expect(top.path.map((r) => `${r.type}:${r.from}>${r.to}`)).toEqual([
      'CONTAINS:centrifugal-pump-001>centrifugal-pump-001/impeller',
      'AFFECTS:centrifugal-pump-001/impeller>centrifugal-pump-001/pressure-sensor',
      'FEEDS:centrifugal-pump-001>compressor-001',
      'HAS_SENSOR:compressor-001>compressor-001/pressure-sensor',
    ]);
    expect(top.evidence).toContainEqual(
      expect.objectContaining({
        kind: 'upstream_anomaly',
        machine_id: 'centrifugal-pump-001',
        event_id: 'evt-up',
      }),
    );
  });

  it('ignores upstream anomalies older than the neighbour window', async () => {
    await store.saveAnalysis({
      id: 'evt-old',
      machineId: 'centrifugal-pump-001',
      timestampMs: T0 - 3 * 3_600_000,
      document: { contributions: { pressure: 1 }, candidates: [] },
    });
    const sut = await rankRootCauses(store, {
      machineId: 'compressor-001',
      timestampMs: T0,
      contributions: { pressure: 1 },
    });
    expect(sut.candidates[0]!.hops).toBe(0);
  });

  it('uses the failure history of similar equipment as a prior between equally plausible components', async () => {
    // compressor-002 is SIMILAR_TO compressor-001 (same type, same plant); its past anomalies were its motor.
    for (let i = 0; i < 3; i++) {
      await store.saveAnalysis({
        id: `hist-${i}`,
        machineId: 'compressor-002',
        timestampMs: T0 - (i + 1) * 86_400_000,
        document: { contributions: {}, candidates: [{ component_type: 'motor', hops: 0 }] },
      });
    }
    const sut = await rankRootCauses(store, {
      machineId: 'compressor-001',
      timestampMs: T0,
      contributions: { temperature: 1 },
    });
    const motor = sut.candidates.find((c) => c.component_id === 'compressor-001/motor')!;
    expect(motor.evidence).toContainEqual(
      expect.objectContaining({ kind: 'similar_history', machine_id: 'compressor-002', analyses: 3 }),
    );
    const without = await rankRootCauses(createMemoryGraphStore(), {
      machineId: 'compressor-001',
      timestampMs: T0,
      contributions: { temperature: 1 },
    }).catch((e: Error) => e);
    expect(without).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe(reviseDownstream.name, () => {
  it('re-ranks recent downstream analyses when the upstream machine reports its own anomaly later', async () => {
    const store = createMemoryGraphStore();
    await importPlant(store, generateDemoPlant({ size: 8, machinesPerLine: 4, linesPerPlant: 2 }));
    const downstream = await rankRootCauses(store, {
      machineId: 'compressor-001',
      timestampMs: T0,
      contributions: { pressure: 0.9, power: 0.1 },
      eventId: 'evt-down',
    });
    expect(downstream.candidates[0]!.hops).toBe(0);
    await store.saveAnalysis({
      id: 'evt-down',
      machineId: 'compressor-001',
      timestampMs: T0,
      document: { ...downstream },
    });
    const upstreamAt = T0 + 4 * 60_000;
    await store.saveAnalysis({
      id: 'evt-up',
      machineId: 'centrifugal-pump-001',
      timestampMs: upstreamAt,
      document: { contributions: { pressure: 0.8, vibration: 0.2 }, candidates: [] },
    });
    await expect(
      reviseDownstream(store, { machineId: 'centrifugal-pump-001', timestampMs: upstreamAt }),
    ).resolves.toBe(1);
    const revised = (await store.getAnalysis('evt-down'))!;
    expect(revised.timestampMs).toBe(T0);
    expect(revised.document).toMatchObject({
      revision: 1,
      revised_by: 'centrifugal-pump-001',
      event_id: 'evt-down',
    });
    const top = (revised.document.candidates as Array<{ component_id: string; hops: number }>)[0]!;
    expect(top).toMatchObject({ component_id: 'centrifugal-pump-001/impeller', hops: 1 });
    // Nothing downstream of the last machine on the line.
    await expect(
      reviseDownstream(store, { machineId: 'conveyor-motor-001', timestampMs: upstreamAt }),
    ).resolves.toBe(0);
  });
});

describe(normaliseContributions.name, () => {
  it('keeps positive finite contributions and scales them to sum 1', () => {
    expect(normaliseContributions({ a: 3, b: 1, c: -2, d: Number.NaN })).toEqual({ a: 0.75, b: 0.25 });
    expect(normaliseContributions({ a: -1 })).toEqual({});
  });
});
