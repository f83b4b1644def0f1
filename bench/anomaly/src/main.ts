/**
 * bench/anomaly, two measurements in one run (see docs/benchmarks.md):
 *  1. POST /predict latency at a fixed open-loop request rate on loopback (server in a child process).
 *  2. Stream scoring readings/s on one core (libs/anomaly-scoring: window state, normalisation, batching,
 *     policy) against raw onnxruntime-node session.run on the same batch sizes: the ratio is our overhead.
 */
import { execFileSync, fork } from 'node:child_process';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  AnomalyModelMetadataSchema,
  createAnomalyScorer,
  type ScoringInput,
} from '@industrialmind/anomaly-scoring';
import { loadOnnxModel, readModelMetadata } from '@industrialmind/model-runtime';
import * as ort from 'onnxruntime-node';
import {
  closedLoop,
  createLoadClient,
  createNodeHttpClient,
  openLoop,
  withBytes,
  type BenchRequest,
  type OpenLoopResult,
} from './load';
import { DEPLOYED_NODE_FLAGS } from './flags';
import { observeGc, type GcStats } from './gc-stats';
import { attributeTail, createRandom, percentile, schedule, type TailAttribution } from './stats';

/** The p99 target for POST /predict; requests slower than this are the tail the run explains. */
const TAIL_THRESHOLD_MS = 5;

const tailFields = (t: TailAttribution) => ({
  tail_over_5ms: t.slow,
  tail_with_server_gc: t.withServerGc,
  tail_with_server_major_gc: t.withServerMajorGc,
  tail_with_send_lag_over_1ms: t.withSendLag,
  tail_unexplained: t.unexplained,
});

const REPO = resolve(__dirname, '..', '..', '..');

