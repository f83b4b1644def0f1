import { deferred } from '@industrialmind/testing';
import type { Point } from '@industrialmind/timeseries-store';
import { WriteBatcher, type FlushStats } from './write-batcher';

const points = (n: number, from = 0): Point[] =>
  Array.from({ length: n }, (_, i) => ({
    machineId: 'm',
    machineType: 't',
    location: '',
    timestampMs: from + i,
    fields: { v: i },
  }));

describe(WriteBatcher.name, () => {
  it('writes a full batch at once and resolves the callers after the write', async () => {
    const writes: number[] = [];
    const sut = new WriteBatcher(async (p) => void writes.push(p.length), {
      maxBatchSize: 10,
      lingerMs: 10_000,
    });
    await Promise.all([sut.add(points(6)), sut.add(points(4, 6))]);
    expect(writes).toEqual([10]);
  });

  it('writes a partial batch after the linger time', async () => {
    const writes: number[] = [];
    const sut = new WriteBatcher(async (p) => void writes.push(p.length), { maxBatchSize: 100, lingerMs: 5 });
    await sut.add(points(3));
    expect(writes).toEqual([3]);
  });

  it('splits a caller’s points over several writes and resolves it only when all finished', async () => {
    const gates: Array<ReturnType<typeof deferred<void>>> = [];
    const sizes: number[] = [];
    const sut = new WriteBatcher(
      (p) => {
        sizes.push(p.length);
        const d = deferred<void>();
        gates.push(d);
        return d.promise;
      },
      { maxBatchSize: 4, lingerMs: 1 },
    );
    let settled = false;
    const done = sut.add(points(10)).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(sizes).toEqual([4, 4, 2]);
    gates[0]!.resolve(undefined);
    gates[2]!.resolve(undefined);
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
    gates[1]!.resolve(undefined);
    await done;
    expect(settled).toBe(true);
  });

  it('rejects every caller of a failed write, and only those', async () => {
    let calls = 0;
    const stats: FlushStats[] = [];
    const sut = new WriteBatcher(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('store down');
      },
      { maxBatchSize: 5, lingerMs: 1 },
      (s) => stats.push(s),
    );
    const a = sut.add(points(3));
    const b = sut.add(points(2));
    const c = sut.add(points(1));
    await expect(a).rejects.toThrow('store down');
    await expect(b).rejects.toThrow('store down');
    await expect(c).resolves.toBeUndefined();
    expect(stats.map((s) => [s.size, s.ok])).toEqual([
      [5, false],
      [1, true],
    ]);
  });

  it('resolves at once for no points, flushes on demand and validates its options', async () => {
    const writes: number[] = [];
    const sut = new WriteBatcher(async (p) => void writes.push(p.length), {
      maxBatchSize: 100,
      lingerMs: 60_000,
    });
    await expect(sut.add([])).resolves.toBeUndefined();
    const pending = sut.add(points(7));
    expect(sut.waiting).toBe(7);
    await sut.flush();
    await pending;
    expect(writes).toEqual([7]);
    expect(() => new WriteBatcher(async () => {}, { maxBatchSize: 0, lingerMs: 1 })).toThrow('maxBatchSize');
    expect(() => new WriteBatcher(async () => {}, { maxBatchSize: 1, lingerMs: -1 })).toThrow('lingerMs');
  });
});
