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
