import { join } from 'node:path';
import { AppError, ErrorCode } from '@industrialmind/errors';
import { loadOnnxModel, readModelMetadata, type OnnxModel } from '@industrialmind/model-runtime';
import { AnomalyModelMetadataSchema, type AnomalyModelMetadata } from './metadata';
import { createAnomalyScorer, type ScoringInput, type ScoringResult } from './scorer';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures');
let metadata: AnomalyModelMetadata;
let onnx: OnnxModel;

beforeAll(async () => {
  metadata = await readModelMetadata(join(FIXTURES, 'tiny.json'), AnomalyModelMetadataSchema);
  onnx = await loadOnnxModel(join(FIXTURES, metadata.onnx_file));
});
afterAll(() => onnx.close());

/** 10 calm readings (the cold start), then `after`. Flow alternates 10/11, pressure 5/5.5. */
function readings(machineId: string, after: { flow: number; pressure: number }[]): ScoringInput[] {
  const calm = Array.from({ length: 10 }, (_, i) => ({ flow: 10 + (i % 2), pressure: 5 + (i % 2) / 2 }));
  return [...calm, ...after].map((values, i) => ({ machineId, values, readingId: `${machineId}-${i}` }));
}

const calm = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ flow: 10 + (i % 2), pressure: 5 + (i % 2) / 2 }));
const high = (n: number) => Array.from({ length: n }, () => ({ flow: 20, pressure: 5 }));

