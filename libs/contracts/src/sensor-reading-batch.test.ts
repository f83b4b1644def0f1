import { AppError } from '@industrialmind/errors';
import {
  MAX_READINGS_PER_MESSAGE,
  collectSensorReadings,
  packSensorReadings,
  parseSensorReading,
  parseSensorReadings,
  type SensorReadingRejection,
  type SensorReadingsMessage,
} from './codec';
import { createDefaultMachineTypeRegistry } from './default-machine-types';
import { IssueCode, type ParseResult } from './issues';
import { sequencedSensorReading } from './testing';

const machineTypes = createDefaultMachineTypeRegistry();
const options = { machineTypes };

const reading = sequencedSensorReading;

function ok(result: ParseResult<SensorReadingsMessage>): SensorReadingsMessage {
  if (!result.ok) throw new Error(`expected success, got ${result.reason}`);
  return result.value;
}

describe(parseSensorReadings.name, () => {
  it('reads a single-reading message as one reading, like parseSensorReading', () => {
    const r = reading('mill-1', 0);

    const sut = ok(parseSensorReadings(Buffer.from(JSON.stringify(r)), options));

    expect(sut).toEqual({ readings: [r], rejected: [], batch: false });
    expect(parseSensorReading(Buffer.from(JSON.stringify(r)), options)).toEqual({ ok: true, value: r });
  });

  it('fails a single invalid reading as a whole, with the same reason as parseSensorReading', () => {
    const raw = JSON.stringify(reading('mill-1', 0, { timestamp: 'yesterday' }));

    const sut = parseSensorReadings(raw, options);

    expect(sut.ok).toBe(false);
    expect(sut).toEqual(parseSensorReading(raw, options));
  });

  it('reads a batch of one machine in order', () => {
    const batch = [0, 1, 2, 3].map((seq) => reading('mill-1', seq));

    const sut = ok(parseSensorReadings(Buffer.from(JSON.stringify(batch)), options));

    expect(sut.batch).toBe(true);
    expect(sut.readings).toEqual(batch);
    expect(sut.rejected).toEqual([]);
  });

  it('rejects only the invalid elements of a batch, each with its index and a reason naming the field', () => {
    const good0 = reading('mill-1', 0);
    const badType = { ...reading('mill-1', 1), readings: { temperature: 'hot' } };
    const good2 = reading('mill-1', 2);
    const unknownChannel = { ...reading('mill-1', 3), readings: { temprature: 1 } };
    const notAnObject = 42;

    const sut = ok(
      parseSensorReadings(JSON.stringify([good0, badType, good2, unknownChannel, notAnObject]), options),
    );

    expect(sut.readings).toEqual([good0, good2]);
    expect(sut.rejected.map((r) => r.index)).toEqual([1, 3, 4]);
    expect(sut.rejected[0]!.value).toEqual(badType);
    expect(sut.rejected[0]!.reason).toContain('[1].readings.temperature');
    expect(sut.rejected[1]!.issues[0]!.code).toBe(IssueCode.UNKNOWN_CHANNEL);
    expect(sut.rejected[1]!.reason).toContain('Did you mean "temperature"?');
    expect(sut.rejected[2]!.reason).toMatch(/^\[4\]/);
  });

  it("rejects an element of another machine: a batch is one machine's, in its partition's order", () => {
    const batch = [reading('mill-1', 0), reading('pump-9', 1), reading('mill-1', 2)];

    const sut = ok(parseSensorReadings(JSON.stringify(batch), options));

    expect(sut.readings.map((r) => r.reading_id)).toEqual(['mill-1-0', 'mill-1-2']);
    expect(sut.rejected).toHaveLength(1);
    expect(sut.rejected[0]).toMatchObject({ index: 1, issues: [{ code: IssueCode.INCONSISTENT }] });
    expect(sut.rejected[0]!.reason).toContain('[1].machine_id');
  });

  it('takes the machine from the first valid element when the first one is invalid', () => {
    const batch = [{ nonsense: true }, reading('pump-9', 1), reading('pump-9', 2)];

    const sut = ok(parseSensorReadings(JSON.stringify(batch), options));

    expect(sut.readings).toHaveLength(2);
    expect(sut.rejected.map((r) => r.index)).toEqual([0]);
  });

  it.each([
    ['an empty batch', '[]', IssueCode.TOO_SMALL],
    ['text that is not JSON', '[{"a":', IssueCode.INVALID_JSON],
    ['a payload over the byte limit', `[${'1,'.repeat(40_000)}1]`, IssueCode.PAYLOAD_TOO_LARGE],
  ])('fails %s as a whole', (_name, raw, code) => {
    const sut = parseSensorReadings(raw, options);

    expect(sut.ok).toBe(false);
    if (!sut.ok) expect(sut.issues[0]!.code).toBe(code);
  });

  it(`fails a batch of more than ${MAX_READINGS_PER_MESSAGE} readings as a whole`, () => {
    const raw = JSON.stringify(Array.from({ length: MAX_READINGS_PER_MESSAGE + 1 }, () => 0));

    const sut = parseSensorReadings(raw, { machineTypes, maxBytes: 1 << 20 });

    expect(sut.ok).toBe(false);
    if (!sut.ok) expect(sut.reason).toContain(`over the limit of ${MAX_READINGS_PER_MESSAGE}`);
  });

  it('needs a machine type registry', () => {
    expect(() => parseSensorReadings('[]', {} as never)).toThrow(AppError);
  });
});

