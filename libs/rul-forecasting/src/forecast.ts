import type { ConfidenceInterval, Priority, RulUnit } from '@industrialmind/contracts';
import type { RulModel } from './model';
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

/** Runs one batch of machines' histories (each 1..n readings in channel order) through a model. */
export async function forecastBatch(
  model: RulModel,
  histories: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>,
): Promise<RulForecast[]> {
  const { window, channels, rul_unit, interval_level, model_version } = model.metadata;
  const width = window * channels.length;
  const input = new Float32Array(histories.length * width);
  histories.forEach((rows, i) => input.set(buildWindow(rows, window, channels.length), i * width));
  const estimates = await model.predict(input, histories.length);
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
