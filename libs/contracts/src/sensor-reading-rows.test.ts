import {
  MAX_READINGS_PER_MESSAGE,
  collectSensorReadings,
  packSensorReadings,
  parseSensorReadings,
  type SensorReadingRejection,
  type SensorReadingsMessage,
} from './codec';
import { createDefaultMachineTypeRegistry } from './default-machine-types';
import { IssueCode, type ParseResult } from './issues';
import { SensorReadingRowsSchema, type SensorReadingRows } from './sensor-reading-rows';
import { sequencedSensorReading } from './testing';

const machineTypes = createDefaultMachineTypeRegistry();
const options = { machineTypes };

const reading = sequencedSensorReading;

function rowsMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: '1.2',
    machine_id: 'mill-1',
    machine_type: 'cnc-mill',
    metadata: { location: 'hall-a' },
    channels: ['temperature', 'power'],
    rows: [
      ['r-0', '2026-01-01T00:00:00.000Z', 61.5, 12],
      ['r-1', '2026-01-01T00:00:00.100Z', null, 12.5],
      ['r-2', '2026-01-01T00:00:00.200Z', 62, null],
    ],
    ...overrides,
  };
}

function ok(result: ParseResult<SensorReadingsMessage>): SensorReadingsMessage {
  if (!result.ok) throw new Error(`expected success, got ${result.reason}`);
  return result.value;
}

function parse(value: unknown): ParseResult<SensorReadingsMessage> {
  return parseSensorReadings(Buffer.from(JSON.stringify(value)), options);
}

describe('row form (sensor-readings 1.2)', () => {
  it('reads each row as the reading it stands for, leaving out null values', () => {
    const sut = ok(parse(rowsMessage()));

    expect(sut.batch).toBe(true);
    expect(sut.rejected).toEqual([]);
    const common = {
      schema_version: '1.2',
      machine_id: 'mill-1',
      machine_type: 'cnc-mill',
      metadata: { location: 'hall-a' },
    };
    expect(sut.readings).toEqual([
      {
        ...common,
        reading_id: 'r-0',
        timestamp: '2026-01-01T00:00:00.000Z',
        readings: { temperature: 61.5, power: 12 },
      },
      { ...common, reading_id: 'r-1', timestamp: '2026-01-01T00:00:00.100Z', readings: { power: 12.5 } },
      { ...common, reading_id: 'r-2', timestamp: '2026-01-01T00:00:00.200Z', readings: { temperature: 62 } },
    ]);
  });

  it('matches its JSON schema', () => {
    expect(SensorReadingRowsSchema.safeParse(rowsMessage()).success).toBe(true);
  });

  it('rejects each invalid row alone, with its path, as a self-contained message of that row', () => {
    const message = rowsMessage({
      rows: [
        ['r-0', '2026-01-01T00:00:00.000Z', 61.5, 12],
        ['r-1', 'yesterday', 61, 12],
        ['r-2', '2026-01-01T00:00:00.200Z', '62', 12],
        ['r-3', '2026-01-01T00:00:00.300Z', 62],
        ['r-4', '2026-01-01T00:00:00.400Z', null, null],
        { reading_id: 'r-5' },
        ['bad id!', '2026-01-01T00:00:00.600Z', 1, 2],
        ['r-7', '2026-01-01T00:00:00.700Z', 63, 13, 99],
        ['r-8', '2026-01-01T00:00:00.800Z', 64, 14],
      ],
    });

    const sut = ok(parse(message));

    expect(sut.readings.map((r) => r.reading_id)).toEqual(['r-0', 'r-8']);
    expect(sut.rejected.map((r) => [r.index, r.issues.map((i) => [i.code, i.path])])).toEqual([
      [1, [[IssueCode.INVALID_TIMESTAMP, 'rows[1][1]']]],
      [2, [[IssueCode.INVALID_TYPE, 'rows[2][2]']]],
      [3, [[IssueCode.TOO_SMALL, 'rows[3]']]],
      [4, [[IssueCode.TOO_SMALL, 'rows[4]']]],
      [5, [[IssueCode.INVALID_TYPE, 'rows[5]']]],
      [6, [[IssueCode.INVALID_FORMAT, 'rows[6][0]']]],
      [7, [[IssueCode.TOO_BIG, 'rows[7]']]],
    ]);
    expect(sut.rejected[1]!.reason).toBe('rows[2][2]: temperature must be a finite number or null, got "62"');
    const { rows: _rows, ...header } = message;
    expect(sut.rejected[0]!.value).toEqual({ ...header, rows: [['r-1', 'yesterday', 61, 12]] });
    // A dead-lettered row fails on its own for the same reason (at index 0), so it can be fixed and replayed.
    const again = parse(sut.rejected[0]!.value);
    expect(again.ok && again.value.rejected[0]!.issues[0]!.path).toBe('rows[0][1]');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'an unknown machine type, with a hint',
      { machine_type: 'cnc-mil' },
      'machine_type',
      IssueCode.UNKNOWN_MACHINE_TYPE,
    ],
    [
      'an undeclared channel',
      { channels: ['temperature', 'torque'] },
      'channels[1]',
      IssueCode.UNKNOWN_CHANNEL,
    ],
    ['a channel listed twice', { channels: ['power', 'power'] }, 'channels[1]', IssueCode.INCONSISTENT],
    ['no channels', { channels: [] }, 'channels', IssueCode.TOO_SMALL],
    ['no rows', { rows: [] }, 'rows', IssueCode.TOO_SMALL],
    ['rows that are not an array', { rows: 'r-0' }, 'rows', IssueCode.INVALID_TYPE],
    ['a missing machine_id', { machine_id: undefined }, 'machine_id', IssueCode.MISSING_FIELD],
    ['a bad machine_id', { machine_id: 'mill 1' }, 'machine_id', IssueCode.INVALID_FORMAT],
    [
      'invalid metadata',
      { metadata: { location: { hall: 'a' } } },
      'metadata.location',
      IssueCode.INVALID_TYPE,
    ],
    [
      'an unknown MAJOR version',
      { schema_version: '2.0' },
      'schema_version',
      IssueCode.UNSUPPORTED_SCHEMA_VERSION,
    ],
  ])('fails the whole message for a header with %s', (_name, overrides, path, code) => {
    const sut = parse(rowsMessage(overrides));

    expect(sut.ok).toBe(false);
    if (!sut.ok) expect(sut.issues).toContainEqual(expect.objectContaining({ path, code }));
  });

  it('fails a header with more rows than the limit and a metadata key "__proto__"', () => {
    const row = ['r', '2026-01-01T00:00:00Z', 1, 2];
    const tooMany = parse(
      rowsMessage({ rows: Array.from({ length: MAX_READINGS_PER_MESSAGE + 1 }, () => row) }),
    );
    expect(!tooMany.ok && tooMany.issues[0]).toMatchObject({ path: 'rows', code: IssueCode.TOO_BIG });

    const proto = parseSensorReadings(
      JSON.stringify(rowsMessage()).replace('"location"', '"__proto__":1,"location"'),
      options,
    );
    expect(!proto.ok && proto.issues).toContainEqual(
      expect.objectContaining({ code: IssueCode.INVALID_KEY, path: 'metadata.__proto__' }),
    );
  });

  it('treats an object with both rows and readings as a single reading (rows is then an unknown field)', () => {
    const single = { ...reading('mill-1', 0), rows: [] };

    const sut = ok(parse(single));

    expect(sut.batch).toBe(false);
    expect(sut.readings).toHaveLength(1);
  });
});

