import {
  SKAB_MACHINE_TYPE,
  createDefaultMachineTypeRegistry,
  parseSensorReading,
} from '@industrialmind/contracts';
import { skabCsv } from '../testing';
import { machineIdFromPath, toReplayRecord, type DatasetRow, type InvalidLine } from './record';
import { parseSkabCsv, parseUtcOffset } from './skab';

async function parse(
  text: string | string[],
  utcOffset?: string,
): Promise<{ rows: DatasetRow[]; problems: InvalidLine[] }> {
  const problems: InvalidLine[] = [];
  const rows: DatasetRow[] = [];
  const chunks = Array.isArray(text) ? text : [text];
  for await (const row of parseSkabCsv(chunks, {
    machineId: 'skab-valve1-0',
    ...(utcOffset === undefined ? {} : { utcOffset }),
    onInvalid: (p) => problems.push(p),
  })) {
    rows.push(row);
  }
  return { rows, problems };
}

describe(parseSkabCsv.name, () => {
  it('turns each row into a skab reading with its labels, in file order', async () => {
    const text = skabCsv({ rows: 5, anomalyFrom: 3 });
    const { rows, problems } = await parse([text.slice(0, 100), text.slice(100)]);

    expect(problems).toEqual([]);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({
      source: 'skab',
      machineId: 'skab-valve1-0',
      machineType: 'skab',
      line: 2,
      timestampMs: Date.parse('2020-03-09T10:14:33Z'),
      readings: {
        accelerometer1_rms: 0.0266,
        accelerometer2_rms: 0.0401,
        current: 1.33,
        pressure: 0.0547,
        temperature: 79.3,
        thermocouple: 26.02,
        voltage: 233,
        volume_flow_rate_rms: 32,
      },
      anomaly: false,
      changepoint: false,
    });
    expect(rows.map((r) => [r.anomaly, r.changepoint])).toEqual([
      [false, false],
      [false, false],
      [false, false],
      [true, true],
      [true, false],
    ]);
    expect(Object.keys(rows[0]!.readings).sort()).toEqual(
      SKAB_MACHINE_TYPE.channels.map((c) => c.name).sort(),
    );
  });

  it('reads unlabelled files and applies the UTC offset', async () => {
    const { rows } = await parse(skabCsv({ rows: 2, isLabelled: false, eol: '\n' }), '+03:00');

    expect(rows[0]!.timestampMs).toBe(Date.parse('2020-03-09T07:14:33Z'));
    expect(rows[0]).not.toHaveProperty('anomaly');
  });

  it('skips bad lines with a reason and leaves out empty cells', async () => {
    const header = skabCsv({ rows: 0 }).trim();
    const text = [
      header,
      '2020-03-09 10:14:33;0.1;0.2;1;0.05;79;26;233;32;0;0',
      'not a row',
      '09.03.2020 10:14:34;0.1;0.2;1;0.05;79;26;233;32;0;0',
      '2020-03-09 10:14:35;;0.2;1;0.05;79;26;233;;0;0',
      '2020-03-09 10:14:35;x;;;;;;;;0;0',
      '2020-03-09 10:14:35.5;0.1;0.2;1;0.05;79;26;233;32;0;0',
    ].join('\n');
    const { rows, problems } = await parse(text);

    expect(problems.map((p) => p.line)).toEqual([3, 4, 6]);
    expect(problems[0]!.reason).toMatch(/fields/);
    expect(problems[1]!.reason).toMatch(/datetime/);
    expect(problems[2]!.reason).toMatch(/no numeric/);
    expect(Object.keys(rows[1]!.readings)).not.toContain('accelerometer1_rms');
    expect(Object.keys(rows[1]!.readings)).toHaveLength(6);
    expect(rows.map((r) => r.timestampMs - rows[0]!.timestampMs)).toEqual([0, 2000, 2500]);
  });

  it('keeps timestamps increasing when the file repeats one', async () => {
    const header = skabCsv({ rows: 0 }).trim();
    const row = '2020-03-09 10:14:33;0.1;0.2;1;0.05;79;26;233;32;0;0';
    const { rows } = await parse([header, row, row].join('\n'));

    expect(rows[1]!.timestampMs - rows[0]!.timestampMs).toBe(1);
  });

  it('stops at a file that is not SKAB and reports unknown columns', async () => {
    expect((await parse('a;b\n1;2\n')).problems).toEqual([expect.objectContaining({ line: 1 })]);
    const extra = await parse('datetime;Current;Extra\n2020-03-09 10:14:33;1.5;9\n');
    expect(extra.problems).toEqual([{ line: 1, reason: 'unknown column "Extra" ignored' }]);
    expect(extra.rows[0]!.readings).toEqual({ current: 1.5 });
  });
});

describe(parseUtcOffset.name, () => {
  it.each([
    ['Z', 0],
    ['+03:00', 180],
    ['-0530', -330],
  ])('reads %s', (text, minutes) => {
    expect(parseUtcOffset(text)).toBe(minutes);
  });

  it('rejects anything else', () => {
    expect(() => parseUtcOffset('MSK')).toThrow(RangeError);
  });
});

describe(toReplayRecord.name, () => {
  const row: DatasetRow = {
    source: 'skab',
    machineId: 'skab-valve1-0',
    machineType: 'skab',
    line: 7,
    timestampMs: Date.parse('2020-03-09T10:14:33Z'),
    readings: { current: 1.2 },
    anomaly: true,
    changepoint: false,
  };

  it('builds a valid reading and its labelled ground truth', () => {
    const sut = toReplayRecord(row);

    expect(parseSensorReading(sut.reading, { machineTypes: createDefaultMachineTypeRegistry() }).ok).toBe(
      true,
    );
    expect(sut.reading).toMatchObject({
      reading_id: 'skab-valve1-0-r7',
      timestamp: '2020-03-09T10:14:33.000Z',
      metadata: { dataset: 'skab', source_line: 7 },
    });
    expect(sut.truth).toMatchObject({ source: 'skab', anomaly: true, changepoint: false, active_faults: [] });
  });

  it('shifts the time and tags the id', () => {
    const sut = toReplayRecord({ ...row, cycle: 3, rulCycles: 10 }, { shiftMs: 1000, idTag: 'x1' });

    expect(sut.reading.timestamp).toBe('2020-03-09T10:14:34.000Z');
    expect(sut.reading.reading_id).toBe('skab-valve1-0-r7-x1');
    expect(sut.reading.metadata).toEqual({ dataset: 'skab', source_line: 7, cycle: 3 });
    expect(sut.truth.rul_cycles).toBe(10);
  });
});

describe(machineIdFromPath.name, () => {
  it.each([
    ['valve1/3.csv', 'skab-valve1-3'],
    ['anomaly-free\\anomaly-free.csv', 'skab-anomaly-free-anomaly-free'],
    ['Other/Some File.CSV', 'skab-other-some-file'],
    ['.csv', 'skab-data'],
  ])('%s -> %s', (path, id) => {
    expect(machineIdFromPath('skab', path)).toBe(id);
  });
});
