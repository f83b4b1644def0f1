import { AppError, ErrorCode } from '@industrialmind/errors';
import { EmbeddedTimeSeriesStore, createEmbeddedTimeSeriesStore } from './embedded.adapter';
import { createTimeSeriesStore } from './factory';
import { describeTimeSeriesStoreContract } from './testing';

describeTimeSeriesStoreContract('embedded adapter', {
  create: async () => {
    const store = createEmbeddedTimeSeriesStore();
    await store.connect();
    return store;
  },
});

const T0 = Date.UTC(2026, 0, 1);
const point = (machineId: string, timestampMs: number, temperature = 1) => ({
  machineId,
  machineType: 'pump',
  location: '',
  timestampMs,
  fields: { temperature },
});

describe(EmbeddedTimeSeriesStore.name, () => {
  it('keeps at most maxPointsPerMachine per machine, dropping the oldest first', async () => {
    const sut = createEmbeddedTimeSeriesStore({ maxPointsPerMachine: 1000 });
    for (let batch = 0; batch < 50; batch++)
      await sut.writePoints(
        Array.from({ length: 100 }, (_, i) => point('a', T0 + batch * 100 + i, batch * 100 + i)),
      );
    await sut.writePoints([point('b', T0)]);
    expect(await sut.countPoints({ fromMs: 0, toMs: T0 + 1_000_000, machineIds: ['a'] })).toBe(1000);
    expect(await sut.countPoints({ fromMs: 0, toMs: T0 + 1_000_000 })).toBe(1001);
    const { rows } = await sut.queryRange({ machineId: 'a', fromMs: 0, toMs: T0 + 1_000_000, limit: 1 });
    expect(rows[0]).toEqual({ timestampMs: T0 + 4000, values: { temperature: 4000 } });
    const [latest] = await sut.latest({ machineIds: ['a'] });
    expect(latest!.timestampMs).toBe(T0 + 4999);
  });

  it('inserts late points in order and replaces rewritten ones after retention trimmed the front', async () => {
    const sut = createEmbeddedTimeSeriesStore({ maxPointsPerMachine: 5 });
    await sut.writePoints([10, 20, 30, 40, 50, 60].map((t) => point('a', T0 + t, t)));
    await sut.writePoints([point('a', T0 + 45, 45), point('a', T0 + 40, -40)]);
    const { rows } = await sut.queryRange({ machineId: 'a', fromMs: T0, toMs: T0 + 100 });
    expect(rows.map((r) => [r.timestampMs - T0, r.values.temperature])).toEqual([
      [30, 30],
      [40, -40],
      [45, 45],
      [50, 50],
      [60, 60],
    ]);
  });

  it('does not keep references to the caller’s field objects', async () => {
    const sut = createEmbeddedTimeSeriesStore();
    const p = point('a', T0, 1);
    await sut.writePoints([p]);
    p.fields.temperature = 99;
    const { rows } = await sut.queryRange({ machineId: 'a', fromMs: T0, toMs: T0 + 1 });
    rows[0]!.values.temperature = 7;
    const again = await sut.queryRange({ machineId: 'a', fromMs: T0, toMs: T0 + 1 });
    expect(again.rows[0]!.values.temperature).toBe(1);
  });

  it('refuses a retention below one point', () => {
    expect(() => createEmbeddedTimeSeriesStore({ maxPointsPerMachine: 0 })).toThrow(AppError);
  });

  it('is built by the factory for the embedded backend and rejects use after close', async () => {
    const sut = createTimeSeriesStore({ backend: 'embedded', maxPointsPerMachine: 10 });
    expect(sut).toBeInstanceOf(EmbeddedTimeSeriesStore);
    await sut.close();
    await expect(sut.connect()).rejects.toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
    await expect(sut.queryRange({ machineId: 'a', fromMs: 0, toMs: 1 })).rejects.toBeInstanceOf(AppError);
    await expect(sut.latest()).rejects.toBeInstanceOf(AppError);
    await expect(sut.countPoints({ fromMs: 0, toMs: 1 })).rejects.toBeInstanceOf(AppError);
  });
});
