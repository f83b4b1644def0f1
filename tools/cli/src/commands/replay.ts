import { statSync } from 'node:fs';
import { TOPICS } from '@industrialmind/contracts';
import { ErrorCode, describeError, isAppError } from '@industrialmind/errors';
import type { EventBus } from '@industrialmind/event-bus';
import type { Logger } from '@industrialmind/logger';
import { GROUND_TRUTH_TOPIC, parseUtcOffset } from '@industrialmind/simulation';
import {
  replay,
  type ReplayDataset,
  type ReplayProgress,
  type ReplaySummary,
} from '@industrialmind/simulation/runtime';
import { UsageError, choiceOption, parseCommandArgs, positiveNumberOption, type OptionSpec } from '../args';
import { BIN, renderCommandHelp, type Command, type CommandContext } from '../command';
import { truncate } from '../demo/report';
import {
  BUS_PROFILE_OPTION,
  PROFILES,
  createCommandLogger,
  createProfileBus,
  withStopSignal,
  type Profile,
} from './shared';

const NAME = 'replay';
const DATASETS = ['skab', 'cmapss'] as const;

const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'dataset',
    type: 'string',
    valueName: 'skab|cmapss',
    description: 'the data set format (required)',
  },
  {
    name: 'path',
    type: 'string',
    valueName: 'P',
    description:
      'a file, or a folder searched recursively (SKAB: *.csv; C-MAPSS: train_FD00x.txt, test_FD00x.txt) (required)',
  },
  {
    name: 'speed',
    type: 'string',
    valueName: 'N|max',
    description: '1 = as recorded, 10 = ten times faster, max = as fast as the bus takes it',
    defaultText: '1',
  },
  {
    name: 'timestamps',
    type: 'string',
    valueName: 'keep|now',
    description:
      "keep the data's own times (C-MAPSS: cycle 1 at 2000-01-01), or move each machine's data to start now",
    defaultText: 'keep',
  },
  {
    name: 'cycle-sec',
    type: 'string',
    valueName: 'SEC',
    description: 'C-MAPSS: seconds per engine cycle',
    defaultText: '1',
  },
  {
    name: 'rul',
    type: 'string',
    valueName: 'FILE',
    description: 'C-MAPSS test files: their RUL_FD00x.txt, to label the ground truth',
  },
  {
    name: 'utc-offset',
    type: 'string',
    valueName: '±HH:MM',
    description: 'SKAB: the UTC offset of the file times',
    defaultText: 'Z',
  },
  {
    name: 'ground-truth',
    type: 'string',
    valueName: 'on|off',
    description: 'also publish the labels (SKAB anomalies, C-MAPSS RUL) to simulator-ground-truth',
    defaultText: 'on',
  },
  BUS_PROFILE_OPTION,
  {
    name: 'json',
    type: 'boolean',
    description: 'print one JSON object per line (start, progress, summary) instead of text',
  },
];

export interface ReplayCommandOptions {
  dataset: ReplayDataset;
  path: string;
  speed: number | 'max';
  timestamps: 'keep' | 'now';
  cycleSec: number | undefined;
  rulPath: string | undefined;
  utcOffset: string | undefined;
  isGroundTruth: boolean;
  profile: Profile;
  json: boolean;
}

function requireString(value: unknown, name: string, example: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`--${name} is required, e.g. --${name} ${example}`, NAME);
  }
  return value;
}

function checkPath(path: string, name: string): void {
  try {
    statSync(path);
  } catch {
    throw new UsageError(`--${name}: no such file or folder: ${path}`, NAME);
  }
}