describe(createAnomalyScorer.name, () => {
  it('calibrates on the first cold-start readings, then scores every reading', async () => {
    const sut = createAnomalyScorer({ metadata, onnx });
    const results = await sut.score(readings('m1', calm(3)));
    expect(results.slice(0, 9).every((r) => r.status === 'calibrating' && r.score === null)).toBe(true);
    expect(results[8]!.calibration).toEqual({ seen: 9, needed: 10 });
    expect(results.slice(9).every((r) => r.status === 'scored' && r.threshold! > 0)).toBe(true);
    expect(results.slice(9).some((r) => r.isAnomaly)).toBe(false);
    expect(sut.stats()).toEqual({ machines: 1, calibrated: 1 });
  });

  it('computes the windowed mean shift per channel, and contributions sum to the score', async () => {
    const sut = createAnomalyScorer({ metadata, onnx });
    const results = await sut.score(readings('m1', high(2)));
    const last = results[results.length - 1]!;
    // Cold start: flow median 10.5, std 0.5 (MAD 0.5*1.4826 = 0.74 wins); pressure median 5.25, scale 0.37.
    const flowZ = (20 - 10.5) / (0.5 * 1.4826);
    expect(last.contributions.flow).toBeCloseTo(flowZ * flowZ, 2);
    const pressureZ = (5 - 5.25) / (0.25 * 1.4826);
    expect(last.contributions.pressure).toBeCloseTo(0.5 * pressureZ * pressureZ, 3);
    expect(last.score).toBeCloseTo(last.contributions.flow! + last.contributions.pressure!, 3);
  });

  it('starts an event after on_count readings over the threshold and ends it after off_count under', async () => {
    const sut = createAnomalyScorer({ metadata, onnx }, { continuingEvery: 2 });
    const results = await sut.score(readings('m1', [...calm(2), ...high(6), ...calm(6)]));
    const scored = results.slice(10);
    const flags = scored.map((r) => (r.isAnomaly ? 1 : 0));
    // The first high reading moves the 2-reading mean halfway; on_count = 2 delays the start by one reading.
    expect(flags.slice(0, 4)).toEqual([0, 0, 0, 1]);
    const events = scored.filter((r) => r.event).map((r) => r.event!.state);
    expect(events[0]).toBe('started');
    expect(events).toContain('continuing');
    expect(events[events.length - 1]).toBe('ended');
    const ids = new Set(scored.filter((r) => r.event).map((r) => r.event!.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^evt-[0-9a-f]{32}$/);
    const ended = scored.find((r) => r.event?.state === 'ended')!;
    expect(ended.isAnomaly).toBe(false);
    expect(scored.find((r) => r.event?.state === 'started')!.confidence).toBeGreaterThan(0.5);
  });

  it('ends an event once the score falls far below its peak when the policy has a release', async () => {
    // A fault (flow 20), then the flow settles at 13: still over the threshold, but far below the fault's peak.
    const input = readings('m1', [
      ...high(4),
      ...Array.from({ length: 8 }, () => ({ flow: 13, pressure: 5 })),
    ]);
    const flagsOf = (results: ScoringResult[]) => results.slice(10).map((r) => (r.isAnomaly ? 1 : 0));
    const plain = await createAnomalyScorer({ metadata, onnx }).score(input);
    expect(flagsOf(plain).slice(-6)).toEqual([1, 1, 1, 1, 1, 1]);
    const policy = {
      ...metadata.policy,
      release: 0.3,
      release_half_life: 100,
      release_decay: 0.5 ** (1 / 100),
    };
    const sut = createAnomalyScorer({ metadata: { ...metadata, policy }, onnx });
    const released = await sut.score(input);
    // flow 13 scores (2.5 / 0.74)^2 = 11.4 < 0.3 * peak (flow 20: 164); off_count = 2 ends the event.
    expect(flagsOf(released)).toEqual([0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(
      released
        .slice(10)
        .filter((r) => r.event)
        .map((r) => r.event!.state),
    ).toEqual(['started', 'ended']);
    // The remembered peak decays slowly (half-life 100 readings): the settled level does not start a new event.
    const settled = Array.from({ length: 20 }, (_, i) => ({
      machineId: 'm1',
      values: { flow: 13, pressure: 5 },
      readingId: `s${i}`,
    }));
    const later = await sut.score(settled);
    expect(later.some((r) => r.isAnomaly)).toBe(false);
  });

  it('is causal: one call or one reading at a time gives the same results', async () => {
    const input = readings('m1', [...calm(3), ...high(4), ...calm(4)]);
    const together = await createAnomalyScorer({ metadata, onnx }).score(input);
    const single = createAnomalyScorer({ metadata, onnx });
    const apart: ScoringResult[] = [];
    for (const r of input) apart.push(...(await single.score([r])));
    expect(apart).toEqual(together);
  });

  it('keeps machines apart: interleaved machines score as if alone', async () => {
    const a = readings('a', [...calm(2), ...high(3)]);
    const b = readings('b', calm(5));
    const interleaved = await createAnomalyScorer({ metadata, onnx }).score(a.flatMap((r, i) => [r, b[i]!]));
    const alone = await createAnomalyScorer({ metadata, onnx }).score(a);
    expect(interleaved.filter((r) => r.machineId === 'a')).toEqual(alone);
  });

  it('repeats the last value of a channel missing from a reading', async () => {
    const input = readings('m1', [{ flow: 20, pressure: 5 }]);
    const withGap = [...input, { machineId: 'm1', values: { flow: 20 } }];
    const full = [...input, { machineId: 'm1', values: { flow: 20, pressure: 5 } }];
    const a = await createAnomalyScorer({ metadata, onnx }).score(withGap);
    const b = await createAnomalyScorer({ metadata, onnx }).score(full);
    expect(a[a.length - 1]!.score).toBe(b[b.length - 1]!.score);
  });

  it('merges concurrent calls into shared ONNX runs without changing results or order', async () => {
    const input = readings('m1', [...calm(3), ...high(4), ...calm(3)]);
    const sequential = await createAnomalyScorer({ metadata, onnx }).score(input);
    let runs = 0;
    const counting = { run: (...args: Parameters<OnnxModel['run']>) => (runs++, onnx.run(...args)) };
    const sut = createAnomalyScorer({ metadata, onnx: counting });
    const concurrent = await Promise.all(input.map((r) => sut.score([r])));
    expect(concurrent.flat()).toEqual(sequential);
    expect(runs).toBeLessThan(input.length - 9);
  });

  it('batches windows across ONNX runs without changing results', async () => {
    const input = readings('m1', [...calm(5), ...high(5)]);
    const big = await createAnomalyScorer({ metadata, onnx }).score(input);
    const small = await createAnomalyScorer({ metadata, onnx }, { maxBatch: 2 }).score(input);
    expect(small).toEqual(big);
  });

  it('scores a whole window without changing the machine state', async () => {
    const sut = createAnomalyScorer({ metadata, onnx });
    await expect(sut.scoreWindow('m1', high(4))).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    await sut.score(readings('m1', calm(1)));
    const result = await sut.scoreWindow('m1', [...calm(2), ...high(2)]);
    expect(result.isAnomaly).toBe(true);
    expect(result.contributions.flow).toBeGreaterThan(result.contributions.pressure!);
    const err = await sut.scoreWindow('m1', high(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(ErrorCode.VALIDATION_FAILED);
    const next = await sut.score([{ machineId: 'm1', values: { flow: 11, pressure: 5 } }]);
    expect(next[0]!.isAnomaly).toBe(false);
  });

  it('lets a successor model recalibrate from the recent readings at once', async () => {
    const first = createAnomalyScorer({ metadata, onnx });
    await first.score(readings('m1', calm(4)));
    const successor = createAnomalyScorer({ metadata, onnx }, {}, first.histories());
    const [result] = await successor.score([{ machineId: 'm1', values: { flow: 10, pressure: 5 } }]);
    expect(result!.status).toBe('scored');
    expect(successor.stats().calibrated).toBe(1);
  });

  it('hands out copies of its history, which later readings do not change (its ring is written in place)', async () => {
    const sut = createAnomalyScorer({ metadata, onnx });
    await sut.score(readings('m1', calm(4)));
    const handed = sut.histories().get('m1')!;
    const before = handed.map((row) => Array.from(row));

    await sut.score(high(5).map((values) => ({ machineId: 'm1', values })));

    expect(handed.map((row) => Array.from(row))).toEqual(before);
    expect(
      sut
        .histories()
        .get('m1')!
        .slice(-5)
        .map((row) => Array.from(row)),
    ).toEqual(high(5).map(({ flow, pressure }) => [flow, pressure]));
  });

  it('averages a faster stream per sample period when the model has one, so windows span the same time', async () => {
    const periodic = { ...metadata, sample_period_ms: 1000 };
    const rows = [...calm(12), ...high(4), ...calm(3)];
    const perSecond = await createAnomalyScorer({ metadata: periodic, onnx }).score(
      rows.map((values, k) => ({ machineId: 'm1', values, timestampMs: k * 1000 })),
    );
    // The same rows at 10 readings/s, jittered around each row's value (their mean is the row).
    const tenHz = rows.flatMap((values, k) =>
      Array.from({ length: 10 }, (_, j) => ({
        machineId: 'm1',
        values: { flow: values.flow + (j % 2 ? 0.5 : -0.5), pressure: values.pressure },
        timestampMs: k * 1000 + j * 100,
      })),
    );
    const sut = createAnomalyScorer({ metadata: periodic, onnx });
    const fast = await sut.score(tenHz);
    // Second k closes when second k + 1 begins (a period is known complete only then, which delays a 1 Hz
    // stream by one reading too): the 10 Hz stream matches the 1 Hz one reading for reading.
    for (let k = 10; k < rows.length - 1; k++) {
      expect(fast[(k + 1) * 10]!.score).toBeCloseTo(perSecond[k + 1]!.score!, 4);
      expect(fast[(k + 1) * 10]!.isAnomaly).toBe(perSecond[k + 1]!.isAnomaly);
      // Readings inside a period repeat the latest result, without event transitions.
      expect(fast[(k + 1) * 10 + 5]!.score).toBe(fast[(k + 1) * 10]!.score);
      expect(fast[(k + 1) * 10 + 5]!.event).toBeUndefined();
    }
    expect(fast[50]!.status).toBe('calibrating');
    expect(perSecond.filter((r) => r.event).length).toBeGreaterThan(0);
  });

  it('fails loudly when the model outputs do not match the metadata', async () => {
    const broken = { run: async () => ({}) };
    const sut = createAnomalyScorer({ metadata, onnx: broken });
    await expect(sut.score(readings('m1', []))).rejects.toMatchObject({ code: ErrorCode.INTERNAL });
    // The failure does not wedge later calls.
    await expect(sut.score([])).resolves.toEqual([]);
  });
});
