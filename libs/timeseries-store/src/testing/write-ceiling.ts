/**
 * InfluxDB's write ceiling on this machine versus what the adapter achieves: the same points posted as
 * pre-serialised line-protocol batches straight to /api/v2/write, through `InfluxTimeSeriesStore.writePoints`, and
 * through the client library's WriteApi (flush per batch, no retries), each into a fresh database, each checked
 * with countPoints afterwards. Needs a running server (infrastructure/local/influxdb.sh start).
 *
 *   node libs/timeseries-store/dist/testing/write-ceiling.js [--url http://127.0.0.1:8086] [--batches 40]
 *     [--batch-size 5000] [--fields 4] [--machines 100] [--concurrency 1,2,4] [--json]
 */
import { parseArgs } from 'node:util';
import { InfluxDB, Point as ClientPoint } from '@influxdata/influxdb-client';
import { createInfluxTimeSeriesStore } from '../influx.adapter';
import { escapeMeasurement, toLines } from '../line-protocol';
import type { Point } from '../port';
import { createInfluxTestDatabase } from './influx-test-database';

interface Result {
  method: string;
  concurrency: number;
  points: number;
  seconds: number;
  pointsPerSecond: number;
  fieldsPerSecond: number;
  counted: number;
}

const T0 = Date.UTC(2026, 0, 1);
const CHANNELS = ['temperature', 'vibration', 'pressure', 'power', 'current', 'voltage', 'flow', 'speed'];

function makeBatches(batches: number, batchSize: number, fields: number, machines: number): Point[][] {
  const out: Point[][] = [];
  let seq = 0;
  for (let b = 0; b < batches; b++) {
    const batch: Point[] = [];
    for (let i = 0; i < batchSize; i++, seq++) {
      const machine = seq % machines;
      const values: Record<string, number> = {};
      for (let f = 0; f < fields; f++)
        values[CHANNELS[f % CHANNELS.length]! + (f >= 8 ? `_${f}` : '')] = Math.random() * 100;
      batch.push({
        machineId: `bench-${machine}`,
        machineType: machine % 2 === 0 ? 'pump' : 'compressor',
        location: `hall-${machine % 4}`,
        // one reading per machine every 10 ms: distinct keys, increasing time, like a fleet streaming
        timestampMs: T0 + Math.floor(seq / machines) * 10,
        fields: values,
      });
    }
    out.push(batch);
  }
  return out;
}

/** Runs `work` over the batches with `concurrency` batches in flight, returning the elapsed seconds. */
async function timed<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.INFLUX_URL ?? 'http://127.0.0.1:8086' },
      batches: { type: 'string', default: '40' },
      'batch-size': { type: 'string', default: '5000' },
      fields: { type: 'string', default: '4' },
      machines: { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '1,2,4' },
      json: { type: 'boolean', default: false },
    },
  });
  const url = args.url!;
  const fields = Number(args.fields);
  const batches = makeBatches(
    Number(args.batches),
    Number(args['batch-size']),
    fields,
    Number(args.machines),
  );
  const total = batches.reduce((n, b) => n + b.length, 0);
  const concurrencies = args.concurrency!.split(',').map(Number);
  const results: Result[] = [];

  async function run(
    method: string,
    concurrency: number,
    write: (bucket: string) => (b: Point[]) => Promise<void>,
  ) {
    const db = await createInfluxTestDatabase(url, { prefix: 'bench-write' });
    try {
      const seconds = await timed(batches, concurrency, write(db.bucket));
      const store = createInfluxTimeSeriesStore({ url, bucket: db.bucket, timeoutMs: 120_000 });
      const counted = await store.countPoints({ fromMs: T0, toMs: T0 + 10 * total + 1 });
      const pointsPerSecond = Math.round(total / seconds);
      results.push({
        method,
        concurrency,
        points: total,
        seconds,
        pointsPerSecond,
        fieldsPerSecond: pointsPerSecond * fields,
        counted,
      });
      if (!args.json)
        process.stdout.write(
          `${method.padEnd(34)} c=${concurrency}  ${String(pointsPerSecond).padStart(8)} points/s  ` +
            `${seconds.toFixed(2)} s  counted ${counted}/${total}\n`,
        );
    } finally {
      await db.drop();
    }
  }

  const measurement = escapeMeasurement('sensor_reading');
  const bodies = new Map(batches.map((b) => [b, toLines(measurement, b)]));
  for (const c of concurrencies) {
    // Ceiling: bodies serialised beforehand, so only HTTP and InfluxDB's own work are timed.
    await run('line protocol, pre-serialised', c, (bucket) => {
      const target = `${url}/api/v2/write?bucket=${encodeURIComponent(bucket)}&precision=ms`;
      return async (b) => {
        const res = await fetch(target, { method: 'POST', body: bodies.get(b)! });
        await res.text();
        if (res.status !== 204) throw new Error(`HTTP ${res.status}`);
      };
    });
    await run('adapter writePoints', c, (bucket) => {
      const store = createInfluxTimeSeriesStore({
        url,
        bucket,
        writeBatchPoints: Number(args['batch-size']),
      });
      return (b) => store.writePoints(b);
    });
    await run('client WriteApi + flush', c, (bucket) => {
      const client = new InfluxDB({ url, timeout: 120_000 });
      return async (b) => {
        // One WriteApi per batch so concurrent flushes do not share a buffer; flushInterval 0 = no timer.
        const api = client.getWriteApi('', bucket, 'ms', {
          batchSize: b.length + 1,
          flushInterval: 0,
          maxRetries: 0,
        });
        for (const p of b) {
          const point = new ClientPoint('sensor_reading')
            .tag('machine_id', p.machineId)
            .tag('machine_type', p.machineType)
            .timestamp(p.timestampMs);
          if (p.location) point.tag('location', p.location);
          for (const [k, v] of Object.entries(p.fields)) point.floatField(k, v);
          api.writePoint(point);
        }
        await api.close();
      };
    });
  }
  if (args.json) process.stdout.write(`${JSON.stringify({ url, fields, results }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
