import { FAULT_CATALOG, faultIntensity, type Fault } from './faults';

export const HOUR_MS = 3_600_000;

/**
 * How fast a machine ages at `tMs`: hours of wear per hour of operation. 1 when healthy; each active machine fault
 * adds its kind's wear factor times its intensity, so a fully developed bearing fault makes it age 7 times faster.
 */
export function wearRate(faults: readonly Fault[], tMs: number): number {
  let rate = 1;
  for (const fault of faults) {
    const factor = fault.rootMachineId === undefined ? FAULT_CATALOG[fault.kind].wearFactor : 0;
    if (factor > 0) rate += factor * faultIntensity(fault, tMs);
  }
  return rate;
}

const SUBSTEPS = 200;

/**
 * When the machine fails: the time at which wear accumulated from `fromMs` reaches `remainingWearHours`, given the
 * faults already injected (their start, shape, onset and end are known in advance, so this is exact up to the
 * numerical integration of a ramp or exponential onset). Between the faults' breakpoints the rate is integrated
 * with the trapezoid rule; after the last breakpoint it is constant.
 */
export function failureTimeMs(fromMs: number, remainingWearHours: number, faults: readonly Fault[]): number {
  if (remainingWearHours <= 0) return fromMs;
  const relevant = faults.filter(
    (f) => f.rootMachineId === undefined && FAULT_CATALOG[f.kind].wearFactor > 0 && f.endMs > fromMs,
  );
  const breakpoints = new Set<number>();
  for (const f of relevant) {
    for (const t of [f.startMs, f.startMs + f.onsetMs, f.endMs]) {
      if (Number.isFinite(t) && t > fromMs) breakpoints.add(t);
    }
  }
  let t = fromMs;
  let left = remainingWearHours;
  for (const end of [...breakpoints].sort((a, b) => a - b)) {
    const step = (end - t) / SUBSTEPS;
    // Evaluate just inside the segment so a fault ending (or starting) exactly at a breakpoint counts on its side.
    let previous = wearRate(relevant, t);
    for (let i = 1; i <= SUBSTEPS; i++) {
      const ti = i === SUBSTEPS ? end - 1e-6 : t + step * i;
      const rate = wearRate(relevant, ti);
      const wear = (((previous + rate) / 2) * step) / HOUR_MS;
      if (wear >= left) {
        // Linear within the substep is accurate enough: the rate changes little over 1/200 of a segment.
        return t + step * (i - 1) + (left / wear) * step;
      }
      left -= wear;
      previous = rate;
    }
    t = end;
  }
  return t + (left / wearRate(relevant, t)) * HOUR_MS;
}
