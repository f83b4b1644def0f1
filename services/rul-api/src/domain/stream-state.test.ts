import { StreamState } from './stream-state';

const model = { name: 'm', channels: ['a', 'b'], window: 3 };

describe(StreamState.name, () => {
  it('is due every publishEvery readings once minReadings are seen, with at most window readings kept', () => {
    const sut = new StreamState({ publishEvery: 2, minReadings: 3, maxMachines: 10 });
    const due = Array.from({ length: 7 }, (_, i) => sut.observe('x', { a: i, b: 0 }, model).due);
    expect(due).toEqual([false, false, true, false, true, false, true]);
    expect(sut.history('x')!.rows.map((r) => r[0])).toEqual([4, 5, 6]);
  });

  it('thins a stream faster than the model time step', () => {
    const sut = new StreamState({ publishEvery: 1, minReadings: 1, maxMachines: 10 });
    const slow = { ...model, sample_interval_ms: 60_000 };
    expect(sut.observe('x', { a: 1, b: 1 }, slow, 0).due).toBe(true);
    expect(sut.observe('x', { a: 2, b: 1 }, slow, 30_000)).toEqual({
      due: false,
      missing: [],
      thinned: true,
    });
    expect(sut.observe('x', { a: 3, b: 1 }, slow, 60_000).due).toBe(true);
    expect(sut.history('x')!.rows.map((r) => r[0])).toEqual([1, 3]);
  });

  it('starts a machine afresh when its model changes channels', () => {
    const sut = new StreamState({ publishEvery: 1, minReadings: 1, maxMachines: 10 });
    sut.observe('x', { a: 1, b: 1 }, model);
    sut.observe('x', { a: 1, c: 1 }, { ...model, channels: ['a', 'c'] });
    expect(sut.history('x')!.rows).toHaveLength(1);
  });

  it('keeps the first readings and the count of a machine served by a model with history inputs', () => {
    const sut = new StreamState({ publishEvery: 1, minReadings: 1, maxMachines: 10 });
    const withHistory = { ...model, history: { start_readings: 2 } };
    for (let i = 0; i < 6; i++) sut.observe('x', { a: i, b: 0 }, withHistory);
    const h = sut.history('x')!;
    expect(h.start.map((r) => r[0])).toEqual([0, 1]);
    expect(h.rows.map((r) => r[0])).toEqual([3, 4, 5]);
    expect(h.count).toBe(6);
    // A window-only model keeps no start; switching to it starts the machine afresh.
    sut.observe('x', { a: 9, b: 0 }, model);
    expect(sut.history('x')).toMatchObject({ start: [], count: 1 });
  });

  it('starts a machine seeded from its past: first readings and count, window from the stream', () => {
    const sut = new StreamState({ publishEvery: 2, minReadings: 3, maxMachines: 10 });
    const withHistory = { ...model, history: { start_readings: 2 } };
    expect(sut.isNew('x', withHistory)).toBe(true);
    sut.seed('x', withHistory, {
      start: [Float64Array.of(7, 0), Float64Array.of(8, 0), Float64Array.of(9, 0)],
      count: 40,
    });
    expect(sut.isNew('x', withHistory)).toBe(false);
    // Due only once the window has minReadings of its own, however old the machine is.
    const due = Array.from({ length: 4 }, (_, i) => sut.observe('x', { a: i, b: 0 }, withHistory).due);
    expect(due).toEqual([false, false, true, false]);
    expect(sut.history('x')).toMatchObject({ count: 44 });
    expect(sut.history('x')!.start.map((r) => r[0])).toEqual([7, 8]);
    // A machine that already has state is not seeded again.
    sut.seed('x', withHistory, { start: [], count: 1 });
    expect(sut.history('x')!.count).toBe(44);
  });

  it('drops the least recently updated machine beyond maxMachines', () => {
    const sut = new StreamState({ publishEvery: 1, minReadings: 1, maxMachines: 2 });
    sut.observe('x', { a: 1, b: 1 }, model);
    sut.observe('y', { a: 1, b: 1 }, model);
    sut.observe('x', { a: 2, b: 1 }, model);
    sut.observe('z', { a: 1, b: 1 }, model);
    expect(sut.history('y')).toBeUndefined();
    expect(sut.size).toBe(2);
  });
});
