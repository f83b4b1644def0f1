// Pure mappings from the simulation's objects to the REST wire shapes (snake_case, ISO times), and the path rule
// for replays. No I/O here.
import { isAbsolute, relative, resolve } from 'node:path';
import { AppError, ErrorCode } from '@industrialmind/errors';
import type { FaultInfo, Fleet, MachineSnapshot } from '@industrialmind/simulation';
import type { FleetRunnerStats, ReplayProgress } from '@industrialmind/simulation/runtime';

export interface MachineView {
  machine_id: string;
  machine_type: string;
  plant: string;
  line: string;
  location: string;
  status: string;
  health: number;
  rul_hours: number;
  load: number;
  readings: number;
  active_faults: number;
  last_timestamp: string | null;
}

export function toMachineView(m: MachineSnapshot): MachineView {
  return {
    machine_id: m.machineId,
    machine_type: m.machineType,
    plant: m.plant,
    line: m.line,
    location: m.location,
    status: m.status,
    health: m.health,
    rul_hours: m.rulHours,
    load: m.load,
    readings: m.readings,
    active_faults: m.activeFaults,
    last_timestamp: m.lastTimestampMs === undefined ? null : new Date(m.lastTimestampMs).toISOString(),
  };
}

export interface FleetView {
  size: number;
  seed: number;
  machine_types: Record<string, number>;
  sample_interval_ms: number;
  life_hours: number;
  repair_hours: number | null;
  total: number;
  offset: number;
  limit: number;
  machines: MachineView[];
}

export function toFleetView(fleet: Fleet, page: { offset: number; limit: number }): FleetView {
  const types: Record<string, number> = {};
  for (const m of fleet.machines) types[m.machineType] = (types[m.machineType] ?? 0) + 1;
  return {
    size: fleet.size,
    seed: fleet.options.seed,
    machine_types: types,
    sample_interval_ms: Math.round(fleet.sampleIntervalMs * 1000) / 1000,
    life_hours: fleet.options.lifeHours,
    repair_hours: fleet.options.repairHours,
    total: fleet.size,
    offset: page.offset,
    limit: page.limit,
    machines: fleet
      .snapshot()
      .slice(page.offset, page.offset + page.limit)
      .map(toMachineView),
  };
}

export interface FaultView {
  fault_id: string;
  machine_id: string;
  kind: string;
  shape: string;
  severity: number;
  component: string;
  channel?: string;
  starts_at: string;
  onset_sec: number;
  ends_at: string | null;
  state: string;
  intensity: number;
  ended_reason?: string;
}

export function toFaultView(f: FaultInfo): FaultView {
  return {
    fault_id: f.id,
    machine_id: f.machineId,
    kind: f.kind,
    shape: f.shape,
    severity: f.severity,
    component: f.component,
    ...(f.channel === undefined ? {} : { channel: f.channel }),
    starts_at: new Date(f.startMs).toISOString(),
    onset_sec: f.onsetMs / 1000,
    ends_at: f.endMs === null ? null : new Date(f.endMs).toISOString(),
    state: f.state,
    intensity: f.intensity,
    ...(f.endedReason === undefined ? {} : { ended_reason: f.endedReason }),
  };
}

export interface ReplayView {
  replay_id: string;
  status: 'running' | 'done' | 'aborted' | 'failed';
  dataset: string;
  path: string;
  speed: number | 'max';
  timestamps: 'keep' | 'now';
  started_at: string;
  finished_at: string | null;
  files_total: number;
  files_done: number;
  machines: number;
  readings_published: number;
  lines_skipped: number;
  fraction: number;
  error?: string;
}

export interface ReplayState {
  id: string;
  status: ReplayView['status'];
  dataset: string;
  path: string;
  speed: number | 'max';
  timestamps: 'keep' | 'now';
  startedAtMs: number;
  finishedAtMs: number | undefined;
  progress: ReplayProgress | undefined;
  error: string | undefined;
}

export function toReplayView(s: ReplayState): ReplayView {
  const p = s.progress;
  return {
    replay_id: s.id,
    status: s.status,
    dataset: s.dataset,
    path: s.path,
    speed: s.speed,
    timestamps: s.timestamps,
    started_at: new Date(s.startedAtMs).toISOString(),
    finished_at: s.finishedAtMs === undefined ? null : new Date(s.finishedAtMs).toISOString(),
    files_total: p?.filesTotal ?? 0,
    files_done: p?.filesDone ?? 0,
    machines: p?.machines ?? 0,
    readings_published: p?.readingsPublished ?? 0,
    lines_skipped: p?.linesSkipped ?? 0,
    fraction: Math.round((p?.fraction ?? 0) * 1000) / 1000,
    ...(s.error === undefined ? {} : { error: s.error }),
  };
}

export interface StatusView {
  running: boolean;
  rate_per_sec: number;
  max_rate_per_sec: number;
  fleet_size: number;
  seed: number;
  generated: number;
  readings_published: number;
  ground_truth_published: number;
  pending: number;
  in_flight: number;
  failed_attempts: number;
  abandoned: number;
  lag_ms: number;
  active_faults: number;
  ground_truth: string;
  replay: ReplayView | null;
}

export function toStatusView(
  fleet: Fleet,
  stats: FleetRunnerStats,
  extra: {
    maxRatePerSec: number;
    groundTruth: string;
    activeFaults: number;
    replay: ReplayState | undefined;
  },
): StatusView {
  return {
    running: stats.isRunning,
    rate_per_sec: stats.ratePerSec,
    max_rate_per_sec: extra.maxRatePerSec,
    fleet_size: fleet.size,
    seed: fleet.options.seed,
    generated: stats.generated,
    readings_published: stats.readingsWritten,
    ground_truth_published: stats.groundTruthWritten,
    pending: stats.pending,
    in_flight: stats.inFlight,
    failed_attempts: stats.failedAttempts,
    abandoned: stats.abandoned,
    lag_ms: Math.round(stats.lagMs),
    active_faults: extra.activeFaults,
    ground_truth: extra.groundTruth,
    replay: extra.replay === undefined ? null : toReplayView(extra.replay),
  };
}

/**
 * A path from a request, resolved inside `root`. A client may name any file under the configured data-set folder
 * and nothing outside it (`..`, absolute paths): the REST API must not become a way to read the server's disk.
 */
export function resolveInside(root: string, requested: string, field: string): string {
  const base = resolve(root);
  const target = resolve(base, requested);
  const rel = relative(base, target);
  if (isAbsolute(requested) || rel.startsWith('..') || isAbsolute(rel)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, `${field} must stay inside the data-set folder`, {
      details: [{ location: 'body', path: field, message: 'must be a path inside the data-set folder' }],
    });
  }
  return target;
}
