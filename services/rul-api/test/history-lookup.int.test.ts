/**
 * The history lookup against a real InfluxDB (infrastructure/local/influxdb.sh start; `make test` starts it):
 * a machine's first readings, in the model's channel order, and its count before a time, as ingestion stores them.
 */
import { createInfluxTestDatabase, type InfluxTestDatabase } from '@industrialmind/timeseries-store/testing';
import { createInfluxTimeSeriesStore, type TimeSeriesStore } from '@industrialmind/timeseries-store';
import { lookupHistory } from '../src/domain/history-lookup';

const url = process.env.INFLUX_URL ?? 'http://127.0.0.1:8086';
const token = process.env.INFLUX_TOKEN;
const T0 = Date.UTC(2026, 0, 1);
const channels = ['s_2', 'setting_1', 's_3'];

describe('lookupHistory on InfluxDB', () => {
  let db: InfluxTestDatabase;
  let store: TimeSeriesStore;

  beforeAll(async () => {
    db = await createInfluxTestDatabase(url, token ? { token } : {});
    store = createInfluxTimeSeriesStore({ url, bucket: db.bucket, ...(token ? { token } : {}) });
    await store.connect();
    const point = (machineId: string, i: number, fields: Record<string, number>) => ({
      machineId,
      machineType: 'cmapss-turbofan',
      location: '',
      timestampMs: T0 + i * 60_000,
      fields,
    });
    await store.writePoints([
      // Engine 1: 40 cycles; cycle 2 lacks s_3 (carried forward), cycle 0 lacks setting_1 (skipped: no earlier one).
      ...Array.from({ length: 40 }, (_, i) => {
        const fields: Record<string, number> = { s_2: 600 + i, setting_1: i / 100, s_3: 1500 + i };
        if (i === 0) delete fields.setting_1;
        if (i === 2) delete fields.s_3;
        return point('cmapss-fd001-train-001', i, fields);
      }),
      ...Array.from({ length: 5 }, (_, i) =>
        point('cmapss-fd001-train-002', i, { s_2: 1, setting_1: 2, s_3: 3 }),
      ),
    ]);
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('reads the first readings in channel order and counts those before the time', async () => {
    const sut = await lookupHistory(store, 'cmapss-fd001-train-001', channels, 30, T0 + 35 * 60_000);
    expect(sut.count).toBe(35);
    expect(sut.start).toHaveLength(30);
    expect(Array.from(sut.start[0]!)).toEqual([601, 0.01, 1501]);
    expect(Array.from(sut.start[1]!)).toEqual([602, 0.02, 1501]);
    expect(Array.from(sut.start[29]!)).toEqual([630, 0.3, 1530]);
  });

  it('returns what there is for a young machine and nothing for an unknown one', async () => {
    const young = await lookupHistory(store, 'cmapss-fd001-train-002', channels, 30, T0 + 60 * 60_000);
    expect(young.count).toBe(5);
    expect(young.start).toHaveLength(5);
    const unknown = await lookupHistory(store, 'cmapss-fd001-train-999', channels, 30, T0 + 60 * 60_000);
    expect(unknown).toEqual({ start: [], count: 0 });
  });
});
