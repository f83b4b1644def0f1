/** Nearest-rank percentile of unsorted samples (p in 0-100); NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * Send times (ms from the start) of an open-loop load: `rate` requests per second for `durationSec`, evenly
 * spaced. Latency is measured from the *scheduled* send time, so a stalled server shows up in the tail
 * instead of silently slowing the load down (coordinated omission).
 */
export function schedule(rate: number, durationSec: number): number[] {
  const count = Math.floor(rate * durationSec);
  return Array.from({ length: count }, (_, i) => (i * 1000) / rate);
}

/** A deterministic PRNG (mulberry32) so every run sends the same readings. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A pause of the server (its GC) as an interval in epoch ms. */
export interface Pause {
  startMs: number;
  ms: number;
  minor: boolean;
}

/** What the slow requests of a run overlapped: how much of the tail a cause can explain. */
export interface TailAttribution {
  /** Answered requests slower than the threshold. */
  slow: number;
  /** Of those, requests whose time in flight overlapped a server GC pause (any kind / mark-compact). */
  withServerGc: number;
  withServerMajorGc: number;
  /** Of those, requests the generator itself wrote more than `lagMs` late. */
  withSendLag: number;
  /** Of those, requests with neither. */
  unexplained: number;
}

/**
 * For each request slower than `thresholdMs` (scheduled at `scheduledAtMs[i]`, answered `latencies[i]` later),
 * whether a server GC pause overlapped its time in flight and whether the generator sent it more than `lagMs` late.
 * Overlap is not cause: a 1 ms scavenge inside a 6 ms request explains at most 1 ms of it.
 */
export function attributeTail(
  latencies: readonly number[],
  scheduledAtMs: readonly number[],
  sendLagMs: readonly number[],
  pauses: readonly Pause[],
  thresholdMs: number,
  lagMs = 1,
): TailAttribution {
  const sorted = [...pauses].sort((a, b) => a.startMs - b.startMs);
  const result: TailAttribution = {
    slow: 0,
    withServerGc: 0,
    withServerMajorGc: 0,
    withSendLag: 0,
    unexplained: 0,
  };
  for (let i = 0; i < latencies.length; i++) {
    if (latencies[i]! <= thresholdMs) continue;
    result.slow++;
    const from = scheduledAtMs[i]!;
    const to = from + latencies[i]!;
    let gc = false;
    let major = false;
    for (const p of sorted) {
      if (p.startMs >= to) break;
      if (p.startMs + p.ms > from) {
        gc = true;
        if (!p.minor) major = true;
      }
    }
    const lagged = sendLagMs[i]! > lagMs;
    if (gc) result.withServerGc++;
    if (major) result.withServerMajorGc++;
    if (lagged) result.withSendLag++;
    if (!gc && !lagged) result.unexplained++;
  }
  return result;
}
