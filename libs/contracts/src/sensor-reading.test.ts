import { AppError } from '@industrialmind/errors';
import { encodeSensorReading, parseSensorReading, validateWithoutFastPath } from './codec';
import { createDefaultMachineTypeRegistry } from './default-machine-types';
import { IssueCode, MAX_ISSUES, type ParseResult } from './issues';
import { fastParseSensorReading, type SensorReading } from './sensor-reading';
import { sampleSensorReading } from './testing';

const machineTypes = createDefaultMachineTypeRegistry();
const options = { machineTypes };

function expectFailure<T>(result: ParseResult<T>) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result;
}

function expectSuccess<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got: ${result.reason}`);
  return result.value;
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function without<K extends keyof SensorReading>(key: K): Omit<SensorReading, K> {
  const { [key]: _removed, ...rest } = sampleSensorReading();
  return rest;
}

describe(parseSensorReading.name, () => {
  describe('accepts', () => {
    it('a valid reading as a Buffer, a string or a decoded object, with the same value', () => {
      const reading = sampleSensorReading();

      const fromBuffer = expectSuccess(parseSensorReading(json(reading), options));
      const fromString = expectSuccess(parseSensorReading(JSON.stringify(reading), options));
      const fromObject = expectSuccess(parseSensorReading(reading, options));

      expect(fromBuffer).toEqual(reading);
      expect(fromString).toEqual(reading);
      expect(fromObject).toEqual(reading);
    });

    it('a Uint8Array view into a larger buffer', () => {
      const bytes = json(sampleSensorReading());
      const padded = new Uint8Array(bytes.length + 8);
      padded.set(bytes, 4);

      const sut = parseSensorReading(padded.subarray(4, 4 + bytes.length), options);

      expect(expectSuccess(sut)).toEqual(sampleSensorReading());
    });

    it('a reading without metadata and with a subset of the declared channels', () => {
      const { metadata: _metadata, ...reading } = sampleSensorReading({ readings: { vibration: 3.1 } });

      expect(expectSuccess(parseSensorReading(json(reading), options))).toEqual(reading);
    });

    it.each(['1.1', '1.7', '1.0.3', '1.12.0'])(
      'a newer minor or patch version %s and drops fields it does not know (forward compatible)',
      (version) => {
        const reading = {
          ...sampleSensorReading({ schema_version: version }),
          quality: 'good',
          firmware: { v: 2 },
        };

        const value = expectSuccess(parseSensorReading(json(reading), options));

        expect(value.schema_version).toBe(version);
        expect(value).not.toHaveProperty('quality');
        expect(value).not.toHaveProperty('firmware');
      },
    );

    it.each([
      '2024-05-01T12:00:00Z',
      '2024-05-01T14:00:00+02:00',
      '2024-05-01T07:30:00.123456-04:30',
      '2024-02-29T00:00:00Z',
    ])('the ISO-8601 timestamp %s', (timestamp) => {
      expect(parseSensorReading(json(sampleSensorReading({ timestamp })), options).ok).toBe(true);
    });

    it('readings of the replayed data sets by their wire channel names', () => {
      const skab = sampleSensorReading({
        machine_type: 'skab',
        readings: { accelerometer1_rms: 0.027, current: 1.33, volume_flow_rate_rms: 32 },
      });
      const cmapss = sampleSensorReading({
        machine_type: 'cmapss-turbofan',
        readings: { setting_1: 42, setting_2: 0.84, setting_3: 100, s_1: 445, s_21: 6.01 },
      });

      expect(parseSensorReading(json(skab), options).ok).toBe(true);
      expect(parseSensorReading(json(cmapss), options).ok).toBe(true);
    });
  });

  describe('rejects', () => {
    it('a channel its machine type does not declare, naming the field, the type and the declared channels', () => {
      const reading = sampleSensorReading({ readings: { temprature: 71.2, vibration: 2.3 } });

      const sut = expectFailure(parseSensorReading(json(reading), options));

      expect(sut.reason).toBe(
        'readings.temprature: channel "temprature" is not declared by machine type "cnc-mill" (declared: temperature, vibration, pressure, power). Did you mean "temperature"?',
      );
      expect(sut.issues).toEqual([
        { code: IssueCode.UNKNOWN_CHANNEL, path: 'readings.temprature', message: expect.any(String) },
      ]);
    });

    it('a data-set column name in place of its wire channel name, pointing to the wire name', () => {
      const reading = sampleSensorReading({ machine_type: 'skab', readings: { 'Volume Flow RateRMS': 32 } });

      const sut = expectFailure(parseSensorReading(json(reading), options));

      expect(sut.issues).toHaveLength(1);
      expect(sut.reason).toContain(
        'readings["Volume Flow RateRMS"]: channel "Volume Flow RateRMS" is not declared by machine type "skab"',
      );
      expect(sut.reason).toContain('Did you mean "volume_flow_rate_rms"?');
    });

    it('an unknown machine type, listing the registered ones', () => {
      const sut = expectFailure(
        parseSensorReading(json(sampleSensorReading({ machine_type: 'cnc-mil' })), options),
      );

      expect(sut.reason).toBe(
        'machine_type: machine type "cnc-mil" is not registered (registered: centrifugal-pump, cmapss-turbofan, cnc-mill, compressor, conveyor-motor, skab). Did you mean "cnc-mill"?',
      );
      expect(sut.issues[0]!.code).toBe(IssueCode.UNKNOWN_MACHINE_TYPE);
    });

    it('a machine type that is not even a valid name with one issue, not two', () => {
      const sut = expectFailure(
        parseSensorReading(json(sampleSensorReading({ machine_type: 'CNC Mill' })), options),
      );

      expect(sut.issues).toEqual([
        expect.objectContaining({ code: IssueCode.UNKNOWN_MACHINE_TYPE, path: 'machine_type' }),
      ]);
    });

    it.each([
      ['2.0', 'major version 2 ("2.0") is not supported: this reader understands 1.x (current 1.2)'],
      ['0.9', 'major version 0 ("0.9") is not supported: this reader understands 1.x (current 1.2)'],
      ['10.1.4', 'major version 10 ("10.1.4") is not supported'],
    ])('an unknown MAJOR schema_version %s with that one issue only', (version, message) => {
      const reading = { ...sampleSensorReading({ schema_version: version }), readings: 'a different shape' };

      const sut = expectFailure(parseSensorReading(json(reading), options));

      expect(sut.issues).toEqual([
        {
          code: IssueCode.UNSUPPORTED_SCHEMA_VERSION,
          path: 'schema_version',
          message: expect.stringContaining(message),
        },
      ]);
    });

    it.each(['1', 'v1.0', '1.0.0.1', '01.0', '1.0-beta', ''])('a malformed schema_version %p', (version) => {
      const sut = expectFailure(
        parseSensorReading(json(sampleSensorReading({ schema_version: version })), options),
      );

      expect(sut.reason).toBe(
        `schema_version: must be a version "MAJOR.MINOR" or "MAJOR.MINOR.PATCH" (e.g. "1.0"), got ${JSON.stringify(version)}`,
      );
    });

    it.each(['schema_version', 'reading_id', 'timestamp', 'machine_id', 'machine_type', 'readings'] as const)(
      'a reading without %s as a missing field',
      (field) => {
        const sut = expectFailure(parseSensorReading(json(without(field)), options));

        expect(sut.issues).toEqual([{ code: IssueCode.MISSING_FIELD, path: field, message: 'is required' }]);
        expect(sut.reason).toBe(`${field}: is required`);
      },
    );

    it.each([
      ['machine_id', 42, 'machine_id: expected a string, got 42'],
      ['reading_id', null, 'reading_id: expected a string, got null'],
      ['readings', [1, 2], 'readings: expected an object, got an array'],
      ['metadata', 'plant-1', 'metadata: expected an object, got "plant-1"'],
      ['timestamp', 1714564800000, 'timestamp: expected a string, got 1714564800000'],
    ])('a %s of the wrong type', (field, value, reason) => {
      const sut = expectFailure(
        parseSensorReading(json({ ...sampleSensorReading(), [field]: value }), options),
      );

      expect(sut.reason).toBe(reason);
      expect(sut.issues[0]!.code).toBe(IssueCode.INVALID_TYPE);
    });

    it('a channel value given as a string, even "NaN" or a numeric one', () => {
      const reading = { ...sampleSensorReading(), readings: { temperature: 'NaN', vibration: '2.31' } };

      const sut = expectFailure(parseSensorReading(json(reading), options));

      expect(sut.reason).toBe(
        'readings.temperature: expected a number, got "NaN"; readings.vibration: expected a number, got "2.31"',
      );
    });

    it.each([
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
    ])('a non-finite channel value %p passed as a decoded object', (value, shown) => {
      const reading = sampleSensorReading({ readings: { temperature: value, vibration: 2 } });

      const sut = expectFailure(parseSensorReading(reading, options));

      expect(sut.issues).toEqual([
        {
          code: IssueCode.NON_FINITE_NUMBER,
          path: 'readings.temperature',
          message: `must be a finite number, got ${shown}`,
        },
      ]);
    });

    it('a number too large for a double, which JSON.parse turns into Infinity', () => {
      const text = JSON.stringify(sampleSensorReading()).replace('71.2', '1e999');

      const sut = expectFailure(parseSensorReading(Buffer.from(text), options));

      expect(sut.reason).toBe('readings.temperature: must be a finite number, got Infinity');
    });

    it('a boxed Number object as a channel value', () => {
      const reading = { ...sampleSensorReading(), readings: { temperature: new Number(71.2) } };

      const sut = expectFailure(parseSensorReading(reading, options));

      expect(sut.reason).toBe('readings.temperature: expected a number, got a boxed number object');
    });

    it('a non-finite number in metadata', () => {
      const sut = expectFailure(parseSensorReading(sampleSensorReading({ metadata: { rpm: NaN } }), options));

      expect(sut.reason).toBe('metadata.rpm: must be a finite number, got NaN');
    });

    it('an empty readings object', () => {
      const sut = expectFailure(parseSensorReading(json(sampleSensorReading({ readings: {} })), options));

      expect(sut.reason).toBe('readings: must contain at least one channel');
    });

    it('a "__proto__" channel without polluting any prototype', () => {
      const text = JSON.stringify(sampleSensorReading()).replace('"temperature"', '"__proto__"');

      const sut = expectFailure(parseSensorReading(text, options));

      expect(sut.issues.map((issue) => issue.code)).toEqual([IssueCode.UNKNOWN_CHANNEL]);
      expect(sut.issues[0]!.path).toBe('readings.__proto__');
      expect(({} as Record<string, unknown>).temperature).toBeUndefined();
    });

    it.each([
      ['2024-05-01 12:00:00', 'a space instead of T and no timezone'],
      ['2024-05-01T12:00:00', 'no timezone'],
      ['2024-05-01T12:00Z', 'no seconds'],
      ['2024-02-30T12:00:00Z', 'a day that does not exist'],
      ['2023-02-29T12:00:00Z', 'a leap day in a common year'],
      ['2024-05-01T25:00:00Z', 'hour 25'],
      ['2024-05-01T12:00:00+0200', 'an offset without a colon'],
      ['1714564800', 'epoch seconds'],
      ['Wed, 01 May 2024 12:00:00 GMT', 'an RFC 2822 date'],
    ])('the timestamp %p (%s)', (timestamp) => {
      const sut = expectFailure(parseSensorReading(json(sampleSensorReading({ timestamp })), options));

      expect(sut.issues).toEqual([
        {
          code: IssueCode.INVALID_TIMESTAMP,
          path: 'timestamp',
          message: `must be an ISO-8601 date-time with a timezone, e.g. "2024-05-01T12:00:00Z" or "2024-05-01T14:00:00+02:00", got ${JSON.stringify(timestamp)}`,
        },
      ]);
    });

    it.each([
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'payload: is not valid UTF-8 text', IssueCode.INVALID_ENCODING],
      [Buffer.from('not json'), 'payload: is not valid JSON (', IssueCode.INVALID_JSON],
      [Buffer.alloc(0), 'payload: is not valid JSON (', IssueCode.INVALID_JSON],
      ['{"schema_version": "1.0",', 'payload: is not valid JSON (', IssueCode.INVALID_JSON],
      [Buffer.from('\uFEFF{}'), 'payload: is not valid JSON (', IssueCode.INVALID_JSON],
    ])('bytes that are not JSON (%#)', (raw, reason, code) => {
      const sut = expectFailure(parseSensorReading(raw, options));

      expect(sut.reason.startsWith(reason)).toBe(true);
      expect(sut.issues).toHaveLength(1);
      expect(sut.issues[0]!.code).toBe(code);
    });

    it.each([
      ['[1, 2]', 'payload: expected an object, got an array'],
      ['null', 'payload: expected an object, got null'],
      ['"a reading"', 'payload: expected an object, got "a reading"'],
    ])('JSON that is not an object: %s', (text, reason) => {
      expect(expectFailure(parseSensorReading(text, options)).reason).toBe(reason);
    });

    it('a payload over 64 KiB by default, before trying to parse it', () => {
      // Not JSON at all: a parse attempt would report invalid_json instead.
      const raw = Buffer.alloc(64 * 1024 + 1, 0x78);

      const sut = expectFailure(parseSensorReading(raw, options));

      expect(sut.issues).toEqual([
        {
          code: IssueCode.PAYLOAD_TOO_LARGE,
          path: '',
          message: 'is 65537 bytes, over the limit of 65536 bytes',
        },
      ]);
      expect(sut.reason).toBe('payload: is 65537 bytes, over the limit of 65536 bytes');
    });

    it('a payload exactly at the limit only if it is otherwise valid', () => {
      const raw = json(sampleSensorReading());

      expect(parseSensorReading(raw, { machineTypes, maxBytes: raw.byteLength }).ok).toBe(true);
      expect(
        expectFailure(parseSensorReading(raw, { machineTypes, maxBytes: raw.byteLength - 1 })).issues[0]!
          .code,
      ).toBe(IssueCode.PAYLOAD_TOO_LARGE);
    });

    it('a string whose UTF-8 byte length, not its character count, exceeds the configured limit', () => {
      const text = JSON.stringify(sampleSensorReading({ metadata: { location: 'é'.repeat(200) } }));
      const bytes = Buffer.byteLength(text);
      expect(text.length).toBeLessThan(bytes);

      const sut = expectFailure(parseSensorReading(text, { machineTypes, maxBytes: text.length }));

      expect(sut.reason).toBe(`payload: is ${bytes} bytes, over the limit of ${text.length} bytes`);
    });

    it.each([
      [{ machine: { rack: 3 } }, 'metadata.machine: expected a string, a number or a boolean, got an object'],
      [
        { note: 'x'.repeat(257) },
        'metadata.note: must be at most 256 characters long, got "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"… (257 characters)',
      ],
      [
        { '1st': 'a' },
        'metadata["1st"]: key "1st" must start with a letter and contain only letters, digits, "_", "." or "-" (at most 64 characters)',
      ],
      [
        Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])),
        'metadata: must have at most 32 entries',
      ],
    ])('metadata that is not a small record of scalars (%#)', (metadata, reason) => {
      const sut = expectFailure(parseSensorReading(json({ ...sampleSensorReading(), metadata }), options));

      expect(sut.reason).toBe(reason);
    });

    it('everything that is wrong at once, not just the first problem', () => {
      const reading = {
        schema_version: '1.0',
        reading_id: '',
        timestamp: '2024-05-01 12:00:00',
        machine_type: 'cnc-mill',
        readings: { temperature: 'hot', temprature: 70, power: 12345 },
      };
      const text = JSON.stringify(reading).replace('12345', '1e999');

      const sut = expectFailure(parseSensorReading(text, options));

      expect(sut.issues.map((issue) => [issue.path, issue.code])).toEqual([
        ['reading_id', IssueCode.INVALID_FORMAT],
        ['timestamp', IssueCode.INVALID_TIMESTAMP],
        ['machine_id', IssueCode.MISSING_FIELD],
        ['readings.temperature', IssueCode.INVALID_TYPE],
        ['readings.power', IssueCode.NON_FINITE_NUMBER],
        ['readings.temprature', IssueCode.UNKNOWN_CHANNEL],
      ]);
      expect(sut.reason.split('; ')).toHaveLength(6);
      expect(sut.reason).toContain(
        'machine_id: is required; readings.temperature: expected a number, got "hot"',
      );
    });
  });

  describe('a 1 MB payload', () => {
    const padding = 'x'.repeat(1024 * 1024);

    it('is rejected as too large under the default limit', () => {
      const raw = json({ ...sampleSensorReading(), padding });

      const sut = expectFailure(parseSensorReading(raw, options));

      expect(sut.issues).toEqual([expect.objectContaining({ code: IssueCode.PAYLOAD_TOO_LARGE })]);
      expect(sut.reason).toMatch(/^payload: is 10\d{5} bytes, over the limit of 65536 bytes$/);
    });

    it('is accepted under a 2 MiB limit when its only extra is a field from a newer minor version', () => {
      const raw = json({ ...sampleSensorReading({ schema_version: '1.3' }), padding });

      const value = expectSuccess(parseSensorReading(raw, { machineTypes, maxBytes: 2 * 1024 * 1024 }));

      expect(value).toEqual(sampleSensorReading({ schema_version: '1.3' }));
    });

    it('full of undeclared channels keeps the first issues and counts the rest in the reason', () => {
      const readings = Object.fromEntries(
        Array.from({ length: 50_000 }, (_, i) => [`undeclared_channel_${i}`, i]),
      );
      const raw = json(sampleSensorReading({ readings }));
      expect(raw.byteLength).toBeGreaterThan(1_000_000);

      const sut = expectFailure(parseSensorReading(raw, { machineTypes, maxBytes: 2 * 1024 * 1024 }));

      expect(sut.issues).toHaveLength(MAX_ISSUES);
      expect(sut.reason).toMatch(/; and 49990 more issues$/);
      expect(sut.reason.length).toBeLessThan(5000);
    });
  });
});

describe(encodeSensorReading.name, () => {
  it('round-trips through parseSensorReading', () => {
    const reading = sampleSensorReading();

    const sut = encodeSensorReading(reading, { machineTypes });

    expect(Buffer.isBuffer(sut)).toBe(true);
    expect(expectSuccess(parseSensorReading(sut, options))).toEqual(reading);
  });

  it('stamps the current schema_version when the caller leaves it out', () => {
    const { schema_version: _version, ...reading } = sampleSensorReading();

    const sut = JSON.parse(encodeSensorReading(reading).toString('utf8')) as SensorReading;

    expect(sut.schema_version).toBe('1.2');
  });

  it('refuses to serialise an invalid reading, with every issue in the error', () => {
    const reading = sampleSensorReading({ timestamp: 'yesterday', readings: { temprature: 1 } });

    const act = () => encodeSensorReading(reading, { machineTypes });

    expect(act).toThrow(AppError);
    expect(act).toThrow(
      'invalid sensor-readings message: timestamp: must be an ISO-8601 date-time with a timezone, e.g. "2024-05-01T12:00:00Z" or "2024-05-01T14:00:00+02:00", got "yesterday"; readings.temprature: channel "temprature" is not declared',
    );
    try {
      act();
    } catch (err) {
      expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { topic: 'sensor-readings' } });
      expect((err as AppError & { details: { issues: unknown[] } }).details.issues).toHaveLength(2);
    }
  });

  it('checks channels only when given machine types', () => {
    const reading = sampleSensorReading({ readings: { anything_goes: 1 } });

    expect(() => encodeSensorReading(reading)).not.toThrow();
    expect(() => encodeSensorReading(reading, { machineTypes })).toThrow(
      'is not declared by machine type "cnc-mill"',
    );
  });
});

describe(fastParseSensorReading.name, () => {
  // The fast path must never accept what the zod schema plus the registry checks reject, and must produce the
  // same value when it accepts. It may say "don't know" (undefined) for valid input; that only costs time.
  function slowPath(input: unknown): SensorReading | undefined {
    const result = validateWithoutFastPath('sensor-readings', input, machineTypes);
    return result.ok ? result.value : undefined;
  }

  const base = sampleSensorReading();
  const variants: Record<keyof SensorReading, unknown[]> = {
    schema_version: [undefined, '1.0', '1.9.9', '2.0', '01.0', '1.0 ', '1', 1, null],
    reading_id: [undefined, 'r-1', '', ' r', 'a'.repeat(128), 'a'.repeat(129), 'r/1', 7],
    timestamp: [
      undefined,
      '2024-05-01T12:00:00Z',
      '2024-05-01T12:00:00+05:30',
      '2024-05-01T12:00:00',
      '2024-13-01T00:00:00Z',
      '',
    ],
    machine_id: [undefined, 'm', 'mill:001.a_b-c', '-m', 'mill 001', '', {}],
    machine_type: [undefined, 'cnc-mill', 'skab', 'unknown', 'CNC-MILL', '__proto__', 'toString', 3],
    readings: [
      undefined,
      {},
      { temperature: 1 },
      { temperature: -0 },
      { temperature: 1e308, vibration: -1e-308 },
      { temperature: NaN },
      { temperature: Infinity },
      { temperature: '1' },
      { temperature: null },
      { temprature: 1 },
      { accelerometer1_rms: 1 },
      Object.assign(Object.create(null) as object, { temperature: 1 }),
      JSON.parse('{"__proto__": 1}'),
      [1],
      new Map([['temperature', 1]]),
    ],
    metadata: [
      undefined,
      {},
      { plant: 'p', n: 1, ok: true },
      { plant: 'p'.repeat(256) },
      { plant: 'p'.repeat(257) },
      { n: NaN },
      { nested: {} },
      { list: [] },
      { _x: 1 },
      { ['k'.repeat(64)]: 1 },
      { ['k'.repeat(65)]: 1 },
      Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, i])),
      Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])),
      JSON.parse('{"__proto__": "x"}'),
      null,
      'p',
    ],
  };

  const corpus: Array<[string, unknown]> = [['the sample', base]];
  for (const [field, values] of Object.entries(variants)) {
    values.forEach((value, i) => {
      const input: Record<string, unknown> = { ...base };
      if (value === undefined) delete input[field];
      else input[field] = value;
      corpus.push([`${field} variant ${i}`, input]);
    });
  }
  corpus.push(['null', null], ['an array', [base]], ['a string', JSON.stringify(base)]);

  it.each(corpus)('agrees with the schema on %s', (_name, input) => {
    const sut = fastParseSensorReading(input, machineTypes);

    const expected = slowPath(input);
    if (sut !== undefined) expect(sut).toEqual(expected);
    // Plain JSON-shaped valid readings must take the fast path, or the optimisation is gone.
    if (
      expected !== undefined &&
      Object.getPrototypeOf((input as SensorReading).readings) === Object.prototype
    ) {
      const metadata = (input as SensorReading).metadata;
      if (metadata === undefined || Object.getPrototypeOf(metadata) === Object.prototype)
        expect(sut).toEqual(expected);
    }
  });

  it('accepts what the parser would accept without allocating more than the result', () => {
    const input = sampleSensorReading();

    const sut = fastParseSensorReading(input, machineTypes)!;

    expect(sut).toEqual(input);
    expect(sut.readings).toBe(input.readings);
  });
});
