import { access } from 'node:fs/promises';
import { TOPICS, type MachineTypeRegistry } from '@industrialmind/contracts';
import { AppError, ErrorCode, isAppError } from '@industrialmind/errors';
import type { Logger } from '@industrialmind/logger';
import {
  createFleet,
  type FaultKind,
  type FaultShape,
  type FaultState,
  type Fleet,
  type SimulatorChannel,
  type SimulatorMachineTypeName,
} from '@industrialmind/simulation';
import {
  combineSinks,
  createBusSink,
  createFleetRunner,
  maxRateFor,
  replay,
  type FleetRunner,
  type FleetRunnerEvent,
  type Publisher,
  type ReplayDataset,
  type SampleSink,
} from '@industrialmind/simulation/runtime';
import type { Config } from './config';
import {
  resolveInside,
  toFaultView,
  toFleetView,
  toReplayView,
  toStatusView,
  type FaultView,
  type FleetView,
  type ReplayState,
  type ReplayView,
  type StatusView,
} from './domain/views';
import { LOG_EVENTS } from './log-events';
import type { PublishSource, SimulatorMetrics } from './metrics';

export interface FleetRequest {
  size: number;
  seed?: number | undefined;
  machine_types?: SimulatorMachineTypeName[] | undefined;
  life_hours?: number | undefined;
  repair_hours?: number | null | undefined;
}

export interface FaultRequest {
  machine_id: string;
  kind: FaultKind;
  shape: FaultShape;
  severity: number;
  duration_sec?: number | null | undefined;
  onset_sec?: number | undefined;
  start_in_sec?: number | undefined;
  component?: string | undefined;
  channel?: SimulatorChannel | undefined;
}

export interface ReplayRequest {
  dataset: ReplayDataset;
  path: string;
  speed: number | 'max';
  timestamps: 'keep' | 'now';
  cycle_sec?: number | undefined;
  utc_offset?: string | undefined;
  rul_path?: string | undefined;
  ground_truth: boolean;
}

/** What the REST routes drive. Errors are AppErrors (VALIDATION_FAILED details name the body field). */
export interface SimulatorController {
  fleet(page: { offset: number; limit: number }): FleetView;
  /** Replaces the fleet (faults are dropped); a running fleet is drained, replaced and restarted. */
  resetFleet(request: FleetRequest): Promise<FleetView>;
  start(): StatusView;
  stop(): Promise<StatusView>;
  setRate(readingsPerSec: number): StatusView;
  injectFault(request: FaultRequest): FaultView;
  listFaults(filter: { machine_id?: string | undefined; state?: FaultState | undefined }): FaultView[];
  clearFault(faultId: string): FaultView;
  status(): StatusView;
  startReplay(request: ReplayRequest): Promise<ReplayView>;
  replayStatus(): ReplayView;
  stopReplay(): Promise<ReplayView>;
  /** The fleet behind the runner now (tests, metrics). */
  currentFleet(): Fleet;
  /** Stops the fleet and any replay; closes the ground-truth file. */
  close(): Promise<void>;
}

export interface ControllerDeps {
  config: Pick<Config, 'fleet' | 'runner' | 'groundTruth' | 'replay'>;
  logger: Logger;
  bus: Publisher;
  metrics: SimulatorMetrics;
  /** Where ground truth goes when SIMULATOR_GROUND_TRUTH is file or both. */
  groundTruthFile?: SampleSink | undefined;
  machineTypes?: MachineTypeRegistry;
  /** Topic names; default `sensor-readings` and `simulator-ground-truth` (other names only for isolated tests). */
  topics?: { readings?: string; groundTruth?: string };
  clock?: () => number;
}

const GROUND_TRUTH_ON_BUS = new Set(['topic', 'both']);

/** The bus, timing and counting every publish for /metrics. */
function instrument(bus: Publisher, metrics: SimulatorMetrics, source: PublishSource): Publisher {
  return {
    async publish(topic, messages) {
      const end = metrics.publishDuration.startTimer({ topic, source });
      try {
        await bus.publish(topic, messages);
      } catch (err) {
        metrics.publishFailures.inc({ topic, source });
        throw err;
      }
      end();
      metrics.messagesPublished.inc({ topic, source }, messages.length);
    },
  };
}