describe(packSensorReadings.name, () => {
  it('groups by machine, keeps each machine in order, and round-trips through parseSensorReadings', () => {
    const readings = [0, 1, 2, 3, 4, 5].flatMap((seq) => [reading('mill-1', seq), reading('pump-2', seq)]);

    const sut = packSensorReadings(readings, { machineTypes, maxReadingsPerMessage: 4 });

    expect(sut.map((m) => [m.key, m.count])).toEqual([
      ['mill-1', 4],
      ['mill-1', 2],
      ['pump-2', 4],
      ['pump-2', 2],
    ]);
    const back = sut.flatMap((m) => ok(parseSensorReadings(m.value, options)).readings);
    expect(back.filter((r) => r.machine_id === 'mill-1')).toEqual(
      readings.filter((r) => r.machine_id === 'mill-1'),
    );
    expect(back).toHaveLength(readings.length);
  });

  it('sends a group of one in the single-reading form that 1.0 readers understand', () => {
    const sut = packSensorReadings([reading('mill-1', 0), reading('mill-1', 1)], {
      machineTypes,
      maxReadingsPerMessage: 1,
    });

    expect(sut).toHaveLength(2);
    for (const message of sut) {
      expect(message.count).toBe(1);
      expect(JSON.parse(message.value.toString('utf8'))).toMatchObject({ machine_id: 'mill-1' });
    }
  });

  it('splits an array batch before it would exceed maxBytes', () => {
    const readings = Array.from({ length: 50 }, (_, seq) => reading('mill-1', seq));
    const one = packSensorReadings([readings[0]!], { machineTypes })[0]!.value.byteLength;

    const sut = packSensorReadings(readings, { machineTypes, maxBytes: one * 10 + 11, form: 'array' });

    expect(sut.every((m) => m.value.byteLength <= one * 10 + 11)).toBe(true);
    expect(sut.reduce((n, m) => n + m.count, 0)).toBe(50);
    expect(sut.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...sut.map((m) => m.count))).toBeLessThanOrEqual(10);
  });

  it('stamps the current schema_version and refuses an invalid reading', () => {
    const { schema_version: _v, ...unversioned } = reading('mill-1', 0);
    const [packed] = packSensorReadings([unversioned], { machineTypes });
    expect(ok(parseSensorReadings(packed!.value, options)).readings[0]!.schema_version).toBe('1.2');

    expect(() => packSensorReadings([reading('mill-1', 1, { timestamp: 'now' })], { machineTypes })).toThrow(
      AppError,
    );
  });

  it.each([0, 1.5, MAX_READINGS_PER_MESSAGE + 1])('refuses maxReadingsPerMessage %p', (n) => {
    expect(() => packSensorReadings([], { maxReadingsPerMessage: n })).toThrow(/maxReadingsPerMessage/);
  });
});

describe(collectSensorReadings.name, () => {
  it('returns the valid readings of every message in order and reports each rejected message or element', () => {
    const single = { id: 'a', value: JSON.stringify(reading('mill-1', 0)) };
    const junk = { id: 'b', value: 'not json' };
    const batch = {
      id: 'c',
      value: JSON.stringify([reading('mill-1', 1), { broken: true }, reading('mill-1', 2)]),
    };
    const rejected: Array<[string, SensorReadingRejection]> = [];

    const sut = collectSensorReadings([single, junk, batch], options, (m, r) => rejected.push([m.id, r]));

    expect(sut.map((r) => r.reading_id)).toEqual(['mill-1-0', 'mill-1-1', 'mill-1-2']);
    expect(rejected).toHaveLength(2);
    expect(rejected[0]![0]).toBe('b');
    expect(rejected[0]![1]).toMatchObject({ code: IssueCode.INVALID_JSON });
    expect(rejected[0]![1].element).toBeUndefined();
    expect(rejected[1]![0]).toBe('c');
    expect(rejected[1]![1].element).toEqual({ index: 1, value: { broken: true }, text: '{"broken":true}' });
    expect(rejected[1]![1].reason).toContain('[1]');
  });
});