/** Turns the command line into replay options; throws UsageError for anything wrong. */
export function parseReplayOptions(argv: readonly string[]): ReplayCommandOptions | 'help' {
  const { values } = parseCommandArgs(NAME, OPTIONS, argv);
  if (values.help === true) return 'help';
  const dataset = choiceOption(NAME, 'dataset', requireString(values.dataset, 'dataset', 'skab'), DATASETS)!;
  const path = requireString(values.path, 'path', '../shared/datasets/skab');
  checkPath(path, 'path');
  const speedText = values.speed;
  const speed =
    speedText === 'max' ? 'max' : (positiveNumberOption(NAME, 'speed', speedText, { max: 1_000_000 }) ?? 1);
  const rulPath = typeof values.rul === 'string' ? values.rul : undefined;
  if (rulPath !== undefined) checkPath(rulPath, 'rul');
  const utcOffset = typeof values['utc-offset'] === 'string' ? values['utc-offset'] : undefined;
  if (utcOffset !== undefined) {
    try {
      parseUtcOffset(utcOffset);
    } catch {
      throw new UsageError(`--utc-offset must look like +03:00, -05:30 or Z, got "${utcOffset}"`, NAME);
    }
  }
  return {
    dataset,
    path,
    speed,
    timestamps: choiceOption(NAME, 'timestamps', values.timestamps, ['keep', 'now'] as const) ?? 'keep',
    cycleSec: positiveNumberOption(NAME, 'cycle-sec', values['cycle-sec'], { max: 86_400 }),
    rulPath,
    utcOffset,
    isGroundTruth:
      (choiceOption(NAME, 'ground-truth', values['ground-truth'], ['on', 'off']) ?? 'on') === 'on',
    profile: choiceOption(NAME, 'profile', values.profile, PROFILES) ?? 'lite',
    json: values.json === true,
  };
}

export interface ReplayDeps {
  /** Not connected yet; closed at the end. */
  bus: EventBus;
  logger: Logger;
  write(text: string): void;
  /** Aborted on Ctrl-C / SIGTERM: stops the replay after the batch in flight. */
  stopSignal: AbortSignal;
  /** Default 1000. */
  progressEveryMs?: number;
  /** Default `sensor-readings` (tests on a shared broker pass unique names). */
  readingsTopic?: string;
  /** Default `simulator-ground-truth`. */
  groundTruthTopic?: string;
}

function progressText(p: ReplayProgress): string {
  const file = p.currentFile === undefined ? '' : `  ${truncate(p.currentFile, 60)}`;
  return (
    `${(p.elapsedMs / 1000).toFixed(1).padStart(7)}s  ${String(Math.round(p.fraction * 100)).padStart(3)} %  ` +
    `files ${p.filesDone}/${p.filesTotal}  machines ${p.machines}  readings ${p.readingsPublished}  ` +
    `skipped ${p.linesSkipped}${file}\n`
  );
}

function progressJson(type: 'progress' | 'summary', p: ReplayProgress): Record<string, unknown> {
  return {
    type,
    elapsed_s: Math.round(p.elapsedMs / 100) / 10,
    fraction: Math.round(p.fraction * 1000) / 1000,
    files_done: p.filesDone,
    files_total: p.filesTotal,
    machines: p.machines,
    readings_published: p.readingsPublished,
    lines_skipped: p.linesSkipped,
  };
}

/**
 * Replays a data set onto the event bus (sensor-readings, and the labels to simulator-ground-truth), printing
 * progress every second and a summary. Resolves with the summary; throws UsageError when the path holds no files of
 * the data set, and the bus's error when it cannot be reached.
 */
