/**
 * bench/ingestion: sustained readings/s from a producer through Kafka and the ingestion service (its own
 * process, full profile) into InfluxDB, counted in InfluxDB; and, in the same run, InfluxDB's own ceiling: the
 * same readings posted directly as line-protocol batches. Rounds alternate ceiling and end-to-end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { BATCH_FORMS, MAX_READINGS_PER_MESSAGE, type BatchForm } from '@industrialmind/contracts';
import { createKafkaEventBus } from '@industrialmind/event-bus';
import { uniqueName, waitFor } from '@industrialmind/testing';
import { createInfluxTimeSeriesStore } from '@industrialmind/timeseries-store';
import { createInfluxTestDatabase } from '@industrialmind/timeseries-store/testing';
import { DEFAULT_BROKERS, DEFAULT_INFLUX_URL, INHERITED_ENV } from './config';
import { cpuMeter, pidListeningOn, type CpuComponents } from './cpu';
import { runStages } from './stages';
import { makeWorkload, type Workload } from './workload';

const HELP = `Usage: industrialmind bench ingestion [options]

Measures sustained readings/s producer -> Kafka -> ingestion -> InfluxDB (counted in InfluxDB) and InfluxDB's
own write ceiling with the same readings posted directly as line protocol, in one run.

Options:
  --readings N        readings per round (default 500000)
  --machines N        machines they come from (default 1000)
  --rounds N          rounds of ceiling + end-to-end (default 3)
  --per-message N     readings per Kafka message, one machine's consecutive readings (default 50; 1 = one
                      reading per message, the 1.0 wire form)
  --form F            how a message carries them: rows (default; the contract's 1.2 row form) | array (1.1)
  --service-flags F   node/V8 flags of the ingestion process (default "--max-semi-space-size=64", as deployed)
  --batch N           points per line-protocol post and per ingestion write (default 5000)
  --concurrency N     line-protocol posts in flight for the ceiling (default 2)
  --partitions N      partitions of the benchmark topic (default 12)
  --compression C     producer compression, gzip | none (default none: on a LAN it only costs CPU)
  --brokers LIST      Kafka (default $KAFKA_BROKERS or 127.0.0.1:9092)
  --influx-url URL    InfluxDB (default $INFLUX_URL or http://127.0.0.1:8086)
  --json FILE         also write the results as JSON
  --stages            instead: the write path's stages in-process (µs per reading for both forms: JSON.parse,
                      decoding, toPoint, validation; line protocol as strings vs encodeLines) and the InfluxDB
                      client's CPU per point, fetch vs node:http, against a sink process; no servers needed
  --repeats N         --stages: passes per stage, the best counts (default 5)
  -h, --help          this text

Example:
  make up && bin/industrialmind bench ingestion --readings 500000 --rounds 3
`;

interface Round {
  ceiling: number;
  endToEnd: number;
  /** Readings/s when the ingestion service drains a topic filled beforehand: its own capacity. */
  drain: number;
  publish: number;
  writeSecondsShare: number;
  meanBatch: number;
  /** CPU seconds per component during each measured phase. */
  cpu: { ceiling: CpuComponents; live: CpuComponents; drain: CpuComponents };
  seconds: { ceiling: number; live: number; drain: number };
}

interface Servers {
  kafka: number | undefined;
  influxdb: number | undefined;
}

const portOf = (hostPort: string, fallback: number): number => {
  const match = /:(\d+)(\/|$)/.exec(hostPort);
  return match ? Number(match[1]) : fallback;
};

const agent = new http.Agent({ keepAlive: true });