function validationError(path: string, message: string): AppError {
  return new AppError(ErrorCode.VALIDATION_FAILED, `${path} ${message}`, {
    details: [{ location: 'body', path, message }],
  });
}

/** Adds `location: 'body'` to the simulation's field problems so they read like validate()'s. */
function asBodyError(err: unknown): unknown {
  if (!isAppError(err) || !Array.isArray(err.details)) return err;
  return new AppError(err.code, err.message, {
    details: (err.details as Array<Record<string, unknown>>).map((d) => ({ location: 'body', ...d })),
    cause: err,
  });
}

/**
 * Owns the fleet, its real-time runner and the current replay. Readings go to `sensor-readings` and ground truth
 * to `simulator-ground-truth` (and/or a JSONL file), both through the instrumented bus.
 */
export function createSimulatorController(deps: ControllerDeps): SimulatorController {
  const { config, logger, metrics } = deps;
  const clock = deps.clock ?? Date.now;
  const log = logger.child({ component: 'simulator' });
  const fleetBus = instrument(deps.bus, metrics, 'fleet');
  const replayBus = instrument(deps.bus, metrics, 'replay');
  const topics = deps.topics ?? {};
  const readingsTopic = topics.readings ?? TOPICS.SENSOR_READINGS;
  const countReadings =
    (source: PublishSource) =>
    (topic: string, _messages: number, _ms: number, records: number): void => {
      if (topic === readingsTopic) metrics.readingsPublished.inc({ source }, records);
    };
  const busSink = createBusSink({
    publisher: fleetBus,
    maxReadingsPerMessage: config.runner.readingsPerMessage,
    batchForm: config.runner.batchForm,
    onPublished: countReadings('fleet'),
    ...(topics.readings === undefined ? {} : { readingsTopic: topics.readings }),
    groundTruthTopic: GROUND_TRUTH_ON_BUS.has(config.groundTruth.mode) ? topics.groundTruth : null,
    ...(deps.machineTypes === undefined ? {} : { machineTypes: deps.machineTypes }),
  });
  const sink =
    deps.groundTruthFile !== undefined &&
    config.groundTruth.mode !== 'topic' &&
    config.groundTruth.mode !== 'off'
      ? combineSinks(busSink, deps.groundTruthFile)
      : busSink;
  let failureCount = 0;

  const onEvent = (event: FleetRunnerEvent): void => {
    if (event.type === 'write-failed') {
      failureCount += 1;
      // The bus being down produces one failure per backoff per batch in flight: log the first and every tenth.
      if (event.attempt === 1 || failureCount % 10 === 0) {
        log.warn(
          {
            err: event.error,
            event: LOG_EVENTS.publishFailed,
            attempt: event.attempt,
            backoff_ms: event.backoffMs,
          },
          'publish failed, retrying',
        );
      }
    } else if (event.type === 'abandoned') {
      metrics.readingsAbandoned.inc(event.samples);
      log.error(
        { err: event.error, event: LOG_EVENTS.publishAbandoned, samples: event.samples },
        'publish abandoned at stop',
      );
    }
  };

  const buildRunner = (fleet: Fleet, ratePerSec: number): FleetRunner =>
    createFleetRunner({
      fleet,
      sink,
      ratePerSec,
      tickMs: config.runner.tickMs,
      maxBatch: config.runner.maxBatch,
      maxInFlight: config.runner.maxInFlight,
      clock,
      onEvent,
    });

  let runner = buildRunner(
    createFleet({
      size: config.fleet.size,
      seed: config.fleet.seed,
      startMs: clock(),
      lifeHours: config.fleet.lifeHours,
      repairHours: config.fleet.repairHours,
      utcOffsetHours: config.fleet.utcOffsetHours,
    }),
    config.runner.ratePerSec,
  );
  let currentReplay: (ReplayState & { abort: AbortController; done: Promise<void> }) | undefined;
  let replayCount = 0;

  const activeFaults = (): number => runner.fleet.faults({ state: 'active' }).length;
  const status = (): StatusView =>
    toStatusView(runner.fleet, runner.stats(), {
      maxRatePerSec: Math.min(config.runner.maxRatePerSec, maxRateFor(runner.fleet)),
      groundTruth: config.groundTruth.mode,
      activeFaults: activeFaults(),
      replay: currentReplay,
    });

  const checkRate = (rate: number, size: number): void => {
    const max = Math.min(config.runner.maxRatePerSec, size * 1000);
    if (!(rate > 0 && rate <= max)) {
      throw validationError(
        'readings_per_sec',
        `must be > 0 and <= ${max} (SIMULATOR_MAX_RATE_PER_SEC, and 1000 per machine for ${size} machines)`,
      );
    }
  };

  return {
    fleet: (page) => toFleetView(runner.fleet, page),

    async resetFleet(request) {
      const rate = runner.stats().ratePerSec;
      checkRate(rate, request.size);
      let fleet: Fleet;
      try {
        fleet = createFleet({
          size: request.size,
          seed: request.seed ?? runner.fleet.options.seed,
          startMs: clock(),
          lifeHours: request.life_hours ?? config.fleet.lifeHours,
          repairHours: request.repair_hours === undefined ? config.fleet.repairHours : request.repair_hours,
          utcOffsetHours: config.fleet.utcOffsetHours,
          ...(request.machine_types === undefined ? {} : { machineTypes: request.machine_types }),
        });
      } catch (err) {
        throw asBodyError(err);
      }
      const wasRunning = runner.stats().isRunning;
      await runner.stop();
      runner = buildRunner(fleet, rate);
      if (wasRunning) runner.start();
      log.info(
        { event: LOG_EVENTS.fleetReset, size: fleet.size, seed: fleet.options.seed, is_running: wasRunning },
        'fleet replaced',
      );
      return toFleetView(fleet, { offset: 0, limit: 1000 });
    },

    start() {
      if (!runner.stats().isRunning) {
        runner.start();
        log.info(
          {
            event: LOG_EVENTS.fleetStarted,
            size: runner.fleet.size,
            rate_per_sec: runner.stats().ratePerSec,
          },
          'fleet started',
        );
      }
      return status();
    },

    async stop() {
      if (runner.stats().isRunning) {
        await runner.stop();
        log.info({ event: LOG_EVENTS.fleetStopped, ...runner.stats() }, 'fleet stopped');
      }
      return status();
    },

    setRate(readingsPerSec) {
      checkRate(readingsPerSec, runner.fleet.size);
      runner.setRate(readingsPerSec);
      log.info({ event: LOG_EVENTS.rateChanged, rate_per_sec: readingsPerSec }, 'rate changed');
      return status();
    },

    injectFault(request) {
      let info;
      try {
        info = runner.fleet.injectFault({
          machineId: request.machine_id,
          kind: request.kind,
          shape: request.shape,
          severity: request.severity,
          startMs: clock() + (request.start_in_sec ?? 0) * 1000,
          durationMs: request.duration_sec == null ? null : request.duration_sec * 1000,
          ...(request.onset_sec === undefined ? {} : { onsetMs: request.onset_sec * 1000 }),
          ...(request.component === undefined ? {} : { component: request.component }),
          ...(request.channel === undefined ? {} : { channel: request.channel }),
        });
      } catch (err) {
        throw asBodyError(err);
      }
      metrics.faultsInjected.inc({ kind: info.kind });
      const view = toFaultView(info);
      log.info(
        { event: LOG_EVENTS.faultInjected, machine_id: info.machineId, fault: view },
        'fault injected',
      );
      return view;
    },

    listFaults: (filter) =>
      runner.fleet
        .faults({
          ...(filter.machine_id === undefined ? {} : { machineId: filter.machine_id }),
          ...(filter.state === undefined ? {} : { state: filter.state }),
        })
        .map(toFaultView),

    clearFault(faultId) {
      const view = toFaultView(runner.fleet.clearFault(faultId));
      log.info(
        { event: LOG_EVENTS.faultCleared, machine_id: view.machine_id, fault_id: faultId },
        'fault cleared',
      );
      return view;
    },

    status,

    async startReplay(request) {
      const root = config.replay.datasetsDir;
      if (root === undefined) {
        throw new AppError(ErrorCode.CONFLICT, 'replay over REST is off: set SIMULATOR_DATASETS_DIR');
      }
      if (currentReplay?.status === 'running') {
        throw new AppError(
          ErrorCode.CONFLICT,
          `replay ${currentReplay.id} is still running; DELETE /replay first`,
        );
      }
      const path = resolveInside(root, request.path, 'path');
      const rulPath =
        request.rul_path === undefined ? undefined : resolveInside(root, request.rul_path, 'rul_path');
      for (const [field, file] of [
        ['path', path],
        ['rul_path', rulPath],
      ] as const) {
        if (file === undefined) continue;
        try {
          await access(file);
        } catch {
          throw new AppError(
            ErrorCode.NOT_FOUND,
            `${field} ${request[field]} does not exist under the data-set folder`,
          );
        }
      }
      replayCount += 1;
      const abort = new AbortController();
      const state: ReplayState = {
        id: `replay-${replayCount}`,
        status: 'running',
        dataset: request.dataset,
        path: request.path,
        speed: request.speed,
        timestamps: request.timestamps,
        startedAtMs: clock(),
        finishedAtMs: undefined,
        progress: undefined,
        error: undefined,
      };
      const replayLog = log.child({ replay_id: state.id });
      replayLog.info({ event: LOG_EVENTS.replayStarted, request }, 'replay started');
      const done = replay(
        {
          dataset: request.dataset,
          path,
          speed: request.speed,
          timestamps: request.timestamps,
          groundTruth: request.ground_truth,
          signal: abort.signal,
          onProgress: (p) => (state.progress = p),
          onPublished: countReadings('replay'),
          maxReadingsPerMessage: config.runner.readingsPerMessage,
          batchForm: config.runner.batchForm,
          clock,
          ...(topics.readings === undefined ? {} : { readingsTopic: topics.readings }),
          ...(topics.groundTruth === undefined ? {} : { groundTruthTopic: topics.groundTruth }),
          ...(request.cycle_sec === undefined ? {} : { cycleSec: request.cycle_sec }),
          ...(request.utc_offset === undefined ? {} : { utcOffset: request.utc_offset }),
          ...(rulPath === undefined ? {} : { rulPath }),
          ...(deps.machineTypes === undefined ? {} : { machineTypes: deps.machineTypes }),
        },
        replayBus,
      ).then(
        (summary) => {
          state.progress = summary;
          state.status = summary.isAborted ? 'aborted' : 'done';
          state.finishedAtMs = clock();
          replayLog.info(
            {
              event: LOG_EVENTS.replayFinished,
              status: state.status,
              summary: { ...summary, problems: summary.problems.slice(0, 5) },
            },
            'replay finished',
          );
        },
        (err: unknown) => {
          state.status = 'failed';
          state.error = err instanceof Error ? err.message : String(err);
          state.finishedAtMs = clock();
          replayLog.error({ err, event: LOG_EVENTS.replayFailed }, 'replay failed');
        },
      );
      currentReplay = Object.assign(state, { abort, done });
      return toReplayView(state);
    },

    replayStatus() {
      if (currentReplay === undefined)
        throw new AppError(ErrorCode.NOT_FOUND, 'no replay has run since startup');
      return toReplayView(currentReplay);
    },

    async stopReplay() {
      if (currentReplay === undefined)
        throw new AppError(ErrorCode.NOT_FOUND, 'no replay has run since startup');
      currentReplay.abort.abort();
      await currentReplay.done;
      return toReplayView(currentReplay);
    },

    currentFleet: () => runner.fleet,

    async close() {
      currentReplay?.abort.abort();
      await currentReplay?.done;
      if (runner.stats().isRunning) {
        await runner.stop();
        log.info({ event: LOG_EVENTS.fleetStopped, ...runner.stats() }, 'fleet stopped');
      }
      await deps.groundTruthFile?.close?.();
    },
  };
}
