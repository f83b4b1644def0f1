import { createDefaultMachineTypeRegistry, parseSensorReading } from '@industrialmind/contracts';
import { cmapssText } from '../testing';
import { cmapssFileId, isRunToFailureFile, parseCmapss, parseCmapssRul, type CmapssRul } from './cmapss';
import { toReplayRecord, type DatasetRow, type InvalidLine } from './record';

const START = Date.parse('2000-01-01T00:00:00Z');

async function parse(text: string, rul: CmapssRul = 'run-to-failure') {
  const rows: DatasetRow[] = [];
  const problems: InvalidLine[] = [];
  for await (const row of parseCmapss([text], {
    fileId: 'fd001-train',
    startMs: START,
    cycleMs: 60_000,
    rul,
    onInvalid: (p) => problems.push(p),
  })) {
    rows.push(row);
  }
  return { rows, problems };
}

describe(parseCmapss.name, () => {
  it('makes each engine a machine with one reading per cycle and its RUL', async () => {
    const { rows, problems } = await parse(cmapssText({ cycles: [3, 2] }));

    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.machineId, r.cycle, r.rulCycles, r.timestampMs - START])).toEqual([
      ['cmapss-fd001-train-001', 1, 2, 0],
      ['cmapss-fd001-train-001', 2, 1, 60_000],
      ['cmapss-fd001-train-001', 3, 0, 120_000],
      ['cmapss-fd001-train-002', 1, 1, 0],
      ['cmapss-fd001-train-002', 2, 0, 60_000],
    ]);
    expect(Object.keys(rows[0]!.readings)).toHaveLength(24);
    expect(rows[0]!.readings).toMatchObject({
      setting_1: -0.0007,
      setting_3: 100,
      s_1: 518.67,
      s_21: 23.3523,
    });
    const record = toReplayRecord(rows[0]!);
    expect(parseSensorReading(record.reading, { machineTypes: createDefaultMachineTypeRegistry() }).ok).toBe(
      true,
    );
    expect(record.truth).toMatchObject({ source: 'cmapss', machine_type: 'cmapss-turbofan', rul_cycles: 2 });
  });

  it('labels test files from their RUL file, or not at all', async () => {
    const text = cmapssText({ cycles: [2, 1] });

    expect((await parse(text, [10, 20])).rows.map((r) => r.rulCycles)).toEqual([11, 10, 20]);
    expect((await parse(text, 'unknown')).rows.map((r) => r.rulCycles)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('skips malformed lines with a reason', async () => {
    const good = cmapssText({ cycles: [2] })
      .trim()
      .split('\n');
    const text = [
      good[0],
      '1 2 3',
      good[0]!.replace('518.67', 'abc'),
      good[0],
      '0 1' + good[0]!.slice(3),
      good[1],
    ].join('\n');
    const { rows, problems } = await parse(text);

    expect(rows.map((r) => r.cycle)).toEqual([1, 2]);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/columns/),
      expect.stringMatching(/not a number/),
      expect.stringMatching(/does not follow/),
      expect.stringMatching(/positive integers/),
    ]);
  });
});

describe(parseCmapssRul.name, () => {
  it('reads one number per line', async () => {
    expect(await parseCmapssRul(['112\n98\n\n69\n'])).toEqual([112, 98, 69]);
  });

  it('rejects a line that is not a whole number', async () => {
    await expect(parseCmapssRul(['12\n1.5\n'])).rejects.toThrow(/line 2/);
  });
});

describe(cmapssFileId.name, () => {
  it.each([
    ['/data/cmapss/train_FD001.txt', 'fd001-train'],
    ['test_FD004.txt', 'fd004-test'],
    ['My Engines.txt', 'my-engines'],
    ['___.txt', 'data'],
  ])('%s -> %s', (name, id) => {
    expect(cmapssFileId(name)).toBe(id);
  });

  it('knows training files run to failure', () => {
    expect(isRunToFailureFile('/x/train_FD002.txt')).toBe(true);
    expect(isRunToFailureFile('/x/test_FD002.txt')).toBe(false);
  });
});