export async function runReplay(options: ReplayCommandOptions, deps: ReplayDeps): Promise<ReplaySummary> {
  const { bus, write } = deps;
  const readingsTopic = deps.readingsTopic ?? TOPICS.SENSOR_READINGS;
  const groundTruthTopic = deps.groundTruthTopic ?? GROUND_TRUTH_TOPIC;
  const line = (value: object) => write(`${JSON.stringify(value)}\n`);
  try {
    await bus.connect();
    await bus.ensureTopics([
      { topic: readingsTopic, partitions: 12 },
      ...(options.isGroundTruth ? [{ topic: groundTruthTopic, partitions: 12 }] : []),
    ]);
    if (options.json) {
      line({
        type: 'start',
        dataset: options.dataset,
        path: options.path,
        speed: options.speed,
        timestamps: options.timestamps,
        profile: options.profile,
        topic: readingsTopic,
      });
    } else {
      write(
        `replay: ${options.dataset} from ${options.path} at speed ${options.speed}, timestamps ${options.timestamps}, ` +
          `to ${readingsTopic}${options.isGroundTruth ? ` and ${groundTruthTopic}` : ''} ` +
          `(${options.profile === 'lite' ? 'in-memory bus' : 'Kafka'}; Ctrl-C stops)\n`,
      );
    }
    let summary: ReplaySummary;
    try {
      summary = await replay(
        {
          dataset: options.dataset,
          path: options.path,
          speed: options.speed,
          timestamps: options.timestamps,
          ...(options.cycleSec === undefined ? {} : { cycleSec: options.cycleSec }),
          ...(options.rulPath === undefined ? {} : { rulPath: options.rulPath }),
          ...(options.utcOffset === undefined ? {} : { utcOffset: options.utcOffset }),
          groundTruth: options.isGroundTruth,
          readingsTopic,
          groundTruthTopic,
          signal: deps.stopSignal,
          progressEveryMs: deps.progressEveryMs ?? 1000,
          onProgress: (p) => {
            if (p.isDone) return;
            if (options.json) line(progressJson('progress', p));
            else write(progressText(p));
          },
        },
        bus,
      );
    } catch (err) {
      if (isAppError(err) && err.code === ErrorCode.NOT_FOUND) throw new UsageError(err.message, NAME);
      throw err;
    }
    if (options.json) {
      line({
        ...progressJson('summary', summary),
        aborted: summary.isAborted,
        problems: summary.problems,
      });
    } else {
      const lines = [
        `summary after ${(summary.elapsedMs / 1000).toFixed(1)} s${summary.isAborted ? ' (stopped early)' : ''}:`,
        `  files          ${summary.filesDone} of ${summary.filesTotal}`,
        `  machines       ${summary.machines}`,
        `  readings       ${summary.readingsPublished} published to ${readingsTopic}`,
        `  lines skipped  ${summary.linesSkipped}`,
        ...summary.problems.slice(0, 5).map((p) => `    ${p.file}:${p.line}: ${truncate(p.reason, 100)}`),
      ];
      write(`${lines.join('\n')}\n`);
    }
    return summary;
  } finally {
    await bus.close();
  }
}

async function run(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const options = parseReplayOptions(argv);
  if (options === 'help') {
    ctx.stdout(renderCommandHelp(replayCommand, ctx));
    return 0;
  }
  const config = ctx.loadConfig();
  const logger = createCommandLogger(ctx, NAME, options.profile, config.logLevel);
  const { bus, where } = createProfileBus(ctx, NAME, options.profile, logger);
  return withStopSignal(ctx, NAME, async (stopSignal) => {
    try {
      await runReplay(options, { bus, logger, write: (text) => ctx.stdout(text), stopSignal });
      return 0;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      ctx.stderr(`${BIN} ${NAME}: failed: ${describeError(err)}${where}\n`);
      return 1;
    }
  });
}

export const replayCommand: Command = {
  name: NAME,
  summary: 'send the SKAB or C-MAPSS data set through the event bus, like live readings',
  synopsis: `${NAME} --dataset skab|cmapss --path P [options]`,
  description: [
    'Streams a reference data set through the same path as live data: each row becomes a sensor-readings',
    'message keyed by machine_id and validated by the contract, and its labels (SKAB anomaly/changepoint,',
    'C-MAPSS RUL) a simulator-ground-truth record. Files are replayed one after another in natural order; within',
    'a machine the pacing follows the data divided by --speed. Bad lines are skipped and counted. Progress every',
    'second, then a summary. --profile full sends to Kafka at KAFKA_BROKERS (the useful case: the services',
    'consume it); lite uses an in-memory bus in this process, a dry run that parses and validates every row.',
  ].join('\n'),
  options: OPTIONS,
  examples: [
    `${BIN} replay --dataset skab --path ../shared/datasets/skab --speed max`,
    `KAFKA_BROKERS=127.0.0.1:9092 ${BIN} replay --profile full --dataset cmapss --path ../shared/datasets/cmapss/train_FD001.txt --speed 100 --timestamps now`,
    `${BIN} replay --dataset cmapss --path test_FD001.txt --rul RUL_FD001.txt --speed max --json | tail -1`,
  ],
  run,
};
