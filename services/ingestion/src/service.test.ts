import { encodeSensorReading, packSensorReadings, type SensorReading } from '@industrialmind/contracts';
import { sampleSensorReading } from '@industrialmind/contracts/testing';
import { AppError, ErrorCode } from '@industrialmind/errors';
import {
  createMemoryEventBus,
  dlqTopicOf,
  parseDeadLetter,
  type IncomingMessage,
} from '@industrialmind/event-bus';
import { createCapturedLogger } from '@industrialmind/logger/testing';
import { sleep, waitFor } from '@industrialmind/testing';
import {
  createEmbeddedTimeSeriesStore,
  type Point,
  type TimeSeriesStore,
} from '@industrialmind/timeseries-store';
import request from 'supertest';
import { createService, type IngestionService } from './service';

const T0 = Date.parse('2024-05-01T12:00:00.000Z');
const settings = {
  topic: 'sensor-readings',
  groupId: 'ingestion',
  topicPartitions: 3,
  maxBatchSize: 100,
  lingerMs: 5,
  partitionsConcurrently: 3,
};

function reading(machine: number, seq: number, overrides: Partial<SensorReading> = {}): SensorReading {
  return sampleSensorReading({
    machine_id: `mill-${machine}`,
    reading_id: `r-${machine}-${seq}`,
    timestamp: new Date(T0 + seq * 1000).toISOString(),
    readings: { temperature: 70 + seq, vibration: 2, pressure: 5, power: 10 + machine },
    ...overrides,
  });
}