/** One POST over a keep-alive connection, node:http as the InfluxDB adapter writes (cheaper than fetch). */
function post(url: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'text/plain', 'content-length': body.byteLength } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function ceilingRun(
  url: string,
  w: Workload,
  batch: number,
  concurrency: number,
  servers: Servers,
): Promise<{ rate: number; cpu: CpuComponents; seconds: number }> {
  const db = await createInfluxTestDatabase(url, { prefix: 'bench-ceiling' });
  try {
    const bodies = w.bodies;
    const endpoint = `${url}/api/v2/write?bucket=${encodeURIComponent(db.bucket)}&precision=ms`;
    let next = 0;
    const meter = cpuMeter({ influxdb: servers.influxdb });
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const res = await post(endpoint, bodies[next++]!);
          if (res.status !== 204) throw new Error(`InfluxDB answered ${res.status}: ${res.body}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = meter.stop();
    const store = createInfluxTimeSeriesStore({ url, bucket: db.bucket });
    const counted = await store.countPoints({ fromMs: w.fromMs, toMs: w.toMs });
    await store.close();
    if (counted !== w.readings) throw new Error(`ceiling run stored ${counted} of ${w.readings} points`);
    return { rate: w.readings / seconds, cpu, seconds };
  } finally {
    await db.drop();
  }
}

async function startIngestion(
  env: Record<string, string>,
  flags: readonly string[],
): Promise<{ child: ChildProcess; port: number }> {
  const main = require.resolve('@industrialmind/ingestion/main');
  const child = spawn(process.execPath, [...flags, main], {
    env: { ...INHERITED_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-50_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-50_000)));
  await waitFor(() => out.includes('readings consumer started') || child.exitCode !== null, {
    timeoutMs: 60_000,
    description: 'ingestion to start',
  });
  if (child.exitCode !== null) throw new Error(`ingestion exited: ${out.slice(-2000)}`);
  const port = Number(/"port":(\d+)[^\n]*"http listening"/.exec(out)?.[1]);
  return { child, port };
}

function metricSum(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(name) && !line.startsWith('#')) total += Number(line.split(' ').at(-1));
  return total;
}

async function endToEndRun(
  brokers: string[],
  url: string,
  w: Workload,
  batch: number,
  partitions: number,
  compression: 'gzip' | 'none',
  mode: 'live' | 'drain',
  servers: Servers,
  serviceFlags: readonly string[],
): Promise<{
  endToEnd: number;
  publish: number;
  writeSecondsShare: number;
  meanBatch: number;
  cpu: CpuComponents;
  seconds: number;
}> {
  const db = await createInfluxTestDatabase(url, { prefix: 'bench-e2e' });
  // About 5,000 readings per publish call whatever the messages carry.
  const publishChunk = Math.max(1, Math.round((5000 * w.messages.length) / w.readings));
  const topic = uniqueName('bench-readings');
  const bus = createKafkaEventBus({
    brokers,
    clientId: 'bench-ingestion',
    maxMessagesPerRequest: 5000,
    compression,
  });
  await bus.connect();
  await bus.ensureTopics([{ topic, partitions }]);
  if (mode === 'drain') {
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < w.messages.length) {
          const from = next;
          next += publishChunk;
          await bus.publish(topic, w.messages.slice(from, from + publishChunk));
        }
      }),
    );
  }
  const { child, port } = await startIngestion(
    {
      PROFILE: 'full',
      LOG_LEVEL: 'info',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      KAFKA_BROKERS: brokers.join(','),
      INFLUX_URL: url,
      INFLUX_BUCKET: db.bucket,
      INGESTION_TOPIC: topic,
      INGESTION_GROUP_ID: uniqueName('bench-ingestion'),
      INGESTION_BATCH_SIZE: String(batch),
    },
    serviceFlags,
  );
  const store = createInfluxTimeSeriesStore({ url, bucket: db.bucket });
  try {
    const meter = cpuMeter({ ingestion: child.pid, ...servers });
    const started = performance.now();
    let next = mode === 'drain' ? w.messages.length : 0;
    const publishing = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < w.messages.length) {
          const from = next;
          next += publishChunk;
          await bus.publish(topic, w.messages.slice(from, from + publishChunk));
        }
      }),
    ).then(() => performance.now());
    // Completion is read from the service's own counter (cheap), then checked against InfluxDB once: polling a
    // Flux count every 250 ms would load the very server being measured.
    const metricsUrl = `http://127.0.0.1:${port}/metrics`;
    await waitFor(
      async () =>
        metricSum(await (await fetch(metricsUrl)).text(), 'ingestion_readings_written_total') >= w.readings,
      {
        timeoutMs: 600_000,
        intervalMs: 100,
        description: `${w.readings} readings written`,
      },
    );
    const done = performance.now();
    const cpu = meter.stop();
    const counted = await store.countPoints({ fromMs: w.fromMs, toMs: w.toMs });
    if (counted !== w.readings) throw new Error(`InfluxDB holds ${counted} of ${w.readings} points`);
    const published = await publishing;
    const metrics = await (await fetch(metricsUrl)).text();
    const writeSeconds = metricSum(metrics, 'ingestion_write_duration_seconds_sum');
    const writes = metricSum(metrics, 'ingestion_write_batch_size_count');
    const points = metricSum(metrics, 'ingestion_write_batch_size_sum');
    const elapsed = (done - started) / 1000;
    return {
      endToEnd: w.readings / elapsed,
      publish: w.readings / ((published - started) / 1000),
      // Store writes overlap (several partitions share the writer), so this can exceed 1.
      writeSecondsShare: writeSeconds / elapsed,
      meanBatch: writes > 0 ? points / writes : 0,
      cpu,
      seconds: elapsed,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await store.close();
    await bus.close();
    await db.drop();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      readings: { type: 'string', default: '500000' },
      machines: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '3' },
      batch: { type: 'string', default: '5000' },
      'per-message': { type: 'string', default: '50' },
      form: { type: 'string', default: 'rows' },
      'service-flags': { type: 'string', default: '--max-semi-space-size=64' },
      concurrency: { type: 'string', default: '2' },
      partitions: { type: 'string', default: '12' },
      compression: { type: 'string', default: 'none' },
      brokers: { type: 'string', default: DEFAULT_BROKERS },
      'influx-url': { type: 'string', default: DEFAULT_INFLUX_URL },
      json: { type: 'string' },
      stages: { type: 'boolean', default: false },
      repeats: { type: 'string', default: '5' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stdout.write(HELP);
  const int = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new UsageError(`--${name} must be a positive integer, got "${v}"`);
    return n;
  };
  const readings = int('readings', values.readings);
  const machines = int('machines', values.machines);
  const rounds = int('rounds', values.rounds);
  const batch = int('batch', values.batch);
  const perMessage = int('per-message', values['per-message']);
  if (perMessage > MAX_READINGS_PER_MESSAGE)
    throw new UsageError(`--per-message must be at most ${MAX_READINGS_PER_MESSAGE}, got ${perMessage}`);
  if (!(BATCH_FORMS as readonly string[]).includes(values.form))
    throw new UsageError(`--form must be one of ${BATCH_FORMS.join(', ')}, got "${values.form}"`);
  const form = values.form as BatchForm;
  if (values.stages) {
    const stages = await runStages({
      readings,
      machines,
      perMessage,
      batch,
      repeats: int('repeats', values.repeats),
    });
    process.stdout.write(`${JSON.stringify(stages)}\n`);
    if (values.json) {
      mkdirSync(dirname(values.json), { recursive: true });
      writeFileSync(values.json, `${JSON.stringify(stages, null, 2)}\n`);
    }
    return;
  }
  const serviceFlags = values['service-flags'].split(/\s+/).filter(Boolean);
  const concurrency = int('concurrency', values.concurrency);
  const partitions = int('partitions', values.partitions);
  if (values.compression !== 'gzip' && values.compression !== 'none')
    throw new UsageError('--compression must be gzip or none');
  const compression: 'gzip' | 'none' = values.compression;
  const brokers = values.brokers.split(',');
  const url = values['influx-url'].replace(/\/+$/, '');
  const workload = makeWorkload(readings, machines, Date.UTC(2026, 0, 1), perMessage, form, batch);

  const servers: Servers = {
    kafka: pidListeningOn(portOf(brokers[0]!, 9092)),
    influxdb: pidListeningOn(portOf(url, 8086)),
  };
  const results: Round[] = [];
  for (let r = 1; r <= rounds; r++) {
    const ceiling = await ceilingRun(url, workload, batch, concurrency, servers);
    const run = (mode: 'live' | 'drain') =>
      endToEndRun(brokers, url, workload, batch, partitions, compression, mode, servers, serviceFlags);
    const e2e = await run('live');
    const drain = await run('drain');
    results.push({
      ceiling: ceiling.rate,
      endToEnd: e2e.endToEnd,
      publish: e2e.publish,
      writeSecondsShare: e2e.writeSecondsShare,
      meanBatch: e2e.meanBatch,
      drain: drain.endToEnd,
      cpu: { ceiling: ceiling.cpu, live: e2e.cpu, drain: drain.cpu },
      seconds: { ceiling: ceiling.seconds, live: e2e.seconds, drain: drain.seconds },
    });
    process.stderr.write(
      `round ${r}: ceiling ${fmt(ceiling.rate)} points/s, end-to-end ${fmt(e2e.endToEnd)} readings/s (publish ${fmt(e2e.publish)}/s, mean write ${fmt(e2e.meanBatch)} points, store writes busy ${(e2e.writeSecondsShare * 100).toFixed(0)} % of the time); drain of a filled topic ${fmt(drain.endToEnd)} readings/s\n`,
    );
  }
  const summary = {
    bench: 'ingestion',
    date: new Date().toISOString(),
    settings: {
      readings,
      machines,
      perMessage,
      form,
      serviceFlags,
      messages: workload.messages.length,
      rounds,
      batch,
      concurrency,
      partitions,
      compression,
      brokers,
      url,
    },
    ceiling: median(results.map((x) => x.ceiling)),
    endToEnd: median(results.map((x) => x.endToEnd)),
    drain: median(results.map((x) => x.drain)),
    rounds: results,
  };
  const ratio = summary.endToEnd / summary.ceiling;
  // Each round measures the ceiling and the pipeline minutes apart on the same machine; the machine's speed drifts
  // between rounds, so the median of the per-round ratios is the steadier figure.
  const roundRatio = median(results.map((x) => x.endToEnd / x.ceiling));
  const roundDrainRatio = median(results.map((x) => x.drain / x.ceiling));
  process.stdout.write(
    [
      '',
      `| measure (median of ${rounds}) | readings/s |`,
      '|---|---|',
      `| InfluxDB ceiling: line protocol posted directly, ${batch}-point batches, ${concurrency} in flight | ${fmt(summary.ceiling)} |`,
      `| end to end: producer -> Kafka -> ingestion -> InfluxDB, counted in InfluxDB (${perMessage} readings per message, ${form} form, ${fmt(workload.bytesPerReading)} bytes per reading) | ${fmt(summary.endToEnd)} |`,
      `| ratio end-to-end / ceiling (of the medians; median of the per-round ratios) | ${ratio.toFixed(3)}; ${roundRatio.toFixed(3)} |`,
      `| ingestion alone: draining a topic filled beforehand | ${fmt(summary.drain)} |`,
      `| ratio drain / ceiling (of the medians; median of the per-round ratios) | ${(summary.drain / summary.ceiling).toFixed(3)}; ${roundDrainRatio.toFixed(3)} |`,
      '',
      cpuTable(results, readings),
      '',
    ].join('\n'),
  );
  if (values.json) {
    mkdirSync(dirname(values.json), { recursive: true });
    writeFileSync(
      values.json,
      `${JSON.stringify({ ...summary, ratio, roundRatio, roundDrainRatio }, null, 2)}\n`,
    );
  }
}

/**
 * Median CPU microseconds per reading of each component in each phase, and how busy the machine's cores were
 * (all components' CPU over cores x wall time).
 */
function cpuTable(results: Round[], readings: number): string {
  const cores = availableParallelism();
  const phases = ['ceiling', 'live', 'drain'] as const;
  const names = ['self', 'ingestion', 'kafka', 'influxdb'];
  const label: Record<string, string> = {
    self: 'benchmark process (producer / HTTP client)',
    ingestion: 'ingestion service',
    kafka: 'Kafka broker',
    influxdb: 'InfluxDB',
  };
  const cell = (phase: (typeof phases)[number], name: string): string => {
    const xs = results.map((r) => r.cpu[phase][name]).filter((x): x is number => x !== undefined);
    if (xs.length === 0 || (phase === 'ceiling' && (name === 'ingestion' || name === 'kafka'))) return '-';
    return median(xs.map((x) => (x / readings) * 1e6)).toFixed(1);
  };
  const busy = (phase: (typeof phases)[number]): string =>
    `${median(
      results.map((r) => {
        const total = Object.values(r.cpu[phase]).reduce<number>((a, b) => a + (b ?? 0), 0);
        return (total / (r.seconds[phase] * cores)) * 100;
      }),
    ).toFixed(0)} %`;
  return [
    `| CPU microseconds per reading (median) | ceiling | end to end | drain |`,
    '|---|---|---|---|',
    ...names.map((n) => `| ${label[n]} | ${phases.map((p) => cell(p, n)).join(' | ')} |`),
    `| cores busy (all of the above / ${cores} cores x wall time) | ${phases.map(busy).join(' | ')} |`,
  ].join('\n');
}

class UsageError extends Error {}

main().catch((err: unknown) => {
  process.stderr.write(`bench ingestion: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
