/**
 * A simple, causal per-channel anomaly detector that stands in for the anomaly model (issue 4) in the root-cause
 * evaluation. For every machine it keeps its own readings of the last `baselineMs` that are at least `gapMs` old
 * (the baseline), and scores each new reading per channel by how far it lies outside the range the baseline
 * covered, in robust units:
 *   z = max(0, x - q_hi, q_lo - x) / scale,  q_lo/q_hi = the `tail` and 1 - `tail` quantiles of the baseline,
 *   scale = max(1.4826 * MAD, (q_hi - q_lo) / 6, `minScaleFraction` * |median|, 1e-3).
 * Ranges are conditioned on the operating point: the baseline is split into `loadBins` bins by the machine's
 * power (its load proxy), and a channel's reading is compared with the readings of the same bin (the `power`
 * channel itself with the whole baseline). So a mill's coolant pressure is judged against other cutting periods,
 * not against set-ups, and normal bimodal operation (jobs and set-ups, loading and unloading) stays quiet.
 * A reading is anomalous when its largest z exceeds `threshold`; an event starts when `debounce` of the last
 * `window` readings are anomalous (isolated spikes count, as an electrical fault makes them) and ends when none
 * of them is. The event's feature contributions are the largest z per channel over those anomalous readings.
 * Only earlier readings of the same machine are used: nothing from the future, nothing from the ground truth.
 */
export interface DetectorOptions {
  baselineMs: number;
  gapMs: number;
  /** Readings needed in the baseline (and in a load bin) before scoring with it. */
  minBaseline: number;
  threshold: number;
  /** Anomalous readings among the last `window` that start an event. */
  debounce: number;
  window: number;
  minScaleFraction: number;
  /** Share of the baseline left out at each end when taking its range. */
  tail: number;
  loadBins: number;
  /** Channel whose level sets the load bin. */
  loadChannel: string;
  /** Recompute the ranges every this many readings (a cheaper, still causal, baseline). */
  refreshEvery: number;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  baselineMs: 45 * 60_000,
  gapMs: 15 * 60_000,
  minBaseline: 60,
  threshold: 3,
  debounce: 3,
  window: 10,
  minScaleFraction: 0.01,
  tail: 0.005,
  loadBins: 3,
  loadChannel: 'power',
  refreshEvery: 6,
};

export interface DetectedEvent {
  eventId: string;
  machineId: string;
  timestampMs: number;
  contributions: Record<string, number>;
}

interface Range {
  lo: number;
  hi: number;
  scale: number;
}

interface Model {
  /** Upper power bound of each bin but the last. */
  cuts: number[];
  /** channel -> per-bin range (undefined: too few readings in that bin, use the whole baseline). */
  binned: Map<string, Array<Range | undefined>>;
  overall: Map<string, Range>;
}

interface MachineState {
  rows: Array<{ t: number; values: Record<string, number> }>;
  model: Model | undefined;
  sinceRefresh: number;
  /** The last `window` readings' z-scores; undefined for a normal reading. */
  recent: Array<Record<string, number> | undefined>;
  inEvent: boolean;
  events: number;
}

function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;
}

export class RobustZDetector {
  private readonly machines = new Map<string, MachineState>();

  constructor(private readonly options: DetectorOptions = DEFAULT_DETECTOR_OPTIONS) {}

  /** Scores one reading; returns the event it starts, if any. */
  observe(
    machineId: string,
    timestampMs: number,
    readings: Record<string, number>,
  ): DetectedEvent | undefined {
    const o = this.options;
    let m = this.machines.get(machineId);
    if (!m) {
      m = { rows: [], model: undefined, sinceRefresh: o.refreshEvery, recent: [], inEvent: false, events: 0 };
      this.machines.set(machineId, m);
    }
    if (++m.sinceRefresh >= o.refreshEvery) {
      m.sinceRefresh = 0;
      m.model = this.fit(m, timestampMs);
    }
    const z: Record<string, number> = {};
    let maxZ = 0;
    if (m.model) {
      const bin = this.binOf(m.model, readings[o.loadChannel]);
      for (const [channel, value] of Object.entries(readings)) {
        const range =
          (channel === o.loadChannel ? undefined : m.model.binned.get(channel)?.[bin]) ??
          m.model.overall.get(channel);
        if (!range) continue;
        const score = Math.max(0, value - range.hi, range.lo - value) / range.scale;
        z[channel] = score;
        if (score > maxZ) maxZ = score;
      }
    }
    m.rows.push({ t: timestampMs, values: readings });
    m.recent.push(maxZ > o.threshold ? z : undefined);
    if (m.recent.length > o.window) m.recent.shift();
    const anomalous = m.recent.filter((r): r is Record<string, number> => r !== undefined);
    if (anomalous.length === 0) m.inEvent = false;
    if (m.inEvent || anomalous.length < o.debounce) return undefined;
    m.inEvent = true;
    m.events += 1;
    const contributions: Record<string, number> = {};
    for (const scores of anomalous) {
      for (const [channel, s] of Object.entries(scores))
        contributions[channel] = Math.max(contributions[channel] ?? 0, s);
    }
    return { eventId: `${machineId}-evt-${m.events}`, machineId, timestampMs, contributions };
  }

  private binOf(model: Model, load: number | undefined): number {
    if (load === undefined) return 0;
    let bin = 0;
    while (bin < model.cuts.length && load > model.cuts[bin]!) bin++;
    return bin;
  }

  private range(values: number[]): Range {
    const o = this.options;
    // Typed arrays sort numerically without a comparator callback: this is the evaluation's hot spot.
    const sorted = Float64Array.from(values).sort();
    const med = quantile(sorted, 0.5);
    const deviations = sorted.map((v) => Math.abs(v - med)).sort();
    const mad = quantile(deviations, 0.5);
    const lo = quantile(sorted, o.tail);
    const hi = quantile(sorted, 1 - o.tail);
    return { lo, hi, scale: Math.max(1.4826 * mad, (hi - lo) / 6, o.minScaleFraction * Math.abs(med), 1e-3) };
  }

  private fit(m: MachineState, now: number): Model | undefined {
    const o = this.options;
    let drop = 0;
    while (drop < m.rows.length && m.rows[drop]!.t < now - o.gapMs - o.baselineMs) drop++;
    if (drop > 0) m.rows.splice(0, drop);
    let end = 0;
    while (end < m.rows.length && m.rows[end]!.t <= now - o.gapMs) end++;
    if (end < o.minBaseline) return undefined;
    const rows = m.rows.slice(0, end);
    const loads = rows.map((r) => r.values[o.loadChannel]).filter((v): v is number => v !== undefined);
    const sortedLoads = [...loads].sort((a, b) => a - b);
    const cuts = Array.from({ length: o.loadBins - 1 }, (_, i) =>
      quantile(sortedLoads, (i + 1) / o.loadBins),
    );
    const model: Model = { cuts, binned: new Map(), overall: new Map() };
    const channels = new Set(rows.flatMap((r) => Object.keys(r.values)));
    for (const channel of channels) {
      const all: number[] = [];
      const perBin: number[][] = Array.from({ length: o.loadBins }, () => []);
      for (const r of rows) {
        const v = r.values[channel];
        if (v === undefined) continue;
        all.push(v);
        perBin[this.binOf(model, r.values[o.loadChannel])]!.push(v);
      }
      if (all.length < o.minBaseline) continue;
      model.overall.set(channel, this.range(all));
      model.binned.set(
        channel,
        perBin.map((values) =>
          values.length >= o.minBaseline / o.loadBins ? this.range(values) : undefined,
        ),
      );
    }
    return model;
  }
}