/** A bad option: says which, without a stack trace, and exits 2. */
function usage(message: string): never {
  process.stderr.write(`bench anomaly: ${message}\n`);
  process.exit(2);
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        rate: { type: 'string', default: '1000' },
        duration: { type: 'string', default: '10' },
        warmup: { type: 'string', default: '3' },
        machines: { type: 'string', default: '100' },
        'model-dir': { type: 'string', default: join(REPO, 'models', 'anomaly') },
        'machine-type': { type: 'string', default: 'skab' },
        readings: { type: 'string', default: '200000' },
        batch: { type: 'string', default: '2000' },
        rounds: { type: 'string', default: '3' },
        skip: { type: 'string', default: '' },
        client: { type: 'string', default: 'lean' },
        connections: { type: 'string', default: '8' },
        'cpu-prof-dir': { type: 'string' },
        'server-flags': { type: 'string', default: DEPLOYED_NODE_FLAGS },
        pin: { type: 'string', default: 'off' },
        telemetry: { type: 'string', default: 'on' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
}

const { values: opts } = parseOptions();

if (opts.help) {
  process.stdout.write(
    'bench/anomaly [--rate 1000] [--duration 10] [--warmup 3] [--machines 100] [--model-dir models/anomaly]\n' +
      '              [--machine-type skab] [--readings 200000] [--batch 2000] [--rounds 3] [--skip rest|stream]\n' +
      '              [--client lean|node-http] [--connections 8] [--cpu-prof-dir DIR (profiles the server)]\n' +
      `              [--server-flags="${DEPLOYED_NODE_FLAGS}" (node/V8 flags of the server process; default as deployed)]\n` +
      '              [--pin off|S,G (bench only: taskset the server to CPU S and this generator to CPU G)]\n' +
      '              [--telemetry on|off|otlp (on, the default: the server starts the OpenTelemetry SDK as deployed,\n' +
      '               no exporter; otlp: it exports every span to a stand-in collector process, as with\n' +
      '               OTEL_EXPORTER=otlp; the OTEL_TRACES_SAMPLER variables apply)]\n',
  );
  process.exit(0);
}

const num = (name: keyof typeof opts): number => {
  const v = Number(opts[name]);
  if (!Number.isFinite(v) || v <= 0) usage(`--${name} must be a positive number`);
  return v;
};
const rate = num('rate');
const durationSec = num('duration');
const warmupSec = Number(opts.warmup);
const machineCount = num('machines');
const modelDir = resolve(String(opts['model-dir']));
const machineType = String(opts['machine-type']);
const totalReadings = num('readings');
const batchSize = num('batch');
const rounds = num('rounds');
const connections = num('connections');
const clientKind = String(opts.client) as Client;
if (clientKind !== 'lean' && clientKind !== 'node-http') usage('--client must be lean or node-http');
const pin = parsePin(String(opts.pin));
const telemetry = String(opts.telemetry);
if (telemetry !== 'on' && telemetry !== 'off' && telemetry !== 'otlp')
  usage('--telemetry must be on, off or otlp');

/** The stand-in collector for `--telemetry otlp`, in its own process; undefined otherwise. */
async function startCollector(): Promise<
  { endpoint: string; spans(): Promise<number>; stop(): void } | undefined
> {
  if (telemetry !== 'otlp') return undefined;
  const child = fork(join(__dirname, 'otlp-sink.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((ok, fail) => {
    child.once('message', (m: { port: number }) => ok(m.port));
    child.once('exit', (code) => fail(new Error(`the OTLP sink exited with ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () =>
      new Promise((ok) => {
        child.once('message', (m: { spans: number }) => ok(m.spans));
        child.send({ cmd: 'count' });
      }),
    stop: () => void child.kill('SIGTERM'),
  };
}

/** `off`, or `S,G`: two different CPUs of this machine for the server and the generator. */
function parsePin(value: string): { server: number; generator: number } | undefined {
  if (value === 'off') return undefined;
  const match = /^(\d+),(\d+)$/.exec(value);
  const [server, generator] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!match || server === generator || server >= cpus().length || generator >= cpus().length)
    usage(`--pin must be off or S,G with two different CPUs below ${cpus().length}`);
  return { server, generator };
}

/** Pins every thread of process `pid` (and what it starts later) to one CPU (Linux taskset). */
function pinProcess(pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

/**
 * A full GC of this (the generator's) process, run after the requests of a timed run are built: they are then in
 * the old generation, so the generator's scavenges during the run have little to copy (its own pauses are
 * measured as latency). The flag is set at run time because `bin/industrialmind bench` starts this process.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** This process's GC pauses (the generator's own stalls), taken per timed run. */
const generatorGc = observeGc();

async function modelOf(): Promise<{ path: string; channels: string[]; coldStart: number; window: number }> {
  const { readdirSync } = await import('node:fs');
  for (const name of readdirSync(modelDir).filter((n) => n.endsWith('.json'))) {
    const meta = await readModelMetadata(join(modelDir, name), AnomalyModelMetadataSchema).catch(
      () => undefined,
    );
    if (meta?.machine_type === machineType)
      return {
        path: join(modelDir, name),
        channels: meta.channels,
        coldStart: meta.cold_start.readings,
        window: meta.input.window,
      };
  }
  throw new Error(`no ${machineType} model in ${modelDir}`);
}

/** A reading near each channel's usual level with small noise (values only need to be plausible). */
function makeReading(channels: string[], random: () => number): Record<string, number> {
  const out: Record<string, number> = {};
  channels.forEach((c, i) => (out[c] = 10 * (i + 1) + (random() - 0.5)));
  return out;
}

type Client = 'lean' | 'node-http';

async function benchRest(channels: string[], coldStart: number): Promise<Record<string, number | string>> {
  const collector = await startCollector();
  const serverTelemetry =
    telemetry === 'off' ? [''] : collector ? ['otlp', collector.endpoint] : ['telemetry'];
  const child = fork(join(__dirname, 'server.js'), [modelDir, ...serverTelemetry], {
    execArgv: [
      ...String(opts['server-flags']).split(/\s+/).filter(Boolean),
      ...(opts['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(opts['cpu-prof-dir'])}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((ok, fail) => {
    child.once('message', (m: { port?: number; error?: string }) =>
      m.port ? ok(m.port) : fail(new Error(m.error)),
    );
    child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  if (pin) {
    pinProcess(child.pid!, pin.server);
    pinProcess(process.pid, pin.generator);
  }
  const client =
    clientKind === 'lean'
      ? await createLoadClient(port, connections)
      : createNodeHttpClient(port, connections);
  const random = createRandom(1);
  // The server's CPU so far; its event-loop delay since the previous call (p99, max).
  let loopDelayMs = { p99: NaN, max: NaN };
  let gc: GcStats | undefined;
  const cpu = () =>
    new Promise<NodeJS.CpuUsage>((ok) => {
      child.once('message', (m: { cpu: NodeJS.CpuUsage; loopDelayMs: typeof loopDelayMs; gc: typeof gc }) => {
        loopDelayMs = m.loopDelayMs;
        gc = m.gc;
        ok(m.cpu);
      });
      child.send({ cmd: 'cpu' });
    });
  const cpuUs = (before: NodeJS.CpuUsage, after: NodeJS.CpuUsage) =>
    after.user - before.user + (after.system - before.system);
  const predictBody = (k: number): BenchRequest => ({
    method: 'POST',
    path: '/predict',
    body: JSON.stringify({
      machine_id: `m-${k % machineCount}`,
      machine_type: machineType,
      readings: makeReading(channels, random),
    }),
  });
  const healthz: BenchRequest = { method: 'GET', path: '/healthz' };
  try {
    // Cold start every machine first (coldStart readings each through /predict/batch), so every request is scored.
    for (let m = 0; m < machineCount; m++) {
      const readings = Array.from({ length: coldStart }, () => ({
        machine_id: `m-${m}`,
        machine_type: machineType,
        readings: makeReading(channels, random),
      }));
      const body = JSON.stringify({ readings });
      const failed = await closedLoop(client, 1, 1, () => ({ method: 'POST', path: '/predict/batch', body }));
      if (failed > 0) throw new Error('calibration through /predict/batch failed');
    }
    // Open loop: bodies are made before the clock starts, so the generator only writes and parses.
    const run = async (seconds: number, make: (k: number) => BenchRequest) => {
      const times = schedule(rate, seconds);
      const requests = times.map((_, k) => withBytes(make(k)));
      collectGarbage();
      const before = await cpu();
      generatorGc.take();
      const result = await openLoop(client, times, (k) => requests[k]!);
      const clientGc = generatorGc.take();
      const after = await cpu();
      return {
        ...result,
        clientGc,
        serverCpuUs: cpuUs(before, after),
        serverSystemUs: after.system - before.system,
        serverLoopDelayMs: loopDelayMs,
        serverGc: gc!,
      };
    };
    if (warmupSec > 0) await run(warmupSec, predictBody);
    const predict = await run(durationSec, predictBody);
    // Same-run baseline: a bare GET /healthz at the same rate over the same sockets (HTTP stack only).
    const probe = await run(durationSec, () => healthz);
    // Closed loop (4 requests in flight), alternating: server CPU per bare GET /healthz and per POST /predict.
    const closedCpu = async (n: number, make: (k: number) => BenchRequest): Promise<number> => {
      const requests = Array.from({ length: n }, (_, k) => make(k));
      const before = await cpu();
      const failed = await closedLoop(client, n, 4, (k) => requests[k]!);
      // Reported instead of thrown, so the open-loop figures of the run are not lost; no CPU figure then.
      if (failed > 0) {
        closedFailures.push(`${requests[0]!.path}: ${failed} of ${n} failed`);
        return NaN;
      }
      return cpuUs(before, await cpu()) / n;
    };
    const closedFailures: string[] = [];
    const healthzCpu: number[] = [];
    const predictCpu: number[] = [];
    for (let r = 0; r < 3; r++) {
      healthzCpu.push(await closedCpu(2000, () => healthz));
      predictCpu.push(await closedCpu(2000, predictBody));
    }
    const n = (r: OpenLoopResult) => r.latencies.length + r.errors;
    return {
      client: clientKind,
      server_flags: String(opts['server-flags']),
      telemetry,
      pin: pin ? `server cpu ${pin.server}, generator cpu ${pin.generator}` : 'off',
      connections,
      requests: n(predict),
      errors: predict.errors,
      unanswered: predict.unanswered,
      achieved_rps: n(predict) / (predict.elapsedMs / 1000),
      p50_ms: percentile(predict.latencies, 50),
      p90_ms: percentile(predict.latencies, 90),
      p99_ms: percentile(predict.latencies, 99),
      p999_ms: percentile(predict.latencies, 99.9),
      max_ms: percentile(predict.latencies, 100),
      server_cpu_us_per_request: predict.serverCpuUs / n(predict),
      server_system_cpu_share: predict.serverSystemUs / predict.serverCpuUs,
      client_cpu_us_per_request: predict.clientCpuUs / n(predict),
      client_send_lag_p99_ms: percentile(predict.sendLags, 99),
      client_send_lag_max_ms: percentile(predict.sendLags, 100),
      client_gc_count: predict.clientGc.count,
      client_gc_max_ms: predict.clientGc.maxMs,
      client_gc_max_kind: predict.clientGc.maxKind,
      client_reconnects: client.reconnects(),
      server_loop_delay_p99_ms: predict.serverLoopDelayMs.p99,
      server_loop_delay_max_ms: predict.serverLoopDelayMs.max,
      server_gc_count: predict.serverGc.count,
      server_gc_total_ms: predict.serverGc.totalMs,
      server_gc_max_ms: predict.serverGc.maxMs,
      server_gc_max_kind: predict.serverGc.maxKind,
      server_gc_minor: predict.serverGc.minor,
      server_gc_major: predict.serverGc.major,
      healthz_errors: probe.errors,
      healthz_p50_ms: percentile(probe.latencies, 50),
      healthz_p99_ms: percentile(probe.latencies, 99),
      healthz_max_ms: percentile(probe.latencies, 100),
      healthz_server_cpu_us_per_request: probe.serverCpuUs / n(probe),
      healthz_client_cpu_us_per_request: probe.clientCpuUs / n(probe),
      healthz_client_send_lag_p99_ms: percentile(probe.sendLags, 99),
      healthz_server_loop_delay_max_ms: probe.serverLoopDelayMs.max,
      closed_loop_healthz_cpu_us_per_request: percentile(healthzCpu.filter(Number.isFinite), 50),
      closed_loop_predict_cpu_us_per_request: percentile(predictCpu.filter(Number.isFinite), 50),
      closed_loop_failures: closedFailures.join('; '),
      // Spans the stand-in collector had received by the end (exports run every 5 s or per 512 spans).
      ...(collector ? { otlp_spans_received: await collector.spans() } : {}),
      // Of the requests slower than the 5 ms target: how many overlapped a server GC pause or were sent late.
      ...tailFields(
        attributeTail(
          predict.latencies,
          predict.scheduledAtMs,
          predict.requestIndex.map((k) => predict.sendLags[k]!),
          predict.serverGc.pauses,
          TAIL_THRESHOLD_MS,
        ),
      ),
    };
  } finally {
    client.close();
    child.kill('SIGTERM');
    collector?.stop();
  }
}

async function benchStream(
  path: string,
  channels: string[],
  coldStart: number,
  window: number,
): Promise<Record<string, number>> {
  const metadata = await readModelMetadata(path, AnomalyModelMetadataSchema);
  const onnx = await loadOnnxModel(join(modelDir, metadata.onnx_file), { threads: 1 });
  const random = createRandom(2);
  const C = channels.length;
  // The same inputs every round: calibration readings, then the stream, in consumer-sized batches.
  const calibration: ScoringInput[] = [];
  for (let i = 0; i < coldStart; i++)
    for (let m = 0; m < machineCount; m++)
      calibration.push({ machineId: `m-${m}`, values: makeReading(channels, random) });
  const batches: ScoringInput[][] = [];
  for (let done = 0; done < totalReadings; done += batchSize)
    batches.push(
      Array.from({ length: Math.min(batchSize, totalReadings - done) }, (_, i) => ({
        machineId: `m-${(done + i) % machineCount}`,
        values: makeReading(channels, random),
      })),
    );
  // Raw baseline: one InferenceSession (1 thread), the same run sizes the scorer uses (512-window chunks).
  const session = await ort.InferenceSession.create(join(modelDir, metadata.onnx_file), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const maxBatch = 512;
  const rawRuns: Float32Array[] = [];
  for (const b of batches)
    for (let s = 0; s < b.length; s += maxBatch) {
      const n = Math.min(maxBatch, b.length - s);
      rawRuns.push(Float32Array.from({ length: n * window * C }, () => random() * 2 - 1));
    }
  const ours: number[] = [];
  const raw: number[] = [];
  for (let r = 0; r < rounds + 1; r++) {
    const scorer = createAnomalyScorer({ metadata, onnx }, { maxBatch });
    await scorer.score(calibration);
    let t = performance.now();
    for (const b of batches) await scorer.score(b);
    const oursRate = totalReadings / ((performance.now() - t) / 1000);
    t = performance.now();
    for (const data of rawRuns)
      await session.run({
        [metadata.input.name]: new ort.Tensor('float32', data, [data.length / (window * C), window, C]),
      });
    const rawRate = totalReadings / ((performance.now() - t) / 1000);
    if (r > 0) {
      // Round 0 is the warm-up (JIT, allocator); not counted.
      ours.push(oursRate);
      raw.push(rawRate);
    }
  }
  await onnx.close();
  await session.release();
  const median = (xs: number[]) => percentile(xs, 50);
  return {
    ours_readings_per_s: median(ours),
    raw_session_run_readings_per_s: median(raw),
    ratio_ours_to_raw: median(ours.map((o, i) => o / raw[i]!)),
  };
}

async function main(): Promise<void> {
  const model = await modelOf();
  const skip = String(opts.skip);
  const header = {
    model: model.path.replace(`${REPO}/`, ''),
    machine_type: machineType,
    node: process.version,
    ort: ort.env.versions.common,
  };
  process.stdout.write(`${JSON.stringify({ type: 'start', ...header })}\n`);
  if (skip !== 'rest') {
    const rest = await benchRest(model.channels, model.coldStart);
    process.stdout.write(
      `${JSON.stringify({ type: 'rest', rate, duration_s: durationSec, machines: machineCount, ...rest })}\n`,
    );
  }
  if (skip !== 'stream') {
    const stream = await benchStream(model.path, model.channels, model.coldStart, model.window);
    process.stdout.write(
      `${JSON.stringify({ type: 'stream', readings: totalReadings, batch: batchSize, machines: machineCount, rounds, ...stream })}\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/anomaly: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
