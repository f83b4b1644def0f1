// Parses the real reference data sets end to end. They live in ../shared/datasets beside the repository (CI
// lays a copy of shared/ there); set SHARED_DATASETS_DIR to point elsewhere.
import { createReadStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDefaultMachineTypeRegistry, parseSensorReading } from '@industrialmind/contracts';
import {
  cmapssFileId,
  machineIdFromPath,
  parseCmapss,
  parseSkabCsv,
  toReplayRecord,
  type InvalidLine,
} from '../src';
import { replay } from '../src/runtime';
import { createRecordingPublisher } from '../src/testing';

const DATASETS =
  process.env.SHARED_DATASETS_DIR ?? resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets');
const machineTypes = createDefaultMachineTypeRegistry();

function dataLines(path: string): number {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
}

beforeAll(() => {
  if (!existsSync(join(DATASETS, 'skab')) || !existsSync(join(DATASETS, 'cmapss'))) {
    throw new Error(`reference data sets not found under ${DATASETS}; set SHARED_DATASETS_DIR`);
  }
});

describe('SKAB files', () => {
  it('parse into valid readings, one per data line, with labels', async () => {
    const dir = join(DATASETS, 'skab', 'data', 'valve1');
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.csv'))) {
      const problems: InvalidLine[] = [];
      let count = 0;
      let anomalies = 0;
      for await (const row of parseSkabCsv(createReadStream(join(dir, name)), {
        machineId: machineIdFromPath('skab', `valve1/${name}`),
        onInvalid: (p) => problems.push(p),
      })) {
        const { reading } = toReplayRecord(row);
        expect(Object.keys(reading.readings)).toHaveLength(8);
        if (count % 97 === 0) expect(parseSensorReading(reading, { machineTypes }).ok).toBe(true);
        if (row.anomaly) anomalies += 1;
        count += 1;
      }
      expect(problems).toEqual([]);
      expect(count).toBe(dataLines(join(dir, name)) - 1);
      expect(anomalies).toBeGreaterThan(0);
    }
  });
});

describe('C-MAPSS FD001', () => {
  it('parses the training file into 100 engines that run to RUL 0', async () => {
    const file = join(DATASETS, 'cmapss', 'train_FD001.txt');
    const lastRul = new Map<string, number>();
    let count = 0;
    for await (const row of parseCmapss(createReadStream(file), {
      fileId: cmapssFileId(file),
      startMs: 0,
      cycleMs: 1000,
      rul: 'run-to-failure',
      onInvalid: (p) => {
        throw new Error(`line ${p.line}: ${p.reason}`);
      },
    })) {
      lastRul.set(row.machineId, row.rulCycles!);
      count += 1;
    }
    expect(count).toBe(dataLines(file));
    expect(lastRul.size).toBe(100);
    expect([...lastRul.values()].every((r) => r === 0)).toBe(true);
  });

  it('replays the test file through a bus', async () => {
    const bus = createRecordingPublisher();

    const summary = await replay(
      {
        dataset: 'cmapss',
        path: join(DATASETS, 'cmapss', 'test_FD001.txt'),
        speed: 'max',
        timestamps: 'now',
      },
      bus,
    );

    expect(summary).toMatchObject({ machines: 100, linesSkipped: 0, isDone: true });
    expect(summary.readingsPublished).toBe(dataLines(join(DATASETS, 'cmapss', 'test_FD001.txt')));
  });
});
