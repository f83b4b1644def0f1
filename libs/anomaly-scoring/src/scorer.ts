import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from '@industrialmind/errors';
import type { OnnxModel } from '@industrialmind/model-runtime';
import type { AnomalyModelMetadata } from './metadata';
import { quantileSorted, robustFit } from './stats';

/** One reading of one machine, in arrival order. */
export interface ScoringInput {
  machineId: string;
  /** Channel values. Channels the model does not use are ignored; a missing one repeats its last value. */
  values: Readonly<Record<string, number>>;
  readingId?: string;
  timestampMs?: number;
}

export type AnomalyEventState = 'started' | 'continuing' | 'ended';

/** What the scorer says about one reading. */
export interface ScoringResult {
  machineId: string;
  readingId: string | undefined;
  timestampMs: number | undefined;
  /** `calibrating` until the machine's first `cold_start.readings` readings are in (no score yet). */
  status: 'calibrating' | 'scored';
  calibration: { seen: number; needed: number };
  /** Model score of the window ending at this reading (higher is more anomalous). */
  score: number | null;
  /** Exponential moving average of the score: what is compared with the threshold. */
  smoothedScore: number | null;
  threshold: number | null;
  /** After the persistence policy: on_count readings over the threshold start an event, off_count under end it. */
  isAnomaly: boolean;
  /** 0-1: how far the smoothed score is from the threshold, |r - 1| / max(r, 1) with r = smoothed / threshold. */
  confidence: number;
  /** Each channel's share of `score` (they sum to it); 0 for channels the model weighs 0. */
  contributions: Record<string, number>;
  /** Set on the readings that start, continue (every `continuingEvery`-th) or end an anomaly event. */
  event: { id: string; state: AnomalyEventState } | undefined;
  modelVersion: string;
}

/** The stateless result for a whole window (`scoreWindow`). */
export interface WindowResult {
  score: number;
  threshold: number;
  isAnomaly: boolean;
  confidence: number;
  contributions: Record<string, number>;
  modelVersion: string;
}

export interface ScorerOptions {
  /** Windows per ONNX run. Default 512. */
  maxBatch?: number;
  /** While an event lasts, every n-th anomalous reading is marked `continuing`. Default 10. */
  continuingEvery?: number;
}

export interface AnomalyModelHandle {
  metadata: AnomalyModelMetadata;
  onnx: Pick<OnnxModel, 'run'>;
}

/**
 * Scores readings of many machines with one model. Per machine it keeps a cold-start buffer, the
 * normalisation and threshold fitted on that machine's first readings, the last `window` normalised readings
 * and the smoothing/persistence state. Calls are serialised (order per machine is what makes it causal); the
 * windows of one call go to the ONNX session in batches.
 */
export interface AnomalyScorer {
  readonly metadata: AnomalyModelMetadata;
  score(inputs: readonly ScoringInput[]): Promise<ScoringResult[]>;
  /**
   * Scores one whole window (oldest first, at least `input.window` readings; the last `window` are used) with
   * the machine's normalisation and threshold, without touching its state. CONFLICT while it is calibrating.
   */
  scoreWindow(machineId: string, rows: readonly Readonly<Record<string, number>>[]): Promise<WindowResult>;
  /** Machines seen and how many have finished their cold start. */
  stats(): { machines: number; calibrated: number };
  /** Raw recent readings per machine, for a successor model with the same channels to recalibrate from. */
  histories(): Map<string, Float64Array[]>;
}

class MachineState {
  /**
   * Raw (forward-filled) readings: during the cold start, all of them; afterwards a ring of the last `needed`,
   * oldest at `historyHead` (kept for a successor model to recalibrate from).
   */
  history: Float64Array[] = [];
  historyHead = 0;
  seen = 0;
  readonly last: Float64Array;
  readonly known: Uint8Array;
  center: Float64Array | undefined;
  scale: Float64Array | undefined;
  threshold: number | undefined;
  /** Set when the cold start is complete (the fit itself happens later in the same call). */
  isFitted = false;
  readonly ring: Float32Array;
  head = 0;
  ema = 0;
  isActive = false;
  run = 0;
  /** Highest smoothed score of the current event; after it, decaying (the policy's peak-relative release). */
  peak = 0;
  eventId: string | undefined;
  activeCount = 0;
  /** Resampling (models with `sample_period_ms`): the open period and the sums of its readings. */
  period: number | undefined;
  periodSums: Float64Array;
  periodCounts: Uint32Array;
  lastResult: ScoringResult | undefined;

