// NumPy-compatible statistics (np.median, np.quantile 'linear', population std), so the cold start here
// matches industrialmind_trainer/anomaly/scoring.py, where the policy was chosen.

/** Quantile of sorted values with linear interpolation (NumPy's default method). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of no values');
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

export interface RobustFit {
  center: Float64Array;
  scale: Float64Array;
}

/**
 * Per channel: center = median, scale = max(1.4826 * MAD, std, 1e-3 * |median| + 1e-6). The std term keeps
 * quantised channels (SKAB's flow takes a few integer values, so its MAD is often 0) from dividing by ~0.
 */
export function robustFit(rows: readonly Float64Array[], channels: number): RobustFit {
  const center = new Float64Array(channels);
  const scale = new Float64Array(channels);
  const column: number[] = new Array<number>(rows.length);
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let i = 0; i < rows.length; i++) {
      column[i] = rows[i]![c]!;
      sum += column[i]!;
    }
    const med = median(column);
    const mean = sum / rows.length;
    let sq = 0;
    for (let i = 0; i < rows.length; i++) {
      column[i] = Math.abs(column[i]! - med);
      const d = rows[i]![c]! - mean;
      sq += d * d;
    }
    const mad = median(column) * 1.4826;
    const std = Math.sqrt(sq / rows.length);
    center[c] = med;
    scale[c] = Math.max(mad, std, 1e-3 * Math.abs(med) + 1e-6);
  }
  return { center, scale };
}
