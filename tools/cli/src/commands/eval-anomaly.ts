import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  AnomalyModelMetadataSchema,
  createAnomalyScorer,
  type AnomalyScorer,
} from '@industrialmind/anomaly-scoring';
import { createModelDirectory } from '@industrialmind/model-runtime';
import { UsageError, parseCommandArgs, positiveNumberOption, type OptionSpec } from '../args';
import { BIN, renderCommandHelp, type Command, type CommandContext } from '../command';
import { loadAnomalyModel } from '../eval/load-model';
import { evaluateScenarios } from '../eval/simulator-eval';
import { evaluateSkab } from '../eval/skab-eval';

const NAME = 'eval';
export const DEFAULT_MODEL_DIR = 'models/anomaly';

const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'data',
    type: 'string',
    valueName: 'DIR',
    description: 'folder of SKAB-format CSVs, searched recursively (required)',
  },
  {
    name: 'out',
    type: 'string',
    valueName: 'FILE',
    description: 'CSV of every scored row: file,row,datetime,score,anomaly (required)',
  },
  {
    name: 'model',
    type: 'string',
    valueName: 'PATH',
    description: "a model's metadata JSON, or a folder of models (the newest for --machine-type is used)",
    defaultText: DEFAULT_MODEL_DIR,
  },
  {
    name: 'machine-type',
    type: 'string',
    valueName: 'TYPE',
    description: 'which model of a folder to use',
    defaultText: 'skab',
  },
  {
    name: 'train-rows',
    type: 'string',
    valueName: 'N',
    description: "rows at the start of each file that are its normal training part (SKAB's protocol)",
    defaultText: '400',
  },
  {
    name: 'simulator',
    type: 'string',
    valueName: 'DIR',
    description:
      'instead of --data: a recorded simulator run (readings.jsonl + truth.jsonl); reports event recall, median detection delay and false alarms per machine-day, scoring each machine type with its model from the --model folder',
  },
  { name: 'json', type: 'boolean', description: 'print the summary as one JSON object' },
];

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

async function runEval(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const [task, ...rest] = argv;
  if (task === '--help' || task === '-h') {
    ctx.stdout(renderCommandHelp(evalAnomalyCommand, ctx));
    return 0;
  }
  if (task !== 'anomaly')
    throw new UsageError(`the task must be "anomaly", e.g. ${BIN} eval anomaly --data DIR --out FILE`, NAME);
  const { values } = parseCommandArgs(NAME, OPTIONS, rest);
  if (values.help === true) {
    ctx.stdout(renderCommandHelp(evalAnomalyCommand, ctx));
    return 0;
  }
  const dir = typeof values.data === 'string' ? values.data : '';
  const outFile = typeof values.out === 'string' ? values.out : '';
  if (typeof values.simulator === 'string') {
    if (!outFile) throw new UsageError('--out is required, e.g. --out scores.csv', NAME);
    const modelDir = typeof values.model === 'string' ? values.model : join(ctx.repoRoot, DEFAULT_MODEL_DIR);
    return runScenarios(values.simulator, modelDir, outFile, values.json === true, ctx);
  }
  if (!dir) throw new UsageError('--data is required, e.g. --data ../shared/datasets/skab/data/valve1', NAME);
  if (!outFile) throw new UsageError('--out is required, e.g. --out scores.csv', NAME);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`--data: no such folder: ${dir}`, NAME);
  const modelPath = typeof values.model === 'string' ? values.model : join(ctx.repoRoot, DEFAULT_MODEL_DIR);
  if (!existsSync(modelPath)) throw new UsageError(`--model: no such file or folder: ${modelPath}`, NAME);
  const machineType = typeof values['machine-type'] === 'string' ? values['machine-type'] : 'skab';
  const trainRows =
    positiveNumberOption(NAME, 'train-rows', values['train-rows'], { max: 10_000_000 }) ?? 400;

  const model = await loadAnomalyModel(modelPath, machineType);
  try {
    const meta = model.metadata;
    if (!meta.source_columns)
      throw new UsageError(
        `model ${meta.model_version} has no source_columns to read CSV columns with`,
        NAME,
      );
    if (meta.cold_start.readings > trainRows)
      throw new UsageError(
        `model ${meta.model_version} calibrates on ${meta.cold_start.readings} readings, more than --train-rows ${trainRows}`,
        NAME,
      );
    const columns = meta.channels.map((channel, i) => ({ channel, source: meta.source_columns![i]! }));
    if (!values.json) ctx.stderr(`model ${meta.model_version} (${meta.architecture}), data ${dir}\n`);
    const summary = await evaluateSkab({
      dir,
      outFile,
      trainRows,
      columns,
      createScorer: () => createAnomalyScorer(model),
      onFile: (r, done, total) => {
        if (!values.json) ctx.stderr(`  [${done}/${total}] ${r.file}: ${r.scored} rows scored\n`);
      },
    });
    if (summary.files.length === 0) {
      ctx.stderr(`${BIN} ${NAME}: no labelled SKAB-format CSV under ${dir}\n`);
      return 1;
    }
    if (values.json) {
      ctx.stdout(
        `${JSON.stringify({ model_version: meta.model_version, files: summary.files.length, skipped: summary.skipped, tp: summary.tp, fp: summary.fp, fn: summary.fn, tn: summary.tn, f1: summary.f1, far: summary.far, mar: summary.mar, out: outFile })}\n`,
      );
    } else {
      const lines = [
        `files  ${summary.files.length} scored, ${summary.skipped.length} skipped`,
        ...summary.skipped.map((s) => `  skipped ${s.file}: ${s.reason}`),
        `TP ${summary.tp}  FP ${summary.fp}  FN ${summary.fn}  TN ${summary.tn}`,
        `F1   ${summary.f1.toFixed(4)}`,
        `FAR  ${pct(summary.far)}`,
        `MAR  ${pct(summary.mar)}`,
        `scores written to ${outFile}`,
      ];
      ctx.stdout(`${lines.join('\n')}\n`);
    }
    return 0;
  } finally {
    await model.onnx.close();
  }
}