describe('ingestion service', () => {
  let bus: ReturnType<typeof createMemoryEventBus>;
  let store: TimeSeriesStore;
  let sut: IngestionService;
  const { logger } = createCapturedLogger();

  const publish = (readings: SensorReading[]) =>
    bus.publish(
      settings.topic,
      readings.map((r) => ({ key: r.machine_id, value: encodeSensorReading(r) })),
    );
  const count = () => store.countPoints({ fromMs: 0, toMs: T0 + 10_000_000 });

  beforeEach(async () => {
    bus = createMemoryEventBus();
    store = createEmbeddedTimeSeriesStore();
    sut = createService({ settings, logger, ports: { bus, store } });
    await sut.start();
  });
  afterEach(async () => {
    await sut.stop();
    await bus.close();
    await store.close();
  });

  it('writes every valid reading once, even when one is delivered twice', async () => {
    const readings = Array.from({ length: 5 }, (_, m) =>
      Array.from({ length: 40 }, (_, s) => reading(m, s)),
    ).flat();
    await publish(readings);
    await publish([readings[0]!, readings[7]!]);
    await waitFor(async () =>
      (await bus.consumerLag(settings.groupId, [settings.topic])).every((p) => p.lag === 0),
    );
    expect(await count()).toBe(200);
  });

  it('dead-letters invalid readings with their reason and keeps going', async () => {
    await publish([reading(1, 1)]);
    await bus.publish(settings.topic, [
      { key: 'x', value: 'not json' },
      { key: 'x', value: JSON.stringify({ ...reading(1, 2), readings: { temprature: 1 } }) },
      { key: 'x', value: JSON.stringify({ ...reading(1, 3), schema_version: '9.0' }) },
    ]);
    await publish([reading(1, 4)]);
    const dead: IncomingMessage[] = [];
    const dlq = await bus.subscribe(
      { topics: [dlqTopicOf(settings.topic)], groupId: 'dlq-reader' },
      async (b) => void dead.push(...b),
    );
    await waitFor(() => dead.length === 3);
    await dlq.stop();
    await waitFor(async () => (await count()) === 2);
    const reasons = dead.map((m) => parseDeadLetter(m)!.reason);
    expect(reasons[0]).toMatch(/JSON/i);
    expect(reasons.some((r) => r.includes('temprature'))).toBe(true);
    expect(reasons.some((r) => r.includes('schema_version'))).toBe(true);
    const metrics = await request(sut.app).get('/metrics');
    expect(metrics.text).toMatch(/ingestion_dead_letters_total\{reason="invalid_json"[^}]*\} 1/);
    expect(metrics.text).toMatch(/ingestion_dead_letters_total\{reason="unknown_channel"[^}]*\} 1/);
  });

  it('writes the valid readings of batch messages and dead-letters only their invalid elements', async () => {
    const batches = packSensorReadings(
      Array.from({ length: 3 }, (_, m) => Array.from({ length: 30 }, (_, s) => reading(m, s))).flat(),
      { maxReadingsPerMessage: 25 },
    );
    await bus.publish(
      settings.topic,
      batches.map((b) => ({ key: b.key, value: b.value })),
    );
    const broken = { ...reading(7, 1), readings: { temperature: 'hot' } };
    await bus.publish(settings.topic, [
      { key: 'mill-7', value: JSON.stringify([reading(7, 0), broken, reading(7, 2), reading(8, 3)]) },
    ]);
    // The row form (1.2): one row with a bad timestamp goes alone, as a message of that row.
    const rowsHeader = {
      schema_version: '1.2',
      machine_id: 'mill-9',
      machine_type: 'cnc-mill',
      channels: ['temperature', 'power'],
    };
    const badRow = ['r9-1', 'later', 61, 11];
    await bus.publish(settings.topic, [
      {
        key: 'mill-9',
        value: JSON.stringify({
          ...rowsHeader,
          rows: [
            ['r9-0', new Date(T0).toISOString(), 60, 10],
            badRow,
            ['r9-2', new Date(T0 + 1000).toISOString(), 62, null],
          ],
        }),
      },
    ]);
    const dead: IncomingMessage[] = [];
    const dlq = await bus.subscribe(
      { topics: [dlqTopicOf(settings.topic)], groupId: 'dlq-reader' },
      async (b) => void dead.push(...b),
    );
    await waitFor(() => dead.length === 3);
    await dlq.stop();
    await waitFor(async () => (await count()) === 94);
    expect(batches).toHaveLength(6);
    const records = dead.map((m) => ({
      ...parseDeadLetter(m)!,
      value: JSON.parse(m.value.toString()) as unknown,
    }));
    // Different keys may land in different partitions: the DLQ order across them is not fixed.
    const rowRecord = records.find((r) => r.reason.startsWith('rows['))!;
    expect(rowRecord.batchIndex).toBe(1);
    expect(rowRecord.value).toEqual({ ...rowsHeader, rows: [badRow] });
    expect(rowRecord.reason).toContain('rows[1][1]: timestamp');
    records.splice(records.indexOf(rowRecord), 1);
    expect(records.map((r) => r.batchIndex)).toEqual([1, 3]);
    expect(records[0]!.value).toEqual(broken);
    expect(records[0]!.reason).toContain('[1].readings.temperature');
    expect(records[1]!.reason).toContain('[3].machine_id');
    expect((await request(sut.app).get('/metrics')).text).toMatch(
      /ingestion_dead_letters_total\{reason="inconsistent"[^}]*\} 1/,
    );
  });

  it('holds readings while the store is down and writes them all when it is back, none dead-lettered', async () => {
    await sut.stop();
    let down = true;
    const flaky: TimeSeriesStore = {
      ...store,
      connect: () => store.connect(),
      writePoints: async (points: Point[]) => {
        if (down) throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'store down');
        await store.writePoints(points);
      },
      countPoints: (q) => store.countPoints(q),
      queryRange: (q) => store.queryRange(q),
      latest: (q) => store.latest(q),
    };
    sut = createService({
      settings: { ...settings, groupId: 'ingestion-2' },
      logger,
      ports: { bus, store: flaky },
    });
    await sut.start();
    await publish(Array.from({ length: 50 }, (_, s) => reading(2, s)));
    await waitFor(async () =>
      /ingestion_store_unavailable_retries_total[^\n]* [1-9]/.test(
        (await request(sut.app).get('/metrics')).text,
      ),
    );
    expect(await count()).toBe(0);
    down = false;
    await waitFor(async () => (await count()) === 50, { timeoutMs: 20_000 });
    const lag = await bus.consumerLag('ingestion-2', [settings.topic]);
    await waitFor(async () =>
      (await bus.consumerLag('ingestion-2', [settings.topic])).every((p) => p.lag === 0),
    );
    expect(lag).toHaveLength(3);
    expect(
      (await bus.consumerLag(dlqTopicOf(settings.topic), [dlqTopicOf(settings.topic)])).every(
        (p) => p.endOffset === 0,
      ),
    ).toBe(true);
  });

  it('serves raw and windowed readings and the latest reading of every machine', async () => {
    await publish([...Array.from({ length: 120 }, (_, s) => reading(3, s)), reading(4, 0)]);
    await waitFor(async () => (await count()) === 121);
    const raw = await request(sut.app)
      .get('/machines/mill-3/readings')
      .query({ from: T0, to: T0 + 10_000, channels: 'temperature' });
    expect(raw.status).toBe(200);
    expect(raw.body.rows).toHaveLength(10);
    expect(raw.body.rows[0]).toEqual({ timestamp: '2024-05-01T12:00:00.000Z', values: { temperature: 70 } });

    const windowed = await request(sut.app).get('/machines/mill-3/readings').query({
      from: '2024-05-01T12:00:00Z',
      to: '2024-05-01T12:02:00Z',
      window: '1m',
      aggregates: 'mean,max',
      channels: 'temperature',
    });
    expect(windowed.status).toBe(200);
    expect(windowed.body.window_ms).toBe(60_000);
    expect(windowed.body.rows[0].values.temperature).toEqual({ mean: 70 + 29.5, max: 70 + 59 });

    const latest = await request(sut.app).get('/machines/latest');
    expect(latest.status).toBe(200);
    const byId = Object.fromEntries(
      latest.body.machines.map((m: { machine_id: string }) => [m.machine_id, m]),
    );
    expect(byId['mill-3'].timestamp).toBe(new Date(T0 + 119_000).toISOString());
    expect(byId['mill-3'].location).toBe('bay 3');
    expect(byId['mill-4'].readings.power).toBe(14);
  });

  it.each([
    [{ from: 'yesterday' }, 'from'],
    [{ from: T0 + 10, to: T0 }, 'from'],
    [{ from: T0, to: T0 + 3_600_000, window: '1ms' }, 'window'],
    [{ window: 'often' }, 'window'],
    [{ aggregates: 'mean' }, 'aggregates'],
    [{ aggregates: 'median', window: '1m' }, 'aggregates'],
    [{ limit: 0 }, 'limit'],
    [{ colour: 'red' }, ''],
  ])('answers 400 naming the field for %j', async (query, field) => {
    const res = await request(sut.app).get('/machines/mill-1/readings').query(query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(
      res.body.error.details.some(
        (d: { path: string }) => d.path === field || d.path.startsWith(`${field}.`),
      ),
    ).toBe(true);
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(/);
  });

  it('rejects a malformed machine id and reports readiness', async () => {
    expect((await request(sut.app).get('/machines/%20bad/readings')).status).toBe(400);
    expect((await request(sut.app).get('/readyz')).status).toBe(200);
    await sut.stop();
    expect((await request(sut.app).get('/readyz')).status).toBe(503);
  });
});

