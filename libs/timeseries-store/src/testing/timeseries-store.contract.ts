import { ErrorCode } from '@industrialmind/errors';
import { uniqueName } from '@industrialmind/testing';
import type { Point, TimeSeriesStore } from '../port';

/** What each adapter's test supplies to the shared contract suite. */
export interface TimeSeriesStoreHarness {
  /** A connected store holding no points (e.g. on a fresh bucket); the suite closes it after each test. */
  create(): Promise<TimeSeriesStore>;
  /** Removes what `create` made (drops the bucket); called after `close`. */
  destroy?(store: TimeSeriesStore): Promise<void>;
  timeoutMs?: number;
}

/** 2026-01-01T00:00:00Z: a multiple of every window the suite uses, so expected windows are easy to read. */
const T0 = Date.UTC(2026, 0, 1);

const PUMP_CHANNELS = ['temperature', 'vibration', 'pressure', 'power'];
// C-MAPSS style: 21 sensors and 3 settings, so machine types differ in their channel sets.
const CMAPSS_CHANNELS = [
  ...Array.from({ length: 21 }, (_, i) => `s_${i + 1}`),
  ...Array.from({ length: 3 }, (_, i) => `setting_${i + 1}`),
];

function point(
  machineId: string,
  timestampMs: number,
  fields: Record<string, number>,
  extra: Partial<Point> = {},
) {
  return { machineId, machineType: 'pump', location: '', timestampMs, fields, ...extra };
}

function fieldsFor(channels: string[], seed: number): Record<string, number> {
  return Object.fromEntries(channels.map((c, i) => [c, seed * 10 + i + 0.5]));
}

/**
 * The TimeSeriesStore contract: the behaviours every adapter must have, run against the embedded store and a real
 * InfluxDB alike. Every test uses its own machine ids; the harness gives every test an empty store.
 */
