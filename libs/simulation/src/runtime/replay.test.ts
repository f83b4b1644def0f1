import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, ErrorCode } from '@industrialmind/errors';
import type { GroundTruthRecord } from '../ground-truth';
import { cmapssText, createRecordingPublisher, skabCsv } from '../testing';
import { CMAPSS_DEFAULT_START_MS, replay, type ReplayProgress } from './replay';

interface Reading {
  reading_id: string;
  machine_id: string;
  machine_type: string;
  timestamp: string;
  readings: Record<string, number>;
}

const root = mkdtempSync(join(tmpdir(), 'simulation-replay-'));
const skabDir = join(root, 'skab');
mkdirSync(join(skabDir, 'valve1'), { recursive: true });
writeFileSync(
  join(skabDir, 'valve1', '10.csv'),
  skabCsv({ rows: 4, start: '2020-03-10 09:00:00', anomalyFrom: 2 }),
);
writeFileSync(join(skabDir, 'valve1', '2.csv'), skabCsv({ rows: 3, start: '2020-03-09 10:14:33' }));
writeFileSync(join(skabDir, 'notes.txt'), 'not data');
const cmapssDir = join(root, 'cmapss');
mkdirSync(cmapssDir);
writeFileSync(join(cmapssDir, 'train_FD001.txt'), cmapssText({ cycles: [3, 2] }));
writeFileSync(join(cmapssDir, 'test_FD001.txt'), cmapssText({ cycles: [2] }));
writeFileSync(join(cmapssDir, 'RUL_FD001.txt'), '40\n');
writeFileSync(join(cmapssDir, 'readme.txt'), 'C-MAPSS');
const emptyDir = join(root, 'empty');
mkdirSync(emptyDir);

