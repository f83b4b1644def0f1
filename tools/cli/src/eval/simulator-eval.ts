import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AnomalyScorer, ScoringInput } from '@industrialmind/anomaly-scoring';
import { metrics, type Confusion } from './skab-eval';

/** Event-level results of the simulator's fault scenarios. */
export interface ScenarioSummary extends Confusion {
  machines: number;
  /** Machines whose type has no model (not scored). */
  unscoredMachines: string[];
  machineDays: number;
  faultEpisodes: number;
  detectedEpisodes: number;
  /** detected / episodes */
  eventRecall: number;
  /** Median seconds from fault start to the first anomalous reading, over detected episodes. */
  medianDelaySec: number | null;
  /** Events started while no fault was active, outside the `graceSec` after a fault ended. */
  falseAlarms: number;
  falseAlarmsPerMachineDay: number;
  f1: number;
  far: number;
  mar: number;
}

interface Row {
  readingId: string;
  machineType: string;
  timestampMs: number;
  values: Record<string, number>;
}

async function* jsonLines(path: string): AsyncGenerator<Record<string, unknown>> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield JSON.parse(line) as Record<string, unknown>;
}

export interface ScenarioOptions {
  /** Folder with readings.jsonl and truth.jsonl (`industrialmind simulate --out ... --truth ...`). */
  dir: string;
  outFile: string;
  /** A scorer for a machine type, or undefined when no model serves it. */
  scorerFor(machineType: string): AnomalyScorer | undefined;
  /** After a fault ends, events starting within this many seconds are not false alarms (effects linger). */
  graceSec?: number;
}

/**
 * Scores every machine of a recorded simulator run in time order (readings only; the ground truth is read
 * afterwards, to count): event recall over fault episodes, median detection delay, false alarms per
 * machine-day, and point-wise F1/FAR/MAR over the readings scored after each machine's cold start.
 */
export async function evaluateScenarios(options: ScenarioOptions): Promise<ScenarioSummary> {
  const graceMs = (options.graceSec ?? 600) * 1000;
  const perMachine = new Map<string, Row[]>();
  for await (const r of jsonLines(join(options.dir, 'readings.jsonl'))) {
    const machineId = String(r.machine_id);
    const rows = perMachine.get(machineId) ?? [];
    rows.push({
      readingId: String(r.reading_id),
      machineType: String(r.machine_type),
      timestampMs: Date.parse(String(r.timestamp)),
      values: r.readings as Record<string, number>,
    });
    perMachine.set(machineId, rows);
  }
  // Scores first: nothing of the ground truth is loaded yet.
  const flags = new Map<
    string,
    { isAnomaly: boolean; isScored: boolean; smoothed: number | null; started: boolean }[]
  >();
  const unscored: string[] = [];
  const out = createWriteStream(options.outFile);
  out.write('file,row,datetime,score,anomaly\n');
  for (const [machineId, rows] of perMachine) {
    const scorer = options.scorerFor(rows[0]!.machineType);
    if (!scorer) {
      unscored.push(machineId);
      continue;
    }
    const results: { isAnomaly: boolean; isScored: boolean; smoothed: number | null; started: boolean }[] =
      [];
    for (let start = 0; start < rows.length; start += 4096) {
      const inputs: ScoringInput[] = rows
        .slice(start, start + 4096)
        .map((r) => ({ machineId, values: r.values, readingId: r.readingId, timestampMs: r.timestampMs }));
      const scored = await scorer.score(inputs);
      const lines: string[] = [];
      scored.forEach((s, j) => {
        results.push({
          isAnomaly: s.isAnomaly,
          isScored: s.status === 'scored',
          smoothed: s.smoothedScore,
          started: s.event?.state === 'started',
        });
        if (s.status === 'scored') {
          const row = start + j;
          lines.push(
            `${machineId},${row},${new Date(rows[row]!.timestampMs).toISOString()},${s.smoothedScore},${s.isAnomaly ? 1 : 0}\n`,
          );
        }
      });
      out.write(lines.join(''));
    }
    flags.set(machineId, results);
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );

  const faulty = new Map<string, string | null>();
  for await (const t of jsonLines(join(options.dir, 'truth.jsonl'))) {
    const active = (t.active_faults as { fault_id: string }[] | undefined) ?? [];
    faulty.set(String(t.reading_id), active.length > 0 ? active.map((f) => f.fault_id).join('+') : null);
  }

  const c: Confusion = { tp: 0, fp: 0, fn: 0, tn: 0 };
  let episodes = 0;
  let detected = 0;
  let falseAlarms = 0;
  let scoredMs = 0;
  const delays: number[] = [];
  for (const [machineId, results] of flags) {
    const rows = perMachine.get(machineId)!;
    let episode: { startMs: number; isDetected: boolean } | undefined;
    let lastFaultEndMs = -Infinity;
    let firstScoredMs: number | undefined;
    rows.forEach((row, i) => {
      const r = results[i]!;
      const isFault = faulty.get(row.readingId) != null;
      if (isFault && !episode) {
        episode = { startMs: row.timestampMs, isDetected: false };
        episodes++;
      } else if (!isFault && episode) {
        lastFaultEndMs = row.timestampMs;
        episode = undefined;
      }
      if (!r.isScored) return;
      firstScoredMs ??= row.timestampMs;
      if (r.isAnomaly && isFault) c.tp++;
      else if (r.isAnomaly) c.fp++;
      else if (isFault) c.fn++;
      else c.tn++;
      if (episode && r.isAnomaly && !episode.isDetected) {
        episode.isDetected = true;
        detected++;
        delays.push((row.timestampMs - episode.startMs) / 1000);
      }
      if (r.started && !isFault && row.timestampMs - lastFaultEndMs > graceMs) falseAlarms++;
    });
    if (firstScoredMs !== undefined) scoredMs += rows[rows.length - 1]!.timestampMs - firstScoredMs;
  }
  delays.sort((a, b) => a - b);
  const median =
    delays.length === 0
      ? null
      : delays.length % 2
        ? delays[(delays.length - 1) / 2]!
        : (delays[delays.length / 2 - 1]! + delays[delays.length / 2]!) / 2;
  const machineDays = scoredMs / 86_400_000;
  return {
    ...c,
    ...metrics(c),
    machines: flags.size,
    unscoredMachines: unscored,
    machineDays,
    faultEpisodes: episodes,
    detectedEpisodes: detected,
    eventRecall: episodes === 0 ? 0 : detected / episodes,
    medianDelaySec: median,
    falseAlarms,
    falseAlarmsPerMachineDay: machineDays === 0 ? 0 : falseAlarms / machineDays,
  };
}
