import { ErrorCode } from '@industrialmind/errors';
import { InfluxTimeSeriesStore, createInfluxTimeSeriesStore } from './influx.adapter';
import type { TimeSeriesStore } from './port';
import {
  createInfluxTestDatabase,
  describeTimeSeriesStoreContract,
  type InfluxTestDatabase,
} from './testing';

const url = process.env.INFLUX_URL ?? 'http://127.0.0.1:8086';
const token = process.env.INFLUX_TOKEN;
const START_HINT = 'start it with: infrastructure/local/influxdb.sh start (or make up)';
const T0 = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  const probe = createInfluxTimeSeriesStore({ url, bucket: 'probe', timeoutMs: 2000 });
  try {
    await probe.ping();
  } catch (err) {
    throw new Error(`InfluxDB is not reachable at ${url}: ${String(err)}; ${START_HINT}`);
  }
});

const databases = new Map<TimeSeriesStore, InfluxTestDatabase>();

describeTimeSeriesStoreContract('InfluxDB adapter on a real server', {
  create: async () => {
    const db = await createInfluxTestDatabase(url, token ? { token } : {});
    const store = createInfluxTimeSeriesStore({ url, bucket: db.bucket, ...(token ? { token } : {}) });
    databases.set(store, db);
    await store.connect();
    return store;
  },
  destroy: async (store) => {
    await databases.get(store)?.drop();
    databases.delete(store);
  },
});

describe(`${InfluxTimeSeriesStore.name} on a real server`, () => {
  it('refuses to connect to a bucket that does not exist, as a retryable upstream failure', async () => {
    const sut = createInfluxTimeSeriesStore({ url, bucket: 'no-such-database/autogen' });
    await expect(sut.connect()).rejects.toMatchObject({
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
      retryable: true,
      message: expect.stringContaining('no-such-database/autogen'),
    });
    await expect(sut.writePoints([point('m', T0)])).rejects.toMatchObject({
      code: ErrorCode.UPSTREAM_UNAVAILABLE,
      details: { status: 404, operation: 'write' },
    });
    await sut.close();
  });

  it('reports points InfluxDB refuses (a field type conflict) as VALIDATION_FAILED', async () => {
    const db = await createInfluxTestDatabase(url, token ? { token } : {});
    try {
      // A string field written by someone else: our float for the same field is then refused with HTTP 400.
      const res = await fetch(`${url}/api/v2/write?bucket=${encodeURIComponent(db.bucket)}&precision=ms`, {
        method: 'POST',
        body: `sensor_reading,machine_id=m,machine_type=pump temperature="hot" ${T0}`,
      });
      expect(res.status).toBe(204);
      const sut = createInfluxTimeSeriesStore({ url, bucket: db.bucket });
      await expect(sut.writePoints([point('m', T0 + 1)])).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
        retryable: false,
      });
      await sut.close();
    } finally {
      await db.drop();
    }
  });

  it('splits a large write into requests of writeBatchPoints and stores all of them', async () => {
    const db = await createInfluxTestDatabase(url, token ? { token } : {});
    try {
      const sut = createInfluxTimeSeriesStore({ url, bucket: db.bucket, writeBatchPoints: 7 });
      await sut.writePoints(Array.from({ length: 50 }, (_, i) => point('m', T0 + i)));
      expect(await sut.countPoints({ fromMs: T0, toMs: T0 + 100 })).toBe(50);
      await sut.close();
    } finally {
      await db.drop();
    }
  });
});

function point(machineId: string, timestampMs: number) {
  return { machineId, machineType: 'pump', location: '', timestampMs, fields: { temperature: 1 } };
}