describe(replay.name, () => {
  it('replays SKAB files in natural order, keeping their timestamps and labels', async () => {
    const bus = createRecordingPublisher();
    const progress: ReplayProgress[] = [];

    const summary = await replay(
      {
        dataset: 'skab',
        path: skabDir,
        speed: 'max',
        timestamps: 'keep',
        onProgress: (p) => progress.push(p),
      },
      bus,
    );

    const readings = bus.values<Reading>('sensor-readings');
    expect(readings.map((r) => r.machine_id)).toEqual([
      ...Array(3).fill('skab-valve1-2'),
      ...Array(4).fill('skab-valve1-10'),
    ]);
    expect(readings[0]).toMatchObject({
      reading_id: 'skab-valve1-2-r2',
      machine_type: 'skab',
      timestamp: '2020-03-09T10:14:33.000Z',
    });
    expect(bus.values<GroundTruthRecord>('simulator-ground-truth').map((t) => t.anomaly)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(summary).toMatchObject({
      filesTotal: 2,
      filesDone: 2,
      machines: 2,
      readingsPublished: 7,
      linesSkipped: 0,
      fraction: 1,
      isDone: true,
      isAborted: false,
    });
    expect(progress[progress.length - 1]).toMatchObject({ isDone: true, readingsPublished: 7 });
  });

  it('moves each machine to the present with timestamps "now"', async () => {
    const bus = createRecordingPublisher();
    const now = Date.parse('2025-01-01T12:00:00Z');

    await replay(
      {
        dataset: 'skab',
        path: join(skabDir, 'valve1', '2.csv'),
        speed: 0,
        timestamps: 'now',
        clock: () => now,
      },
      bus,
    );

    const readings = bus.values<Reading>('sensor-readings');
    expect(readings.map((r) => Date.parse(r.timestamp) - now)).toEqual([0, 1000, 2000]);
    expect(readings[0]!.reading_id).toBe(`skab-valve1-2-r2-${now.toString(36)}`);
  });

  it('paces readings by the data spacing divided by the speed', async () => {
    const bus = createRecordingPublisher();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);

    const summary = await replay(
      {
        dataset: 'skab',
        path: join(skabDir, 'valve1', '2.csv'),
        speed: 1,
        timestamps: 'keep',
        signal: controller.signal,
      },
      bus,
    );

    // Rows are 1 s apart: after 0.3 s only the first is due.
    expect(summary).toMatchObject({ readingsPublished: 1, isAborted: true, filesDone: 0 });
  });

  it('replays C-MAPSS engines as machines with synthesized cycle times and RUL', async () => {
    const bus = createRecordingPublisher();

    const summary = await replay(
      { dataset: 'cmapss', path: cmapssDir, speed: 'max', timestamps: 'keep', cycleSec: 60, batchSize: 2 },
      bus,
    );

    const readings = bus.values<Reading>('sensor-readings');
    const truth = bus.values<GroundTruthRecord>('simulator-ground-truth');
    expect(summary).toMatchObject({ filesTotal: 2, machines: 3, readingsPublished: 7 });
    expect(readings.map((r) => r.machine_id)).toEqual([
      'cmapss-fd001-test-001',
      'cmapss-fd001-test-001',
      ...Array(3).fill('cmapss-fd001-train-001'),
      ...Array(2).fill('cmapss-fd001-train-002'),
    ]);
    expect(readings.slice(2, 5).map((r) => Date.parse(r.timestamp) - CMAPSS_DEFAULT_START_MS)).toEqual([
      0, 60_000, 120_000,
    ]);
    expect(truth.map((t) => t.rul_cycles)).toEqual([undefined, undefined, 2, 1, 0, 1, 0]);
    expect(Object.keys(readings[0]!.readings)).toHaveLength(24);
  });

  it('labels a C-MAPSS test file from its RUL file and can leave out ground truth', async () => {
    const withTruth = createRecordingPublisher();
    const without = createRecordingPublisher();
    const options = {
      dataset: 'cmapss' as const,
      path: join(cmapssDir, 'test_FD001.txt'),
      speed: 'max' as const,
      timestamps: 'keep' as const,
      rulPath: join(cmapssDir, 'RUL_FD001.txt'),
      startMs: Date.parse('2024-01-01T00:00:00Z'),
    };

    await replay(options, withTruth);
    await replay({ ...options, groundTruth: false }, without);

    expect(withTruth.values<GroundTruthRecord>('simulator-ground-truth').map((t) => t.rul_cycles)).toEqual([
      41, 40,
    ]);
    expect(withTruth.values<Reading>('sensor-readings')[0]!.timestamp).toBe('2024-01-01T00:00:00.000Z');
    // Both readings of the engine travel in one batch message; no ground truth at all.
    expect(without.messages.map((m) => m.topic)).toEqual(['sensor-readings']);
    expect(without.values('sensor-readings')).toHaveLength(2);
  });

  it('counts and reports lines it skips', async () => {
    const file = join(root, 'broken.csv');
    writeFileSync(file, `${skabCsv({ rows: 2 })}garbage\n2020-03-09 10:14:40;1;1;1;1;1;1;1;1;0;0\n`);
    const bus = createRecordingPublisher();

    const summary = await replay({ dataset: 'skab', path: file, speed: 'max', timestamps: 'keep' }, bus);

    expect(summary).toMatchObject({ readingsPublished: 3, linesSkipped: 1 });
    expect(summary.problems).toEqual([{ file, line: 4, reason: expect.stringMatching(/fields/) }]);
  });

  it('publishes to the topics it is given', async () => {
    const file = join(root, 'one.csv');
    writeFileSync(file, skabCsv({ rows: 1 }));
    const bus = createRecordingPublisher();

    const summary = await replay(
      {
        dataset: 'skab',
        path: file,
        speed: 'max',
        timestamps: 'keep',
        readingsTopic: 'x',
        groundTruthTopic: 'y',
      },
      bus,
    );

    expect(summary.readingsPublished).toBe(1);
    expect(bus.messages.map((m) => m.topic).sort()).toEqual(['x', 'y']);
  });

  it.each([
    [{ path: join(root, 'missing') }, ErrorCode.NOT_FOUND],
    [{ path: emptyDir }, ErrorCode.NOT_FOUND],
    [{ speed: -1 }, ErrorCode.VALIDATION_FAILED],
    [{ cycleSec: 0 }, ErrorCode.VALIDATION_FAILED],
    [{ batchSize: 0 }, ErrorCode.VALIDATION_FAILED],
  ])('rejects %j with %s', async (overrides, code) => {
    const run = replay(
      { dataset: 'skab', path: skabDir, speed: 'max', timestamps: 'keep', ...overrides },
      createRecordingPublisher(),
    );

    await expect(run).rejects.toBeInstanceOf(AppError);
    await expect(run).rejects.toMatchObject({ code });
  });
});
