import {
  DEFAULT_ROOT_CAUSE_SETTINGS,
  rankRootCauses,
  reviseDownstream,
  type RootCauseSettings,
} from '@industrialmind/graph-api';
import {
  componentId,
  createMemoryGraphStore,
  createPlantCachedGraphStore,
  generateDemoPlant,
  importPlant,
  type PlantDocument,
} from '@industrialmind/graph-store';
import {
  FAULT_CATALOG,
  PROPAGATING_KINDS,
  createFleet,
  createRandom,
  deriveSeed,
  type FaultKind,
  type MachineInfo,
  type Random,
} from '@industrialmind/simulation';
import {
  DEFAULT_DETECTOR_OPTIONS,
  RobustZDetector,
  type DetectedEvent,
  type DetectorOptions,
} from './detector';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Monday 2024-05-06 08:00 UTC: the day shift runs at full load until the lunch break at 12:00.
const START_MS = Date.parse('2024-05-06T08:00:00Z');
const FAULT_AT_MS = START_MS + 2 * HOUR;
const END_MS = START_MS + 3 * HOUR + 55 * MINUTE;
const LAYOUT = { size: 24, machinesPerLine: 6, linesPerPlant: 4 };
const MACHINE_FAULTS: readonly FaultKind[] = [
  'bearing_wear',
  'cavitation',
  'overheating',
  'pressure_leak',
  'electrical_fault',
];

export interface EvaluationOptions {
  faults: number;
  seed: number;
  /** Share of faults that propagate downstream, 0-1. */
  propagatedShare: number;
  rootCause?: RootCauseSettings;
  detector?: DetectorOptions;
}

export interface TrialResult {
  trial: number;
  kind: FaultKind;
  propagated: boolean;
  /** The ground truth: the faulted component's node id (machine of the root fault + its component). */
  truth: string;
  /** The machine whose anomaly is ranked: the faulted one, or the first downstream one for a propagated fault. */
  targetMachineId: string;
  isDetected: boolean;
  /** 1-based rank of the truth among the candidates; undefined when not detected or not ranked. */
  rank: number | undefined;
  top3: string[];
  /** Anomaly events on the line before the fault started. */
  falsePositives: number;
  detectionDelayMs: number | undefined;
  /** Propagated faults: when the root machine's own first anomaly came, after the fault started. */
  rootDetectionDelayMs: number | undefined;
}

export interface EvaluationSummary {
  faults: number;
  propagated: number;
  detected: number;
  top1: number;
  top3: number;
  /** Over detected faults only. */
  top1Detected: number;
  top3Detected: number;
  byGroup: Record<string, { faults: number; detected: number; top1: number; top3: number }>;
  falsePositiveEvents: number;
}

function pick<T>(rng: Random, items: readonly T[]): T {
  return items[Math.floor(rng.next() * items.length)]!;
}

function kindsFor(machine: MachineInfo, propagating: boolean): FaultKind[] {
  return MACHINE_FAULTS.filter((k) => {
    const types = FAULT_CATALOG[k].machineTypes;
    return (
      (types === undefined || types.includes(machine.machineType)) && (!propagating || PROPAGATING_KINDS[k])
    );
  });
}

