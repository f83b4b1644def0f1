import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { HOUR_MS, createFleet } from '@industrialmind/simulation';

export interface SimulatorRulDataOptions {
  machines: number;
  seed: number;
  /** Minutes between two readings of a machine: the model's time step. */
  sampleMinutes: number;
  /** Stop this long after the start even if machines still run. */
  maxHours: number;
}

export const SIMULATOR_RUL_COLUMNS = [
  'machine_id',
  'machine_type',
  'timestamp_ms',
  'temperature',
  'vibration',
  'pressure',
  'power',
  'rul_hours',
] as const;

/**
 * Runs the simulated fleet (libs/simulation, natural wear only, no repair) from its random initial health until
 * every machine has failed, one reading per machine every `sampleMinutes`, and writes each running reading with
 * its true remaining life as CSV: the training data of `train rul --subset simulator`.
 */
export async function writeSimulatorRulData(file: string, options: SimulatorRulDataOptions): Promise<number> {
  const startMs = Date.UTC(2025, 0, 1);
  const fleet = createFleet({
    size: options.machines,
    seed: options.seed,
    startMs,
    sampleIntervalMs: options.sampleMinutes * 60_000,
    repairHours: null,
  });
  const out = createWriteStream(file);
  out.write(`${SIMULATOR_RUL_COLUMNS.join(',')}\n`);
  let rows = 0;
  const endMs = startMs + options.maxHours * HOUR_MS;
  for (let t = startMs; t < endMs; t += 24 * HOUR_MS) {
    const lines: string[] = [];
    for (const { reading, truth } of fleet.generateUntil(t + 24 * HOUR_MS)) {
      if (!reading || truth.status !== 'running' || truth.rul_hours === undefined) continue;
      const r = reading.readings;
      if ([r.temperature, r.vibration, r.pressure, r.power].some((v) => typeof v !== 'number')) continue;
      lines.push(
        [
          reading.machine_id,
          reading.machine_type,
          Date.parse(reading.timestamp),
          r.temperature,
          r.vibration,
          r.pressure,
          r.power,
          truth.rul_hours.toFixed(3),
        ].join(','),
      );
    }
    rows += lines.length;
    if (lines.length > 0 && !out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
    if (fleet.snapshot().every((m) => m.status === 'failed')) break;
  }
  out.end();
  await once(out, 'finish');
  return rows;
}
