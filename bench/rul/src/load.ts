import { Agent, request } from 'node:http';

export interface LatencyStats {
  count: number;
  errors: number;
  /** Non-200 statuses and socket error codes, counted. */
  errorKinds: Record<string, number>;
  /** Requests/s actually sent. */
  rate: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarise(
  latenciesMs: readonly number[],
  errorKinds: Record<string, number>,
  seconds: number,
): LatencyStats {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    errors,
    errorKinds,
    rate: (sorted.length + errors) / seconds,
    p50Ms: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export interface LoadOptions {
  port: number;
  method: 'GET' | 'POST';
  path: string;
  /** Bodies sent in turn (POST). */
  bodies?: readonly string[];
  ratePerSec: number;
  durationSec: number;
}

/**
 * Open-loop load: request i is due at start + i / rate whatever happened to earlier ones, and its latency is
 * measured from when it was due (so a stall counts against every request it delays: no coordinated omission).
 */
export async function runLoad(options: LoadOptions): Promise<LatencyStats> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const total = Math.round(options.ratePerSec * options.durationSec);
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  const fail = (kind: string) => (errorKinds[kind] = (errorKinds[kind] ?? 0) + 1);
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / options.ratePerSec;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = options.bodies?.[i % options.bodies.length];
    inFlight.push(
      new Promise<void>((resolve) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: options.port,
            method: options.method,
            path: options.path,
            agent,
            headers: body
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
              : {},
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode === 200) latencies.push(performance.now() - due);
              else fail(`HTTP ${res.statusCode}`);
              resolve();
            });
          },
        );
        req.on('error', (err: NodeJS.ErrnoException) => {
          fail(err.code ?? err.message);
          resolve();
        });
        req.end(body);
      }),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  return summarise(latencies, errorKinds, (performance.now() - started) / 1000);
}
