import { toVector } from '@industrialmind/rul-forecasting';

interface MachineState {
  model: string;
  lastMs: number;
  rows: Float64Array[];
  /** The first readings kept, as many as the model's history inputs take (none for a window-only model). */
  start: Float64Array[];
  sinceLast: number;
  count: number;
}

/** What `observe` needs of a model: its metadata's name, channels, window, time step and history inputs. */
export interface StreamModel {
  name: string;
  channels: readonly string[];
  window: number;
  sample_interval_ms?: number;
  history?: { start_readings: number };
}

// Per reading, so computed once per metadata object (a new model version is a new object).
const keys = new WeakMap<StreamModel, string>();
function keyOf(model: StreamModel): string {
  let key = keys.get(model);
  if (key === undefined) {
    key = `${model.name}|${model.window}|${model.history?.start_readings ?? 0}|${model.channels.join(',')}`;
    keys.set(model, key);
  }
  return key;
}

export interface ObserveResult {
  /** A prediction is due now (cadence reached and enough readings seen). */
  due: boolean;
  /** Channels absent from the reading and with no earlier value to carry forward (reading ignored). */
  missing: string[];
  /** The reading came sooner than the model's time step after the last one kept (thinned out). */
  thinned?: boolean;
}

/**
 * The recent readings of every machine, in its model's channel order, and when its next prediction is due.
 * Pure state (no I/O): the consumer and `POST /forecast {machine_id}` share it. A model swap with other channels
 * or window starts the machine afresh. Bounded: the least recently updated machine is dropped beyond `maxMachines`.
 * For a model with history inputs it also keeps the machine's first readings and counts its readings (its age):
 * both start when this process first sees the machine, so they describe its life only if the stream began with
 * the machine's first reading (a replay from the start, or a service that has followed it since).
 */
export class StreamState {
  private readonly machines = new Map<string, MachineState>();

  constructor(private readonly options: { publishEvery: number; minReadings: number; maxMachines: number }) {}

  observe(
    machineId: string,
    readings: Readonly<Record<string, number>>,
    model: StreamModel,
    timestampMs = 0,
  ): ObserveResult {
    const startReadings = model.history?.start_readings ?? 0;
    const key = keyOf(model);
    let state = this.machines.get(machineId);
    if (state && state.model !== key) state = undefined;
    // A model trained on one reading per N minutes sees the stream at that step: keep a reading once N has passed
    // (1 % slack for jitter); readings in between only update nothing.
    if (
      state &&
      model.sample_interval_ms !== undefined &&
      timestampMs - state.lastMs < model.sample_interval_ms * 0.99
    )
      return { due: false, missing: [], thinned: true };
    const previous = state?.rows[state.rows.length - 1];
    const { values, missing } = toVector(readings, model.channels, previous);
    if (missing.length > 0) return { due: false, missing };
    state ??= { model: key, lastMs: timestampMs, rows: [], start: [], sinceLast: 0, count: 0 };
    this.put(machineId, state);
    state.lastMs = timestampMs;
    state.rows.push(values);
    if (state.rows.length > model.window) state.rows.shift();
    if (state.start.length < startReadings) state.start.push(values);
    state.count += 1;
    state.sinceLast += 1;
    const due =
      // Readings in the window, not the machine's count: a machine seeded from its past still needs them.
      state.rows.length >= Math.min(this.options.minReadings, model.window) &&
      state.sinceLast >= this.options.publishEvery;
    if (due) state.sinceLast = 0;
    return { due, missing };
  }

  /** Whether the machine has no state under this model yet (its next reading would start it afresh). */
  isNew(machineId: string, model: StreamModel): boolean {
    return this.machines.get(machineId)?.model !== keyOf(model);
  }

  /**
   * Starts a machine from what is known of its past (`lookupHistory`, from the time-series store): its first
   * readings, in the model's channel order, and how many readings it had before the next one observed. Its window
   * fills from the stream. Ignored for a machine that already has state under this model.
   */
  seed(machineId: string, model: StreamModel, past: { start: Float64Array[]; count: number }): void {
    if (!this.isNew(machineId, model)) return;
    this.put(machineId, {
      model: keyOf(model),
      lastMs: Number.NEGATIVE_INFINITY,
      rows: [],
      start: past.start.slice(0, model.history?.start_readings ?? 0),
      sinceLast: 0,
      count: past.count,
    });
  }

  /** (Re-)inserts a machine last, Map order being least recently updated first; drops the oldest when full. */
  private put(machineId: string, state: MachineState): void {
    if (this.machines.size >= this.options.maxMachines && !this.machines.has(machineId)) {
      this.machines.delete(this.machines.keys().next().value as string);
    }
    this.machines.delete(machineId);
    this.machines.set(machineId, state);
  }

  /**
   * The machine's recent readings (oldest first), if it has any under a model named `model`; its first readings
   * (`start`, for a model with history inputs) and the number of readings seen (`count`).
   */
  history(
    machineId: string,
  ):
    | { model: string; rows: readonly Float64Array[]; start: readonly Float64Array[]; count: number }
    | undefined {
    const state = this.machines.get(machineId);
    return state
      ? { model: state.model.split('|')[0]!, rows: state.rows, start: state.start, count: state.count }
      : undefined;
  }

  get size(): number {
    return this.machines.size;
  }
}