describe(`${packSensorReadings.name} in the row form`, () => {
  it('is the default for batches, round-trips, and is a fraction of the array form', () => {
    const readings = [0, 1, 2, 3, 4, 5].flatMap((seq) => [reading('mill-1', seq), reading('pump-2', seq)]);

    const rows = packSensorReadings(readings, { machineTypes, maxReadingsPerMessage: 3 });
    const arrays = packSensorReadings(readings, { machineTypes, maxReadingsPerMessage: 3, form: 'array' });

    expect(rows.map((m) => [m.key, m.count])).toEqual([
      ['mill-1', 3],
      ['mill-1', 3],
      ['pump-2', 3],
      ['pump-2', 3],
    ]);
    const first = JSON.parse(rows[0]!.value.toString('utf8')) as SensorReadingRows;
    expect(first.channels).toEqual(['temperature', 'vibration', 'pressure', 'power']);
    expect(first.rows).toHaveLength(3);
    const back = rows.flatMap((m) => ok(parseSensorReadings(m.value, options)).readings);
    for (const machine of ['mill-1', 'pump-2']) {
      expect(back.filter((r) => r.machine_id === machine)).toEqual(
        readings.filter((r) => r.machine_id === machine),
      );
    }
    const bytes = (ms: typeof rows): number => ms.reduce((n, m) => n + m.value.byteLength, 0);
    expect(bytes(rows)).toBeLessThan(bytes(arrays) * 0.6);
  });

  it('writes null for a channel a reading lacks, and the array form for readings whose metadata differ', () => {
    const readings = [
      reading('mill-1', 0, { readings: { temperature: 60 } }),
      reading('mill-1', 1, { readings: { power: 11 } }),
      reading('mill-1', 2, { metadata: { location: 'hall-b', source_line: 2 } }),
      reading('mill-1', 3, { metadata: { location: 'hall-b', source_line: 3 } }),
    ];

    const sut = packSensorReadings(readings, { machineTypes, maxReadingsPerMessage: 2 });

    expect(sut.map((m) => m.count)).toEqual([2, 2]);
    expect(JSON.parse(sut[0]!.value.toString('utf8'))).toMatchObject({
      channels: ['temperature', 'power'],
      rows: [
        ['mill-1-0', readings[0]!.timestamp, 60, null],
        ['mill-1-1', readings[1]!.timestamp, null, 11],
      ],
    });
    expect(sut[1]!.value.toString('utf8').startsWith('[')).toBe(true);
    expect(sut.flatMap((m) => ok(parseSensorReadings(m.value, options)).readings)).toEqual(readings);
  });

  it('halves a message until it fits maxBytes', () => {
    const readings = Array.from({ length: 50 }, (_, seq) => reading('mill-1', seq));
    const whole = packSensorReadings(readings, { machineTypes, maxReadingsPerMessage: 50 })[0]!.value;
    const maxBytes = Math.floor(whole.byteLength / 3);

    const sut = packSensorReadings(readings, { machineTypes, maxReadingsPerMessage: 50, maxBytes });

    expect(sut.every((m) => m.value.byteLength <= maxBytes)).toBe(true);
    expect(sut.length).toBeGreaterThanOrEqual(4);
    expect(sut.flatMap((m) => ok(parseSensorReadings(m.value, options)).readings)).toEqual(readings);
  });

  it('refuses an unknown form', () => {
    expect(() => packSensorReadings([], { form: 'columns' as never })).toThrow(
      /form must be one of rows, array/,
    );
  });
});

