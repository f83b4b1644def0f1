import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

/** This process's GC pauses over a period: count, total and longest, and the kind of the longest. */
export interface GcStats {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Scavenges (young generation). */
  minor: number;
  /** Mark-compact pauses, incremental marking steps and weak-callback processing (old generation). */
  major: number;
  /** `minor` or `major`: what the longest pause was ('' when there was none). */
  maxKind: '' | 'minor' | 'major';
  /** Each pause: start as epoch ms (performance.timeOrigin based, comparable across processes), duration in ms. */
  pauses: GcPause[];
}

export interface GcPause {
  startMs: number;
  ms: number;
  minor: boolean;
}

/** At most this many pauses are kept per period (a 10 s run at a 2 MB semi-space has ~200-300). */
const MAX_PAUSES = 20_000;

const empty = (): GcStats => ({
  count: 0,
  totalMs: 0,
  maxMs: 0,
  minor: 0,
  major: 0,
  maxKind: '',
  pauses: [],
});

/** Starts observing GC pauses; `take()` returns the figures since the previous call (or the start). */
export function observeGc(): { take(): GcStats; stop(): void } {
  let stats = empty();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      const minor = kind === constants.NODE_PERFORMANCE_GC_MINOR;
      stats.count++;
      stats.totalMs += entry.duration;
      if (stats.pauses.length < MAX_PAUSES)
        stats.pauses.push({ startMs: performance.timeOrigin + entry.startTime, ms: entry.duration, minor });
      if (minor) stats.minor++;
      else stats.major++;
      if (entry.duration > stats.maxMs) {
        stats.maxMs = entry.duration;
        stats.maxKind = minor ? 'minor' : 'major';
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    take() {
      const taken = stats;
      stats = empty();
      return taken;
    },
    stop: () => observer.disconnect(),
  };
}