describe('ingestion service start', () => {
  it('starts while the store is down and writes once it is back', async () => {
    const bus = createMemoryEventBus();
    const real = createEmbeddedTimeSeriesStore();
    let down = true;
    const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
      if (down) throw new AppError(ErrorCode.UPSTREAM_UNAVAILABLE, 'store down');
      return fn();
    };
    const store: TimeSeriesStore = {
      connect: () => guard(() => real.connect()),
      writePoints: (p) => guard(() => real.writePoints(p)),
      queryRange: (q) => real.queryRange(q),
      latest: (q) => real.latest(q),
      countPoints: (q) => real.countPoints(q),
      ping: () => guard(() => real.ping()),
      close: () => real.close(),
    };
    const { logger, find } = createCapturedLogger();
    const sut = createService({ settings, logger, ports: { bus, store } });
    await sut.start();
    expect(sut.isReady()).toBe(true);
    expect(find('store unavailable at start, readings will wait')).toBeDefined();
    await bus.publish(settings.topic, [{ key: 'mill-1', value: encodeSensorReading(reading(1, 1)) }]);
    await sleep(50);
    down = false;
    await waitFor(async () => (await real.countPoints({ fromMs: 0, toMs: T0 + 1e7 })) === 1, {
      timeoutMs: 10_000,
    });
    await sut.stop();
    await bus.close();
  });

  it('fails to start on a store error that retrying cannot fix', async () => {
    const bus = createMemoryEventBus();
    const real = createEmbeddedTimeSeriesStore();
    const store: TimeSeriesStore = {
      ...real,
      connect: async () => Promise.reject(new AppError(ErrorCode.CONFIG_INVALID, 'bad bucket')),
    } as TimeSeriesStore;
    const sut = createService({ settings, logger: createCapturedLogger().logger, ports: { bus, store } });
    await expect(sut.start()).rejects.toThrow('bad bucket');
    await bus.close();
  });
});

describe('ingestion service with two consumers in one process', () => {
  it('shares the partitions between them and writes every reading once', async () => {
    const bus = createMemoryEventBus();
    const store = createEmbeddedTimeSeriesStore();
    const sut = createService({
      settings: { ...settings, consumers: 2 },
      logger: createCapturedLogger().logger,
      ports: { bus, store },
    });
    await sut.start();
    await bus.publish(
      settings.topic,
      Array.from({ length: 60 }, (_, s) => reading(s % 6, s)).map((r) => ({
        key: r.machine_id,
        value: encodeSensorReading(r),
      })),
    );
    await waitFor(async () => (await store.countPoints({ fromMs: 0, toMs: T0 + 1e7 })) === 60);
    await sut.stop();
    await bus.close();
  });
});