describe(`${collectSensorReadings.name} with row-form messages`, () => {
  it('returns the valid rows and reports each rejected row with its index and value', () => {
    const message = {
      id: 'm',
      value: JSON.stringify(
        rowsMessage({
          rows: [
            ['r-0', 'x', 1, 2],
            ['r-1', '2026-01-01T00:00:00Z', 1, 2],
          ],
        }),
      ),
    };
    const rejected: Array<[string, SensorReadingRejection]> = [];

    const sut = collectSensorReadings([message], options, (m, r) => rejected.push([m.id, r]));

    expect(sut.map((r) => r.reading_id)).toEqual(['r-1']);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]![1]).toMatchObject({ code: IssueCode.INVALID_TIMESTAMP, element: { index: 0 } });
  });
});

describe('rejected elements keep the text they arrived in', () => {
  it('row form: the rejected row, 1e400 and all, in a one-row message that is rejected the same way again', () => {
    const text =
      '{"schema_version":"1.2","machine_id":"mill-1","machine_type":"cnc-mill","channels":["temperature","power"],' +
      '"rows":[["r-0","2026-01-01T00:00:00.000Z",61.5,12],[ "r-1" ,"2026-01-01T00:00:00.100Z",1e400,12.5]]}';
    const rejected: SensorReadingRejection[] = [];

    collectSensorReadings([{ value: Buffer.from(text) }], options, (_m, r) => rejected.push(r));

    expect(rejected).toHaveLength(1);
    const dlq = rejected[0]!.element!.text!;
    expect(dlq).toContain('[ "r-1" ,"2026-01-01T00:00:00.100Z",1e400,12.5]');
    const again = ok(parseSensorReadings(dlq, options));
    expect(again.readings).toEqual([]);
    expect(again.rejected.map((r) => [r.index, r.reason])).toEqual([
      [0, rejected[0]!.reason.replace('rows[1]', 'rows[0]')],
    ]);
  });

  it('array form: the rejected element exactly', () => {
    const good = JSON.stringify(reading('mill-1', 0));
    const bad = JSON.stringify(reading('mill-1', 1)).replace(/"temperature":[^,}]+/, '"temperature": 1e400');
    const rejected: SensorReadingRejection[] = [];

    collectSensorReadings([{ value: `[${good}, ${bad}]` }], options, (_m, r) => rejected.push(r));

    expect(rejected.map((r) => [r.element?.index, r.element?.text])).toEqual([[1, bad]]);
  });

  it('keeps no text for a message that came already parsed', () => {
    const rejected: SensorReadingRejection[] = [];
    const message = rowsMessage({ rows: [['r-0', '2026-01-01T00:00:00.000Z', 'hot', 1]] });

    collectSensorReadings([{ value: message }], options, (_m, r) => rejected.push(r));

    expect(rejected[0]!.element).toEqual({ index: 0, value: expect.any(Object) });
  });
});
