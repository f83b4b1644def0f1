import type { ConfidenceInterval, Priority, RulUnit } from '@industrialmind/contracts';
import type { HistoryInputs, RulModel } from './model';
import { decideAction } from './policy';
import { buildWindow } from './window';

/** A forecast ready for `maintenance-predictions` or a `POST /forecast` answer. */
export interface RulForecast {
  predicted_rul: number;
  rul_unit: RulUnit;
  confidence_interval: ConfidenceInterval;
  recommended_action: string;
  priority: Priority;
  model_version: string;
}

/** Channel values in the model's order; `missing` names the channels absent (or not finite) in `readings`. */
export function toVector(
  readings: Readonly<Record<string, number>>,
  channels: readonly string[],
  fallback?: ArrayLike<number>,
): { values: Float64Array; missing: string[] } {
  const values = new Float64Array(channels.length);
  const missing: string[] = [];
  channels.forEach((name, i) => {
    const v = readings[name];
    if (typeof v === 'number' && Number.isFinite(v)) values[i] = v;
    // A channel that dropped out of one reading keeps its last value (sensor dropouts are routine).
    else if (fallback !== undefined) values[i] = fallback[i]!;
    else missing.push(name);
  });
  return { values, missing };
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

type Rows = ReadonlyArray<ArrayLike<number>>;

/**
 * What is known of one machine: its most recent readings (at least the model's window), its first readings (at
 * least the `start_readings` of a model with history inputs) and how many readings it has had since its first.
 * A plain list of readings is a machine's whole history, first reading first.
 */
export interface MachineHistory {
  recent: Rows;
  start: Rows;
  count: number;
}

function asHistory(entry: MachineHistory | Rows): MachineHistory {
  return 'recent' in entry ? entry : { recent: entry, start: entry, count: entry.length };
}

/** Runs one batch of machines' histories (readings in channel order) through a model. */
export async function forecastBatch(
  model: RulModel,
  histories: ReadonlyArray<MachineHistory | Rows>,
): Promise<RulForecast[]> {
  const { window, channels, rul_unit, interval_level, model_version, history: spec } = model.metadata;
  const width = window * channels.length;
  const input = new Float32Array(histories.length * width);
  const machines = histories.map(asHistory);
  machines.forEach((m, i) => input.set(buildWindow(m.recent, window, channels.length), i * width));
  let extra: HistoryInputs | undefined;
  if (spec !== undefined) {
    const n = spec.start_readings;
    const startWidth = n * channels.length;
    extra = { start: new Float32Array(machines.length * startWidth), age: new Float32Array(machines.length) };
    machines.forEach((m, i) => {
      // The first n readings, padded at the front by the very first one when fewer were seen (data.pack_history).
      extra!.start.set(buildWindow(m.start.slice(0, n), n, channels.length), i * startWidth);
      extra!.age[i] = Math.max(m.count, 1);
    });
  }
  const estimates = await model.predict(input, histories.length, extra);
  return estimates.map((e) => {
    const predicted = round2(e.predicted);
    // Round outwards so rounding never moves the point outside its interval.
    const lower = Math.min(Math.floor(e.lower * 100) / 100, predicted);
    const upper = Math.max(Math.ceil(e.upper * 100) / 100, predicted);
    return {
      predicted_rul: predicted,
      rul_unit,
      confidence_interval: { lower, upper, level: interval_level },
      ...decideAction(lower, predicted, rul_unit),
      model_version,
    };
  });
}