/** Runs one simulated fault end to end: simulate, detect, rank every anomaly as graph-api would, score one. */
export async function runTrial(
  trial: number,
  plant: PlantDocument,
  options: EvaluationOptions,
): Promise<TrialResult> {
  const rng = createRandom(deriveSeed(options.seed, 'root-cause-trial', trial));
  const fleet = createFleet({
    ...LAYOUT,
    seed: deriveSeed(options.seed, 'fleet', trial),
    startMs: START_MS,
    sampleIntervalMs: 10_000,
    initialHealth: [0.85, 1],
    lifeHours: 5_000,
  });
  const lines = new Map<string, MachineInfo[]>();
  for (const m of fleet.machines) {
    const key = `${m.plant}/${m.line}`;
    lines.set(key, [...(lines.get(key) ?? []), m]);
  }
  const line = pick(rng, [...lines.values()]);
  const propagated = rng.next() < options.propagatedShare;
  let root: MachineInfo;
  let targets: MachineInfo[] = [];
  if (propagated) {
    // A root with at least one machine downstream on its line and a fault kind that travels.
    const roots = line.slice(0, -1).filter((m) => kindsFor(m, true).length > 0);
    const i = line.indexOf(pick(rng, roots));
    root = line[i]!;
    targets = [line[i + 1]!];
    if (i + 2 < line.length && rng.next() < 0.5) targets.push(line[i + 2]!);
  } else {
    root = pick(rng, line);
  }
  const kind = pick(rng, kindsFor(root, propagated));
  const shape = rng.next() < 0.5 ? 'step' : 'ramp';
  const info = fleet.injectFault({
    machineId: root.machineId,
    kind,
    shape,
    severity: rng.uniform(0.6, 1),
    startMs: FAULT_AT_MS,
    durationMs: 4 * HOUR,
    ...(shape === 'ramp' ? { onsetMs: 15 * MINUTE } : {}),
    ...(propagated
      ? {
          propagateTo: targets.map((t, k) => ({
            machineId: t.machineId,
            delayMs: (k + 1) * MINUTE,
            gain: k === 0 ? 0.8 : 0.6,
          })),
        }
      : {}),
  });
  const truth = componentId(info.machineId, info.component);
  const target = propagated ? targets[0]! : root;

  // Behind the plant cache, as graph-api runs (the import empties it; analyses are always read from the store).
  const store = createPlantCachedGraphStore(createMemoryGraphStore());
  await importPlant(store, plant);
  const detector = new RobustZDetector(options.detector ?? DEFAULT_DETECTOR_OPTIONS);
  const onLine = new Set(line.map((m) => m.machineId));
  const events: DetectedEvent[] = [];
  for (const sample of fleet.generateUntil(END_MS)) {
    const reading = sample.reading;
    if (!reading || !onLine.has(reading.machine_id)) continue;
    const event = detector.observe(reading.machine_id, Date.parse(reading.timestamp), reading.readings);
    if (event) events.push(event);
  }
  const settings = options.rootCause ?? DEFAULT_ROOT_CAUSE_SETTINGS;
  let targetEvent: DetectedEvent | undefined;
  for (const event of events) {
    // As the anomaly-detected consumer does: rank and store, then revise the analyses downstream.
    const result = await rankRootCauses(
      store,
      {
        machineId: event.machineId,
        timestampMs: event.timestampMs,
        contributions: event.contributions,
        eventId: event.eventId,
      },
      settings,
    );
    await store.saveAnalysis({
      id: event.eventId,
      machineId: event.machineId,
      timestampMs: event.timestampMs,
      document: { ...result },
    });
    await reviseDownstream(store, event, settings);
    if (!targetEvent && event.machineId === target.machineId && event.timestampMs >= FAULT_AT_MS) {
      targetEvent = event;
    }
  }
  // Scored: the target anomaly's analysis as stored at the end of the run (what the portal and alerts read).
  let scored: { rank: number | undefined; top3: string[]; at: number } | undefined;
  if (targetEvent) {
    const stored = await store.getAnalysis(targetEvent.eventId);
    const ids = ((stored?.document.candidates ?? []) as Array<{ component_id: string }>).map(
      (c) => c.component_id,
    );
    const index = ids.indexOf(truth);
    scored = { rank: index >= 0 ? index + 1 : undefined, top3: ids.slice(0, 3), at: targetEvent.timestampMs };
  }
  return {
    trial,
    kind,
    propagated,
    truth,
    targetMachineId: target.machineId,
    isDetected: scored !== undefined,
    rank: scored?.rank,
    top3: scored?.top3 ?? [],
    falsePositives: events.filter((e) => e.timestampMs < FAULT_AT_MS).length,
    detectionDelayMs: scored ? scored.at - FAULT_AT_MS : undefined,
    rootDetectionDelayMs: propagated
      ? events.find((e) => e.machineId === root.machineId && e.timestampMs >= FAULT_AT_MS)?.timestampMs !==
        undefined
        ? events.find((e) => e.machineId === root.machineId && e.timestampMs >= FAULT_AT_MS)!.timestampMs -
          FAULT_AT_MS
        : undefined
      : undefined,
  };
}

export function summarise(results: readonly TrialResult[]): EvaluationSummary {
  const share = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 1000);
  const top1 = results.filter((r) => r.rank === 1).length;
  const top3 = results.filter((r) => r.rank !== undefined && r.rank <= 3).length;
  const detected = results.filter((r) => r.isDetected).length;
  const byGroup: EvaluationSummary['byGroup'] = {};
  for (const r of results) {
    for (const key of [
      r.propagated ? 'propagated' : 'local',
      `${r.propagated ? 'propagated' : 'local'}:${r.kind}`,
    ]) {
      const g = (byGroup[key] ??= { faults: 0, detected: 0, top1: 0, top3: 0 });
      g.faults += 1;
      if (r.isDetected) g.detected += 1;
      if (r.rank === 1) g.top1 += 1;
      if (r.rank !== undefined && r.rank <= 3) g.top3 += 1;
    }
  }
  return {
    faults: results.length,
    propagated: results.filter((r) => r.propagated).length,
    detected,
    top1: share(top1, results.length),
    top3: share(top3, results.length),
    top1Detected: share(top1, detected),
    top3Detected: share(top3, detected),
    byGroup,
    falsePositiveEvents: results.reduce((s, r) => s + r.falsePositives, 0),
  };
}

/** Runs `faults` trials (deterministic for a seed) and summarises them. */
export async function evaluate(
  options: EvaluationOptions,
  onTrial?: (result: TrialResult) => void,
): Promise<{ results: TrialResult[]; summary: EvaluationSummary }> {
  const plant = generateDemoPlant(LAYOUT);
  const results: TrialResult[] = [];
  for (let i = 0; i < options.faults; i++) {
    const result = await runTrial(i, plant, options);
    results.push(result);
    onTrial?.(result);
  }
  return { results, summary: summarise(results) };
}
