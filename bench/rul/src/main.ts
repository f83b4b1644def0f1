/**
 * bench/rul: POST /forecast latency of rul-api (its own process, lite profile, the committed models) under an
 * open-loop load at a fixed rate on loopback; baseline in the same run: GET /healthz at the same rate through the
 * same HTTP stack, so the ratio shows what forecasting adds. Rounds alternate baseline and forecast.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { INHERITED_ENV } from './config';
import { DEPLOYED_NODE_FLAGS } from './flags';
import { runLoad, type LatencyStats } from './load';
import { buildBodies, type ModelInfo } from './workload';

const HELP = `Usage: industrialmind bench rul [options]

Measures POST /forecast latency (p50/p99) of rul-api at a fixed open-loop request rate on loopback, against
GET /healthz at the same rate in the same run.

Options:
  --rate N        requests per second (default 200)
  --duration SEC  seconds per phase (default 20)
  --rounds N      rounds of baseline + forecast (default 3)
  --model NAME    model to forecast with (default rul-cmapss-fd001)
  --readings N    readings per request (default: the model's window)
  --json FILE     also write the results as JSON
  --server-flags "FLAGS"  node/V8 flags of the rul-api process (default as deployed: ${DEPLOYED_NODE_FLAGS})
  -h, --help      this text

Example:
  bin/industrialmind bench rul --rate 200 --duration 20 --rounds 3
`;

async function startService(flags: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const main = require.resolve('@industrialmind/rul-api/main');
  const child = spawn(process.execPath, [...flags.split(/\s+/).filter(Boolean), main], {
    env: { ...INHERITED_ENV, PROFILE: 'lite', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('rul-api did not start within 30 s')), 30_000);
    child.on('exit', (code) => reject(new Error(`rul-api exited with ${code}`)));
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'http listening' && typeof entry.port === 'number') {
            clearTimeout(timer);
            resolve(entry.port);
          }
        } catch {
          // not a log line
        }
      }
    });
  });
  child.stdout!.resume();
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('rul-api never became ready');
}

const fmt = (s: LatencyStats) =>
  `${s.p50Ms.toFixed(2).padStart(7)} ${s.p90Ms.toFixed(2).padStart(7)} ${s.p99Ms.toFixed(2).padStart(7)} ${s.maxMs
    .toFixed(1)
    .padStart(7)} ${s.rate.toFixed(0).padStart(6)} ${String(s.errors).padStart(6)}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '200' },
      duration: { type: 'string', default: '20' },
      rounds: { type: 'string', default: '3' },
      model: { type: 'string', default: 'rul-cmapss-fd001' },
      readings: { type: 'string' },
      json: { type: 'string' },
      'server-flags': { type: 'string', default: DEPLOYED_NODE_FLAGS },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const rate = Number(values.rate);
  const duration = Number(values.duration);
  const rounds = Number(values.rounds);
  for (const [name, v] of [
    ['rate', rate],
    ['duration', duration],
    ['rounds', rounds],
  ] as const)
    if (!(v > 0)) throw new Error(`--${name} must be a positive number`);
  const service = await startService(values['server-flags']);
  try {
    await waitReady(service.port);
    const info = (await (
      await fetch(`http://127.0.0.1:${service.port}/model?name=${values.model}`)
    ).json()) as ModelInfo;
    if (!info.channels) throw new Error(`model ${values.model} is not loaded`);
    const readings = values.readings === undefined ? info.window : Number(values.readings);
    const bodies = buildBodies(info, 64, readings, 1);
    // Warm-up: JIT, the ONNX session's first runs, sockets.
    await runLoad({
      port: service.port,
      method: 'POST',
      path: '/forecast',
      bodies,
      ratePerSec: rate,
      durationSec: 3,
    });
    process.stdout.write(
      `rul-api ${info.model_version}, ${readings} readings x ${info.channels.length} channels per request, ${rate} req/s, ${duration} s per phase, server flags "${values['server-flags']}"\n\n` +
        `round phase          p50 ms  p90 ms  p99 ms  max ms  req/s errors\n`,
    );
    const results: Array<{ round: number; baseline: LatencyStats; forecast: LatencyStats }> = [];
    for (let round = 1; round <= rounds; round++) {
      const baseline = await runLoad({
        port: service.port,
        method: 'GET',
        path: '/healthz',
        ratePerSec: rate,
        durationSec: duration,
      });
      process.stdout.write(`${String(round).padStart(5)} healthz       ${fmt(baseline)}\n`);
      const forecast = await runLoad({
        port: service.port,
        method: 'POST',
        path: '/forecast',
        bodies,
        ratePerSec: rate,
        durationSec: duration,
      });
      process.stdout.write(`${String(round).padStart(5)} forecast      ${fmt(forecast)}\n`);
      for (const s of [baseline, forecast])
        if (s.errors > 0) process.stdout.write(`      errors: ${JSON.stringify(s.errorKinds)}\n`);
      results.push({ round, baseline, forecast });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const p99 = median(results.map((r) => r.forecast.p99Ms));
    const p50 = median(results.map((r) => r.forecast.p50Ms));
    const baseP99 = median(results.map((r) => r.baseline.p99Ms));
    process.stdout.write(
      `\nmedian over rounds: forecast p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; healthz p99 ${baseP99.toFixed(2)} ms (ratio ${(p99 / baseP99).toFixed(1)}x)\n`,
    );
    if (values.json) {
      mkdirSync(dirname(values.json), { recursive: true });
      writeFileSync(
        values.json,
        JSON.stringify(
          {
            model: info.model_version,
            serverFlags: values['server-flags'],
            rate,
            duration,
            readings,
            results,
            median: { p50, p99, baseP99 },
          },
          null,
          2,
        ),
      );
    }
  } finally {
    await service.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench rul: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