async function runScenarios(
  dir: string,
  modelDir: string,
  outFile: string,
  isJson: boolean,
  ctx: CommandContext,
): Promise<number> {
  if (!existsSync(join(dir, 'readings.jsonl')) || !existsSync(join(dir, 'truth.jsonl')))
    throw new UsageError(`--simulator: ${dir} must hold readings.jsonl and truth.jsonl`, NAME);
  if (!existsSync(modelDir) || !statSync(modelDir).isDirectory())
    throw new UsageError(`--model must be a folder of models with --simulator: ${modelDir}`, NAME);
  const directory = createModelDirectory({
    dir: modelDir,
    task: 'anomaly',
    schema: AnomalyModelMetadataSchema,
    pollMs: 0,
    keyOf: (m) => m.machine_type,
  });
  await directory.refresh();
  try {
    const scorers = new Map<string, AnomalyScorer>();
    const summary = await evaluateScenarios({
      dir,
      outFile,
      scorerFor: (machineType) => {
        const model = directory.get(machineType);
        if (!model) return undefined;
        let scorer = scorers.get(machineType);
        if (!scorer) scorers.set(machineType, (scorer = createAnomalyScorer(model)));
        return scorer;
      },
    });
    const models = [...directory.all().values()].map((m) => m.metadata.model_version);
    if (isJson) ctx.stdout(`${JSON.stringify({ models, ...summary })}\n`);
    else
      ctx.stdout(
        [
          `models ${models.join(', ')}`,
          `machines ${summary.machines} scored (${summary.unscoredMachines.length} without a model), ${summary.machineDays.toFixed(2)} machine-days`,
          `fault episodes ${summary.faultEpisodes}, detected ${summary.detectedEpisodes}: event recall ${pct(summary.eventRecall)}`,
          `median detection delay ${summary.medianDelaySec === null ? 'n/a' : `${summary.medianDelaySec.toFixed(0)} s`}`,
          `false alarms ${summary.falseAlarms}: ${summary.falseAlarmsPerMachineDay.toFixed(2)} per machine-day`,
          `point-wise F1 ${summary.f1.toFixed(4)}  FAR ${pct(summary.far)}  MAR ${pct(summary.mar)}`,
          `scores written to ${outFile}`,
        ].join('\n') + '\n',
      );
    return summary.machines === 0 ? 1 : 0;
  } finally {
    await directory.close();
  }
}

/** `eval anomaly`: registered through the `eval` dispatcher (commands/eval.ts), which renders this help. */
export const evalAnomalyCommand: Command = {
  name: NAME,
  summary: 'evaluate a model on labelled data: anomaly on SKAB-format CSVs, F1, FAR, MAR',
  synopsis: 'eval anomaly --data DIR --out FILE [options]',
  description:
    'Runs every SKAB-format CSV under --data (recursively; files without an `anomaly` column are skipped) through the ' +
    "same scoring code as anomaly-api, following SKAB's protocol: each file is a new machine whose first --train-rows " +
    'rows are normal operation (its cold start sets normalisation and threshold), and every later row is scored. ' +
    'Labels are read only to count TP/FP/FN/TN, summed over files; prints F1, FAR and MAR and writes every scored ' +
    'row to --out.',
  options: OPTIONS,
  examples: [
    `${BIN} eval anomaly --data ../shared/datasets/skab/data/valve1 --out valve1-scores.csv`,
    `${BIN} eval anomaly --data DIR --out s.csv --model models/anomaly/skab.json --json`,
    `${BIN} eval anomaly --simulator /tmp/scenarios/eval --out sim-scores.csv`,
  ],
  run: runEval,
};