  constructor(channels: number, window: number) {
    this.last = new Float64Array(channels);
    this.known = new Uint8Array(channels);
    this.ring = new Float32Array(channels * window);
    this.periodSums = new Float64Array(channels);
    this.periodCounts = new Uint32Array(channels);
  }
}

type Job =
  | { kind: 'calibrating'; state: MachineState; input: ScoringInput; seen: number }
  /** A reading inside a sample period that is still open: it repeats the machine's latest result. */
  | { kind: 'pending'; state: MachineState; input: ScoringInput }
  | {
      kind: 'calibrate';
      seq: number;
      state: MachineState;
      input: ScoringInput;
      rows: Float64Array[];
      offset: number;
      count: number;
    }
  | {
      kind: 'score';
      seq: number;
      state: MachineState;
      input: ScoringInput;
      row: Float64Array;
      offset: number;
    };

export function createAnomalyScorer(
  model: AnomalyModelHandle,
  options: ScorerOptions = {},
  previous?: Map<string, Float64Array[]>,
): AnomalyScorer {
  const meta = model.metadata;
  const channels = meta.channels;
  const C = channels.length;
  const W = meta.input.window;
  const needed = meta.cold_start.readings;
  const clip = meta.normalisation.clip;
  const maxBatch = options.maxBatch ?? 512;
  const continuingEvery = options.continuingEvery ?? 10;
  // Models trained on a fixed sample rate (the simulator's: 1 reading/s) see one row per period: faster streams
  // are averaged per period first, so a window spans the time it spanned in training.
  const periodMs = meta.sample_period_ms;
  const machines = new Map<string, MachineState>();
  let scratch = new Float32Array(0);

  if (previous) {
    for (const [machineId, history] of previous) {
      if (history.length === 0 || history[0]!.length !== C) continue;
      const state = new MachineState(C, W);
      state.history = history.slice(-needed);
      state.seen = state.history.length;
      const lastRow = state.history[state.history.length - 1]!;
      state.last.set(lastRow);
      state.known.fill(1);
      machines.set(machineId, state);
    }
  }

  function stateOf(machineId: string): MachineState {
    let state = machines.get(machineId);
    if (!state) {
      state = new MachineState(C, W);
      machines.set(machineId, state);
    }
    return state;
  }

  function forwardFill(state: MachineState, values: Readonly<Record<string, number>>): Float64Array {
    const row = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      const v = values[channels[c]!];
      if (typeof v === 'number' && Number.isFinite(v)) {
        state.last[c] = v;
        state.known[c] = 1;
      }
      // A channel never seen yet takes the first value that arrives later; until then 0 (fixed at calibration).
      row[c] = state.last[c]!;
    }
    return row;
  }

  function addToPeriod(state: MachineState, values: Readonly<Record<string, number>>): void {
    for (let c = 0; c < C; c++) {
      const v = values[channels[c]!];
      if (typeof v === 'number' && Number.isFinite(v)) {
        state.periodSums[c]! += v;
        state.periodCounts[c]!++;
      }
    }
  }

  /** The open period's per-channel means (channels without a reading are left out), and a fresh period. */
  function closePeriod(state: MachineState): Record<string, number> {
    const means: Record<string, number> = {};
    for (let c = 0; c < C; c++) {
      if (state.periodCounts[c]! > 0) means[channels[c]!] = state.periodSums[c]! / state.periodCounts[c]!;
      state.periodSums[c] = 0;
      state.periodCounts[c] = 0;
    }
    return means;
  }

  function pushNormalised(state: MachineState, row: Float64Array): void {
    const base = state.head * C;
    for (let c = 0; c < C; c++) {
      const z = (row[c]! - state.center![c]!) / state.scale![c]!;
      state.ring[base + c] = Math.max(-clip, Math.min(clip, z));
    }
    state.head = (state.head + 1) % W;
  }

  /** Copies the machine's window (oldest first) into `out` at window slot `slot`. */
  function copyWindow(state: MachineState, out: Float32Array, slot: number): void {
    const first = state.head; // the oldest row once the ring is full
    const tailRows = W - first;
    out.set(state.ring.subarray(first * C), slot * W * C);
    out.set(state.ring.subarray(0, first * C), slot * W * C + tailRows * C);
  }

  async function runWindows(
    windows: Float32Array,
    count: number,
  ): Promise<{ contributions: Float32Array; scores: Float32Array }> {
    const contributions = new Float32Array(count * C);
    const scores = new Float32Array(count);
    for (let start = 0; start < count; start += maxBatch) {
      const n = Math.min(maxBatch, count - start);
      const out = await model.onnx.run(
        meta.input.name,
        windows.subarray(start * W * C, (start + n) * W * C),
        [n, W, C],
      );
      const contrib = out[meta.outputs.contributions];
      const score = out[meta.outputs.score];
      if (!contrib || !score || contrib.data.length !== n * C || score.data.length !== n)
        throw new AppError(ErrorCode.INTERNAL, 'anomaly model outputs do not match its metadata');
      contributions.set(contrib.data, start * C);
      scores.set(score.data, start);
    }
    return { contributions, scores };
  }

  function contributionRecord(contributions: Float32Array, slot: number): Record<string, number> {
    const record: Record<string, number> = {};
    for (let c = 0; c < C; c++) record[channels[c]!] = contributions[slot * C + c]!;
    return record;
  }

  function confidenceOf(smoothed: number, threshold: number): number {
    const r = smoothed / threshold;
    return Math.min(1, Math.abs(r - 1) / Math.max(r, 1));
  }

  const release = meta.policy.release ?? 0;
  const releaseDecay = meta.policy.release_decay ?? 0;

  /**
   * EMA + on/off persistence + peak-relative release, exactly as industrialmind_trainer/anomaly/scoring.py
   * apply_policy (the same float64 operations in the same order).
   */
  function step(state: MachineState, score: number): void {
    const { ema_alpha: alpha, on_count: onCount, off_count: offCount } = meta.policy;
    state.ema = alpha * score + (1 - alpha) * state.ema;
    state.peak = state.isActive ? Math.max(state.peak, state.ema) : state.peak * releaseDecay;
    const isOver =
      state.ema > (release > 0 ? Math.max(state.threshold!, release * state.peak) : state.threshold!);
    if (isOver !== state.isActive) {
      state.run++;
      if (state.run >= (isOver ? onCount : offCount)) {
        state.isActive = isOver;
        state.run = 0;
        if (isOver) state.peak = Math.max(state.peak, state.ema);
      }
    } else state.run = 0;
  }

  function eventFor(state: MachineState, input: ScoringInput, seq: number): ScoringResult['event'] {
    if (state.isActive && !state.eventId) {
      // Named after the reading that starts it, so a replay of the same readings names the same event.
      const basis = `${input.machineId}\n${input.readingId ?? input.timestampMs ?? `#${seq}`}`;
      state.eventId = `evt-${createHash('sha1').update(basis).digest('hex').slice(0, 32)}`;
      state.activeCount = 1;
      return { id: state.eventId, state: 'started' };
    }
    if (state.isActive && state.eventId) {
      state.activeCount++;
      return state.activeCount % continuingEvery === 0
        ? { id: state.eventId, state: 'continuing' }
        : undefined;
    }
    if (!state.isActive && state.eventId) {
      const id = state.eventId;
      state.eventId = undefined;
      return { id, state: 'ended' };
    }
    return undefined;
  }

  async function scoreNow(inputs: readonly ScoringInput[]): Promise<ScoringResult[]> {
    const jobs: Job[] = [];
    let windowCount = 0;
    for (const input of inputs) {
      const state = stateOf(input.machineId);
      let values = input.values;
      if (periodMs !== undefined && input.timestampMs !== undefined) {
        const period = Math.floor(input.timestampMs / periodMs);
        if (state.period === undefined || period <= state.period) {
          // Same (or, out of order, an earlier) period: add to the open period, repeat the latest result.
          state.period ??= period;
          addToPeriod(state, input.values);
          jobs.push({ kind: 'pending', state, input });
          continue;
        }
        // A new period starts: the open one closes into one row (per-channel means), scored at this reading.
        values = closePeriod(state);
        state.period = period;
        addToPeriod(state, input.values);
      }
      const row = forwardFill(state, values);
      state.seen++;
      if (state.isFitted) {
        // Copied into the ring's own row: a new row per reading would live `needed` readings, be promoted and
        // make every scavenge slower (GC pauses were the REST latency tail).
        state.history[state.historyHead]!.set(row);
        state.historyHead = (state.historyHead + 1) % needed;
        jobs.push({ kind: 'score', seq: state.seen, state, input, row, offset: windowCount });
        windowCount += 1;
        continue;
      }
      state.history.push(row);
      if (state.history.length < needed) {
        jobs.push({ kind: 'calibrating', state, input, seen: state.history.length });
        continue;
      }
      // A successor model recalibrates from up to `needed` earlier readings: use the last `needed`.
      if (state.history.length > needed) state.history.splice(0, state.history.length - needed);
      state.isFitted = true;
      state.historyHead = 0;
      // The job keeps these rows; the ring gets copies, which later readings overwrite in place.
      const rows = state.history;
      state.history = rows.map((r) => r.slice());
      jobs.push({
        kind: 'calibrate',
        seq: state.seen,
        state,
        input,
        rows,
        offset: windowCount,
        count: needed - W + 1,
      });
      windowCount += needed - W + 1;
    }
    if (scratch.length < windowCount * W * C) scratch = new Float32Array(windowCount * W * C);
    // Reused between calls (calls are serialised and the ONNX run has finished before the next call starts).
    const windows = scratch.subarray(0, windowCount * W * C);
    for (const job of jobs) {
      const state = job.state;
      if (job.kind === 'calibrate') {
        const fit = robustFit(job.rows, C);
        state.center = fit.center;
        state.scale = fit.scale;
        state.head = 0;
        job.rows.forEach((row, i) => {
          pushNormalised(state, row);
          if (i >= W - 1) copyWindow(state, windows, job.offset + i - (W - 1));
        });
      } else if (job.kind === 'score') {
        // Rows are pushed in input order, so a machine's later reading in the same call sees this one.
        pushNormalised(state, job.row);
        copyWindow(state, windows, job.offset);
      }
    }
    const { contributions, scores } =
      windowCount > 0
        ? await runWindows(windows, windowCount)
        : { contributions: new Float32Array(0), scores: new Float32Array(0) };

    // Results are built with one fixed shape (no spreads): this loop runs once per reading, and object spread
    // with optional keys made it the scorer's hottest spot.
    const resultOf = (job: Job): ScoringResult => {
      const { state, input } = job;
      if (job.kind === 'pending') {
        const last = state.lastResult;
        if (!last || last.status === 'calibrating')
          return {
            machineId: input.machineId,
            readingId: input.readingId,
            timestampMs: input.timestampMs,
            status: 'calibrating',
            calibration: { seen: state.history.length, needed },
            score: null,
            smoothedScore: null,
            threshold: null,
            isAnomaly: false,
            confidence: 0,
            contributions: {},
            event: undefined,
            modelVersion: meta.model_version,
          };
        return { ...last, readingId: input.readingId, timestampMs: input.timestampMs, event: undefined };
      }
      if (job.kind === 'calibrating')
        return {
          machineId: input.machineId,
          readingId: input.readingId,
          timestampMs: input.timestampMs,
          status: 'calibrating',
          calibration: { seen: job.seen, needed },
          score: null,
          smoothedScore: null,
          threshold: null,
          isAnomaly: false,
          confidence: 0,
          contributions: {},
          event: undefined,
          modelVersion: meta.model_version,
        };
      let slot: number;
      if (job.kind === 'calibrate') {
        const cal = Array.from(scores.subarray(job.offset, job.offset + job.count)).sort((a, b) => a - b);
        state.threshold = Math.max(
          meta.threshold.factor * quantileSorted(cal, meta.threshold.quantile),
          1e-9,
        );
        state.ema = scores[job.offset]!;
        state.isActive = false;
        state.run = 0;
        state.peak = 0;
        for (let i = 0; i < job.count - 1; i++) step(state, scores[job.offset + i]!);
        slot = job.offset + job.count - 1;
      } else slot = job.offset;
      const score = scores[slot]!;
      step(state, score);
      return {
        machineId: input.machineId,
        readingId: input.readingId,
        timestampMs: input.timestampMs,
        status: 'scored',
        calibration: { seen: needed, needed },
        score,
        smoothedScore: state.ema,
        threshold: state.threshold!,
        isAnomaly: state.isActive,
        confidence: confidenceOf(state.ema, state.threshold!),
        contributions: contributionRecord(contributions, slot),
        event: eventFor(state, input, job.seq),
        modelVersion: meta.model_version,
      };
    };
    return jobs.map((job): ScoringResult => {
      const result = resultOf(job);
      // Only a resampling model repeats the last result (pending readings); keeping it otherwise would hold
      // every machine's last result (and promote it) for nothing.
      if (job.kind !== 'pending' && periodMs !== undefined) job.state.lastResult = result;
      return result;
    });
  }

  // Calls run one at a time, in arrival order (per-machine order is what makes scoring causal). Score calls
  // that arrive while one is running are merged into a single call, so concurrent REST requests share ONNX
  // runs instead of queueing one session.run each.
  type Queued =
    | {
        kind: 'score';
        inputs: readonly ScoringInput[];
        resolve: (r: ScoringResult[]) => void;
        reject: (e: unknown) => void;
      }
    | { kind: 'task'; run: () => Promise<void> };
  let queue: Queued[] = [];
  let isDraining = false;

  async function drain(): Promise<void> {
    isDraining = true;
    while (queue.length > 0) {
      const first = queue[0]!;
      if (first.kind === 'task') {
        queue.shift();
        await first.run();
        continue;
      }
      let end = 0;
      while (end < queue.length && queue[end]!.kind === 'score') end++;
      const calls = queue.slice(0, end) as Extract<Queued, { kind: 'score' }>[];
      queue = queue.slice(end);
      try {
        const results = await scoreNow(
          calls.length === 1 ? calls[0]!.inputs : calls.flatMap((c) => c.inputs),
        );
        let offset = 0;
        for (const call of calls) {
          call.resolve(calls.length === 1 ? results : results.slice(offset, offset + call.inputs.length));
          offset += call.inputs.length;
        }
      } catch (err) {
        for (const call of calls) call.reject(err);
      }
    }
    isDraining = false;
  }

  function enqueue(item: Queued): void {
    queue.push(item);
    if (!isDraining) void drain();
  }

  function serialised<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      enqueue({ kind: 'task', run: () => work().then(resolve, reject) }),
    );
  }

  return {
    metadata: meta,
    score: (inputs) =>
      new Promise<ScoringResult[]>((resolve, reject) => enqueue({ kind: 'score', inputs, resolve, reject })),
    scoreWindow: (machineId, rows) =>
      serialised(async () => {
        const state = machines.get(machineId);
        if (!state || state.center === undefined || state.threshold === undefined)
          throw new AppError(ErrorCode.CONFLICT, 'machine has not finished its cold start', {
            details: { machine_id: machineId, seen: state?.seen ?? 0, needed },
          });
        if (rows.length < W)
          throw new AppError(ErrorCode.VALIDATION_FAILED, `window needs at least ${W} readings`, {
            details: [{ path: 'window', message: `must have at least ${W} readings, got ${rows.length}` }],
          });
        const window = new Float32Array(W * C);
        const last = Float64Array.from(state.center);
        rows.slice(-W).forEach((values, i) => {
          for (let c = 0; c < C; c++) {
            const v = values[channels[c]!];
            if (typeof v === 'number' && Number.isFinite(v)) last[c] = v;
            const z = (last[c]! - state.center![c]!) / state.scale![c]!;
            window[i * C + c] = Math.max(-clip, Math.min(clip, z));
          }
        });
        const { contributions, scores } = await runWindows(window, 1);
        const score = scores[0]!;
        return {
          score,
          threshold: state.threshold,
          isAnomaly: score > state.threshold,
          confidence: confidenceOf(score, state.threshold),
          contributions: contributionRecord(contributions, 0),
          modelVersion: meta.model_version,
        };
      }),
    stats() {
      let calibrated = 0;
      for (const s of machines.values()) if (s.isFitted) calibrated++;
      return { machines: machines.size, calibrated };
    },
    histories() {
      const out = new Map<string, Float64Array[]>();
      for (const [id, s] of machines)
        out.set(
          id,
          // Copies: this scorer's ring rows are overwritten in place.
          [...s.history.slice(s.historyHead), ...s.history.slice(0, s.historyHead)].map((r) => r.slice()),
        );
      return out;
    },
  };
}