export function describeTimeSeriesStoreContract(name: string, harness: TimeSeriesStoreHarness): void {
  const timeout = harness.timeoutMs ?? 30_000;
  describe(`TimeSeriesStore contract: ${name}`, () => {
    let sut: TimeSeriesStore;
    beforeEach(async () => {
      sut = await harness.create();
    }, timeout);
    afterEach(async () => {
      await sut.close();
      await harness.destroy?.(sut);
    }, timeout);

    it(
      'round-trips points through a raw range query, in time order, with awkward channel names and values',
      async () => {
        const m = uniqueName('machine');
        const awkward = {
          volume_flow_rate_rms: 0.1 + 0.2,
          s_1: -273.15,
          setting_3: 100,
          'Volume Flow RateRMS': 1e-7,
          'a,b=c d': 1e21,
          'x"y$z{': -0.000123,
        };
        await sut.writePoints([
          point(m, T0 + 2000, { temperature: 22.5 }, { location: 'hall 1, bay=3' }),
          point(m, T0, awkward),
          point(m, T0 + 1000, { temperature: 21, vibration: 0.02 }),
        ]);
        const result = await sut.queryRange({ machineId: m, fromMs: T0, toMs: T0 + 3000 });
        expect(result).toEqual({
          kind: 'raw',
          machineId: m,
          truncated: false,
          rows: [
            { timestampMs: T0, values: awkward },
            { timestampMs: T0 + 1000, values: { temperature: 21, vibration: 0.02 } },
            { timestampMs: T0 + 2000, values: { temperature: 22.5 } },
          ],
        });
        const [latest] = await sut.latest({ machineIds: [m] });
        expect(latest).toEqual({
          machineId: m,
          machineType: 'pump',
          location: 'hall 1, bay=3',
          timestampMs: T0 + 2000,
          values: { temperature: 22.5 },
        });
      },
      timeout,
    );

    it(
      'replaces the values of a point written again with the same key, without adding a point',
      async () => {
        const m = uniqueName('machine');
        const original = point(m, T0, { temperature: 20, vibration: 1 });
        await sut.writePoints([original, point(m, T0 + 1000, { temperature: 21, vibration: 1 })]);
        await sut.writePoints([original, { ...original, fields: { temperature: 99, vibration: 2 } }]);
        await sut.writePoints([original, { ...original, fields: { temperature: 42, vibration: 3 } }]);
        expect(await sut.countPoints({ fromMs: T0, toMs: T0 + 5000, machineIds: [m] })).toBe(2);
        const result = await sut.queryRange({ machineId: m, fromMs: T0, toMs: T0 + 1 });
        expect(result.rows).toEqual([{ timestampMs: T0, values: { temperature: 42, vibration: 3 } }]);
      },
      timeout,
    );

    it(
      'keys points by machine type and location as well as machine and time',
      async () => {
        const m = uniqueName('machine');
        await sut.writePoints([
          point(m, T0, { temperature: 1 }),
          point(m, T0, { temperature: 2 }, { location: 'hall-2' }),
          point(m, T0, { temperature: 3 }, { machineType: 'compressor' }),
        ]);
        expect(await sut.countPoints({ fromMs: T0, toMs: T0 + 1, machineIds: [m] })).toBe(3);
        const { rows } = await sut.queryRange({ machineId: m, fromMs: T0, toMs: T0 + 1 });
        expect(rows.map((r) => r.values.temperature).sort()).toEqual([1, 2, 3]);
      },
      timeout,
    );

    it(
      'aggregates mean, min and max per channel in epoch-aligned windows',
      async () => {
        const m = uniqueName('machine');
        await sut.writePoints([
          point(m, T0 - 500, { temperature: 100 }), // before the range
          point(m, T0 + 400, { temperature: 1, pressure: 7 }), // range starts mid-window: window T0
          point(m, T0 + 1000, { temperature: 2, pressure: 5 }),
          point(m, T0 + 1250, { temperature: 4 }),
          point(m, T0 + 1999, { temperature: 9, pressure: 6 }),
          point(m, T0 + 3000, { temperature: -3 }),
          point(m, T0 + 3500, { temperature: 50 }), // at toMs: excluded
        ]);
        const result = await sut.queryRange({
          machineId: m,
          fromMs: T0 + 400,
          toMs: T0 + 3500,
          windowMs: 1000,
        });
        expect(result.kind).toBe('windowed');
        expect(result.truncated).toBe(false);
        if (result.kind !== 'windowed') return;
        expect(result.windowMs).toBe(1000);
        expect(result.rows.map((r) => r.timestampMs)).toEqual([T0, T0 + 1000, T0 + 3000]);
        const [w0, w1, w3] = result.rows;
        expect(w0!.values).toEqual({
          temperature: { mean: 1, min: 1, max: 1 },
          pressure: { mean: 7, min: 7, max: 7 },
        });
        expect(w1!.values.temperature!.mean).toBeCloseTo(5, 10);
        expect(w1!.values.temperature).toMatchObject({ min: 2, max: 9 });
        expect(w1!.values.pressure!.mean).toBeCloseTo(5.5, 10);
        expect(w1!.values.pressure).toMatchObject({ min: 5, max: 6 });
        expect(w3!.values).toEqual({ temperature: { mean: -3, min: -3, max: -3 } });

        const onlyMax = await sut.queryRange({
          machineId: m,
          fromMs: T0,
          toMs: T0 + 3500,
          windowMs: 2000,
          aggregates: ['max'],
        });
        expect(onlyMax.rows).toEqual([
          { timestampMs: T0, values: { temperature: { max: 9 }, pressure: { max: 7 } } },
          { timestampMs: T0 + 2000, values: { temperature: { max: -3 } } },
        ]);
      },
      timeout,
    );

    it(
      'returns only the requested channels, and no rows for points that have none of them',
      async () => {
        const m = uniqueName('machine');
        await sut.writePoints([
          point(m, T0, { temperature: 1, vibration: 10 }),
          point(m, T0 + 1000, { vibration: 11 }),
          point(m, T0 + 2000, { temperature: 3, vibration: 12, pressure: 5 }),
        ]);
        const raw = await sut.queryRange({
          machineId: m,
          fromMs: T0,
          toMs: T0 + 3000,
          channels: ['temperature'],
        });
        expect(raw.rows).toEqual([
          { timestampMs: T0, values: { temperature: 1 } },
          { timestampMs: T0 + 2000, values: { temperature: 3 } },
        ]);
        const windowed = await sut.queryRange({
          machineId: m,
          fromMs: T0,
          toMs: T0 + 3000,
          windowMs: 60_000,
          channels: ['pressure', 'temperature'],
          aggregates: ['min'],
        });
        expect(windowed.rows).toEqual([
          { timestampMs: T0, values: { temperature: { min: 1 }, pressure: { min: 5 } } },
        ]);
      },
      timeout,
    );

    it(
      'honours the row limit and says when it truncated',
      async () => {
        const m = uniqueName('machine');
        await sut.writePoints(
          Array.from({ length: 10 }, (_, i) => point(m, T0 + i * 1000, { temperature: i })),
        );
        const limited = await sut.queryRange({ machineId: m, fromMs: T0, toMs: T0 + 60_000, limit: 4 });
        expect(limited.truncated).toBe(true);
        expect(limited.rows.map((r) => r.values.temperature)).toEqual([0, 1, 2, 3]);
        const exact = await sut.queryRange({ machineId: m, fromMs: T0, toMs: T0 + 60_000, limit: 10 });
        expect(exact.truncated).toBe(false);
        expect(exact.rows).toHaveLength(10);
        const windows = await sut.queryRange({
          machineId: m,
          fromMs: T0,
          toMs: T0 + 60_000,
          windowMs: 3000,
          limit: 2,
        });
        expect(windows.truncated).toBe(true);
        expect(windows.rows.map((r) => r.timestampMs)).toEqual([T0, T0 + 3000]);
        expect(windows.rows[1]!.values.temperature).toEqual({ mean: 4, min: 3, max: 5 });
        const allWindows = await sut.queryRange({
          machineId: m,
          fromMs: T0,
          toMs: T0 + 60_000,
          windowMs: 3000,
          limit: 4,
        });
        expect(allWindows.truncated).toBe(false);
        expect(allWindows.rows).toHaveLength(4);
      },
      timeout,
    );

    it(
      'includes a point at fromMs and excludes one at toMs',
      async () => {
        const m = uniqueName('machine');
        await sut.writePoints([
          point(m, T0 - 1, { temperature: 0 }),
          point(m, T0, { temperature: 1 }),
          point(m, T0 + 999, { temperature: 2 }),
          point(m, T0 + 1000, { temperature: 3 }),
        ]);
        const range = { fromMs: T0, toMs: T0 + 1000 };
        const raw = await sut.queryRange({ machineId: m, ...range });
        expect(raw.rows.map((r) => r.timestampMs)).toEqual([T0, T0 + 999]);
        expect(await sut.countPoints({ ...range, machineIds: [m] })).toBe(2);
        const windowed = await sut.queryRange({ machineId: m, ...range, windowMs: 10_000 });
        expect(windowed.rows).toEqual([
          { timestampMs: T0, values: { temperature: { mean: 1.5, min: 1, max: 2 } } },
        ]);
      },
      timeout,
    );

    it(
      'gives the newest point of every machine, with only that point’s values',
      async () => {
        const [a, b, c] = [uniqueName('machine-a'), uniqueName('machine-b'), uniqueName('machine-c')];
        await sut.writePoints([
          point(a, T0 + 5000, { temperature: 5, vibration: 50 }),
          point(a, T0 + 9000, { temperature: 9 }), // newest of a, without vibration
          point(a, T0 + 1000, { temperature: 1, vibration: 10 }),
          point(b, T0 + 2000, fieldsFor(CMAPSS_CHANNELS, 2), { machineType: 'turbofan', location: 'cell 4' }),
          point(c, T0 + 3000, { power: 3 }),
        ]);
        const all = await sut.latest();
        expect(all.map((r) => r.machineId)).toEqual([a, b, c].sort());
        expect(all.find((r) => r.machineId === a)).toEqual({
          machineId: a,
          machineType: 'pump',
          location: '',
          timestampMs: T0 + 9000,
          values: { temperature: 9 },
        });
        expect(all.find((r) => r.machineId === b)).toEqual({
          machineId: b,
          machineType: 'turbofan',
          location: 'cell 4',
          timestampMs: T0 + 2000,
          values: fieldsFor(CMAPSS_CHANNELS, 2),
        });
        const some = await sut.latest({ machineIds: [c, uniqueName('machine-unknown')] });
        expect(some.map((r) => [r.machineId, r.values])).toEqual([[c, { power: 3 }]]);
        expect(await sut.latest({ machineIds: [] })).toEqual([]);
      },
      timeout,
    );

    it(
      'counts distinct points, not fields, across machines with different channel sets',
      async () => {
        const pumps = Array.from({ length: 20 }, (_, i) => uniqueName(`pump-${i}`));
        const turbofans = Array.from({ length: 10 }, (_, i) => uniqueName(`turbofan-${i}`));
        const points: Point[] = [];
        for (let t = 0; t < 30; t++) {
          for (const m of pumps) points.push(point(m, T0 + t * 1000, fieldsFor(PUMP_CHANNELS, t)));
          for (const m of turbofans)
            points.push(point(m, T0 + t * 1000, fieldsFor(CMAPSS_CHANNELS, t), { machineType: 'turbofan' }));
        }
        // A point with a single channel among the wide ones still counts once.
        points.push(point(pumps[0]!, T0 + 30_000, { temperature: 1 }));
        await sut.writePoints(points);
        expect(await sut.countPoints({ fromMs: T0, toMs: T0 + 60_000 })).toBe(30 * 30 + 1);
        expect(await sut.countPoints({ fromMs: T0, toMs: T0 + 60_000, machineIds: turbofans })).toBe(10 * 30);
        expect(
          await sut.countPoints({
            fromMs: T0 + 10_000,
            toMs: T0 + 20_000,
            machineIds: [pumps[0]!, turbofans[0]!],
          }),
        ).toBe(2 * 10);
        expect(
          await sut.countPoints({ fromMs: T0, toMs: T0 + 60_000, machineIds: [uniqueName('nobody')] }),
        ).toBe(0);
        expect(await sut.countPoints({ fromMs: T0, toMs: T0 + 60_000, machineIds: [] })).toBe(0);
      },
      timeout,
    );

    it(
      'treats machine ids and channels as data, never as query text',
      async () => {
        const m = `${uniqueName('machine')}") |> drop(columns: ["_value"]) // \${x} 'quoted'`;
        await sut.writePoints([point(m, T0, { temperature: 7 })]);
        const result = await sut.queryRange({ machineId: m, fromMs: T0, toMs: T0 + 1 });
        expect(result.rows).toEqual([{ timestampMs: T0, values: { temperature: 7 } }]);
        const filtered = await sut.queryRange({
          machineId: m,
          fromMs: T0,
          toMs: T0 + 1,
          channels: ['temperature" or true or "'],
        });
        expect(filtered.rows).toEqual([]);
        expect(await sut.countPoints({ fromMs: T0, toMs: T0 + 1, machineIds: [m] })).toBe(1);
        expect((await sut.latest({ machineIds: [m] }))[0]?.machineId).toBe(m);
      },
      timeout,
    );

    it(
      'returns nothing for a machine it has never seen',
      async () => {
        const m = uniqueName('machine');
        expect(await sut.queryRange({ machineId: m, fromMs: T0, toMs: T0 + 1000 })).toEqual({
          kind: 'raw',
          machineId: m,
          rows: [],
          truncated: false,
        });
        const windowed = await sut.queryRange({ machineId: m, fromMs: T0, toMs: T0 + 1000, windowMs: 100 });
        expect(windowed).toEqual({
          kind: 'windowed',
          machineId: m,
          windowMs: 100,
          rows: [],
          truncated: false,
        });
        expect(await sut.latest({ machineIds: [m] })).toEqual([]);
        await sut.writePoints([]);
      },
      timeout,
    );

    it(
      'rejects invalid points and queries with VALIDATION_FAILED and writes nothing of a bad batch',
      async () => {
        const m = uniqueName('machine');
        const good = point(m, T0, { temperature: 1 });
        const badPoints: Array<Partial<Point>> = [
          { fields: { temperature: Number.NaN } },
          { fields: { temperature: Number.POSITIVE_INFINITY } },
          { fields: { temperature: '1' as unknown as number } },
          { fields: {} },
          { machineId: '' },
          { machineType: '' },
          { machineId: 'a\nb' },
          { location: 'back\\slash' },
          { fields: { _value: 1 } },
          { fields: { machine_id: 1 } },
          { fields: { time: 1 } },
          { fields: { '': 1 } },
          { timestampMs: -1 },
          { timestampMs: 1.5 },
          { timestampMs: Number.NaN },
        ];
        for (const bad of badPoints) {
          await expect(
            sut.writePoints([good, { ...good, ...bad, timestampMs: bad.timestampMs ?? T0 + 1 }]),
          ).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
        }
        expect(await sut.countPoints({ fromMs: T0, toMs: T0 + 10, machineIds: [m] })).toBe(0);

        const range = { machineId: m, fromMs: T0, toMs: T0 + 1000 };
        const badQueries = [
          { ...range, machineId: '' },
          { ...range, toMs: T0 },
          { ...range, toMs: T0 - 1 },
          { ...range, fromMs: Number.NaN },
          { ...range, windowMs: 0 },
          { ...range, windowMs: 1.5 },
          { ...range, limit: 0 },
          { ...range, channels: [] },
          { ...range, channels: ['_field'] },
          { ...range, windowMs: 10, aggregates: [] },
          { ...range, windowMs: 10, aggregates: ['median' as 'mean'] },
        ];
        for (const q of badQueries)
          await expect(sut.queryRange(q)).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
        await expect(sut.countPoints({ fromMs: T0, toMs: T0 })).rejects.toMatchObject({
          code: ErrorCode.VALIDATION_FAILED,
        });
        await expect(sut.countPoints({ fromMs: T0, toMs: T0 + 1, machineIds: [''] })).rejects.toMatchObject({
          code: ErrorCode.VALIDATION_FAILED,
        });
        await expect(sut.latest({ machineIds: ['a\u0000'] })).rejects.toMatchObject({
          code: ErrorCode.VALIDATION_FAILED,
        });
      },
      timeout,
    );

    it(
      'writes a 20,000-point batch and counts every point',
      async () => {
        const machines = Array.from({ length: 20 }, (_, i) => uniqueName(`bulk-${i}`));
        const points: Point[] = [];
        for (let t = 0; t < 1000; t++)
          for (const m of machines)
            points.push(point(m, T0 + t * 100, { temperature: t, vibration: t / 10, pressure: 1, power: 2 }));
        await sut.writePoints(points);
        expect(await sut.countPoints({ fromMs: T0, toMs: T0 + 100_000, machineIds: machines })).toBe(20_000);
        expect(await sut.countPoints({ fromMs: T0, toMs: T0 + 100_000 })).toBe(20_000);
      },
      Math.max(timeout, 60_000),
    );

    it(
      'answers ping while open and fails with UPSTREAM_UNAVAILABLE once closed',
      async () => {
        await expect(sut.ping()).resolves.toBeUndefined();
        const other = await harness.create();
        await other.close();
        await expect(other.ping()).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
        await expect(other.writePoints([point('m', T0, { temperature: 1 })])).rejects.toMatchObject({
          code: ErrorCode.UPSTREAM_UNAVAILABLE,
        });
        await harness.destroy?.(other);
      },
      timeout,
    );
  });
}
